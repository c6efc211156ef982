/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsFilmstrip: thumbnails across a whole video. Each worker thread owns a
 * WbpsFrameGrabber (its own pipeline) and takes the next index from a shared
 * counter, so two workers decode two thumbnails at once. Results travel to
 * the caller's main context one by one as idle callbacks.
 */

#include "config.h"

#include "wbps-filmstrip.h"
#include "wbps-frame-grabber.h"

/* Two pipelines keep two cores busy; more only fight over them. */
#define MAX_WORKERS 2

struct _WbpsFilmstrip
{
  GObject parent_instance;

  GFile  *file;
  guint   n_thumbnails;
  guint   height;
  gint64  duration_ms;
};

enum {
  PROP_0,
  PROP_FILE,
  PROP_N_THUMBNAILS,
  PROP_HEIGHT,
  PROP_DURATION_MS,
  N_PROPS
};

enum {
  SIGNAL_THUMBNAIL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WbpsFilmstrip, wbps_filmstrip, G_TYPE_OBJECT)

static gint64
timestamp_for (guint  index,
               guint  n_thumbnails,
               gint64 duration_ms)
{
  return duration_ms <= 0 ? 0 : (duration_ms * index) / n_thumbnails;
}

gint64
wbps_filmstrip_get_timestamp_ms (WbpsFilmstrip *self,
                                 guint          index)
{
  g_return_val_if_fail (WBPS_IS_FILMSTRIP (self), 0);
  g_return_val_if_fail (index < self->n_thumbnails, 0);

  return timestamp_for (index, self->n_thumbnails, self->duration_ms);
}

/* --- one generation: shared by the workers, owned by the main context --- */

typedef struct {
  gatomicrefcount  ref_count;
  GTask           *task;          /* main context only; NULL once returned */
  GCancellable    *cancellable;   /* stops all workers: the caller's cancel or an error */
  gulong           cancel_handler;
  GFile           *file;
  guint            n_thumbnails;
  guint            height;
  gint             next_index;    /* atomic */
  guint            workers_to_start; /* main context only */
  guint            workers_left;  /* main context only: started and not ended */
  GError          *error;         /* main context only: the first failure */
} Job;

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_clear_object (&job->task);   /* only set if the main context went away */
  g_clear_object (&job->cancellable);
  g_clear_object (&job->file);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

typedef struct {
  Job            *job;
  guint           index;
  gint64          duration_ms;
  WbpsVideoFrame *frame;   /* NULL: a duration report or the worker's end */
  GError         *error;
} Report;

static void
report_free (Report *report)
{
  job_unref (report->job);
  g_clear_pointer (&report->frame, wbps_video_frame_unref);
  g_clear_error (&report->error);
  g_free (report);
}

static void
set_duration (WbpsFilmstrip *self,
              gint64         duration_ms)
{
  if (duration_ms <= 0 || self->duration_ms == duration_ms)
    return;
  self->duration_ms = duration_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
}

static void
finish_job (Job *job)
{
  g_autoptr(GTask) task = g_steal_pointer (&job->task);
  GCancellable *caller_cancellable = g_task_get_cancellable (task);

  g_cancellable_disconnect (caller_cancellable, job->cancel_handler);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void start_worker (Job *job);

/* In the main context: a thumbnail, or the end of one worker. */
static gboolean
deliver_report (gpointer data)
{
  Report *report = data;
  Job *job = report->job;
  WbpsFilmstrip *self;

  if (job->task == NULL)
    return G_SOURCE_REMOVE;
  self = g_task_get_source_object (job->task);
  set_duration (self, report->duration_ms);

  if (report->frame != NULL)
    {
      /* After a cancel nothing more is shown, even what was already decoded. */
      if (!g_cancellable_is_cancelled (g_task_get_cancellable (job->task)))
        g_signal_emit (self, signals[SIGNAL_THUMBNAIL], 0, report->index, report->frame);
      /* The first thumbnail had the machine to itself; now the others may share it. */
      while (job->workers_to_start > 0 && !g_cancellable_is_cancelled (job->cancellable))
        {
          job->workers_to_start--;
          start_worker (job);
        }
      return G_SOURCE_REMOVE;
    }

  if (report->error != NULL && job->error == NULL &&
      !g_error_matches (report->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      job->error = g_steal_pointer (&report->error);
      g_cancellable_cancel (job->cancellable);
    }
  if (--job->workers_left == 0)
    finish_job (job);

  return G_SOURCE_REMOVE;
}

static void
post_report (Job            *job,
             GMainContext   *context,
             guint           index,
             gint64          duration_ms,
             WbpsVideoFrame *frame,
             GError         *error)
{
  Report *report = g_new0 (Report, 1);

  report->job = job_ref (job);
  report->index = index;
  report->duration_ms = duration_ms;
  report->frame = frame;
  report->error = error;
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, deliver_report, report,
                              (GDestroyNotify) report_free);
}

typedef struct {
  Job          *job;
  GMainContext *context;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  Job *job = worker->job;
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (job->file, job->height);
  GError *error = NULL;
  gint64 duration_ms = -1;

  if (wbps_frame_grabber_open (grabber, job->cancellable, &error))
    {
      duration_ms = wbps_frame_grabber_get_duration_ms (grabber);
      for (guint index = g_atomic_int_add (&job->next_index, 1);
           index < job->n_thumbnails;
           index = g_atomic_int_add (&job->next_index, 1))
        {
          gint64 timestamp_ms = timestamp_for (index, job->n_thumbnails, duration_ms);
          WbpsVideoFrame *frame = wbps_frame_grabber_grab (grabber, timestamp_ms,
                                                           job->cancellable, &error);
          if (frame == NULL)
            break;
          post_report (job, worker->context, index, duration_ms, frame, NULL);
        }
    }

  post_report (job, worker->context, 0, duration_ms, NULL, error);
  job_unref (job);
  g_main_context_unref (worker->context);
  g_free (worker);

  return NULL;
}

static void
start_worker (Job *job)
{
  Worker *worker = g_new0 (Worker, 1);

  worker->job = job_ref (job);
  worker->context = g_main_context_ref (g_task_get_context (job->task));
  job->workers_left++;
  g_thread_unref (g_thread_new ("wbps-filmstrip", worker_thread, worker));
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *own)
{
  g_cancellable_cancel (own);
}

void
wbps_filmstrip_generate_async (WbpsFilmstrip       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Job *job;
  guint n_workers;

  g_return_if_fail (WBPS_IS_FILMSTRIP (self));

  job = g_new0 (Job, 1);
  g_atomic_ref_count_init (&job->ref_count);
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, wbps_filmstrip_generate_async);
  job->cancellable = g_cancellable_new ();
  job->file = g_object_ref (self->file);
  job->n_thumbnails = self->n_thumbnails;
  job->height = self->height;
  if (cancellable != NULL)
    job->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                 g_object_ref (job->cancellable), g_object_unref);

  n_workers = CLAMP (g_get_num_processors (), 1, MIN (MAX_WORKERS, self->n_thumbnails));
  job->workers_to_start = n_workers - 1;
  start_worker (job);
  job_unref (job);
}

gboolean
wbps_filmstrip_generate_finish (WbpsFilmstrip  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- accessors and GObject --- */

WbpsFilmstrip *
wbps_filmstrip_new (GFile *file,
                    guint  n_thumbnails,
                    guint  height)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (n_thumbnails >= 1, NULL);
  g_return_val_if_fail (height >= 1, NULL);

  return g_object_new (WBPS_TYPE_FILMSTRIP, "file", file, "n-thumbnails", n_thumbnails,
                       "height", height, NULL);
}

guint
wbps_filmstrip_get_n_thumbnails (WbpsFilmstrip *self)
{
  g_return_val_if_fail (WBPS_IS_FILMSTRIP (self), 0);

  return self->n_thumbnails;
}

guint
wbps_filmstrip_get_height (WbpsFilmstrip *self)
{
  g_return_val_if_fail (WBPS_IS_FILMSTRIP (self), 0);

  return self->height;
}

gint64
wbps_filmstrip_get_duration_ms (WbpsFilmstrip *self)
{
  g_return_val_if_fail (WBPS_IS_FILMSTRIP (self), -1);

  return self->duration_ms;
}

static void
wbps_filmstrip_finalize (GObject *object)
{
  WbpsFilmstrip *self = WBPS_FILMSTRIP (object);

  g_clear_object (&self->file);

  G_OBJECT_CLASS (wbps_filmstrip_parent_class)->finalize (object);
}

static void
wbps_filmstrip_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WbpsFilmstrip *self = WBPS_FILMSTRIP (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_N_THUMBNAILS:
      g_value_set_uint (value, self->n_thumbnails);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case PROP_DURATION_MS:
      g_value_set_int64 (value, self->duration_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_filmstrip_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WbpsFilmstrip *self = WBPS_FILMSTRIP (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    case PROP_N_THUMBNAILS:
      self->n_thumbnails = g_value_get_uint (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_filmstrip_class_init (WbpsFilmstripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_filmstrip_finalize;
  object_class->get_property = wbps_filmstrip_get_property;
  object_class->set_property = wbps_filmstrip_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_THUMBNAILS] =
    g_param_spec_uint ("n-thumbnails", NULL, NULL, 1, 1000, 10,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL, 1, 4096, 96,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION_MS] =
    g_param_spec_int64 ("duration-ms", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The thumbnail at @index is ready (emitted in order of readiness). */
  signals[SIGNAL_THUMBNAIL] =
    g_signal_new ("thumbnail", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, WBPS_TYPE_VIDEO_FRAME);
}

static void
wbps_filmstrip_init (WbpsFilmstrip *self)
{
  self->duration_ms = -1;
}
