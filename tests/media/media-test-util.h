/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs a gst-launch style pipeline to its end; a failure ends the test. */
void     media_test_run_pipeline (const char *description);

/*
 * @dir/@name, made once: a scrolling SMPTE picture with a running clock, so
 * every frame differs from its neighbours, H.264 with B-frames (veryfast) and
 * a keyframe every second, AAC sound, in MP4.
 */
char    *media_test_make_video   (const char *dir,
                                  const char *name,
                                  guint       width,
                                  guint       height,
                                  guint       fps,
                                  guint       frames);

/* The same picture and sound through @encode (a gst-launch fragment) into @mux (MP4 gets AAC, others Opus). */
char    *media_test_make_encoded_video (const char *dir,
                                        const char *name,
                                        guint       width,
                                        guint       height,
                                        guint       fps,
                                        guint       frames,
                                        const char *encode,
                                        const char *mux);

/* TRUE when ffmpeg is there; else skips the test, or fails it when CI=true. */
gboolean media_test_have_ffmpeg  (void);

/*
 * Asserts that the RGBA (or, with @bgra, B G R A) picture is ffmpeg's frame
 * @index of the @fps video @path at the same size: within @tolerance (mean
 * absolute difference per channel) of it, and at least three times closer to
 * it than to either neighbouring frame, so a frame off by one fails.
 */
void     media_test_assert_frame (const guint8 *pixels,
                                  guint         width,
                                  guint         height,
                                  guint         stride,
                                  gboolean      bgra,
                                  const char   *path,
                                  guint         fps,
                                  gint64        index,
                                  gint64        last_index,
                                  double        tolerance);

G_END_DECLS
