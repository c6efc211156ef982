/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-rate-limiter.h"
#include "wbps-timeout.h"

/* Our send time and TikTok's receive time differ a little: keep that much slack. */
#define DEFAULT_MARGIN_USEC (G_USEC_PER_SEC)
/* TikTok's limits are per-minute windows: a retry within a second or two only meets another 429. */
#define BACKOFF_BASE_USEC   (8 * G_USEC_PER_SEC)
#define BACKOFF_MAX_USEC    (64 * G_USEC_PER_SEC)

typedef struct _Bucket Bucket;

struct _Bucket {
  WbpsRateLimiter *limiter;       /* unowned */
  GArray          *stamps;        /* gint64 monotonic grant times, oldest first */
  GQueue           waiters;       /* Waiter* in arrival order */
  guint            per_minute;    /* 0 = unlimited */
  gint64           paused_until;  /* monotonic; 0 = not paused */
  guint            backoff_step;
  GCancellable    *timer;         /* the pending wait for the next grant, or NULL */
};

typedef struct {
  Bucket  *bucket;
  GTask   *task;
  GSource *cancel_source;
} Waiter;

struct _WbpsRateLimiter
{
  GObject     parent_instance;

  GHashTable *buckets;            /* "key/bucket" -> Bucket* */
  gint64      window_usec;
  gint64      margin_usec;
};

G_DEFINE_FINAL_TYPE (WbpsRateLimiter, wbps_rate_limiter, G_TYPE_OBJECT)

static void bucket_pump (Bucket *bucket);

static void
bucket_free (Bucket *bucket)
{
  /* Waiters hold a ref on the limiter, so none is left here. */
  g_assert (g_queue_is_empty (&bucket->waiters));
  if (bucket->timer != NULL)
    g_cancellable_cancel (bucket->timer);
  g_clear_object (&bucket->timer);
  g_array_unref (bucket->stamps);
  g_free (bucket);
}

static void
wbps_rate_limiter_finalize (GObject *object)
{
  WbpsRateLimiter *self = WBPS_RATE_LIMITER (object);

  g_hash_table_unref (self->buckets);
  G_OBJECT_CLASS (wbps_rate_limiter_parent_class)->finalize (object);
}

static void
wbps_rate_limiter_class_init (WbpsRateLimiterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_rate_limiter_finalize;
}

static void
wbps_rate_limiter_init (WbpsRateLimiter *self)
{
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) bucket_free);
  self->window_usec = WBPS_RATE_LIMITER_WINDOW_USEC;
  self->margin_usec = DEFAULT_MARGIN_USEC;
}

WbpsRateLimiter *
wbps_rate_limiter_new (void)
{
  return g_object_new (WBPS_TYPE_RATE_LIMITER, NULL);
}

void
wbps_rate_limiter_set_window (WbpsRateLimiter *self,
                              gint64           window_usec,
                              gint64           margin_usec)
{
  g_return_if_fail (WBPS_IS_RATE_LIMITER (self));
  g_return_if_fail (window_usec > 0 && margin_usec >= 0);

  self->window_usec = window_usec;
  self->margin_usec = margin_usec;
}

static Bucket *
lookup_bucket (WbpsRateLimiter *self,
               const char      *key,
               const char      *name)
{
  g_autofree char *id = g_strdup_printf ("%s/%s", key, name);
  Bucket *bucket = g_hash_table_lookup (self->buckets, id);

  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->limiter = self;
      bucket->stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_queue_init (&bucket->waiters);
      g_hash_table_insert (self->buckets, g_steal_pointer (&id), bucket);
    }
  return bucket;
}

/* Microseconds until the bucket may grant; forgets grants that left the window. */
static gint64
bucket_delay (Bucket *bucket,
              gint64  now)
{
  gint64 span = bucket->limiter->window_usec + bucket->limiter->margin_usec;
  gint64 delay = MAX (0, bucket->paused_until - now);
  guint expired = 0;

  while (expired < bucket->stamps->len && g_array_index (bucket->stamps, gint64, expired) + span <= now)
    expired++;
  g_array_remove_range (bucket->stamps, 0, expired);

  if (bucket->per_minute > 0 && bucket->stamps->len >= bucket->per_minute)
    {
      gint64 oldest = g_array_index (bucket->stamps, gint64, bucket->stamps->len - bucket->per_minute);

      delay = MAX (delay, oldest + span - now);
    }
  return delay;
}

/* A replaced or freed bucket's wait ends cancelled, and then must not touch the bucket. */
static void
on_bucket_timer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Bucket *bucket = user_data;

  if (!wbps_timeout_finish (result, NULL))
    return;
  g_clear_object (&bucket->timer);
  bucket_pump (bucket);
}

static void
bucket_schedule (Bucket *bucket,
                 gint64  delay_usec)
{
  if (bucket->timer != NULL)
    g_cancellable_cancel (bucket->timer);
  g_clear_object (&bucket->timer);
  bucket->timer = g_cancellable_new ();
  /* Round up: waking early would only find the slot still taken. */
  wbps_timeout_async (NULL, (guint) ((delay_usec + 999) / 1000), bucket->timer, on_bucket_timer, bucket);
}

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_object_unref (waiter->task);
  g_free (waiter);
}

static void
bucket_pump (Bucket *bucket)
{
  while (!g_queue_is_empty (&bucket->waiters))
    {
      gint64 now = g_get_monotonic_time ();
      gint64 delay = bucket_delay (bucket, now);
      Waiter *waiter;

      if (delay > 0)
        {
          bucket_schedule (bucket, delay);
          return;
        }
      waiter = g_queue_pop_head (&bucket->waiters);
      g_array_append_val (bucket->stamps, now);
      g_task_return_boolean (waiter->task, TRUE);
      waiter_free (waiter);
    }
}

static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_queue_remove (&waiter->bucket->waiters, waiter);
  g_task_return_error_if_cancelled (waiter->task);
  waiter_free (waiter);
  return G_SOURCE_REMOVE;
}

void
wbps_rate_limiter_acquire_async (WbpsRateLimiter     *self,
                                 const char          *key,
                                 const char          *bucket_name,
                                 guint                per_minute,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Waiter *waiter;

  g_return_if_fail (WBPS_IS_RATE_LIMITER (self));
  g_return_if_fail (key != NULL && bucket_name != NULL);

  waiter = g_new0 (Waiter, 1);
  waiter->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (waiter->task, wbps_rate_limiter_acquire_async);
  waiter->bucket = lookup_bucket (self, key, bucket_name);
  waiter->bucket->per_minute = per_minute;
  if (cancellable != NULL)
    {
      /* A GSource, not a signal handler: the waiter is removed on our own context. */
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (on_waiter_cancelled), waiter, NULL);
      g_source_attach (waiter->cancel_source, g_main_context_get_thread_default ());
    }
  g_queue_push_tail (&waiter->bucket->waiters, waiter);
  bucket_pump (waiter->bucket);
}

gboolean
wbps_rate_limiter_acquire_finish (WbpsRateLimiter  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Full jitter on the upper half: spreads retries without ever waiting less than half. */
static gint64
backoff_for_step (guint step)
{
  gint64 ceiling = BACKOFF_BASE_USEC << MIN (step, 3);

  ceiling = MIN (ceiling, BACKOFF_MAX_USEC);
  return ceiling / 2 + g_random_int_range (0, (gint32) (ceiling / 2 / 1000) + 1) * 1000;
}

gint64
wbps_rate_limiter_pause (WbpsRateLimiter *self,
                         const char      *key,
                         const char      *bucket_name,
                         gint64           retry_after_usec)
{
  Bucket *bucket;
  gint64 pause;

  g_return_val_if_fail (WBPS_IS_RATE_LIMITER (self), 0);

  bucket = lookup_bucket (self, key, bucket_name);
  pause = retry_after_usec >= 0 ? retry_after_usec : backoff_for_step (bucket->backoff_step);
  bucket->backoff_step++;
  bucket->paused_until = MAX (bucket->paused_until, g_get_monotonic_time () + pause);
  bucket_pump (bucket);
  return pause;
}

void
wbps_rate_limiter_report_success (WbpsRateLimiter *self,
                                  const char      *key,
                                  const char      *bucket_name)
{
  g_return_if_fail (WBPS_IS_RATE_LIMITER (self));

  lookup_bucket (self, key, bucket_name)->backoff_step = 0;
}

gint64
wbps_rate_limiter_get_delay (WbpsRateLimiter *self,
                             const char      *key,
                             const char      *bucket_name,
                             guint            per_minute)
{
  Bucket *bucket;

  g_return_val_if_fail (WBPS_IS_RATE_LIMITER (self), 0);

  bucket = lookup_bucket (self, key, bucket_name);
  bucket->per_minute = per_minute;
  return bucket_delay (bucket, g_get_monotonic_time ());
}
