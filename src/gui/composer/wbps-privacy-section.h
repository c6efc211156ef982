/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_PRIVACY_SECTION (wbps_privacy_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsPrivacySection, wbps_privacy_section, WBPS, PRIVACY_SECTION, AdwBin)

/*
 * "Who can view this video": one toggle per option in a linked row (a
 * segmented drop-down), built only from the creator's privacy_level_options,
 * with nothing chosen until the user picks (TikTok's guideline 3). Not a
 * GtkDropDown: GTK 4.8's selects its first item by itself, and its popup
 * cannot be driven through AT-SPI. Property "privacy-level": the chosen
 * option's code, or NULL.
 */
const char *wbps_privacy_section_get_privacy_level (WbpsPrivacySection *self);
/* FALSE while branded content is disclosed: "Only me" is then greyed out (guideline 6). */
void        wbps_privacy_section_set_private_allowed (WbpsPrivacySection *self,
                                                      gboolean            allowed);
/* The text a person reads for a privacy code ("Everyone", "Only me", ...). */
const char *wbps_privacy_level_describe (const char *code);

G_END_DECLS
