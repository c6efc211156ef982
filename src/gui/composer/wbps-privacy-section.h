/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_PRIVACY_SECTION (wbps_privacy_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsPrivacySection, wbps_privacy_section, WBPS, PRIVACY_SECTION, AdwBin)

/*
 * "Who can view this video": one toggle per visibility wbps-post-rules offers
 * for the creator, in a linked row (a segmented drop-down), with nothing
 * chosen until the user picks (TikTok's guideline 3); a choice the rules
 * refuse is greyed out with the reason. Not a GtkDropDown: GTK 4.8's takes a
 * choice only from its popup's row activation, which AT-SPI cannot trigger
 * (its Selection changes the popup's list only), and from no selection it
 * cannot pick its first item. Property "privacy-level": the chosen option's
 * code, or NULL.
 */
const char         *wbps_privacy_section_get_privacy_level (WbpsPrivacySection *self);
/* (transfer none): the codes offered, in order. */
const char * const *wbps_privacy_section_get_choices       (WbpsPrivacySection *self);
/* Greys out @code with @reason (nullable: offered again), as the posting rules say. */
void                wbps_privacy_section_set_blocked       (WbpsPrivacySection *self,
                                                            const char         *code,
                                                            const char         *reason);
/* The text a person reads for a privacy code ("Everyone", "Only me", ...). */
const char         *wbps_privacy_level_describe            (const char         *code);

G_END_DECLS
