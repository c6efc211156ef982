/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-error.h"
#include "wbps-upload-list.h"
#include "wbps-upload-speed.h"
#include "wbps-upload.h"

struct _WbpsUpload
{
  GObject          parent_instance;

  WbpsUploadList  *list;            /* weak: the list outlives its items' jobs */
  WbpsPublishJob  *job;
  WbpsPostOptions *options;         /* what was posted: a retry or resume posts it again */
  GCancellable    *cancellable;
  WbpsPostRecord  *checkpoint;      /* an unfinished upload found at start, until resumed */
  WbpsUploadSpeed *speed;
  guint            tick_id;

  char            *title;
  char            *account_name;
  GdkPaintable    *cover;

  guint64          sent;
  guint64          total;
  char            *checked_status;  /* TikTok's status from Check Again */
  char            *checked_reason;

  guint            started : 1;
  guint            finished : 1;
  guint            cancelled : 1;
  guint            checking : 1;
};

G_DEFINE_FINAL_TYPE (WbpsUpload, wbps_upload, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JOB,
  PROP_TITLE,
  PROP_ACCOUNT_NAME,
  PROP_COVER,
  PROP_STATE_TEXT,
  PROP_DETAIL_TEXT,
  PROP_FRACTION,
  PROP_PROGRESS_TEXT,
  PROP_SPEED_TEXT,
  PROP_TIME_LEFT_TEXT,
  PROP_RUNNING,
  PROP_CAN_CANCEL,
  PROP_CAN_RETRY,
  PROP_CAN_CHECK_AGAIN,
  PROP_CAN_RESUME,
  PROP_PUBLISHED,
  PROP_FAILED,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


/* ---- what the row shows ----------------------------------------------------------- */

static WbpsPublishState
job_state (WbpsUpload *self)
{
  return wbps_publish_job_get_state (self->job);
}

/* (nullable): TikTok's name for the post, once init answered. */
static const char *
job_publish_id (WbpsUpload *self)
{
  return wbps_post_get_publish_id (wbps_publish_job_get_post (self->job));
}

static gboolean
is_draft (WbpsUpload *self)
{
  return wbps_post_options_get_draft (self->options);
}

/* The final word: Check Again's answer overrides the job's "could not confirm". */
static const char *
final_status (WbpsUpload *self)
{
  if (self->checked_status != NULL)
    return self->checked_status;
  return wbps_post_get_status (wbps_publish_job_get_post (self->job));
}

static gboolean
is_published (WbpsUpload *self)
{
  if (self->checked_status != NULL)
    return g_str_equal (self->checked_status, "PUBLISH_COMPLETE") || g_str_equal (self->checked_status, "SEND_TO_USER_INBOX");
  return job_state (self) == WBPS_PUBLISH_STATE_DONE;
}

static gboolean
is_failed (WbpsUpload *self)
{
  if (self->checked_status != NULL)
    return g_str_equal (self->checked_status, "FAILED");
  return job_state (self) == WBPS_PUBLISH_STATE_FAILED;
}

static gboolean
is_running (WbpsUpload *self)
{
  return self->started && !self->finished;
}

static gboolean
can_resume (WbpsUpload *self)
{
  if (self->checkpoint != NULL && !self->started)
    return TRUE;
  return self->finished && job_state (self) == WBPS_PUBLISH_STATE_INTERRUPTED &&
         job_publish_id (self) != NULL;
}

static const char *
state_text (WbpsUpload *self)
{
  if (self->checkpoint != NULL && !self->started)
    return _("Interrupted");
  if (is_published (self))
    return g_strcmp0 (final_status (self), "SEND_TO_USER_INBOX") == 0 || is_draft (self) ? _("Sent to inbox") : _("Published");
  if (is_failed (self))
    return _("Failed");
  switch (job_state (self))
    {
    case WBPS_PUBLISH_STATE_NEW:
    case WBPS_PUBLISH_STATE_PREFLIGHT:
    case WBPS_PUBLISH_STATE_CREATOR_INFO:
      return self->finished ? _("Cancelled") : _("Checking video");
    case WBPS_PUBLISH_STATE_INIT:
    case WBPS_PUBLISH_STATE_UPLOAD:
      return _("Uploading");
    case WBPS_PUBLISH_STATE_PROCESSING:
      return self->finished ? _("Could not confirm") : _("Processing on TikTok");
    case WBPS_PUBLISH_STATE_UNCONFIRMED:
      return _("Could not confirm");
    case WBPS_PUBLISH_STATE_INTERRUPTED:
      return self->cancelled ? _("Cancelled") : _("Interrupted");
    case WBPS_PUBLISH_STATE_DONE:
    case WBPS_PUBLISH_STATE_FAILED:
    default:
      return "";
    }
}

static char *
failure_text (WbpsUpload *self)
{
  const char *reason = self->checked_reason != NULL ? self->checked_reason : wbps_post_get_fail_reason (wbps_publish_job_get_post (self->job));
  const GError *error = wbps_publish_job_get_error (self->job);

  if (self->checked_reason == NULL && error != NULL)
    return wbps_error_describe (error);
  if (reason != NULL)
    return g_strdup (wbps_fail_reason_describe (reason));
  return g_strdup (_("TikTok did not say why."));
}

static char *
detail_text (WbpsUpload *self)
{
  if (can_resume (self))
    return g_strdup (_("It stopped before all of it was sent. Resume within an hour of its start to continue where it stopped."));
  if (is_published (self))
    return g_strdup (g_strcmp0 (final_status (self), "SEND_TO_USER_INBOX") == 0 || is_draft (self)
                       ? _("Open the notification in the TikTok app to finish your post.")
                       : _("It may take a few minutes to appear on your profile."));
  if (is_failed (self))
    return failure_text (self);
  if (self->checked_status != NULL)
    return g_strdup (_("TikTok is still processing the video. Check again in a moment."));
  if (job_state (self) == WBPS_PUBLISH_STATE_UNCONFIRMED || (self->finished && job_state (self) == WBPS_PUBLISH_STATE_PROCESSING))
    return g_strdup (_("TikTok has not confirmed the post yet; it may still appear."));
  if (job_state (self) == WBPS_PUBLISH_STATE_PROCESSING)
    return g_strdup (_("All of the video was sent; TikTok is processing it."));
  if (self->finished && !is_published (self))
    return g_strdup (_("Nothing was posted."));
  return g_strdup ("");
}

char *
wbps_format_time_left (gint64 seconds)
{
  if (seconds < 0)
    return g_strdup ("");
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second left", "%d seconds left", (gulong) seconds), (int) seconds);
  seconds = (seconds + 30) / 60;
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute left", "%d minutes left", (gulong) seconds), (int) seconds);
  return g_strdup_printf (_("%d h %02d min left"), (int) (seconds / 60), (int) (seconds % 60));
}

static void
notify_all (WbpsUpload *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_STATE_TEXT; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* ---- following the job ------------------------------------------------------------ */

static void
progress_cb (WbpsPublishJob *job,
             guint64         sent,
             guint64         total,
             double          rate,
             gint64          eta_seconds,
             WbpsUpload     *self)
{
  self->sent = sent;
  self->total = total;
  wbps_upload_speed_add_sample (self->speed, g_get_monotonic_time (), sent, total);
  notify_all (self);
}

static void
state_cb (WbpsUpload *self)
{
  notify_all (self);
}

/* Once a second: the time left disappears while stalled even when no progress comes. */
static gboolean
tick_cb (gpointer user_data)
{
  WbpsUpload *self = user_data;

  g_assert (WBPS_IS_UPLOAD (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_LEFT_TEXT]);
  return G_SOURCE_CONTINUE;
}

static void
stop_ticking (WbpsUpload *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(WbpsUpload) self = user_data;
  g_autoptr(GError) error = NULL;

  g_assert (WBPS_IS_UPLOAD (self));
  wbps_publish_job_run_finish (WBPS_PUBLISH_JOB (source), result, &error);
  self->finished = TRUE;
  stop_ticking (self);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("upload ended: %s", error->message);
  notify_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
set_job (WbpsUpload     *self,
         WbpsPublishJob *job)
{
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_set_object (&self->job, job);
  g_signal_connect (job, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect_swapped (job, "notify::state", G_CALLBACK (state_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

void
wbps_upload_start (WbpsUpload *self)
{
  g_return_if_fail (WBPS_IS_UPLOAD (self));
  g_return_if_fail (!is_running (self));

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->started = TRUE;
  self->finished = FALSE;
  self->cancelled = FALSE;
  g_clear_pointer (&self->checked_status, g_free);
  g_clear_pointer (&self->checked_reason, g_free);
  wbps_upload_speed_reset (self->speed);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  if (self->list != NULL)
    wbps_publish_job_set_relay_client (self->job, wbps_upload_list_lookup_relay (self->list,
                                                                                 wbps_post_options_get_open_id (self->options)));
  wbps_publish_job_run_async (self->job, self->cancellable, run_cb, g_object_ref (self));
  notify_all (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

void
wbps_upload_cancel (WbpsUpload *self)
{
  g_return_if_fail (WBPS_IS_UPLOAD (self));
  if (!is_running (self))
    return;
  self->cancelled = TRUE;
  g_cancellable_cancel (self->cancellable);
}

/* A fresh job with the options of the last one: a job runs once. */
static WbpsPublishJob *
copy_job (WbpsUpload *self)
{
  WbpsPublishJob *fresh = wbps_upload_list_create_job (self->list);

  wbps_publish_job_set_options (fresh, self->options);
  return fresh;
}

void
wbps_upload_retry (WbpsUpload *self)
{
  g_autoptr(WbpsPublishJob) fresh = NULL;

  g_return_if_fail (WBPS_IS_UPLOAD (self));
  g_return_if_fail (self->list != NULL && !is_running (self));
  fresh = copy_job (self);
  set_job (self, fresh);
  self->sent = 0;
  wbps_upload_start (self);
}

static void
resume_with (WbpsUpload           *self,
             const WbpsPostRecord *record)
{
  g_autoptr(WbpsPublishJob) fresh = copy_job (self);

  wbps_publish_job_set_checkpoint (fresh, record);
  set_job (self, fresh);
  g_clear_pointer (&self->checkpoint, wbps_post_record_free);
  wbps_upload_start (self);
}

static void
lookup_for_resume_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(WbpsUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPostRecord) record = wbps_database_lookup_finish (WBPS_DATABASE (source), result, &error);

  g_assert (WBPS_IS_UPLOAD (self));
  if (record == NULL)
    {
      g_warning ("Cannot resume: %s", error->message);
      return;
    }
  if (self->list != NULL && !is_running (self))
    resume_with (self, record);
}

void
wbps_upload_resume (WbpsUpload *self)
{
  g_return_if_fail (WBPS_IS_UPLOAD (self));
  g_return_if_fail (self->list != NULL && !is_running (self));

  if (self->checkpoint != NULL)
    {
      g_autoptr(WbpsPostRecord) record = wbps_post_record_copy (self->checkpoint);

      resume_with (self, record);
      return;
    }
  wbps_database_lookup_async (wbps_upload_list_get_database (self->list),
                              job_publish_id (self), NULL,
                              lookup_for_resume_cb, g_object_ref (self));
}

/* ---- Check Again -------------------------------------------------------------------- */

static void
record_updated_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    g_warning ("Could not record the post's status: %s", error->message);
}

/* The history keeps what Check Again learnt. */
static void
lookup_for_status_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(WbpsUpload) self = user_data;
  g_autoptr(WbpsPostRecord) record = wbps_database_lookup_finish (WBPS_DATABASE (source), result, NULL);

  if (record == NULL || self->checked_status == NULL)
    return;
  g_free (record->status);
  record->status = g_strdup (self->checked_status);
  g_free (record->fail_reason);
  record->fail_reason = g_strdup (self->checked_reason);
  g_free (record->state);
  record->state = g_strdup (wbps_publish_state_to_string (is_published (self) ? WBPS_PUBLISH_STATE_DONE
                                                          : is_failed (self) ? WBPS_PUBLISH_STATE_FAILED
                                                          : WBPS_PUBLISH_STATE_UNCONFIRMED));
  wbps_database_update_async (WBPS_DATABASE (source), record, NULL, record_updated_cb, NULL);
}

static void
status_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(WbpsUpload) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPublishStatus) status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);

  g_assert (WBPS_IS_UPLOAD (self));
  self->checking = FALSE;
  if (status != NULL)
    {
      g_free (self->checked_status);
      self->checked_status = g_strdup (status->status);
      g_free (self->checked_reason);
      self->checked_reason = g_strdup (status->fail_reason);
      if (self->list != NULL)
        wbps_database_lookup_async (wbps_upload_list_get_database (self->list),
                                    job_publish_id (self), NULL,
                                    lookup_for_status_cb, g_object_ref (self));
    }
  else
    g_warning ("Could not ask TikTok: %s", error->message);
  notify_all (self);
  if (is_published (self) || is_failed (self))
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

void
wbps_upload_check_again (WbpsUpload *self)
{
  g_return_if_fail (WBPS_IS_UPLOAD (self));
  if (self->checking || self->list == NULL || job_publish_id (self) == NULL)
    return;
  self->checking = TRUE;
  wbps_api_client_status_async (wbps_upload_list_get_api (self->list), wbps_post_options_get_open_id (self->options),
                                job_publish_id (self), NULL,
                                status_cb, g_object_ref (self));
  notify_all (self);
}

/* ---- getters ------------------------------------------------------------------------ */

WbpsPublishJob *
wbps_upload_get_job (WbpsUpload *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD (self), NULL);
  return self->job;
}

gboolean
wbps_upload_get_running (WbpsUpload *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD (self), FALSE);
  return is_running (self);
}

const char *
wbps_upload_get_title (WbpsUpload *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD (self), NULL);
  return self->title;
}

const char *
wbps_upload_get_state_text (WbpsUpload *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD (self), NULL);
  return state_text (self);
}

static void
wbps_upload_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  WbpsUpload *self = WBPS_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_ACCOUNT_NAME:
      g_value_set_string (value, self->account_name);
      break;
    case PROP_COVER:
      g_value_set_object (value, self->cover);
      break;
    case PROP_STATE_TEXT:
      g_value_set_string (value, state_text (self));
      break;
    case PROP_DETAIL_TEXT:
      g_value_take_string (value, detail_text (self));
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->total > 0 ? (double) self->sent / (double) self->total
                                                 : is_published (self) ? 1.0 : 0.0);
      break;
    case PROP_PROGRESS_TEXT:
      {
        g_autofree char *sent = g_format_size (self->sent);
        g_autofree char *total = g_format_size (self->total);

        g_value_take_string (value, self->total > 0 ? g_strdup_printf (_("%s of %s"), sent, total) : g_strdup (""));
      }
      break;
    case PROP_SPEED_TEXT:
      {
        double rate = wbps_upload_speed_get_rate (self->speed);
        g_autofree char *size = rate >= 0 ? g_format_size ((guint64) rate) : NULL;

        g_value_take_string (value, rate >= 0 && is_running (self) ? g_strdup_printf (_("%s/s"), size) : g_strdup (""));
      }
      break;
    case PROP_TIME_LEFT_TEXT:
      g_value_take_string (value, is_running (self)
                                    ? wbps_format_time_left (wbps_upload_speed_get_eta (self->speed, g_get_monotonic_time ()))
                                    : g_strdup (""));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, is_running (self));
      break;
    case PROP_CAN_CANCEL:
      g_value_set_boolean (value, is_running (self));
      break;
    case PROP_CAN_RETRY:
      g_value_set_boolean (value, self->finished && is_failed (self) && self->checked_status == NULL);
      break;
    case PROP_CAN_CHECK_AGAIN:
      g_value_set_boolean (value, self->finished && !self->checking && !is_published (self) && !is_failed (self) &&
                                    (job_state (self) == WBPS_PUBLISH_STATE_UNCONFIRMED || job_state (self) == WBPS_PUBLISH_STATE_PROCESSING));
      break;
    case PROP_CAN_RESUME:
      g_value_set_boolean (value, !is_running (self) && can_resume (self));
      break;
    case PROP_PUBLISHED:
      g_value_set_boolean (value, is_published (self));
      break;
    case PROP_FAILED:
      g_value_set_boolean (value, is_failed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_upload_dispose (GObject *object)
{
  WbpsUpload *self = WBPS_UPLOAD (object);

  stop_ticking (self);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->options);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->cover);
  if (self->list != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->list), (gpointer *) &self->list);
  self->list = NULL;
  G_OBJECT_CLASS (wbps_upload_parent_class)->dispose (object);
}

static void
wbps_upload_finalize (GObject *object)
{
  WbpsUpload *self = WBPS_UPLOAD (object);

  g_clear_pointer (&self->checkpoint, wbps_post_record_free);
  g_clear_pointer (&self->speed, wbps_upload_speed_free);
  g_free (self->title);
  g_free (self->account_name);
  g_free (self->checked_status);
  g_free (self->checked_reason);
  G_OBJECT_CLASS (wbps_upload_parent_class)->finalize (object);
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
boolean_property (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
wbps_upload_class_init (WbpsUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wbps_upload_get_property;
  object_class->dispose = wbps_upload_dispose;
  object_class->finalize = wbps_upload_finalize;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, WBPS_TYPE_PUBLISH_JOB,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TITLE] = string_property ("title");
  properties[PROP_ACCOUNT_NAME] = string_property ("account-name");
  properties[PROP_COVER] =
    g_param_spec_object ("cover", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE_TEXT] = string_property ("state-text");
  properties[PROP_DETAIL_TEXT] = string_property ("detail-text");
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS_TEXT] = string_property ("progress-text");
  properties[PROP_SPEED_TEXT] = string_property ("speed-text");
  properties[PROP_TIME_LEFT_TEXT] = string_property ("time-left-text");
  properties[PROP_RUNNING] = boolean_property ("running");
  properties[PROP_CAN_CANCEL] = boolean_property ("can-cancel");
  properties[PROP_CAN_RETRY] = boolean_property ("can-retry");
  properties[PROP_CAN_CHECK_AGAIN] = boolean_property ("can-check-again");
  properties[PROP_CAN_RESUME] = boolean_property ("can-resume");
  properties[PROP_PUBLISHED] = boolean_property ("published");
  properties[PROP_FAILED] = boolean_property ("failed");
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
wbps_upload_init (WbpsUpload *self)
{
  self->speed = wbps_upload_speed_new ();
}

static WbpsUpload *
upload_new (WbpsUploadList  *list,
            WbpsPublishJob  *job,
            WbpsPostOptions *options,
            const char      *title,
            const char      *account_name)
{
  WbpsUpload *self = g_object_new (WBPS_TYPE_UPLOAD, NULL);

  self->options = wbps_post_options_copy (options);
  self->list = list;
  g_object_add_weak_pointer (G_OBJECT (list), (gpointer *) &self->list);
  self->title = g_strdup (title != NULL && *title != '\0' ? title : _("Untitled video"));
  self->account_name = g_strdup (account_name);
  set_job (self, job);
  return self;
}

WbpsUpload *
wbps_upload_new (WbpsUploadList  *list,
                 WbpsPublishJob  *job,
                 WbpsPostOptions *options,
                 const char     *title,
                 const char     *account_name,
                 GdkPaintable   *cover)
{
  WbpsUpload *self;

  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (job), NULL);
  self = upload_new (list, job, options, title, account_name);
  g_set_object (&self->cover, cover);
  return self;
}

WbpsUpload *
wbps_upload_new_for_checkpoint (WbpsUploadList       *list,
                                const WbpsPostRecord *record,
                                const char           *account_name)
{
  g_autoptr(WbpsPublishJob) job = NULL;
  g_autoptr(WbpsPostOptions) options = wbps_post_options_new ();
  g_autoptr(GFile) file = NULL;
  WbpsUpload *self;

  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (record != NULL, NULL);
  job = wbps_upload_list_create_job (list);
  file = g_file_new_for_path (record->file_path);
  g_object_set (options, "file", file, "open-id", record->open_id, "title", record->title,
                "draft", g_strcmp0 (record->mode, "inbox") == 0, "privacy-level", record->privacy, NULL);
  self = upload_new (list, job, options, record->title, account_name);
  self->checkpoint = wbps_post_record_copy (record);
  self->sent = record->next_offset;
  self->total = record->file_size;
  return self;
}
