/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one cancellable wait: it ends when its time is up, or at once when cancelled. */
#include "wbps-timeout.h"
#include "wbps-test-util.h"

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_elapses (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  wbps_timeout_async (NULL, 50, cancellable, wbps_test_store_result, &result);
  g_assert_true (wbps_timeout_finish (wbps_test_await (&result, 5), &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50 * G_TIME_SPAN_MILLISECOND);
}

/* Issue 11's Ctrl-C bug: a wait cancelled midway must end then, not when its time is up. */
static void
test_cancel_ends_at_once (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  wbps_timeout_async (NULL, 60 * 1000, cancellable, wbps_test_store_result, &result);
  g_timeout_add (100, cancel_now, cancellable);
  g_assert_false (wbps_timeout_finish (wbps_test_await (&result, 5), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
test_already_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_cancellable_cancel (cancellable);
  wbps_timeout_async (NULL, 60 * 1000, cancellable, wbps_test_store_result, &result);
  g_assert_false (wbps_timeout_finish (wbps_test_await (&result, 5), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

/* The callback runs once, and a cancel after the time is up changes nothing. */
static void
test_cancel_after_end (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;

  wbps_timeout_async (NULL, 10, cancellable, wbps_test_store_result, &result);
  g_assert_true (wbps_timeout_finish (wbps_test_await (&result, 5), NULL));
  g_cancellable_cancel (cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/timeout/elapses", test_elapses);
  g_test_add_func ("/core/timeout/cancel-ends-at-once", test_cancel_ends_at_once);
  g_test_add_func ("/core/timeout/already-cancelled", test_already_cancelled);
  g_test_add_func ("/core/timeout/cancel-after-end", test_cancel_after_end);
  return g_test_run ();
}
