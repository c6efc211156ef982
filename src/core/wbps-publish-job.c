/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "wbps-publish-job.h"

#include <glib/gi18n.h>

#include "wbps-chunk-plan.h"
#include "wbps-error.h"
#include "wbps-file-identity.h"
#include "wbps-post-private.h"
#include "wbps-post-rules.h"
#include "wbps-status-poller.h"
#include "wbps-upload-lock.h"
#include "wbps-uploader.h"

G_DEFINE_QUARK (wbps-publish-error-quark, wbps_publish_error)

struct _WbpsPublishJob
{
  GObject           parent_instance;

  WbpsConfig       *config;
  WbpsApiClient    *api;
  WbpsDatabase     *database;
  WbpsPreflight    *preflight;

  WbpsPostOptions  *options;      /* a new post, or NULL */
  WbpsPostRecord   *checkpoint;   /* resume source, or NULL */
  WbpsCreatorInfo  *creator;      /* given, or queried by the job */
  gboolean          wait;
  gboolean          allow_duplicate;
  gboolean          sandbox_forced;
  gboolean          running;

  WbpsPublishState  state;
  WbpsPostRecord   *record;       /* the history row, kept in step with the job */
  WbpsPost         *post;         /* what the row says, for those watching the job */
  WbpsMediaInfo    *media;
  WbpsChunkPlan     plan;         /* video_size is "total-bytes" */
  WbpsUploadLock   *upload_lock;  /* held while this process owns the upload */
  WbpsUploader     *uploader;
  WbpsStatusPoller *poller;
  WbpsRelayClient  *relay;        /* the account's event stream, or NULL */
  GError           *error;
  char             *unfinished_publish_id;  /* the earlier post a new one would duplicate */

  GTask            *task;
};

G_DEFINE_FINAL_TYPE (WbpsPublishJob, wbps_publish_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WAIT,
  PROP_STATE,
  PROP_POST,
  PROP_ERROR,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_NOTICE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void creator_info_start  (WbpsPublishJob *self);
static void init_start          (WbpsPublishJob *self);
static void upload_start        (WbpsPublishJob *self,
                                 guint64         offset);
static void processing_start    (WbpsPublishJob *self);

/* ---- helpers ----------------------------------------------------------- */

static GCancellable *
job_cancellable (WbpsPublishJob *self)
{
  return g_task_get_cancellable (self->task);
}

static void
notice (WbpsPublishJob *self,
        const char     *format,
        ...) G_GNUC_PRINTF (2, 3);

static void
notice (WbpsPublishJob *self,
        const char     *format,
        ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_signal_emit (self, signals[SIGNAL_NOTICE], 0, text);
}

/* Tells @text (nullable: nothing to tell), which the job takes. */
static void
notice_take (WbpsPublishJob *self,
             char           *text)
{
  g_autofree char *owned = text;

  if (owned != NULL)
    g_signal_emit (self, signals[SIGNAL_NOTICE], 0, owned);
}

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    g_warning ("Could not update the local history: %s", error->message);
}

/* Shows the row's latest values on the job's WbpsPost (which notifies what changed). */
static void
sync_post (WbpsPublishJob *self)
{
  wbps_post_update (self->post, self->record);
}

/* Writes the history row; the database keeps call order, so no need to wait. */
static void
save_record (WbpsPublishJob *self)
{
  sync_post (self);
  if (self->record->id > 0)
    wbps_database_update_async (self->database, self->record, NULL, save_done_cb, NULL);
}

static void
set_state (WbpsPublishJob   *self,
           WbpsPublishState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  /* The checkpoint written after init already says UPLOAD: no second write. */
  if (wbps_post_record_set_state (self->record, state))
    save_record (self);
  else
    sync_post (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static GError *
publish_error (WbpsPublishError  code,
               const char       *format,
               ...) G_GNUC_PRINTF (2, 3);

static GError *
publish_error (WbpsPublishError  code,
               const char       *format,
               ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (WBPS_PUBLISH_ERROR, code, format, args);
  va_end (args);
  return error;
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- the end ------------------------------------------------------------------- */

static void
job_return (WbpsPublishJob *self,
            GTask          *task)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (self->error != NULL)
    g_task_return_error (task, g_error_copy (self->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
final_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsPublishJob *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    g_warning ("Could not update the local history: %s", error->message);
  job_return (self, task);
}

/* Records the final state (waiting for the write, so a process may exit after) and returns. */
static void
job_finish (WbpsPublishJob   *self,
            WbpsPublishState  state,
            GError           *error)
{
  GTask *task = g_steal_pointer (&self->task);

  g_clear_object (&self->uploader);
  g_clear_pointer (&self->upload_lock, wbps_upload_lock_release);
  self->state = state;
  wbps_post_record_set_state (self->record, state);
  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = error;
      /* TikTok's own fail_reason stays; otherwise the history keeps why the job stopped. */
      if (!is_cancelled (error) &&
          !g_error_matches (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_PUBLISH_FAILED) &&
          !g_error_matches (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_STATUS_UNKNOWN))
        wbps_post_record_set_fail_reason (self->record, error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  sync_post (self);
  if (self->record->id > 0)
    {
      wbps_database_update_async (self->database, self->record, NULL, final_saved_cb, task);
      return;
    }
  job_return (self, task);
  g_object_unref (task);
}

/* Stops without touching the history row: it belongs to the process that owns the upload. */
static void
job_abandon (WbpsPublishJob *self,
             GError         *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_task_return_error (task, g_error_copy (error));
}

/* ---- processing: TikTok's status until final ------------------------------------- */

static void
status_cb (WbpsStatusPoller        *poller,
           const WbpsPublishStatus *status,
           WbpsPublishJob          *self)
{
  g_assert (WBPS_IS_PUBLISH_JOB (self));

  wbps_publish_status_apply_to_record (status, self->record);
  /* What TikTok says it holds is what the checkpoint's "confirmed" means. */
  if (status->uploaded_bytes >= 0)
    self->record->next_offset = status->uploaded_bytes;
  save_record (self);
}

static void
status_retrying_cb (WbpsStatusPoller *poller,
                    const char       *reason,
                    WbpsPublishJob   *self)
{
  g_assert (WBPS_IS_PUBLISH_JOB (self));

  notice (self, _("Could not check the post's status (%s); trying again."), reason);
}

/* The poller that tells this job (and its history row) what TikTok says. */
static WbpsStatusPoller *
job_poller (WbpsPublishJob *self)
{
  if (self->poller == NULL)
    {
      self->poller = wbps_status_poller_new (self->api, self->record->open_id, self->record->publish_id);
      g_signal_connect_object (self->poller, "status", G_CALLBACK (status_cb), self, 0);
      g_signal_connect_object (self->poller, "retrying", G_CALLBACK (status_retrying_cb), self, 0);
      wbps_status_poller_set_relay (self->poller, self->relay);
    }
  return self->poller;
}

/* With a relay, listens from the moment the publish_id exists: the event may beat the upload's last reply. */
static void
relay_listen (WbpsPublishJob *self)
{
  if (self->relay != NULL && self->wait)
    job_poller (self);
}

static void
finish_with_status (WbpsPublishJob *self)
{
  const char *status = self->record->status;

  if (g_strcmp0 (status, "FAILED") == 0)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED,
                  publish_error (WBPS_PUBLISH_ERROR_PUBLISH_FAILED, _("TikTok could not publish the video: %s (%s)"),
                                 wbps_fail_reason_describe (self->record->fail_reason),
                                 self->record->fail_reason != NULL ? self->record->fail_reason : "no reason given"));
      return;
    }
  if (g_strcmp0 (status, "SEND_TO_USER_INBOX") == 0)
    notice (self, _("The video is in your TikTok inbox: open TikTok's inbox notification to edit and post it."));
  else
    notice (self, _("TikTok published the video. It may take a few minutes to appear on the profile."));
  job_finish (self, WBPS_PUBLISH_STATE_DONE, NULL);
}

static void
followed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autoptr(WbpsPublishStatus) status = NULL;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  status = wbps_status_poller_follow_finish (WBPS_STATUS_POLLER (source), result, &error);
  if (status != NULL)
    finish_with_status (self);
  else if (g_error_matches (error, WBPS_ERROR, WBPS_ERROR_TIMEOUT))
    {
      g_clear_error (&error);
      job_finish (self, WBPS_PUBLISH_STATE_UNCONFIRMED, NULL);
    }
  else if (is_cancelled (error))
    job_finish (self, WBPS_PUBLISH_STATE_PROCESSING, error);
  else
    {
      /* TikTok has every byte: the post may well exist, so this is no failure to post again after. */
      job_finish (self, WBPS_PUBLISH_STATE_UNCONFIRMED,
                  publish_error (WBPS_PUBLISH_ERROR_STATUS_UNKNOWN,
                                 _("The upload finished and TikTok holds the whole video, but its status could not be followed: %s"),
                                 error->message));
      g_error_free (error);
    }
}

static void
processing_start (WbpsPublishJob *self)
{
  set_state (self, WBPS_PUBLISH_STATE_PROCESSING);
  if (!self->wait)
    {
      g_free (self->record->status);
      self->record->status = g_strdup ("PROCESSING_UPLOAD");
      job_finish (self, WBPS_PUBLISH_STATE_PROCESSING, NULL);
      return;
    }
  notice (self, _("Upload finished; waiting for TikTok to process the video."));
  wbps_status_poller_follow_async (job_poller (self), wbps_config_get_give_up_seconds (self->config),
                                   job_cancellable (self), followed_cb, self);
}

/* ---- upload ---------------------------------------------------------------------- */

static void
reconciled_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gint64 uploaded = wbps_status_poller_uploaded_bytes_finish (WBPS_STATUS_POLLER (source), result, &error);

  if (uploaded < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, uploaded);
}

/* The uploader asks how much TikTok holds after a 416 or an ambiguous loss. */
static void
reconcile_func (WbpsUploader *uploader,
                GTask        *task,
                gpointer      user_data)
{
  WbpsPublishJob *self = user_data;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  wbps_status_poller_uploaded_bytes_async (job_poller (self), g_task_get_cancellable (task), reconciled_cb, task);
}

static void
progress_cb (WbpsUploader   *uploader,
             guint64         bytes_sent,
             guint64         total,
             double          rate,
             gint64          eta_seconds,
             WbpsPublishJob *self)
{
  g_assert (WBPS_IS_PUBLISH_JOB (self));

  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, bytes_sent, total, rate, eta_seconds);
}

static void
chunk_done_cb (WbpsUploader   *uploader,
               guint64         index,
               guint64         next_offset,
               WbpsPublishJob *self)
{
  g_assert (WBPS_IS_PUBLISH_JOB (self));

  self->record->next_offset = next_offset;
  save_record (self);
}

static void
retrying_cb (WbpsUploader   *uploader,
             guint64         index,
             guint           attempt,
             guint           delay_ms,
             const char     *reason,
             WbpsPublishJob *self)
{
  g_assert (WBPS_IS_PUBLISH_JOB (self));

  notice (self, _("Chunk %" PRIu64 " of %" PRIu64 " did not go through (%s); sending it again in %.1f s (attempt %u)."),
          index + 1, self->plan.total_chunk_count, reason, delay_ms / 1000.0, attempt);
}

static void
upload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  if (wbps_uploader_upload_finish (WBPS_UPLOADER (source), result, &error))
    {
      self->record->next_offset = self->plan.video_size;
      processing_start (self);
      return;
    }
  self->record->next_offset = wbps_uploader_get_next_offset (WBPS_UPLOADER (source));
  if (is_cancelled (error) || wbps_upload_error_is_resumable (error))
    {
      g_autofree char *when = wbps_post_record_format_upload_deadline (self->record, "%X");

      if (!is_cancelled (error))
        g_prefix_error (&error, _("The upload stopped and can be resumed until %s: "), when);
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, error);
      return;
    }
  job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
}

static void
upload_start (WbpsPublishJob *self,
              guint64         offset)
{
  g_autoptr(GFile) file = g_file_new_for_path (self->record->file_path);

  set_state (self, WBPS_PUBLISH_STATE_UPLOAD);
  self->uploader = wbps_uploader_new (file, self->record->upload_url, self->record->content_type, &self->plan);
  wbps_uploader_set_session (self->uploader, wbps_api_client_get_session (self->api));
  wbps_uploader_set_reconcile_func (self->uploader, reconcile_func, self, NULL);
  g_signal_connect_object (self->uploader, "progress", G_CALLBACK (progress_cb), self, 0);
  g_signal_connect_object (self->uploader, "chunk-done", G_CALLBACK (chunk_done_cb), self, 0);
  g_signal_connect_object (self->uploader, "retrying", G_CALLBACK (retrying_cb), self, 0);
  wbps_uploader_upload_async (self->uploader, offset, job_cancellable (self), upload_cb, self);
}

/* ---- init --------------------------------------------------------------------------- */

static void
init_saved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    notice (self, _("Warning: the upload checkpoint could not be saved (%s); an interrupted upload cannot be resumed."),
            error->message);
  sync_post (self);
  self->upload_lock = wbps_upload_lock_claim (self->record->publish_id, self->record->file_path, &error);
  if (self->upload_lock == NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, g_steal_pointer (&error));
      return;
    }
  relay_listen (self);
  upload_start (self, 0);
}

static void
init_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autofree char *publish_id = NULL;
  g_autofree char *upload_url = NULL;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  if (!wbps_api_client_video_init_finish (WBPS_API_CLIENT (source), result, &publish_id, &upload_url, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  /* The checkpoint is on disk before anyone learns the publish_id. */
  wbps_post_record_start_upload (self->record, publish_id, upload_url);
  wbps_database_update_async (self->database, self->record, NULL, init_saved_cb, self);
}

static void
init_start (WbpsPublishJob *self)
{
  g_autoptr(JsonNode) body = NULL;
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (job_cancellable (self), &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  set_state (self, WBPS_PUBLISH_STATE_INIT);
  notice_take (self, wbps_post_rules_draft_notice (self->options));
  body = wbps_post_options_build_init_request (self->options, &self->plan, self->sandbox_forced);
  /* Not cancellable: TikTok may create the publish_id anyway, and it must reach the
   * checkpoint; a cancel then stops the upload, which `resume` can finish. */
  wbps_api_client_video_init_async (self->api, self->record->open_id,
                                    wbps_post_options_get_draft (self->options), body,
                                    NULL, init_cb, self);
}

/* ---- creator info --------------------------------------------------------------------- */

static void
creator_info_check (WbpsPublishJob *self)
{
  const char *nickname = wbps_creator_info_get_nickname (self->creator);
  GError *error = NULL;

  /* TikTok may leave the nickname out: the account's own ID still says who posts. */
  notice (self, _("Posting to TikTok as %s."), nickname != NULL && *nickname != '\0' ? nickname : self->record->open_id);
  notice_take (self, wbps_post_rules_sandbox_notice (self->options, self->sandbox_forced));
  if (!wbps_post_rules_validate (self->options, self->sandbox_forced, self->creator, self->media, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  init_start (self);
}

static void
creator_info_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  self->creator = wbps_creator_info_query_finish (result, &error);
  if (self->creator == NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  creator_info_check (self);
}

static void
creator_info_start (WbpsPublishJob *self)
{
  set_state (self, WBPS_PUBLISH_STATE_CREATOR_INFO);
  if (self->creator != NULL)
    {
      creator_info_check (self);
      return;
    }
  wbps_creator_info_query_async (self->api, self->record->open_id, job_cancellable (self),
                                 creator_info_cb, self);
}

/* ---- pre-flight -------------------------------------------------------------------------- */

static void
probe_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  self->media = wbps_preflight_probe_finish (WBPS_PREFLIGHT (source), result, &error);
  if (self->media == NULL ||
      !wbps_post_rules_validate (self->options, self->sandbox_forced, NULL, self->media, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  self->record->content_type = g_strdup (self->media->mime_type != NULL ? self->media->mime_type : "video/mp4");
  if (wbps_post_options_get_draft (self->options))
    init_start (self);
  else
    creator_info_start (self);
}

static void
inserted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  self->record->id = wbps_database_insert_finish (WBPS_DATABASE (source), result, &error);
  if (self->record->id == 0)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  wbps_preflight_probe_async (self->preflight, wbps_post_options_get_file (self->options),
                              job_cancellable (self), probe_cb, self);
}

static void
unfinished_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autoptr(WbpsPostRecord) earlier = NULL;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  earlier = wbps_database_find_unfinished_finish (WBPS_DATABASE (source), result, &error);
  if (earlier == NULL && error != NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  if (earlier == NULL)
    {
      wbps_database_insert_async (self->database, self->record, job_cancellable (self), inserted_cb, self);
      return;
    }
  /* Nothing recorded, nothing sent: posting again would make a second post of one video. */
  self->unfinished_publish_id = g_strdup (earlier->publish_id);
  job_finish (self, WBPS_PUBLISH_STATE_FAILED,
              wbps_post_record_new_unfinished_error (earlier, self->record->file_path));
}

static void
identity_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  WbpsPostRecord *r = self->record;
  g_autofree char *identity = NULL;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  identity = wbps_file_identity_compute_finish (result, &error);
  if (identity == NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  wbps_post_record_set_file_identity (r, identity);
  if (!wbps_chunk_plan_compute (r->file_size, wbps_post_options_get_chunk_size (self->options),
                                &self->plan, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  wbps_post_record_set_plan (r, &self->plan);
  if (self->allow_duplicate)
    wbps_database_insert_async (self->database, r, job_cancellable (self), inserted_cb, self);
  else
    wbps_database_find_unfinished_async (self->database, r->file_identity, job_cancellable (self),
                                         unfinished_cb, self);
}

static void
preflight_start (WbpsPublishJob *self)
{
  wbps_post_record_set_options (self->record, self->options, self->sandbox_forced);
  set_state (self, WBPS_PUBLISH_STATE_PREFLIGHT);
  if (self->record->file_path == NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED,
                  g_error_new_literal (WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION,
                                       _("Only local files can be posted.")));
      return;
    }
  wbps_file_identity_compute_async (wbps_post_options_get_file (self->options), job_cancellable (self),
                                    identity_cb, self);
}

/* ---- resume -------------------------------------------------------------------------------- */

static void
resume_status_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autoptr(WbpsPublishStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  guint64 offset = self->record->next_offset;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  status = wbps_status_poller_fetch_finish (WBPS_STATUS_POLLER (source), result, &error);
  if (status == NULL && is_cancelled (error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, g_steal_pointer (&error));
      return;
    }
  if (status != NULL && wbps_publish_status_is_final (status))
    {
      finish_with_status (self);
      return;
    }
  if (status != NULL && status->uploaded_bytes >= 0)
    offset = status->uploaded_bytes;
  if (offset >= self->plan.video_size)
    processing_start (self);
  else
    {
      notice (self, _("Resuming the upload at byte %" PRIu64 " of %" PRIu64 "."),
              offset, self->plan.video_size);
      upload_start (self, offset);
    }
}

static void
resume_identity_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autoptr(GError) identity_error = NULL;
  g_autofree char *identity = wbps_file_identity_compute_finish (result, &identity_error);
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  if (identity == NULL && is_cancelled (identity_error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, g_steal_pointer (&identity_error));
      return;
    }
  if (!wbps_post_record_check_same_file (self->record, identity, identity_error, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, error);
      return;
    }
  relay_listen (self);
  wbps_status_poller_fetch_async (job_poller (self), job_cancellable (self), resume_status_cb, self);
}

static void
resume_start (WbpsPublishJob *self)
{
  WbpsPostRecord *r = self->record;
  g_autoptr(GFile) file = g_file_new_for_path (r->file_path);
  GError *error = NULL;

  wbps_post_record_get_plan (r, &self->plan);
  self->state = wbps_post_record_get_state (r);
  self->upload_lock = wbps_upload_lock_claim (r->publish_id, r->file_path, &error);
  if (self->upload_lock == NULL)
    {
      job_abandon (self, error);
      return;
    }
  if (wbps_post_record_upload_is_complete (r))
    {
      /* TikTok holds every byte: only its status is left to follow, no upload address needed. */
      wbps_status_poller_fetch_async (job_poller (self), job_cancellable (self), resume_status_cb, self);
      return;
    }
  if (!wbps_post_record_check_upload_address (r, g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  wbps_file_identity_compute_async (file, job_cancellable (self), resume_identity_cb, self);
}

/* ---- running ------------------------------------------------------------------------------- */

static void
database_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  g_assert (WBPS_IS_PUBLISH_JOB (self));

  /* A resume that could not start leaves its checkpoint resumable. */
  if (!wbps_database_open_finish (WBPS_DATABASE (source), result, &error))
    job_finish (self, self->checkpoint != NULL ? WBPS_PUBLISH_STATE_INTERRUPTED : WBPS_PUBLISH_STATE_FAILED,
                error);
  else if (self->checkpoint != NULL)
    resume_start (self);
  else
    preflight_start (self);
}

/* Before anything is recorded or sent: a resumable checkpoint, or options within the rules. */
static gboolean
check_before_start (WbpsPublishJob  *self,
                    GError         **error)
{
  if (self->checkpoint != NULL)
    return wbps_post_record_check_resumable (self->checkpoint, error);
  if (self->options == NULL)
    self->options = wbps_post_options_new ();
  if (!wbps_post_options_get_draft (self->options))
    self->sandbox_forced = wbps_config_get_sandbox (self->config);
  if (!wbps_post_rules_validate (self->options, self->sandbox_forced, NULL, NULL, error))
    return FALSE;
  if (self->preflight == NULL)
    {
      g_set_error_literal (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_FAILED,
                           "No video pre-flight was given to the publish job");
      return FALSE;
    }
  return TRUE;
}

void
wbps_publish_job_run_async (WbpsPublishJob      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));
  g_return_if_fail (!self->running);

  self->running = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_publish_job_run_async);
  if (!check_before_start (self, &error))
    {
      /* Nothing was sent and nothing is recorded: a wrong command, not a post. */
      self->error = g_error_copy (error);
      g_task_return_error (task, error);
      return;
    }
  if (self->checkpoint != NULL)
    {
      wbps_post_record_free (self->record);
      self->record = wbps_post_record_copy (self->checkpoint);
      sync_post (self);
    }
  self->task = g_steal_pointer (&task);
  wbps_database_open_async (self->database, cancellable, database_opened_cb, self);
}

gboolean
wbps_publish_job_run_finish (WbpsPublishJob  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
wbps_publish_job_set_options (WbpsPublishJob  *self,
                              WbpsPostOptions *options)
{
  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));
  g_return_if_fail (WBPS_IS_POST_OPTIONS (options));
  g_return_if_fail (!self->running);

  g_clear_object (&self->options);
  self->options = wbps_post_options_copy (options);
}

void
wbps_publish_job_set_creator_info (WbpsPublishJob  *self,
                                   WbpsCreatorInfo *creator)
{
  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));
  g_return_if_fail (creator == NULL || WBPS_IS_CREATOR_INFO (creator));
  g_return_if_fail (!self->running);

  g_set_object (&self->creator, creator);
}

void
wbps_publish_job_set_checkpoint (WbpsPublishJob       *self,
                                 const WbpsPostRecord *record)
{
  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));
  g_return_if_fail (!self->running);

  g_clear_pointer (&self->checkpoint, wbps_post_record_free);
  self->checkpoint = record != NULL ? wbps_post_record_copy (record) : NULL;
}

void
wbps_publish_job_set_wait (WbpsPublishJob *self,
                           gboolean        wait)
{
  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));

  if (self->wait == !!wait)
    return;
  self->wait = !!wait;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAIT]);
}

void
wbps_publish_job_set_allow_duplicate (WbpsPublishJob *self,
                                      gboolean        allow)
{
  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));
  g_return_if_fail (!self->running);

  self->allow_duplicate = !!allow;
}

void
wbps_publish_job_set_relay_client (WbpsPublishJob  *self,
                                   WbpsRelayClient *relay)
{
  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));
  g_return_if_fail (relay == NULL || WBPS_IS_RELAY_CLIENT (relay));

  g_set_object (&self->relay, relay);
  if (self->poller != NULL)
    wbps_status_poller_set_relay (self->poller, relay);
}

/* ---- getters ------------------------------------------------------------------------------ */

const char *
wbps_publish_job_get_unfinished_publish_id (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);

  return self->unfinished_publish_id;
}

WbpsPublishState
wbps_publish_job_get_state (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), WBPS_PUBLISH_STATE_NEW);

  return self->state;
}

WbpsPost *
wbps_publish_job_get_post (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);

  return self->post;
}

WbpsCreatorInfo *
wbps_publish_job_get_creator_info (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);

  return self->creator;
}

const GError *
wbps_publish_job_get_error (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);

  return self->error;
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
wbps_publish_job_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WbpsPublishJob *self = WBPS_PUBLISH_JOB (object);

  switch (prop_id)
    {
    case PROP_WAIT:
      g_value_set_boolean (value, self->wait);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_POST:
      g_value_set_object (value, self->post);
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_publish_job_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  WbpsPublishJob *self = WBPS_PUBLISH_JOB (object);

  switch (prop_id)
    {
    case PROP_WAIT:
      wbps_publish_job_set_wait (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_publish_job_finalize (GObject *object)
{
  WbpsPublishJob *self = WBPS_PUBLISH_JOB (object);

  g_clear_object (&self->config);
  g_clear_object (&self->api);
  g_clear_object (&self->database);
  g_clear_object (&self->preflight);
  g_clear_object (&self->options);
  g_clear_object (&self->creator);
  g_clear_object (&self->uploader);
  g_clear_object (&self->poller);
  g_clear_object (&self->relay);
  g_clear_pointer (&self->upload_lock, wbps_upload_lock_release);
  g_clear_pointer (&self->checkpoint, wbps_post_record_free);
  g_clear_pointer (&self->record, wbps_post_record_free);
  g_clear_object (&self->post);
  g_clear_pointer (&self->media, wbps_media_info_free);
  g_clear_error (&self->error);
  g_free (self->unfinished_publish_id);

  G_OBJECT_CLASS (wbps_publish_job_parent_class)->finalize (object);
}

static void
wbps_publish_job_class_init (WbpsPublishJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wbps_publish_job_get_property;
  object_class->set_property = wbps_publish_job_set_property;
  object_class->finalize = wbps_publish_job_finalize;

  properties[PROP_WAIT] =
    g_param_spec_boolean ("wait", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, WBPS_TYPE_PUBLISH_STATE, WBPS_PUBLISH_STATE_NEW,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POST] =
    g_param_spec_object ("post", NULL, NULL, WBPS_TYPE_POST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_UINT64, G_TYPE_UINT64, G_TYPE_DOUBLE, G_TYPE_INT64);
  signals[SIGNAL_NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wbps_publish_job_init (WbpsPublishJob *self)
{
  self->record = wbps_post_record_new ();
  self->post = wbps_post_new (self->record);
  self->wait = TRUE;
}

WbpsPublishJob *
wbps_publish_job_new (WbpsConfig    *config,
                      WbpsApiClient *api,
                      WbpsDatabase  *database,
                      WbpsPreflight *preflight)
{
  WbpsPublishJob *self;

  g_return_val_if_fail (WBPS_IS_CONFIG (config), NULL);
  g_return_val_if_fail (WBPS_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (WBPS_IS_DATABASE (database), NULL);
  g_return_val_if_fail (preflight == NULL || WBPS_IS_PREFLIGHT (preflight), NULL);

  self = g_object_new (WBPS_TYPE_PUBLISH_JOB, NULL);
  self->config = g_object_ref (config);
  self->api = g_object_ref (api);
  self->database = g_object_ref (database);
  self->preflight = preflight != NULL ? g_object_ref (preflight) : NULL;
  return self;
}
