/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * WbpsCoverPicker: choose the exact frame TikTok shows as the video's cover.
 *
 * A filmstrip of thumbnails across the whole duration (made off the main
 * thread, each appearing as soon as it is decoded), a slider with the
 * accessible name "Cover frame" for an exact position, and a large picture
 * of the frame at that position (an exact, accurately seeked frame; refreshed
 * shortly after the slider stops moving). The arrow keys step exactly one
 * frame at the video's frame rate, Page Up/Down one second, Home/End to the
 * ends. The slider's value always equals cover-timestamp-ms (it snaps to the
 * first whole millisecond of a frame), so what a screen reader reads is what
 * is sent.
 *
 * Property "cover-timestamp-ms" (gint64, read-write, notifies): the chosen
 * frame's time in milliseconds, what `video_cover_timestamp_ms` sends; -1
 * while there is no video, 0 (the first frame) right after a video is set. It
 * always lies inside the frame it names. Bind it to the post options, e.g.
 * g_object_bind_property (picker, "cover-timestamp-ms", options,
 * "cover-timestamp-ms", G_BINDING_SYNC_CREATE).
 *
 * Property "file" (GFile, read-write, nullable): the video. Setting it resets
 * the cover to 0 ms and starts a new filmstrip; NULL empties the picker.
 */
#define WBPS_TYPE_COVER_PICKER (wbps_cover_picker_get_type ())
G_DECLARE_FINAL_TYPE (WbpsCoverPicker, wbps_cover_picker, WBPS, COVER_PICKER, GtkWidget)

GtkWidget *wbps_cover_picker_new                  (void);
void       wbps_cover_picker_set_file             (WbpsCoverPicker *self,
                                                   GFile           *file);
GFile     *wbps_cover_picker_get_file             (WbpsCoverPicker *self);
gint64     wbps_cover_picker_get_cover_timestamp_ms (WbpsCoverPicker *self);
void       wbps_cover_picker_set_cover_timestamp_ms (WbpsCoverPicker *self,
                                                     gint64           timestamp_ms);

/*
 * The picture of the chosen frame, or NULL before it is decoded (for a
 * thumbnail in the uploads list). Owned by the picker; changes with the cover
 * (watch "notify::cover-texture").
 */
GdkTexture *wbps_cover_picker_get_cover_texture   (WbpsCoverPicker *self);

G_END_DECLS
