/* SPDX-License-Identifier: GPL-3.0-or-later */
/* WbpsRateLimiter with a compressed window: spacing, independence, 429 pauses, cancel. */
#include "config.h"

#include "wbps-rate-limiter.h"
#include "wbps-test-util.h"

#define WINDOW_MS 400
#define MARGIN_MS 50

typedef struct {
  GPtrArray *grant_times;   /* gint64* monotonic µs, in completion order */
  GError    *error;
  guint      pending;
} Grants;

static void
on_acquired (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Grants *grants = user_data;
  g_autoptr(GError) error = NULL;

  if (wbps_rate_limiter_acquire_finish (WBPS_RATE_LIMITER (source), result, &error))
    {
      gint64 *now = g_new (gint64, 1);

      *now = g_get_monotonic_time ();
      g_ptr_array_add (grants->grant_times, now);
    }
  else if (grants->error == NULL)
    grants->error = g_steal_pointer (&error);
  grants->pending--;
}

static gboolean
none_pending (gpointer grants)
{
  return ((Grants *) grants)->pending == 0;
}

static void
wait_all (Grants *grants)
{
  wbps_test_await_until (none_pending, grants, 10, "every acquire to finish");
}

static gboolean
one_granted (gpointer grants)
{
  return ((Grants *) grants)->grant_times->len >= 1;
}

static void
wait_first_grant (Grants *grants)
{
  wbps_test_await_until (one_granted, grants, 10, "the first acquire to be granted");
}

static WbpsRateLimiter *
new_limiter (void)
{
  WbpsRateLimiter *limiter = wbps_rate_limiter_new ();

  wbps_rate_limiter_set_window (limiter, WINDOW_MS * 1000, MARGIN_MS * 1000);
  return limiter;
}

static void
acquire (WbpsRateLimiter *limiter,
         const char      *key,
         const char      *bucket,
         guint            per_minute,
         GCancellable    *cancellable,
         Grants          *grants)
{
  grants->pending++;
  wbps_rate_limiter_acquire_async (limiter, key, bucket, per_minute, cancellable, on_acquired, grants);
}

static gint64
grant_ms (Grants *grants,
          guint   i,
          gint64  start)
{
  return (*(gint64 *) g_ptr_array_index (grants->grant_times, i) - start) / 1000;
}

/* Three per window: the 4th and 5th wait for the 1st and 2nd to leave the window. */
static void
test_sliding_window (void)
{
  g_autoptr(WbpsRateLimiter) limiter = new_limiter ();
  Grants grants = { g_ptr_array_new_with_free_func (g_free), NULL, 0 };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < 5; i++)
    acquire (limiter, "token-a", "init", 3, NULL, &grants);
  wait_all (&grants);

  g_assert_no_error (grants.error);
  g_assert_cmpuint (grants.grant_times->len, ==, 5);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (grant_ms (&grants, i, start), <, 100);
  g_assert_cmpint (grant_ms (&grants, 3, start), >=, WINDOW_MS + MARGIN_MS - 5);
  g_assert_cmpint (grant_ms (&grants, 4, start), >=, WINDOW_MS + MARGIN_MS - 5);
  g_assert_cmpint (grant_ms (&grants, 4, start), <, 2 * WINDOW_MS);
  g_ptr_array_unref (grants.grant_times);
}

/* Another token, or another endpoint bucket of the same token, is not held up. */
static void
test_independent_buckets (void)
{
  g_autoptr(WbpsRateLimiter) limiter = new_limiter ();
  Grants grants = { g_ptr_array_new_with_free_func (g_free), NULL, 0 };
  gint64 start = g_get_monotonic_time ();

  acquire (limiter, "token-a", "init", 1, NULL, &grants);
  acquire (limiter, "token-b", "init", 1, NULL, &grants);
  acquire (limiter, "token-a", "status", 1, NULL, &grants);
  wait_all (&grants);

  g_assert_no_error (grants.error);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (grant_ms (&grants, i, start), <, 100);
  g_assert_cmpint (wbps_rate_limiter_get_delay (limiter, "token-a", "init", 1), >, 0);
  g_assert_cmpint (wbps_rate_limiter_get_delay (limiter, "token-c", "init", 1), ==, 0);
  g_ptr_array_unref (grants.grant_times);
}

/* A 429 with Retry-After pauses the bucket although the window has room. */
static void
test_retry_after_pause (void)
{
  g_autoptr(WbpsRateLimiter) limiter = new_limiter ();
  Grants grants = { g_ptr_array_new_with_free_func (g_free), NULL, 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 pause;

  pause = wbps_rate_limiter_pause (limiter, "token-a", "status", 300 * 1000);
  g_assert_cmpint (pause, ==, 300 * 1000);
  acquire (limiter, "token-a", "status", 30, NULL, &grants);
  acquire (limiter, "token-a", "other", 30, NULL, &grants);
  wait_all (&grants);

  g_assert_no_error (grants.error);
  /* The unpaused bucket went first, the paused one after the pause. */
  g_assert_cmpint (grant_ms (&grants, 0, start), <, 100);
  g_assert_cmpint (grant_ms (&grants, 1, start), >=, 295);
  g_ptr_array_unref (grants.grant_times);
}

/* Without Retry-After: exponential backoff with jitter, reset by a success. */
static void
test_backoff_grows_and_resets (void)
{
  g_autoptr(WbpsRateLimiter) limiter = new_limiter ();
  gint64 first, second, third, after_reset;

  first = wbps_rate_limiter_pause (limiter, "k", "b", -1);
  second = wbps_rate_limiter_pause (limiter, "k", "b", -1);
  third = wbps_rate_limiter_pause (limiter, "k", "b", -1);
  wbps_rate_limiter_report_success (limiter, "k", "b");
  after_reset = wbps_rate_limiter_pause (limiter, "k", "b", -1);

  /* Step n waits within [8·2^n / 2, 8·2^n] seconds (at most 64): never less than 4 s. */
  g_assert_cmpint (first, >=, 4 * G_USEC_PER_SEC);
  g_assert_cmpint (first, <=, 8 * G_USEC_PER_SEC);
  g_assert_cmpint (second, >=, 8 * G_USEC_PER_SEC);
  g_assert_cmpint (second, <=, 16 * G_USEC_PER_SEC);
  g_assert_cmpint (third, >=, 16 * G_USEC_PER_SEC);
  g_assert_cmpint (third, <=, 32 * G_USEC_PER_SEC);
  g_assert_cmpint (after_reset, >=, 4 * G_USEC_PER_SEC);
  g_assert_cmpint (after_reset, <=, 8 * G_USEC_PER_SEC);
  g_assert_cmpint (wbps_rate_limiter_get_delay (limiter, "k", "b", 0), >, G_USEC_PER_SEC);
}

/* A cancelled waiter fails with CANCELLED and does not use up a slot. */
static void
test_cancel_waiter (void)
{
  g_autoptr(WbpsRateLimiter) limiter = new_limiter ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Grants grants = { g_ptr_array_new_with_free_func (g_free), NULL, 0 };
  gint64 start = g_get_monotonic_time ();

  acquire (limiter, "k", "init", 1, NULL, &grants);
  acquire (limiter, "k", "init", 1, cancellable, &grants);
  acquire (limiter, "k", "init", 1, NULL, &grants);
  wait_first_grant (&grants);
  g_cancellable_cancel (cancellable);
  wait_all (&grants);

  g_assert_error (grants.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (grants.grant_times->len, ==, 2);
  /* The third came one window after the first, not two. */
  g_assert_cmpint (grant_ms (&grants, 1, start), <, 2 * WINDOW_MS);
  g_clear_error (&grants.error);
  g_ptr_array_unref (grants.grant_times);
}

/*
 * A waiter a whole minute from its slot, cancelled: it ends at once with
 * CANCELLED (wait_all fails after 10 s), and the limiter can go while the
 * bucket's wait is still pending.
 */
static void
test_cancel_long_wait (void)
{
  WbpsRateLimiter *limiter = wbps_rate_limiter_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Grants grants = { g_ptr_array_new_with_free_func (g_free), NULL, 0 };

  acquire (limiter, "k", "init", 1, NULL, &grants);
  acquire (limiter, "k", "init", 1, cancellable, &grants);
  wait_first_grant (&grants);
  g_assert_cmpint (wbps_rate_limiter_get_delay (limiter, "k", "init", 1), >, 50 * G_USEC_PER_SEC);
  g_cancellable_cancel (cancellable);
  wait_all (&grants);

  g_assert_error (grants.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (grants.grant_times->len, ==, 1);
  g_object_unref (limiter);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_clear_error (&grants.error);
  g_ptr_array_unref (grants.grant_times);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limiter/sliding-window", test_sliding_window);
  g_test_add_func ("/rate-limiter/independent-buckets", test_independent_buckets);
  g_test_add_func ("/rate-limiter/retry-after", test_retry_after_pause);
  g_test_add_func ("/rate-limiter/backoff", test_backoff_grows_and_resets);
  g_test_add_func ("/rate-limiter/cancel", test_cancel_waiter);
  g_test_add_func ("/rate-limiter/cancel-long-wait", test_cancel_long_wait);

  return g_test_run ();
}
