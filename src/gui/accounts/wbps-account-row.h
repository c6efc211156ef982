/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "wbps-account.h"

G_BEGIN_DECLS

#define WBPS_TYPE_ACCOUNT_ROW (wbps_account_row_get_type ())
G_DECLARE_FINAL_TYPE (WbpsAccountRow, wbps_account_row, WBPS, ACCOUNT_ROW, GtkListBoxRow)

/*
 * One signed-in account in the account menu: avatar, name, a check mark when
 * it is the current one, "Sign in again" when TikTok turned its sign-in down.
 * Follows the account's properties for as long as it lives.
 */
GtkWidget   *wbps_account_row_new          (WbpsAccount    *account);
WbpsAccount *wbps_account_row_get_account  (WbpsAccountRow *self);
void         wbps_account_row_set_current  (WbpsAccountRow *self,
                                            gboolean        current);

G_END_DECLS
