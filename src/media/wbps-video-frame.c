/* SPDX-License-Identifier: GPL-3.0-or-later */
/* WbpsVideoFrame: an immutable RGBA picture with the time it was taken at. */

#include "wbps-video-frame.h"

struct _WbpsVideoFrame
{
  gatomicrefcount ref_count;
  GBytes *pixels;
  guint   width;
  guint   height;
  guint   stride;
  gint64  timestamp_ms;
  gint64  pts_ns;
};

G_DEFINE_BOXED_TYPE (WbpsVideoFrame, wbps_video_frame, wbps_video_frame_ref, wbps_video_frame_unref)

WbpsVideoFrame *
wbps_video_frame_new (GBytes *pixels,
                      guint   width,
                      guint   height,
                      guint   stride,
                      gint64  timestamp_ms,
                      gint64  pts_ns)
{
  WbpsVideoFrame *self;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (stride >= width * 4, NULL);
  g_return_val_if_fail (g_bytes_get_size (pixels) >= (gsize) stride * height, NULL);

  self = g_new0 (WbpsVideoFrame, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->pixels = g_bytes_ref (pixels);
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->timestamp_ms = timestamp_ms;
  self->pts_ns = pts_ns;

  return self;
}

WbpsVideoFrame *
wbps_video_frame_ref (WbpsVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
wbps_video_frame_unref (WbpsVideoFrame *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_bytes_unref (self->pixels);
      g_free (self);
    }
}

GBytes *
wbps_video_frame_get_pixels (WbpsVideoFrame *self)
{
  return self->pixels;
}

guint
wbps_video_frame_get_width (WbpsVideoFrame *self)
{
  return self->width;
}

guint
wbps_video_frame_get_height (WbpsVideoFrame *self)
{
  return self->height;
}

guint
wbps_video_frame_get_stride (WbpsVideoFrame *self)
{
  return self->stride;
}

gint64
wbps_video_frame_get_timestamp_ms (WbpsVideoFrame *self)
{
  return self->timestamp_ms;
}

gint64
wbps_video_frame_get_pts_ns (WbpsVideoFrame *self)
{
  return self->pts_ns;
}
