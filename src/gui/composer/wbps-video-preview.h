/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * WbpsVideoPreview: plays the chosen video in the window (a GtkMediaFile,
 * GStreamer backend) with play/pause, a seek bar and sound on demand (muted
 * until the user turns the sound on). The picture scales down to the space it
 * is given and never makes the window grow to the video's size.
 *
 * Property "file" (GFile, read-write, nullable): the video; setting it stops
 * the previous one, NULL empties the preview. Nothing is uploaded: the file
 * is only read locally.
 */
#define WBPS_TYPE_VIDEO_PREVIEW (wbps_video_preview_get_type ())
G_DECLARE_FINAL_TYPE (WbpsVideoPreview, wbps_video_preview, WBPS, VIDEO_PREVIEW, GtkWidget)

GtkWidget *wbps_video_preview_new      (void);
void       wbps_video_preview_set_file (WbpsVideoPreview *self,
                                        GFile            *file);
GFile     *wbps_video_preview_get_file (WbpsVideoPreview *self);

/* Pauses playback (e.g. when a post starts; hiding the widget pauses it too). */
void       wbps_video_preview_pause    (WbpsVideoPreview *self);
/* The GtkMediaFile playing, or NULL without a file. */
GtkMediaStream *wbps_video_preview_get_stream (WbpsVideoPreview *self);

G_END_DECLS
