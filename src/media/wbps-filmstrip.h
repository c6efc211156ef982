/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-video-frame.h"

G_BEGIN_DECLS

/*
 * WbpsFilmstrip: N exact thumbnails spread over a video's whole duration,
 * thumbnail i at i × duration / N (the start of the i-th equal slice), each
 * scaled to "height" pixels high.
 *
 * generate_async decodes them in worker threads (two pipelines of
 * WbpsFrameGrabber on a machine with two cores or more, taking the indices in
 * turn; the second starts once the first thumbnail is out) and emits "thumbnail" (guint index, WbpsVideoFrame *frame) on the
 * caller's thread-default main context as soon as each one is ready, so they
 * arrive in order of readiness, not necessarily of index. The task completes
 * after the last one (or the first error); cancelling stops every worker at
 * once and completes with G_IO_ERROR_CANCELLED, after which no more
 * "thumbnail" signals are emitted.
 *
 * Properties: "file" (GFile), "n-thumbnails" (guint, ≥ 1), "height" (guint,
 * ≥ 1), all construct-only; "duration-ms" (gint64, -1 until known, notifies).
 */
#define WBPS_TYPE_FILMSTRIP (wbps_filmstrip_get_type ())
G_DECLARE_FINAL_TYPE (WbpsFilmstrip, wbps_filmstrip, WBPS, FILMSTRIP, GObject)

WbpsFilmstrip *wbps_filmstrip_new              (GFile               *file,
                                                guint                n_thumbnails,
                                                guint                height);

void           wbps_filmstrip_generate_async   (WbpsFilmstrip       *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       wbps_filmstrip_generate_finish  (WbpsFilmstrip       *self,
                                                GAsyncResult        *result,
                                                GError             **error);

guint          wbps_filmstrip_get_n_thumbnails (WbpsFilmstrip *self);
guint          wbps_filmstrip_get_height       (WbpsFilmstrip *self);
gint64         wbps_filmstrip_get_duration_ms  (WbpsFilmstrip *self);
/* The time thumbnail @index shows (valid once the duration is known). */
gint64         wbps_filmstrip_get_timestamp_ms (WbpsFilmstrip *self,
                                                guint          index);

G_END_DECLS
