/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * WbpsVideoFrame: one decoded picture, 8-bit RGBA (R, G, B, A bytes in that
 * order, alpha 255), rows @stride bytes apart. Immutable and reference
 * counted, so it can cross threads. The GUI wraps it without copying:
 * gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, pixels, stride).
 */
typedef struct _WbpsVideoFrame WbpsVideoFrame;

#define WBPS_TYPE_VIDEO_FRAME (wbps_video_frame_get_type ())
GType            wbps_video_frame_get_type      (void) G_GNUC_CONST;

WbpsVideoFrame  *wbps_video_frame_new           (GBytes         *pixels,
                                                 guint           width,
                                                 guint           height,
                                                 guint           stride,
                                                 gint64          timestamp_ms,
                                                 gint64          pts_ns);
WbpsVideoFrame  *wbps_video_frame_ref           (WbpsVideoFrame *self);
void             wbps_video_frame_unref         (WbpsVideoFrame *self);

GBytes          *wbps_video_frame_get_pixels    (WbpsVideoFrame *self);
guint            wbps_video_frame_get_width     (WbpsVideoFrame *self);
guint            wbps_video_frame_get_height    (WbpsVideoFrame *self);
guint            wbps_video_frame_get_stride    (WbpsVideoFrame *self);
/* The time that was asked for. */
gint64           wbps_video_frame_get_timestamp_ms (WbpsVideoFrame *self);
/* The decoder's presentation time of the picture (may differ by the reorder delay). */
gint64           wbps_video_frame_get_pts_ns    (WbpsVideoFrame *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsVideoFrame, wbps_video_frame_unref)

G_END_DECLS
