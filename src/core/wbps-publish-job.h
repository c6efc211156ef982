/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-api-client.h"
#include "wbps-config.h"
#include "wbps-database.h"
#include "wbps-preflight.h"

G_BEGIN_DECLS

typedef enum {
  WBPS_PUBLISH_STATE_NEW,
  WBPS_PUBLISH_STATE_PREFLIGHT,
  WBPS_PUBLISH_STATE_CREATOR_INFO,
  WBPS_PUBLISH_STATE_INIT,
  WBPS_PUBLISH_STATE_UPLOAD,
  WBPS_PUBLISH_STATE_PROCESSING,
  WBPS_PUBLISH_STATE_DONE,
  WBPS_PUBLISH_STATE_FAILED,
  WBPS_PUBLISH_STATE_UNCONFIRMED,  /* uploaded, but no final status before the give-up time */
  WBPS_PUBLISH_STATE_INTERRUPTED,  /* stopped mid-upload with a resumable checkpoint */
} WbpsPublishState;

#define WBPS_TYPE_PUBLISH_STATE (wbps_publish_state_get_type ())
GType             wbps_publish_state_get_type    (void) G_GNUC_CONST;
/* "PREFLIGHT", "UPLOAD", ... as stored in the history. */
const char       *wbps_publish_state_to_string   (WbpsPublishState  state);
WbpsPublishState  wbps_publish_state_from_string (const char       *text);

#define WBPS_PUBLISH_ERROR (wbps_publish_error_quark ())
typedef enum {
  WBPS_PUBLISH_ERROR_FAILED,
  WBPS_PUBLISH_ERROR_INVALID_OPTION,      /* a choice that breaks TikTok's rules, found locally */
  WBPS_PUBLISH_ERROR_NOT_ALLOWED,         /* the creator's settings forbid the choice */
  WBPS_PUBLISH_ERROR_PUBLISH_FAILED,      /* TikTok's status said FAILED */
  WBPS_PUBLISH_ERROR_FILE_CHANGED,        /* resume: not the file of the checkpoint */
  WBPS_PUBLISH_ERROR_CHECKPOINT_EXPIRED,  /* resume: the upload URL's hour is over */
  WBPS_PUBLISH_ERROR_NOT_RESUMABLE,
  WBPS_PUBLISH_ERROR_BUSY,                /* another wbps process is uploading this post */
} WbpsPublishError;
GQuark            wbps_publish_error_quark       (void);

/* Longest caption TikTok takes, in UTF-16 code units. */
#define WBPS_PUBLISH_TITLE_MAX_UTF16 2200
/* TikTok allows 30 status requests a minute: never poll more often than this. */
#define WBPS_PUBLISH_STATUS_MIN_INTERVAL_MS 2000

#define WBPS_TYPE_PUBLISH_JOB (wbps_publish_job_get_type ())
G_DECLARE_FINAL_TYPE (WbpsPublishJob, wbps_publish_job, WBPS, PUBLISH_JOB, GObject)

/*
 * One post from the creator's disk to TikTok: pre-flight -> creator info
 * (direct posts) -> init -> upload -> processing -> done / failed / unconfirmed,
 * recorded in the history at each state. The front end sets the options as
 * properties, connects to the signals, and runs it once.
 *
 * Options (construct or set before running): "file" (GFile), "open-id" (NULL =
 * current account), "draft", "privacy-level" (no default; required for direct
 * posts unless the sandbox forces SELF_ONLY), "title", "allow-comment",
 * "allow-duet", "allow-stitch", "cover-ms" (-1 = none), "brand-organic",
 * "branded-content", "aigc", "chunk-size" (0 = planned), "wait" (follow the
 * status after the upload, default TRUE), "give-up-seconds" (default: GSettings
 * status-give-up-seconds, or WBPS_STATUS_GIVE_UP).
 *
 * Read-only: "state", "publish-id", "status" (TikTok's), "fail-reason",
 * "post-ids" (GStrv of decimal strings), "uploaded-bytes", "bytes-sent",
 * "total-bytes", "rate" (bytes/s), "eta-seconds", "creator-nickname",
 * "sandbox-forced", "error" (GError of a failed job).
 *
 * Signals:
 *   "progress" (guint64 bytes_sent, guint64 total, gdouble rate, gint64 eta_seconds)
 *   "notice"   (const char *text) a plain-language line for the user
 *              (which account, sandbox forcing SELF_ONLY, retries, inbox advice)
 */
WbpsPublishJob   *wbps_publish_job_new          (WbpsConfig          *config,
                                                 WbpsApiClient       *api,
                                                 WbpsDatabase        *database,
                                                 WbpsPreflight       *preflight);

/* Makes the job resume the checkpoint @record instead of starting a new post. */
void              wbps_publish_job_set_checkpoint (WbpsPublishJob       *self,
                                                   const WbpsPostRecord *record);

void              wbps_publish_job_run_async    (WbpsPublishJob      *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* TRUE when the job ended without error: DONE, UNCONFIRMED, or PROCESSING with "wait" off. */
gboolean          wbps_publish_job_run_finish   (WbpsPublishJob      *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

WbpsPublishState  wbps_publish_job_get_state          (WbpsPublishJob *self);
const char       *wbps_publish_job_get_publish_id     (WbpsPublishJob *self);
const char       *wbps_publish_job_get_status         (WbpsPublishJob *self);
const char       *wbps_publish_job_get_fail_reason    (WbpsPublishJob *self);
const char * const *wbps_publish_job_get_post_ids     (WbpsPublishJob *self);
gint64            wbps_publish_job_get_uploaded_bytes (WbpsPublishJob *self);
const char       *wbps_publish_job_get_creator_nickname (WbpsPublishJob *self);
const GError     *wbps_publish_job_get_error          (WbpsPublishJob *self);

/* Number of UTF-16 code units of valid UTF-8 @text (how TikTok counts a title). */
glong             wbps_publish_utf16_length     (const char *text);

/*
 * A file's identity for the checkpoint: "SIZE:MTIME:SHA256" where the digest
 * covers the first and the last MiB. Blocking: call from a worker thread.
 */
char             *wbps_publish_file_identity    (GFile         *file,
                                                 GCancellable  *cancellable,
                                                 GError       **error);

G_END_DECLS
