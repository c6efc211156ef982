/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_DISCLOSURE_SECTION (wbps_disclosure_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsDisclosureSection, wbps_disclosure_section, WBPS, DISCLOSURE_SECTION, AdwBin)

/*
 * Disclose commercial content (off by default; when on, Your brand and/or
 * Branded content with TikTok's label texts, guideline 5; switches rather
 * than check buttons, which GTK 4.8 gives no accessible action) and the
 * AI-generated content label. Properties "disclose", "brand-organic",
 * "branded-content", "aigc".
 */
gboolean wbps_disclosure_section_get_disclose        (WbpsDisclosureSection *self);
gboolean wbps_disclosure_section_get_brand_organic   (WbpsDisclosureSection *self);
gboolean wbps_disclosure_section_get_branded_content (WbpsDisclosureSection *self);
/* FALSE while "Only me" is chosen: Branded content cannot be private (guideline 6). */
void     wbps_disclosure_section_set_branded_allowed (WbpsDisclosureSection *self,
                                                      gboolean               allowed);

G_END_DECLS
