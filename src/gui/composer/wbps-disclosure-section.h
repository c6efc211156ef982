/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_DISCLOSURE_SECTION (wbps_disclosure_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsDisclosureSection, wbps_disclosure_section, WBPS, DISCLOSURE_SECTION, AdwBin)

/*
 * Disclose commercial content (off by default; when on, the Your brand and
 * Branded content check boxes with TikTok's label texts, guideline 5) and the
 * AI-generated content label. Properties "disclose", "brand-organic",
 * "branded-content", "aigc".
 */
gboolean wbps_disclosure_section_get_disclose        (WbpsDisclosureSection *self);
gboolean wbps_disclosure_section_get_brand_organic   (WbpsDisclosureSection *self);
gboolean wbps_disclosure_section_get_branded_content (WbpsDisclosureSection *self);
/* (transfer none) (nullable): the requirement the section shows itself (disclosure on, nothing ticked). */
const char *wbps_disclosure_section_get_warning      (WbpsDisclosureSection *self);
/* Greys out (and unticks) Branded content with the posting rules' @reason; NULL offers it again. */
void     wbps_disclosure_section_set_branded_blocked (WbpsDisclosureSection *self,
                                                      const char            *reason);

G_END_DECLS
