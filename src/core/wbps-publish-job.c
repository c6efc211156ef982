/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>

#include "wbps-publish-job.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "wbps-chunk-plan.h"
#include "wbps-error.h"
#include "wbps-json.h"
#include "wbps-uploader.h"

G_DEFINE_QUARK (wbps-publish-error-quark, wbps_publish_error)

G_DEFINE_ENUM_TYPE (WbpsPublishState, wbps_publish_state,
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_NEW, "new"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_PREFLIGHT, "preflight"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_CREATOR_INFO, "creator-info"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_INIT, "init"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_UPLOAD, "upload"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_PROCESSING, "processing"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_UNCONFIRMED, "unconfirmed"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_INTERRUPTED, "interrupted"))

static const char * const state_names[] = {
  "NEW", "PREFLIGHT", "CREATOR_INFO", "INIT", "UPLOAD", "PROCESSING",
  "DONE", "FAILED", "UNCONFIRMED", "INTERRUPTED",
};

const char *
wbps_publish_state_to_string (WbpsPublishState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "NEW");
  return state_names[state];
}

WbpsPublishState
wbps_publish_state_from_string (const char *text)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (state_names[i], text))
      return i;
  return WBPS_PUBLISH_STATE_NEW;
}

#define UPLOAD_URL_LIFETIME_SEC 3600
#define POLL_MAX_INTERVAL_MS    30000
#define IDENTITY_SPAN           (1024 * 1024)

struct _WbpsPublishJob
{
  GObject           parent_instance;

  WbpsConfig       *config;
  WbpsApiClient    *api;
  WbpsDatabase     *database;
  WbpsPreflight    *preflight;

  /* options */
  GFile            *file;
  char             *open_id;
  char             *privacy_level;
  char             *title;
  gint64            cover_ms;
  guint64           chunk_size;
  guint             give_up_seconds;
  guint             draft : 1;
  guint             allow_comment : 1;
  guint             allow_duet : 1;
  guint             allow_stitch : 1;
  guint             brand_organic : 1;
  guint             branded_content : 1;
  guint             aigc : 1;
  guint             wait : 1;
  guint             sandbox_forced : 1;
  guint             running : 1;

  WbpsPostRecord   *checkpoint;   /* resume source, or NULL */
  int               upload_lock;  /* flock()ed file while this process owns the upload, or -1 */

  /* progress */
  WbpsPublishState  state;
  WbpsPostRecord   *record;       /* the history row, kept in step with the job */
  WbpsMediaInfo    *media;
  WbpsCreatorInfo  *creator;
  WbpsChunkPlan     plan;         /* video_size is "total-bytes" */
  WbpsUploader     *uploader;
  guint64           bytes_sent;
  double            rate;
  gint64            eta_seconds;
  gint64            uploaded_bytes;
  GError           *error;

  GTask            *task;
  gint64            poll_deadline;
  guint             poll_interval_ms;
};

G_DEFINE_FINAL_TYPE (WbpsPublishJob, wbps_publish_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_OPEN_ID,
  PROP_DRAFT,
  PROP_PRIVACY_LEVEL,
  PROP_TITLE,
  PROP_ALLOW_COMMENT,
  PROP_ALLOW_DUET,
  PROP_ALLOW_STITCH,
  PROP_COVER_MS,
  PROP_BRAND_ORGANIC,
  PROP_BRANDED_CONTENT,
  PROP_AIGC,
  PROP_CHUNK_SIZE,
  PROP_WAIT,
  PROP_GIVE_UP_SECONDS,
  PROP_STATE,
  PROP_PUBLISH_ID,
  PROP_STATUS,
  PROP_FAIL_REASON,
  PROP_POST_IDS,
  PROP_UPLOADED_BYTES,
  PROP_BYTES_SENT,
  PROP_TOTAL_BYTES,
  PROP_RATE,
  PROP_ETA_SECONDS,
  PROP_CREATOR_NICKNAME,
  PROP_SANDBOX_FORCED,
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

static void job_finish          (WbpsPublishJob *self,
                                 WbpsPublishState state,
                                 GError         *error);
static void creator_info_start  (WbpsPublishJob *self);
static void init_start          (WbpsPublishJob *self);
static void upload_start        (WbpsPublishJob *self,
                                 guint64         offset);
static void processing_start    (WbpsPublishJob *self);
static void poll_schedule       (WbpsPublishJob *self);

/* ---- helpers ----------------------------------------------------------- */

glong
wbps_publish_utf16_length (const char *text)
{
  glong units = 0;

  g_return_val_if_fail (text != NULL, 0);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) >= 0x10000 ? 2 : 1;
  return units;
}

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

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    g_warning ("Could not update the local history: %s", error->message);
}

/* Writes the history row; the database keeps call order, so no need to wait. */
static void
save_record (WbpsPublishJob *self)
{
  if (self->record->id > 0)
    wbps_database_update_async (self->database, self->record, NULL, save_done_cb, NULL);
}

/* The state as the history row records it; FALSE when the row already said so. */
static gboolean
record_set_state (WbpsPostRecord   *record,
                  WbpsPublishState  state)
{
  const char *name = wbps_publish_state_to_string (state);

  if (g_strcmp0 (record->state, name) == 0)
    return FALSE;
  g_free (record->state);
  record->state = g_strdup (name);
  return TRUE;
}

static void
set_state (WbpsPublishJob   *self,
           WbpsPublishState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  /* The checkpoint written after init already says UPLOAD: no second write. */
  if (record_set_state (self->record, state))
    save_record (self);
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
strv_contains (const char * const *strv,
               const char         *value)
{
  return strv != NULL && value != NULL && g_strv_contains (strv, value);
}

/* ---- file identity ------------------------------------------------------ */

static gboolean
hash_span (GInputStream  *in,
           GChecksum     *sum,
           goffset        offset,
           gsize          length,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree guchar *buffer = g_malloc (IDENTITY_SPAN);
  gsize got = 0;

  if (!g_seekable_seek (G_SEEKABLE (in), offset, G_SEEK_SET, cancellable, error) ||
      !g_input_stream_read_all (in, buffer, length, &got, cancellable, error))
    return FALSE;
  g_checksum_update (sum, buffer, got);
  return TRUE;
}

char *
wbps_publish_file_identity (GFile         *file,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  goffset size;
  gsize head;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL || (in = g_file_read (file, cancellable, error)) == NULL)
    return NULL;
  size = g_file_info_get_size (info);
  head = MIN (size, IDENTITY_SPAN);
  if (!hash_span (G_INPUT_STREAM (in), sum, 0, head, cancellable, error) ||
      !hash_span (G_INPUT_STREAM (in), sum, MAX (size - IDENTITY_SPAN, 0),
                  MIN (size, IDENTITY_SPAN), cancellable, error))
    return NULL;
  return g_strdup_printf ("%" G_GOFFSET_FORMAT ":%" G_GUINT64_FORMAT ":%s", size,
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_checksum_get_string (sum));
}

static void
identity_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  char *identity = wbps_publish_file_identity (task_data, cancellable, &error);

  if (identity != NULL)
    g_task_return_pointer (task, identity, g_free);
  else
    g_task_return_error (task, error);
}

static void
identity_async (WbpsPublishJob      *self,
                GFile               *file,
                GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = g_task_new (self, job_cancellable (self), callback, self);

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, identity_thread);
}

/* Size and mtime as the identity string records them. */
static void
record_set_identity (WbpsPostRecord *record,
                     char           *identity)
{
  g_auto(GStrv) parts = g_strsplit (identity, ":", 3);

  record->file_size = g_ascii_strtoll (parts[0], NULL, 10);
  record->file_mtime = parts[1] != NULL ? g_ascii_strtoll (parts[1], NULL, 10) : 0;
  g_free (record->file_identity);
  record->file_identity = identity;
}

/* ---- option checks (before anything is sent) ------------------------------- */

static gboolean
check_options (WbpsPublishJob  *self,
               GError         **error)
{
  if (self->file == NULL)
    {
      g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_INVALID_OPTION, _("No video file was given."));
      return FALSE;
    }
  if (self->title != NULL && !g_utf8_validate (self->title, -1, NULL))
    {
      g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_INVALID_OPTION, _("The title is not valid UTF-8 text."));
      return FALSE;
    }
  if (self->title != NULL && wbps_publish_utf16_length (self->title) > WBPS_PUBLISH_TITLE_MAX_UTF16)
    {
      g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_INVALID_OPTION,
                   ngettext ("The title is %ld character long (counted as TikTok counts, in UTF-16 units); TikTok takes at most %d.",
                             "The title is %ld characters long (counted as TikTok counts, in UTF-16 units); TikTok takes at most %d.",
                             (gulong) wbps_publish_utf16_length (self->title)),
                   wbps_publish_utf16_length (self->title), WBPS_PUBLISH_TITLE_MAX_UTF16);
      return FALSE;
    }
  return TRUE;
}

static const char *
effective_privacy (WbpsPublishJob *self)
{
  return self->sandbox_forced ? "SELF_ONLY" : self->privacy_level;
}

static gboolean
check_direct_options (WbpsPublishJob  *self,
                      GError         **error)
{
  self->sandbox_forced = wbps_config_get_sandbox (self->config);
  if (effective_privacy (self) == NULL || *effective_privacy (self) == '\0')
    {
      g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_INVALID_OPTION,
                   _("Choose who can see the post: TikTok requires an explicit privacy level and has no default."));
      return FALSE;
    }
  if (self->branded_content && g_str_equal (effective_privacy (self), "SELF_ONLY"))
    {
      g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_INVALID_OPTION,
                   self->sandbox_forced
                     ? _("Branded content cannot be private, and this sandbox client can only post privately (\"Only me\").")
                     : _("Branded content visibility cannot be set to private (\"Only me\"). Choose another visibility."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_all_options (WbpsPublishJob  *self,
                   GError         **error)
{
  if (!check_options (self, error))
    return FALSE;
  return self->draft || check_direct_options (self, error);
}

/* Rules that need creator_info (spec 5): privacy options, interactions, duration. */
static gboolean
check_against_creator (WbpsPublishJob  *self,
                       GError         **error)
{
  const WbpsCreatorInfo *info = self->creator;
  const char *privacy = effective_privacy (self);

  if (!strv_contains ((const char * const *) info->privacy_level_options, privacy))
    {
      g_autofree char *options = g_strjoinv (", ", info->privacy_level_options);

      g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_NOT_ALLOWED,
                   _("“%s” is not a visibility this account offers; choose one of: %s."), privacy, options);
      return FALSE;
    }
  if ((self->allow_comment && info->comment_disabled) ||
      (self->allow_duet && info->duet_disabled) ||
      (self->allow_stitch && info->stitch_disabled))
    {
      const char *what = (self->allow_comment && info->comment_disabled) ? _("Comments")
                         : (self->allow_duet && info->duet_disabled) ? _("Duets") : _("Stitches");

      g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_NOT_ALLOWED,
                   _("%s cannot be allowed: the account has turned them off in TikTok's settings."), what);
      return FALSE;
    }
  return wbps_media_info_check (self->media, info->max_video_post_duration_sec, self->cover_ms, error);
}

/* ---- a cancellable sleep --------------------------------------------------- */

typedef struct {
  GSource *timeout;
  GSource *cancel;
} Sleep;

static void
sleep_free (Sleep *sleep)
{
  g_source_destroy (sleep->timeout);
  g_source_unref (sleep->timeout);
  g_source_destroy (sleep->cancel);
  g_source_unref (sleep->cancel);
  g_free (sleep);
}

static gboolean
sleep_wake (gpointer user_data)
{
  GTask *task = user_data;

  if (!g_task_had_error (task) && !g_task_get_completed (task) &&
      !g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_task_set_task_data (task, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
sleep_cancelled (GCancellable *cancellable,
                 gpointer      user_data)
{
  return sleep_wake (user_data);
}

static void
sleep_async (WbpsPublishJob      *self,
             guint                ms,
             GAsyncReadyCallback  callback)
{
  GTask *task = g_task_new (self, job_cancellable (self), callback, NULL);
  Sleep *sleep = g_new0 (Sleep, 1);

  sleep->timeout = g_timeout_source_new (ms);
  sleep->cancel = g_cancellable_source_new (job_cancellable (self));
  g_source_set_callback (sleep->timeout, sleep_wake, g_object_ref (task), g_object_unref);
  g_source_set_callback (sleep->cancel, G_SOURCE_FUNC (sleep_cancelled), g_object_ref (task), g_object_unref);
  g_task_set_task_data (task, sleep, (GDestroyNotify) sleep_free);
  g_source_attach (sleep->timeout, g_task_get_context (task));
  g_source_attach (sleep->cancel, g_task_get_context (task));
  g_object_unref (task);
}

/* ---- one uploader per post ------------------------------------------------------ */

/* Two processes must never send chunks of one upload at once (`wbps resume` beside a
 * `wbps post` still running): an advisory lock per publish_id, released with the process. */
static gboolean
claim_upload (WbpsPublishJob  *self,
              GError         **error)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->record->publish_id, -1);
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "wbps", NULL);
  g_autofree char *path = NULL;
  int fd;

  g_mkdir_with_parents (dir, 0700);
  path = g_strdup_printf ("%s/upload-%.32s.lock", dir, digest);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      self->upload_lock = fd;
      return TRUE;
    }
  if (fd >= 0)
    close (fd);
  g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_BUSY,
               _("The upload of %s (publish ID %s) is already running in another wbps process."),
               self->record->file_path, self->record->publish_id);
  return FALSE;
}

static void
release_upload (WbpsPublishJob *self)
{
  if (self->upload_lock >= 0)
    close (self->upload_lock);
  self->upload_lock = -1;
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
  g_autoptr(GError) error = NULL;

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    g_warning ("Could not update the local history: %s", error->message);
  job_return (g_task_get_source_object (task), task);
}

/* Records the final state (waiting for the write, so a process may exit after) and returns. */
static void
job_finish (WbpsPublishJob   *self,
            WbpsPublishState  state,
            GError           *error)
{
  GTask *task = g_steal_pointer (&self->task);

  g_clear_object (&self->uploader);
  release_upload (self);
  self->state = state;
  record_set_state (self->record, state);
  if (error != NULL)
    {
      g_clear_error (&self->error);
      self->error = error;
      /* TikTok's own fail_reason stays; otherwise the history keeps why the job stopped. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_PUBLISH_FAILED))
        {
          g_free (self->record->fail_reason);
          self->record->fail_reason = g_strdup (error->message);
        }
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
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

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- status polling -------------------------------------------------------------- */

static void
apply_status (WbpsPublishJob    *self,
              WbpsPublishStatus *status)
{
  WbpsPostRecord *r = self->record;

  g_free (r->status);
  r->status = g_strdup (status->status);
  g_free (r->fail_reason);
  r->fail_reason = g_strdup (status->fail_reason);
  g_strfreev (r->post_ids);
  r->post_ids = g_strdupv (status->post_ids != NULL ? status->post_ids : (GStrv) (const char *[]) { NULL });
  if (status->uploaded_bytes >= 0)
    self->uploaded_bytes = status->uploaded_bytes;
  save_record (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAIL_REASON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POST_IDS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOADED_BYTES]);
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

static gboolean
status_is_final (const char *status)
{
  return g_strcmp0 (status, "PUBLISH_COMPLETE") == 0 || g_strcmp0 (status, "SEND_TO_USER_INBOX") == 0 ||
         g_strcmp0 (status, "FAILED") == 0;
}

static gboolean
error_is_transient (const GError *error)
{
  return wbps_tiktok_error_is_transient (error) ||
         error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
         error->domain == SOUP_SESSION_ERROR || g_error_matches (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY) ||
         g_error_matches (error, WBPS_ERROR, WBPS_ERROR_TIMEOUT);
}

static void
poll_status_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autoptr(WbpsPublishStatus) status = NULL;
  GError *error = NULL;

  status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);
  if (status == NULL && (is_cancelled (error) || !error_is_transient (error)))
    {
      job_finish (self, WBPS_PUBLISH_STATE_PROCESSING, error);
      return;
    }
  if (status == NULL)
    {
      notice (self, _("Could not check the post's status (%s); trying again."), error->message);
      g_clear_error (&error);
    }
  else
    apply_status (self, status);
  if (status != NULL && status_is_final (status->status))
    {
      finish_with_status (self);
      return;
    }
  self->poll_interval_ms = MIN (self->poll_interval_ms * 3 / 2, POLL_MAX_INTERVAL_MS);
  poll_schedule (self);
}

static void
poll_wake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WbpsPublishJob *self = WBPS_PUBLISH_JOB (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_PROCESSING, error);
      return;
    }
  if (g_get_monotonic_time () >= self->poll_deadline)
    {
      job_finish (self, WBPS_PUBLISH_STATE_UNCONFIRMED, NULL);
      return;
    }
  wbps_api_client_status_async (self->api, self->record->open_id, self->record->publish_id,
                                job_cancellable (self), poll_status_cb, self);
}

/* Sleeps at least the status limit's spacing, but never past the give-up time. */
static void
poll_schedule (WbpsPublishJob *self)
{
  gint64 remaining_ms = (self->poll_deadline - g_get_monotonic_time ()) / 1000;

  sleep_async (self, CLAMP (remaining_ms, 0, (gint64) self->poll_interval_ms), poll_wake_cb);
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
  self->poll_deadline = g_get_monotonic_time () + (gint64) self->give_up_seconds * G_USEC_PER_SEC;
  self->poll_interval_ms = WBPS_PUBLISH_STATUS_MIN_INTERVAL_MS;
  poll_schedule (self);
}

/* ---- upload ---------------------------------------------------------------------- */

static void
reconcile_status_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(WbpsPublishStatus) status = NULL;
  GError *error = NULL;

  status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);
  if (status == NULL)
    g_task_return_error (task, error);
  else if (status->uploaded_bytes < 0)
    g_task_return_new_error (task, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                             _("TikTok did not say how many bytes of the upload it holds."));
  else
    g_task_return_int (task, status->uploaded_bytes);
}

/* The uploader asks how much TikTok holds after a 416 or an ambiguous loss. */
static void
reconcile_func (WbpsUploader *uploader,
                GTask        *task,
                gpointer      user_data)
{
  WbpsPublishJob *self = user_data;

  wbps_api_client_status_async (self->api, self->record->open_id, self->record->publish_id,
                                g_task_get_cancellable (task), reconcile_status_cb, task);
}

static void
progress_cb (WbpsUploader   *uploader,
             guint64         bytes_sent,
             guint64         total,
             double          rate,
             gint64          eta_seconds,
             WbpsPublishJob *self)
{
  self->bytes_sent = bytes_sent;
  self->rate = rate;
  self->eta_seconds = eta_seconds;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, bytes_sent, total, rate, eta_seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA_SECONDS]);
}

static void
chunk_done_cb (WbpsUploader   *uploader,
               guint64         index,
               guint64         next_offset,
               WbpsPublishJob *self)
{
  self->record->next_offset = next_offset;
  self->uploaded_bytes = next_offset;
  save_record (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOADED_BYTES]);
}

static void
retrying_cb (WbpsUploader   *uploader,
             guint64         index,
             guint           attempt,
             guint           delay_ms,
             const char     *reason,
             WbpsPublishJob *self)
{
  notice (self, _("Chunk %" PRIu64 " of %" PRIu64 " did not go through (%s); sending it again in %.1f s (attempt %u)."),
          index + 1, self->plan.total_chunk_count, reason, delay_ms / 1000.0, attempt);
}

/* An upload that stopped for a reason a later `resume` can overcome. */
static gboolean
upload_error_is_resumable (const GError *error)
{
  if (error->domain != WBPS_UPLOAD_ERROR)
    return TRUE;
  return error->code == WBPS_UPLOAD_ERROR_TOO_MANY_RETRIES ||
         error->code == WBPS_UPLOAD_ERROR_RANGE_MISMATCH ||
         error->code == WBPS_UPLOAD_ERROR_FAILED;
}

static void
upload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  if (wbps_uploader_upload_finish (WBPS_UPLOADER (source), result, &error))
    {
      self->record->next_offset = self->plan.video_size;
      self->uploaded_bytes = self->plan.video_size;
      processing_start (self);
      return;
    }
  self->record->next_offset = wbps_uploader_get_next_offset (WBPS_UPLOADER (source));
  if (is_cancelled (error) || upload_error_is_resumable (error))
    {
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (self->record->upload_expires_at);
      g_autofree char *when = g_date_time_format (until, "%X");

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
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
build_post_info (WbpsPublishJob *self,
                 JsonBuilder    *builder)
{
  json_builder_set_member_name (builder, "post_info");
  json_builder_begin_object (builder);
  if (self->title != NULL && *self->title != '\0')
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, self->title);
    }
  json_builder_set_member_name (builder, "privacy_level");
  json_builder_add_string_value (builder, effective_privacy (self));
  add_bool (builder, "disable_comment", !self->allow_comment);
  add_bool (builder, "disable_duet", !self->allow_duet);
  add_bool (builder, "disable_stitch", !self->allow_stitch);
  if (self->cover_ms >= 0)
    wbps_json_add_int (builder, "video_cover_timestamp_ms", self->cover_ms);
  add_bool (builder, "brand_content_toggle", self->branded_content);
  add_bool (builder, "brand_organic_toggle", self->brand_organic);
  add_bool (builder, "is_aigc", self->aigc);
  json_builder_end_object (builder);
}

static JsonNode *
build_init_body (WbpsPublishJob *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (!self->draft)
    build_post_info (self, builder);
  json_builder_set_member_name (builder, "source_info");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "FILE_UPLOAD");
  wbps_json_add_int (builder, "video_size", self->plan.video_size);
  wbps_json_add_int (builder, "chunk_size", self->plan.chunk_size);
  wbps_json_add_int (builder, "total_chunk_count", self->plan.total_chunk_count);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
init_saved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    notice (self, _("Warning: the upload checkpoint could not be saved (%s); an interrupted upload cannot be resumed."),
            error->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLISH_ID]);
  if (!claim_upload (self, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, g_steal_pointer (&error));
      return;
    }
  upload_start (self, 0);
}

static void
init_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  WbpsPostRecord *r = self->record;
  g_autofree char *publish_id = NULL;
  g_autofree char *upload_url = NULL;
  GError *error = NULL;

  if (!wbps_api_client_video_init_finish (WBPS_API_CLIENT (source), result, &publish_id, &upload_url, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  /* The checkpoint is on disk before anyone learns the publish_id. */
  r->publish_id = g_steal_pointer (&publish_id);
  r->upload_url = g_steal_pointer (&upload_url);
  r->upload_expires_at = g_get_real_time () / G_USEC_PER_SEC + UPLOAD_URL_LIFETIME_SEC;
  r->next_offset = 0;
  record_set_state (r, WBPS_PUBLISH_STATE_UPLOAD);
  wbps_database_update_async (self->database, r, NULL, init_saved_cb, self);
}

static void
init_start (WbpsPublishJob *self)
{
  g_autoptr(JsonNode) body = build_init_body (self);
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (job_cancellable (self), &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  set_state (self, WBPS_PUBLISH_STATE_INIT);
  if (self->draft && (self->title != NULL || self->privacy_level != NULL))
    notice (self, _("Drafts go to the TikTok inbox without caption or settings; set them in TikTok."));
  /* Not cancellable: TikTok may create the publish_id anyway, and it must reach the
   * checkpoint; a cancel then stops the upload, which `resume` can finish. */
  wbps_api_client_video_init_async (self->api, self->record->open_id, self->draft, body,
                                    NULL, init_cb, self);
}

/* ---- creator info --------------------------------------------------------------------- */

static void
creator_info_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  self->creator = wbps_api_client_creator_info_finish (WBPS_API_CLIENT (source), result, &error);
  if (self->creator == NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATOR_NICKNAME]);
  notice (self, _("Posting to TikTok as %s."), self->creator->nickname != NULL ? self->creator->nickname : "?");
  if (self->sandbox_forced && self->privacy_level != NULL && g_strcmp0 (self->privacy_level, "SELF_ONLY") != 0)
    notice (self, _("This is a sandbox client: TikTok only allows private posts, so the visibility is “Only me” (SELF_ONLY) instead of %s."),
            self->privacy_level);
  else if (self->sandbox_forced)
    notice (self, _("This is a sandbox client: TikTok only allows private posts, so the visibility is “Only me” (SELF_ONLY)."));
  if (!check_against_creator (self, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  g_free (self->record->privacy);
  self->record->privacy = g_strdup (effective_privacy (self));
  init_start (self);
}

static void
creator_info_start (WbpsPublishJob *self)
{
  set_state (self, WBPS_PUBLISH_STATE_CREATOR_INFO);
  wbps_api_client_creator_info_async (self->api, self->record->open_id, job_cancellable (self),
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

  self->media = wbps_preflight_probe_finish (WBPS_PREFLIGHT (source), result, &error);
  if (self->media == NULL || !wbps_media_info_check (self->media, 0, self->cover_ms, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  self->record->content_type = g_strdup (self->media->mime_type != NULL ? self->media->mime_type : "video/mp4");
  if (self->draft)
    init_start (self);
  else
    creator_info_start (self);
}

static void
identity_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;
  char *identity = g_task_propagate_pointer (G_TASK (result), &error);

  if (identity == NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  record_set_identity (self->record, identity);
  if (!wbps_chunk_plan_compute (self->record->file_size, self->chunk_size, &self->plan, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  self->record->chunk_size = self->plan.chunk_size;
  self->record->chunk_count = self->plan.total_chunk_count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_BYTES]);
  wbps_preflight_probe_async (self->preflight, self->file, job_cancellable (self), probe_cb, self);
}

static void
inserted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  self->record->id = wbps_database_insert_finish (WBPS_DATABASE (source), result, &error);
  if (self->record->id == 0)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  identity_async (self, self->file, identity_cb);
}

static void
preflight_start (WbpsPublishJob *self)
{
  WbpsPostRecord *r = self->record;

  r->file_path = g_file_get_path (self->file);
  r->title = g_strdup (self->title);
  r->open_id = g_strdup (self->open_id);
  r->mode = g_strdup (self->draft ? "inbox" : "direct");
  r->privacy = self->draft ? NULL : g_strdup (effective_privacy (self));
  set_state (self, WBPS_PUBLISH_STATE_PREFLIGHT);
  if (r->file_path == NULL)
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED,
                  publish_error (WBPS_PUBLISH_ERROR_INVALID_OPTION, _("Only local files can be posted.")));
      return;
    }
  wbps_database_insert_async (self->database, r, job_cancellable (self), inserted_cb, self);
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

  status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);
  if (status == NULL && is_cancelled (error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, g_steal_pointer (&error));
      return;
    }
  if (status != NULL)
    apply_status (self, status);
  if (status != NULL && status_is_final (status->status))
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
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = g_task_propagate_pointer (G_TASK (result), &error);

  if (identity == NULL && is_cancelled (error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED, g_steal_pointer (&error));
      return;
    }
  if (identity == NULL || g_strcmp0 (identity, self->record->file_identity) != 0)
    {
      job_finish (self, WBPS_PUBLISH_STATE_INTERRUPTED,
                  publish_error (WBPS_PUBLISH_ERROR_FILE_CHANGED,
                                 _("%s is not the file whose upload was interrupted (%s); it cannot be resumed."),
                                 self->record->file_path,
                                 identity == NULL ? error->message : _("its size, date or content changed")));
      return;
    }
  self->uploaded_bytes = self->record->next_offset;
  wbps_api_client_status_async (self->api, self->record->open_id, self->record->publish_id,
                                job_cancellable (self), resume_status_cb, self);
}

static void
resume_start (WbpsPublishJob *self)
{
  WbpsPostRecord *r = self->record;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GFile) file = g_file_new_for_path (r->file_path);
  GError *error = NULL;

  self->plan.video_size = r->file_size;
  self->plan.chunk_size = r->chunk_size;
  self->plan.total_chunk_count = r->chunk_count;
  self->state = wbps_publish_state_from_string (r->state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLISH_ID]);
  if (!claim_upload (self, &error))
    {
      job_abandon (self, error);
      return;
    }
  if (r->upload_url == NULL || now >= r->upload_expires_at)
    {
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (r->upload_expires_at);
      g_autofree char *when = g_date_time_format (until, "%x %X");

      job_finish (self, WBPS_PUBLISH_STATE_FAILED,
                  publish_error (WBPS_PUBLISH_ERROR_CHECKPOINT_EXPIRED,
                                 _("The upload of %s (publish ID %s) can no longer be resumed: TikTok's upload address expired at %s (an upload must finish within an hour). Post the video again."),
                                 r->file_path, r->publish_id, when));
      return;
    }
  if (!wbps_chunk_plan_validate (&self->plan, &error))
    {
      job_finish (self, WBPS_PUBLISH_STATE_FAILED, error);
      return;
    }
  identity_async (self, file, resume_identity_cb);
}

static gboolean
record_is_resumable (const WbpsPostRecord *r,
                     GError              **error)
{
  WbpsPublishState state = wbps_publish_state_from_string (r->state);

  if (r->publish_id != NULL && r->file_path != NULL &&
      (state == WBPS_PUBLISH_STATE_UPLOAD || state == WBPS_PUBLISH_STATE_INTERRUPTED))
    return TRUE;
  g_set_error (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_NOT_RESUMABLE,
               _("The post %s has no interrupted upload to resume (its state is %s)."),
               r->publish_id != NULL ? r->publish_id : "?", r->state);
  return FALSE;
}

/* ---- running ------------------------------------------------------------------------------- */

static void
database_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  WbpsPublishJob *self = user_data;
  GError *error = NULL;

  /* A resume that could not start leaves its checkpoint resumable. */
  if (!wbps_database_open_finish (WBPS_DATABASE (source), result, &error))
    job_finish (self, self->checkpoint != NULL ? WBPS_PUBLISH_STATE_INTERRUPTED : WBPS_PUBLISH_STATE_FAILED,
                error);
  else if (self->checkpoint != NULL)
    resume_start (self);
  else
    preflight_start (self);
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
  if (self->checkpoint != NULL ? !record_is_resumable (self->checkpoint, &error)
                               : !check_all_options (self, &error))
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
    }
  else if (self->preflight == NULL)
    {
      g_task_return_new_error (task, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_FAILED,
                               "No video pre-flight was given to the publish job");
      return;
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
wbps_publish_job_set_checkpoint (WbpsPublishJob       *self,
                                 const WbpsPostRecord *record)
{
  g_return_if_fail (WBPS_IS_PUBLISH_JOB (self));
  g_return_if_fail (!self->running);
  g_clear_pointer (&self->checkpoint, wbps_post_record_free);
  self->checkpoint = record != NULL ? wbps_post_record_copy (record) : NULL;
}

/* ---- getters ------------------------------------------------------------------------------ */

WbpsPublishState
wbps_publish_job_get_state (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), WBPS_PUBLISH_STATE_NEW);
  return self->state;
}

const char *
wbps_publish_job_get_publish_id (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);
  return self->record->publish_id;
}

const char *
wbps_publish_job_get_status (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);
  return self->record->status;
}

const char *
wbps_publish_job_get_fail_reason (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);
  return self->record->fail_reason;
}

const char * const *
wbps_publish_job_get_post_ids (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);
  return (const char * const *) self->record->post_ids;
}

gint64
wbps_publish_job_get_uploaded_bytes (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), 0);
  return self->uploaded_bytes;
}

const char *
wbps_publish_job_get_creator_nickname (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);
  return self->creator != NULL ? self->creator->nickname : NULL;
}

const GError *
wbps_publish_job_get_error (WbpsPublishJob *self)
{
  g_return_val_if_fail (WBPS_IS_PUBLISH_JOB (self), NULL);
  return self->error;
}

/* ---- GObject ------------------------------------------------------------------------------- */

/* GSettings status-give-up-seconds, overridden by WBPS_STATUS_GIVE_UP (tests). */
static guint
default_give_up_seconds (void)
{
  const char *env = g_getenv ("WBPS_STATUS_GIVE_UP");
  g_autoptr(GSettings) settings = NULL;
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT, &value, NULL))
    return value;
  settings = wbps_config_get_settings ();
  return settings != NULL ? g_settings_get_uint (settings, "status-give-up-seconds") : 600;
}

static void
wbps_publish_job_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WbpsPublishJob *self = WBPS_PUBLISH_JOB (object);

  switch (prop_id)
    {
    case PROP_FILE: g_value_set_object (value, self->file); break;
    case PROP_OPEN_ID: g_value_set_string (value, self->open_id); break;
    case PROP_DRAFT: g_value_set_boolean (value, self->draft); break;
    case PROP_PRIVACY_LEVEL: g_value_set_string (value, self->privacy_level); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_ALLOW_COMMENT: g_value_set_boolean (value, self->allow_comment); break;
    case PROP_ALLOW_DUET: g_value_set_boolean (value, self->allow_duet); break;
    case PROP_ALLOW_STITCH: g_value_set_boolean (value, self->allow_stitch); break;
    case PROP_COVER_MS: g_value_set_int64 (value, self->cover_ms); break;
    case PROP_BRAND_ORGANIC: g_value_set_boolean (value, self->brand_organic); break;
    case PROP_BRANDED_CONTENT: g_value_set_boolean (value, self->branded_content); break;
    case PROP_AIGC: g_value_set_boolean (value, self->aigc); break;
    case PROP_CHUNK_SIZE: g_value_set_uint64 (value, self->chunk_size); break;
    case PROP_WAIT: g_value_set_boolean (value, self->wait); break;
    case PROP_GIVE_UP_SECONDS: g_value_set_uint (value, self->give_up_seconds); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_PUBLISH_ID: g_value_set_string (value, self->record->publish_id); break;
    case PROP_STATUS: g_value_set_string (value, self->record->status); break;
    case PROP_FAIL_REASON: g_value_set_string (value, self->record->fail_reason); break;
    case PROP_POST_IDS: g_value_set_boxed (value, self->record->post_ids); break;
    case PROP_UPLOADED_BYTES: g_value_set_int64 (value, self->uploaded_bytes); break;
    case PROP_BYTES_SENT: g_value_set_uint64 (value, self->bytes_sent); break;
    case PROP_TOTAL_BYTES: g_value_set_uint64 (value, self->plan.video_size); break;
    case PROP_RATE: g_value_set_double (value, self->rate); break;
    case PROP_ETA_SECONDS: g_value_set_int64 (value, self->eta_seconds); break;
    case PROP_CREATOR_NICKNAME: g_value_set_string (value, wbps_publish_job_get_creator_nickname (self)); break;
    case PROP_SANDBOX_FORCED: g_value_set_boolean (value, self->sandbox_forced); break;
    case PROP_ERROR: g_value_set_boxed (value, self->error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (char       **field,
            const GValue *value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
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
    case PROP_FILE: g_set_object (&self->file, g_value_get_object (value)); break;
    case PROP_OPEN_ID: set_string (&self->open_id, value); break;
    case PROP_DRAFT: self->draft = g_value_get_boolean (value); break;
    case PROP_PRIVACY_LEVEL: set_string (&self->privacy_level, value); break;
    case PROP_TITLE: set_string (&self->title, value); break;
    case PROP_ALLOW_COMMENT: self->allow_comment = g_value_get_boolean (value); break;
    case PROP_ALLOW_DUET: self->allow_duet = g_value_get_boolean (value); break;
    case PROP_ALLOW_STITCH: self->allow_stitch = g_value_get_boolean (value); break;
    case PROP_COVER_MS: self->cover_ms = g_value_get_int64 (value); break;
    case PROP_BRAND_ORGANIC: self->brand_organic = g_value_get_boolean (value); break;
    case PROP_BRANDED_CONTENT: self->branded_content = g_value_get_boolean (value); break;
    case PROP_AIGC: self->aigc = g_value_get_boolean (value); break;
    case PROP_CHUNK_SIZE: self->chunk_size = g_value_get_uint64 (value); break;
    case PROP_WAIT: self->wait = g_value_get_boolean (value); break;
    case PROP_GIVE_UP_SECONDS: self->give_up_seconds = g_value_get_uint (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
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
  g_clear_object (&self->file);
  g_clear_object (&self->uploader);
  release_upload (self);
  g_free (self->open_id);
  g_free (self->privacy_level);
  g_free (self->title);
  g_clear_pointer (&self->checkpoint, wbps_post_record_free);
  g_clear_pointer (&self->record, wbps_post_record_free);
  g_clear_pointer (&self->media, wbps_media_info_free);
  g_clear_pointer (&self->creator, wbps_creator_info_free);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (wbps_publish_job_parent_class)->finalize (object);
}

#define RW (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS)
#define RO (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
install_option_properties (void)
{
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, RW);
  properties[PROP_OPEN_ID] = g_param_spec_string ("open-id", NULL, NULL, NULL, RW);
  properties[PROP_DRAFT] = g_param_spec_boolean ("draft", NULL, NULL, FALSE, RW);
  properties[PROP_PRIVACY_LEVEL] = g_param_spec_string ("privacy-level", NULL, NULL, NULL, RW);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, RW);
  properties[PROP_ALLOW_COMMENT] = g_param_spec_boolean ("allow-comment", NULL, NULL, FALSE, RW);
  properties[PROP_ALLOW_DUET] = g_param_spec_boolean ("allow-duet", NULL, NULL, FALSE, RW);
  properties[PROP_ALLOW_STITCH] = g_param_spec_boolean ("allow-stitch", NULL, NULL, FALSE, RW);
  properties[PROP_COVER_MS] = g_param_spec_int64 ("cover-ms", NULL, NULL, -1, G_MAXINT32, -1, RW);
  properties[PROP_BRAND_ORGANIC] = g_param_spec_boolean ("brand-organic", NULL, NULL, FALSE, RW);
  properties[PROP_BRANDED_CONTENT] = g_param_spec_boolean ("branded-content", NULL, NULL, FALSE, RW);
  properties[PROP_AIGC] = g_param_spec_boolean ("aigc", NULL, NULL, FALSE, RW);
  properties[PROP_CHUNK_SIZE] = g_param_spec_uint64 ("chunk-size", NULL, NULL, 0, G_MAXUINT64, 0, RW);
  properties[PROP_WAIT] = g_param_spec_boolean ("wait", NULL, NULL, TRUE, RW);
  properties[PROP_GIVE_UP_SECONDS] = g_param_spec_uint ("give-up-seconds", NULL, NULL, 1, G_MAXUINT, 600,
                                                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
}

static void
install_result_properties (void)
{
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, WBPS_TYPE_PUBLISH_STATE,
                                              WBPS_PUBLISH_STATE_NEW, RO);
  properties[PROP_PUBLISH_ID] = g_param_spec_string ("publish-id", NULL, NULL, NULL, RO);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, RO);
  properties[PROP_FAIL_REASON] = g_param_spec_string ("fail-reason", NULL, NULL, NULL, RO);
  properties[PROP_POST_IDS] = g_param_spec_boxed ("post-ids", NULL, NULL, G_TYPE_STRV, RO);
  properties[PROP_UPLOADED_BYTES] = g_param_spec_int64 ("uploaded-bytes", NULL, NULL, 0, G_MAXINT64, 0, RO);
  properties[PROP_BYTES_SENT] = g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0, RO);
  properties[PROP_TOTAL_BYTES] = g_param_spec_uint64 ("total-bytes", NULL, NULL, 0, G_MAXUINT64, 0, RO);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, RO);
  properties[PROP_ETA_SECONDS] = g_param_spec_int64 ("eta-seconds", NULL, NULL, -1, G_MAXINT64, -1, RO);
  properties[PROP_CREATOR_NICKNAME] = g_param_spec_string ("creator-nickname", NULL, NULL, NULL, RO);
  properties[PROP_SANDBOX_FORCED] = g_param_spec_boolean ("sandbox-forced", NULL, NULL, FALSE, RO);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, RO);
}

static void
wbps_publish_job_class_init (WbpsPublishJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wbps_publish_job_get_property;
  object_class->set_property = wbps_publish_job_set_property;
  object_class->finalize = wbps_publish_job_finalize;
  install_option_properties ();
  install_result_properties ();
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                           G_TYPE_UINT64, G_TYPE_UINT64, G_TYPE_DOUBLE, G_TYPE_INT64);
  signals[SIGNAL_NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wbps_publish_job_init (WbpsPublishJob *self)
{
  self->record = wbps_post_record_new ();
  self->upload_lock = -1;
  self->eta_seconds = -1;
  self->give_up_seconds = default_give_up_seconds ();
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
