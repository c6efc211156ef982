/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-video-frame.h"

G_BEGIN_DECLS

#define WBPS_FRAME_GRABBER_ERROR (wbps_frame_grabber_error_quark ())
typedef enum {
  WBPS_FRAME_GRABBER_ERROR_UNREADABLE,   /* missing file, not a video, corrupt data */
  WBPS_FRAME_GRABBER_ERROR_NO_VIDEO,     /* a media file without a video stream */
  WBPS_FRAME_GRABBER_ERROR_TIMEOUT,      /* the decoder produced nothing in time */
} WbpsFrameGrabberError;
GQuark wbps_frame_grabber_error_quark (void);

/*
 * WbpsFrameGrabber: exact frames of one video file. A GStreamer pipeline of
 * its own (uridecodebin ! videoscale ! videoconvert ! appsink, audio never
 * decoded) is kept PAUSED; each grab is an accurate flushing seek and the
 * prerolled picture, so the frame returned is the one shown at that time
 * (the frame whose display interval contains it), as any other decoder gives.
 *
 * Property "file" (GFile, construct-only). Property "height" (guint,
 * construct-only): pictures are scaled to this height keeping the display
 * aspect ratio (square pixels); 0 keeps the video's own size.
 *
 * Grabs run in a worker thread, one at a time per grabber, in the order
 * asked. The first grab opens the file; afterwards the duration and frame rate
 * are known. Cancelling a grab returns G_IO_ERROR_CANCELLED promptly (the
 * pipeline is woken, not waited for).
 */
#define WBPS_TYPE_FRAME_GRABBER (wbps_frame_grabber_get_type ())
G_DECLARE_FINAL_TYPE (WbpsFrameGrabber, wbps_frame_grabber, WBPS, FRAME_GRABBER, GObject)

WbpsFrameGrabber *wbps_frame_grabber_new          (GFile            *file,
                                                   guint             height);

void              wbps_frame_grabber_grab_async   (WbpsFrameGrabber    *self,
                                                   gint64               timestamp_ms,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
WbpsVideoFrame   *wbps_frame_grabber_grab_finish  (WbpsFrameGrabber    *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* The same, blocking: for worker threads (the filmstrip, tests). */
WbpsVideoFrame   *wbps_frame_grabber_grab         (WbpsFrameGrabber    *self,
                                                   gint64               timestamp_ms,
                                                   GCancellable        *cancellable,
                                                   GError             **error);

/* Opens the file (if no grab did yet) and reads duration and frame rate. */
void              wbps_frame_grabber_open_async   (WbpsFrameGrabber    *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean          wbps_frame_grabber_open_finish  (WbpsFrameGrabber    *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
gboolean          wbps_frame_grabber_open         (WbpsFrameGrabber    *self,
                                                   GCancellable        *cancellable,
                                                   GError             **error);

GFile            *wbps_frame_grabber_get_file        (WbpsFrameGrabber *self);
guint             wbps_frame_grabber_get_height      (WbpsFrameGrabber *self);
/* The pictures' length (a longer sound track does not count); valid once opened, -1 before. */
gint64            wbps_frame_grabber_get_duration_ms (WbpsFrameGrabber *self);
/* The stream's frame rate; a variable-rate stream reports its first frame's duration. */
void              wbps_frame_grabber_get_frame_rate  (WbpsFrameGrabber *self,
                                                      int              *numerator,
                                                      int              *denominator);

/*
 * Frame stepping in milliseconds at @numerator/@denominator frames per second:
 * the index of the frame shown at @timestamp_ms, and a millisecond time that
 * lies inside frame @index (its start, rounded up to the next whole ms).
 */
gint64            wbps_frame_index_at_ms  (gint64 timestamp_ms,
                                           int    numerator,
                                           int    denominator);
gint64            wbps_frame_index_to_ms  (gint64 index,
                                           int    numerator,
                                           int    denominator);

G_END_DECLS
