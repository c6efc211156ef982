/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-preflight.h"

G_BEGIN_DECLS

/*
 * Initialise GStreamer for everything under src/media. Idempotent and
 * thread-safe; front ends call it once at start-up (the media types also call
 * it themselves, so forgetting it is harmless).
 */
void                 wbps_media_init          (void);

/*
 * The GStreamer implementation of WbpsPreflight: GstDiscoverer in a worker
 * thread reads the container, the first video stream, the duration and the size
 * on disk. Missing, corrupt or non-video files fail with
 * WBPS_PREFLIGHT_ERROR_UNREADABLE; a probe never hangs: a healthy file takes
 * well under a second, the worst case is 2 s plus #WbpsMediaPreflight:timeout
 * seconds (a short first look, then a full one), plus at most :timeout again to
 * measure the frame rate of a variable-frame-rate file. Cancelling returns at
 * once with G_IO_ERROR_CANCELLED.
 */
#define WBPS_TYPE_MEDIA_PREFLIGHT (wbps_media_preflight_get_type ())
G_DECLARE_FINAL_TYPE (WbpsMediaPreflight, wbps_media_preflight, WBPS, MEDIA_PREFLIGHT, GObject)

WbpsMediaPreflight  *wbps_media_preflight_new          (void);
guint                wbps_media_preflight_get_timeout  (WbpsMediaPreflight *self);
void                 wbps_media_preflight_set_timeout  (WbpsMediaPreflight *self,
                                                        guint               seconds);

G_END_DECLS
