/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-post-rules.h"

G_BEGIN_DECLS

#define WBPS_TYPE_INTERACTIONS_SECTION (wbps_interactions_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsInteractionsSection, wbps_interactions_section, WBPS, INTERACTIONS_SECTION, AdwBin)

/*
 * Allow Comment / Duet / Stitch: off by default; greyed out with the reason
 * when the posting rules say the creator turned one off (guideline 4).
 * Properties "allow-comment", "allow-duet", "allow-stitch".
 */
/* @reason (nullable): why @control (an ALLOW_ one) must stay off; NULL offers it. */
void wbps_interactions_section_set_blocked (WbpsInteractionsSection *self,
                                            WbpsPostControl          control,
                                            const char              *reason);

G_END_DECLS
