/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_ACCOUNT_SECTION (wbps_account_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsAccountSection, wbps_account_section, WBPS, ACCOUNT_SECTION, AdwBin)

/* "Posting as NICKNAME" with the creator's avatar, from creator_info (guideline 1). */
GtkWidget *wbps_account_section_get_avatar (WbpsAccountSection *self);
/* Without creator_info (an account that may only send drafts): the signed-in name. */
void       wbps_account_section_show_name  (WbpsAccountSection *self,
                                            const char         *name);

G_END_DECLS
