/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_TITLE_SECTION (wbps_title_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsTitleSection, wbps_title_section, WBPS, TITLE_SECTION, AdwBin)

/* The caption: multi-line, with a live count of TikTok's 2,200 UTF-16 units. Property "title". */
const char *wbps_title_section_get_title (WbpsTitleSection *self);

G_END_DECLS
