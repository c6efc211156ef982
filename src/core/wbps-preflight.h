/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * What core needs to know about a video before anything is sent to TikTok.
 * Core declares it; src/media implements the probe with GStreamer; the front
 * ends hand the implementation to the publish job.
 */
typedef struct {
  char    *container;     /* "mp4", "quicktime", "webm", or what the probe found */
  char    *mime_type;     /* upload Content-Type: video/mp4, video/quicktime, video/webm; NULL if none */
  char    *video_codec;   /* "h264", "h265", "vp8", "vp9", or what the probe found */
  guint    width;
  guint    height;
  guint    fps_n;
  guint    fps_d;
  guint64  duration_ms;
  guint64  size;          /* bytes on disk */
} WbpsMediaInfo;

#define WBPS_TYPE_MEDIA_INFO (wbps_media_info_get_type ())
GType           wbps_media_info_get_type (void) G_GNUC_CONST;
/* (transfer full) */
WbpsMediaInfo  *wbps_media_info_new      (void);
/* (transfer full) */
WbpsMediaInfo  *wbps_media_info_copy     (const WbpsMediaInfo *info);
void            wbps_media_info_free     (WbpsMediaInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsMediaInfo, wbps_media_info_free)

#define WBPS_PREFLIGHT_ERROR (wbps_preflight_error_quark ())
typedef enum {
  WBPS_PREFLIGHT_ERROR_UNREADABLE,    /* not a video, corrupt, missing */
  WBPS_PREFLIGHT_ERROR_CONTAINER,
  WBPS_PREFLIGHT_ERROR_CODEC,
  WBPS_PREFLIGHT_ERROR_FRAME_RATE,
  WBPS_PREFLIGHT_ERROR_DIMENSIONS,
  WBPS_PREFLIGHT_ERROR_SIZE,
  WBPS_PREFLIGHT_ERROR_DURATION,
  WBPS_PREFLIGHT_ERROR_COVER,
} WbpsPreflightError;
GQuark          wbps_preflight_error_quark (void);

/*
 * TikTok's media rules (spec 4.10) applied to probed facts. Every violated rule
 * is reported in one message (a sentence each, naming the rule and the file's
 * actual value); the error code is the first violation's. @max_duration_sec 0
 * skips the creator's limit but still applies the API's 10-minute cap;
 * @cover_ms < 0 means no cover chosen.
 */
gboolean        wbps_media_info_check    (const WbpsMediaInfo *info,
                                          guint                max_duration_sec,
                                          gint64               cover_ms,
                                          GError             **error);

/* (transfer full): the sentences of wbps_media_info_check()'s message, one each; empty when none. */
char          **wbps_media_info_list_problems (const WbpsMediaInfo *info,
                                               guint                max_duration_sec,
                                               gint64               cover_ms);

#define WBPS_TYPE_PREFLIGHT (wbps_preflight_get_type ())
G_DECLARE_INTERFACE (WbpsPreflight, wbps_preflight, WBPS, PREFLIGHT, GObject)

struct _WbpsPreflightInterface
{
  GTypeInterface parent_iface;

  void            (*probe_async)  (WbpsPreflight       *self,
                                   GFile               *file,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
  WbpsMediaInfo  *(*probe_finish) (WbpsPreflight       *self,
                                   GAsyncResult        *result,
                                   GError             **error);
};

void            wbps_preflight_probe_async  (WbpsPreflight       *self,
                                             GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* (transfer full) */
WbpsMediaInfo  *wbps_preflight_probe_finish (WbpsPreflight       *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
