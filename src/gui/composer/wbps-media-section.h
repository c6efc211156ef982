/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-preflight.h"

G_BEGIN_DECLS

#define WBPS_TYPE_MEDIA_SECTION (wbps_media_section_get_type ())
G_DECLARE_FINAL_TYPE (WbpsMediaSection, wbps_media_section, WBPS, MEDIA_SECTION, AdwBin)

/*
 * The chosen video: the preview, the cover frame picker, what the pre-flight
 * found (duration, resolution, frame rate, codec, size) and every problem as a
 * plain sentence. Property "cover-ms" follows the cover picker.
 */
void        wbps_media_section_set_video     (WbpsMediaSection    *self,
                                              GFile               *file,
                                              const WbpsMediaInfo *info);
/* Every problem with the file for this creator, one sentence each; empty when none. */
void        wbps_media_section_set_problems  (WbpsMediaSection    *self,
                                              const char * const  *problems);
gint64      wbps_media_section_get_cover_ms  (WbpsMediaSection    *self);
/* The chosen cover frame, for the uploads list (nullable). */
GdkTexture *wbps_media_section_get_cover_texture (WbpsMediaSection *self);
/* Stops playback (when a post starts or the page is left). */
void        wbps_media_section_pause         (WbpsMediaSection    *self);

/* "0:03", "1:02:03": a duration as a person reads it. */
char       *wbps_format_duration             (guint64              milliseconds);

G_END_DECLS
