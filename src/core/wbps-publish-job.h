/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-api-client.h"
#include "wbps-config.h"
#include "wbps-creator-info.h"
#include "wbps-database.h"
#include "wbps-post.h"
#include "wbps-post-options.h"
#include "wbps-preflight.h"
#include "wbps-publish-state.h"
#include "wbps-relay-client.h"

G_BEGIN_DECLS

#define WBPS_PUBLISH_ERROR (wbps_publish_error_quark ())
typedef enum {
  WBPS_PUBLISH_ERROR_FAILED,
  WBPS_PUBLISH_ERROR_PUBLISH_FAILED,      /* TikTok's status said FAILED */
  WBPS_PUBLISH_ERROR_STATUS_UNKNOWN,      /* uploaded whole, but the status could not be followed */
} WbpsPublishError;
GQuark            wbps_publish_error_quark       (void);

#define WBPS_TYPE_PUBLISH_JOB (wbps_publish_job_get_type ())
G_DECLARE_FINAL_TYPE (WbpsPublishJob, wbps_publish_job, WBPS, PUBLISH_JOB, GObject)

/*
 * One post from the creator's disk to TikTok, as a state machine:
 * pre-flight -> creator info (direct posts) -> init -> upload -> processing ->
 * done / failed / unconfirmed, or, from a checkpoint, resume -> upload ->
 * processing. Each state is recorded in the history. The rules are
 * wbps-post-rules', the checkpoint's checks (resumable, expired, same file,
 * unfinished earlier post) WbpsPostRecord's, the status polling
 * WbpsStatusPoller's; the give-up time is the configuration's.
 *
 * Before running: wbps_publish_job_set_options() (a new post) or
 * wbps_publish_job_set_checkpoint() (a resume); optionally the creator info a
 * form already has, "wait" (follow the status after the upload, default TRUE),
 * and the account's relay stream.
 *
 * Read-only: "state", "post" (the history row as it stands: publish ID,
 * TikTok's status, fail reason, post IDs, bytes TikTok confirmed; its
 * properties notify as the job records progress), "error" (GError of a
 * failed job).
 *
 * Signals:
 *   "progress" (guint64 bytes_sent, guint64 total, gdouble rate, gint64 eta_seconds)
 *   "notice"   (const char *text) a plain-language line for the user
 *              (which account, sandbox forcing SELF_ONLY, retries, inbox advice)
 * Returns: (transfer full)
 */
WbpsPublishJob   *wbps_publish_job_new          (WbpsConfig          *config,
                                                 WbpsApiClient       *api,
                                                 WbpsDatabase        *database,
                                                 WbpsPreflight       *preflight);

/* The post to make (a copy is taken: later edits of @options do not reach the job). */
void              wbps_publish_job_set_options  (WbpsPublishJob       *self,
                                                 WbpsPostOptions      *options);
/* Creator info already queried for the account: the job then does not ask again. */
void              wbps_publish_job_set_creator_info (WbpsPublishJob   *self,
                                                     WbpsCreatorInfo  *creator);
/* Makes the job resume the checkpoint @record instead of starting a new post. */
void              wbps_publish_job_set_checkpoint (WbpsPublishJob       *self,
                                                   const WbpsPostRecord *record);
void              wbps_publish_job_set_wait     (WbpsPublishJob      *self,
                                                 gboolean             wait);
/*
 * A new post of a file whose earlier upload is unfinished (resumable, or sent
 * whole with no final status) fails with WBPS_POST_RECORD_ERROR_UNFINISHED before
 * anything is sent or recorded, unless @allow (the user asked for a second post).
 */
void              wbps_publish_job_set_allow_duplicate (WbpsPublishJob *self,
                                                        gboolean        allow);
/*
 * The account's relay stream (nullable): the post's final status then comes
 * from its events as soon as TikTok sends them, and TikTok is polled only
 * while the stream is down (see wbps_status_poller_set_relay()).
 */
void              wbps_publish_job_set_relay_client (WbpsPublishJob  *self,
                                                     WbpsRelayClient *relay);

void              wbps_publish_job_run_async    (WbpsPublishJob      *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/*
 * TRUE when the job ended without error: DONE, UNCONFIRMED (no final status in
 * time), or PROCESSING with "wait" off. UNCONFIRMED with
 * WBPS_PUBLISH_ERROR_STATUS_UNKNOWN: TikTok took every byte but its status
 * could not be followed (e.g. signed out meanwhile); the post may exist.
 */
gboolean          wbps_publish_job_run_finish   (WbpsPublishJob      *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

WbpsPublishState  wbps_publish_job_get_state          (WbpsPublishJob *self);
/* (transfer none): the job's history row; its id is 0 until the row is written. */
WbpsPost         *wbps_publish_job_get_post           (WbpsPublishJob *self);
/* (transfer none) (nullable): the creator info the job was given or queried. */
WbpsCreatorInfo  *wbps_publish_job_get_creator_info   (WbpsPublishJob *self);
/* (nullable) */
const GError     *wbps_publish_job_get_error          (WbpsPublishJob *self);
/* (nullable): after WBPS_POST_RECORD_ERROR_UNFINISHED, the publish ID of the earlier post. */
const char       *wbps_publish_job_get_unfinished_publish_id (WbpsPublishJob *self);

G_END_DECLS
