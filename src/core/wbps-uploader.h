/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "wbps-chunk-plan.h"

G_BEGIN_DECLS

/*
 * WBPS_UPLOAD_ERROR: the upload (spec 4.5), raised by WbpsUploader and by the
 * parts it is made of: its chunk plan (INVALID_SIZE, INVALID_CHUNK_SIZE) and
 * the chunk stream that reads the file (FILE_CHANGED).
 */
#define WBPS_UPLOAD_ERROR (wbps_upload_error_quark ())

typedef enum {
  WBPS_UPLOAD_ERROR_FAILED,
  WBPS_UPLOAD_ERROR_INVALID_SIZE,        /* 0 bytes, or more than 4 GiB */
  WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE,  /* --chunk-size (or a stored plan) breaks a rule of 4.5 */
  WBPS_UPLOAD_ERROR_NOT_LOCAL,           /* the GFile is not a local file */
  WBPS_UPLOAD_ERROR_FILE_CHANGED,        /* size on disk differs from the plan's video_size */
  WBPS_UPLOAD_ERROR_URL_EXPIRED,         /* HTTP 403: the upload URL's hour is over */
  WBPS_UPLOAD_ERROR_URL_UNKNOWN,         /* HTTP 404: no upload task for this URL */
  WBPS_UPLOAD_ERROR_REJECTED,            /* another 4xx (e.g. 400 malformed) */
  WBPS_UPLOAD_ERROR_RANGE_MISMATCH,      /* 416 / lost chunk that reconciling could not settle */
  WBPS_UPLOAD_ERROR_TOO_MANY_RETRIES,    /* transient failures exhausted the attempts */
  WBPS_UPLOAD_ERROR_PROTOCOL,            /* an answer the spec does not allow (e.g. 201 too early) */
} WbpsUploadError;

GQuark wbps_upload_error_quark (void);

/*
 * TRUE when an upload that failed with @error can be continued later from
 * TikTok's count of received bytes (network and transient failures), FALSE when
 * the upload itself is over (rejected, expired URL, file changed, bad plan).
 */
gboolean wbps_upload_error_is_resumable (const GError *error);

#define WBPS_TYPE_UPLOADER (wbps_uploader_get_type ())
G_DECLARE_FINAL_TYPE (WbpsUploader, wbps_uploader, WBPS, UPLOADER, GObject)

/*
 * Asks TikTok how many bytes of this upload it holds (the publish job answers
 * with status/fetch's uploaded_bytes). Called on a 416 or when a connection
 * dropped after a chunk's body was fully sent. The function receives a new
 * reference to @task (its cancellable is the upload's) and must finish it with
 * g_task_return_int (task, uploaded_bytes) or g_task_return_error (), then drop
 * the reference. Without a reconcile function the uploader trusts the
 * Content-Range of the 416 reply, if any, and otherwise fails.
 */
typedef void (*WbpsUploadReconcileFunc) (WbpsUploader *uploader,
                                         GTask        *task,
                                         gpointer      user_data);

/*
 * Streams @file to @upload_url in the chunks of @plan: sequential PUTs with
 * Content-Type @content_type (video/mp4, video/quicktime, video/webm),
 * Content-Length and Content-Range, no Authorization header, the body read
 * through a small bounded buffer. 206 per chunk, 201 at the end. Transient
 * failures (5xx, timeout, dropped connection) resend the identical range with
 * jittered exponential backoff; 403 (URL expired) and 404 (unknown URL) fail at
 * once (WBPS_UPLOAD_ERROR_URL_EXPIRED / _URL_UNKNOWN).
 * Returns: (transfer full)
 */
WbpsUploader *wbps_uploader_new                (GFile                   *file,
                                                const char              *upload_url,
                                                const char              *content_type,
                                                const WbpsChunkPlan     *plan);

/* Optional: share a session (e.g. the API client's). Default: a private one. */
void          wbps_uploader_set_session        (WbpsUploader            *self,
                                                SoupSession             *session);
void          wbps_uploader_set_reconcile_func (WbpsUploader            *self,
                                                WbpsUploadReconcileFunc  func,
                                                gpointer                 user_data,
                                                GDestroyNotify           destroy);
/* Defaults: 6 attempts per chunk, delay base 1000 ms doubling, capped at 30000 ms, ±25 % jitter. */
void          wbps_uploader_set_retry_policy   (WbpsUploader            *self,
                                                guint                    max_attempts,
                                                guint                    base_delay_ms,
                                                guint                    max_delay_ms);

/*
 * Uploads from @start_offset (0, or a checkpoint's next offset; rounded down to
 * a chunk boundary) to the end. Cancelling stops promptly with
 * G_IO_ERROR_CANCELLED; the last "chunk-done" offset is where to resume.
 */
void          wbps_uploader_upload_async       (WbpsUploader            *self,
                                                guint64                  start_offset,
                                                GCancellable            *cancellable,
                                                GAsyncReadyCallback      callback,
                                                gpointer                 user_data);
gboolean      wbps_uploader_upload_finish      (WbpsUploader            *self,
                                                GAsyncResult            *result,
                                                GError                 **error);

/* (transfer none) */
const WbpsChunkPlan *wbps_uploader_get_plan    (WbpsUploader            *self);
/* Bytes TikTok has confirmed (the next chunk's first byte). */
guint64       wbps_uploader_get_next_offset    (WbpsUploader            *self);
/* Confirmed bytes plus the bytes of the chunk in flight. */
guint64       wbps_uploader_get_bytes_sent     (WbpsUploader            *self);
guint64       wbps_uploader_get_total_bytes    (WbpsUploader            *self);
/* Smoothed bytes per second; 0 until known. */
double        wbps_uploader_get_rate           (WbpsUploader            *self);
/* Seconds left at the current rate; -1 until known. */
gint64        wbps_uploader_get_eta_seconds    (WbpsUploader            *self);

/*
 * Properties (read-only, notified): "bytes-sent", "total-bytes", "rate",
 * "eta-seconds", "next-offset".
 *
 * Signals:
 *   "progress"   (guint64 bytes_sent, guint64 total, gdouble rate, gint64 eta_seconds)
 *                at most ~10 times a second and after every chunk;
 *   "chunk-done" (guint64 index, guint64 next_offset) after TikTok accepted
 *                chunk @index (206, or 201 for the last): checkpoint here;
 *   "retrying"   (guint64 index, guint attempt, guint delay_ms, const char *reason)
 *                before waiting to resend a chunk (delay_ms 0: resent at once
 *                after a dropped keep-alive connection).
 */

/* A reply's Content-Range "bytes FIRST-LAST/TOTAL" as the count of bytes held (LAST + 1), -1 if unreadable. */
gint64 wbps_uploader_parse_content_range (const char *value);

G_END_DECLS
