/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Following a post's status without TikTok: the first request waits the
 * status limit's 2 s, so a cancel, a pushed status or a zero give-up time
 * decide the outcome before anything is sent.
 */
#include "wbps-error.h"
#include "wbps-status-poller.h"
#include "wbps-test-util.h"

typedef struct {
  WbpsConfig       *config;
  WbpsApiClient    *api;
  WbpsStatusPoller *poller;
  guint             statuses;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  /* Port 9 (discard) on loopback: nothing answers, and nothing must be asked. */
  f->config = wbps_config_new_explicit ("http://127.0.0.1:9/auth", "http://127.0.0.1:9", "ck", "cs");
  f->api = wbps_api_client_new (f->config, NULL);
  f->poller = wbps_status_poller_new (f->api, "oid", "v_pub_file~v2-1.1");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->poller);
  g_clear_object (&f->api);
  g_clear_object (&f->config);
}

static gboolean
cancel_now (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Ctrl-C while waiting for TikTok ends the wait at once (issue 11). */
static void
test_cancel_during_wait (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  wbps_status_poller_follow_async (f->poller, 600, cancellable, wbps_test_store_result, &result);
  g_timeout_add (100, cancel_now, cancellable);
  g_assert_null (wbps_status_poller_follow_finish (f->poller, wbps_test_await (&result, 5), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
count_status (WbpsStatusPoller        *poller,
              const WbpsPublishStatus *status,
              Fixture                 *f)
{
  f->statuses++;
}

typedef struct {
  WbpsStatusPoller  *poller;
  WbpsPublishStatus  status;
} Push;

static gboolean
push_now (gpointer user_data)
{
  Push *push = user_data;

  wbps_status_poller_push (push->poller, &push->status);
  return G_SOURCE_REMOVE;
}

/* A status learnt another way (a relayed webhook) counts as polled; a final one ends the follow. */
static void
test_pushed_final_status (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(WbpsPublishStatus) final = NULL;
  g_autoptr(GError) error = NULL;
  char *post_ids[] = { (char *) "7300000000000000001", NULL };
  Push processing = { f->poller, { (char *) "PROCESSING_UPLOAD", NULL, post_ids + 1, -1 } };
  Push complete = { f->poller, { (char *) "PUBLISH_COMPLETE", NULL, post_ids, 1000 } };
  gint64 start = g_get_monotonic_time ();

  g_signal_connect (f->poller, "status", G_CALLBACK (count_status), f);
  wbps_status_poller_follow_async (f->poller, 600, NULL, wbps_test_store_result, &result);
  g_timeout_add (50, push_now, &processing);
  g_timeout_add (100, push_now, &complete);
  final = wbps_status_poller_follow_finish (f->poller, wbps_test_await (&result, 5), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (final->status, ==, "PUBLISH_COMPLETE");
  g_assert_cmpstr (final->post_ids[0], ==, "7300000000000000001");
  g_assert_cmpuint (f->statuses, ==, 2);
  g_assert_cmpstr (wbps_status_poller_get_status (f->poller)->status, ==, "PUBLISH_COMPLETE");
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

/* No final status within the give-up time: WBPS_ERROR_TIMEOUT, which a job reports as unconfirmed. */
static void
test_give_up (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_status_poller_follow_async (f->poller, 0, NULL, wbps_test_store_result, &result);
  g_assert_null (wbps_status_poller_follow_finish (f->poller, wbps_test_await (&result, 5), &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_TIMEOUT);
}

/* The relay's event came before the follow started (it can beat the upload's last reply): done at once. */
static void
test_final_before_follow (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(WbpsPublishStatus) final = NULL;
  g_autoptr(GError) error = NULL;
  char *no_ids[] = { NULL };
  WbpsPublishStatus failed = { (char *) "FAILED", (char *) "spam_risk_text", no_ids, -1 };

  wbps_status_poller_push (f->poller, &failed);
  wbps_status_poller_follow_async (f->poller, 600, NULL, wbps_test_store_result, &result);
  final = wbps_status_poller_follow_finish (f->poller, wbps_test_await (&result, 5), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (final->status, ==, "FAILED");
  /* Nothing answers on port 9: the status can only be the pushed one. */
  g_assert_cmpstr (final->fail_reason, ==, "spam_risk_text");
}

static void
test_status_into_record (void)
{
  g_autoptr(WbpsPostRecord) record = wbps_post_record_new ();
  char *post_ids[] = { (char *) "7300000000000000001", NULL };
  WbpsPublishStatus failed = { (char *) "FAILED", (char *) "file_format_check_failed", post_ids + 1, -1 };
  WbpsPublishStatus done = { (char *) "PUBLISH_COMPLETE", NULL, post_ids, 10 };

  wbps_publish_status_apply_to_record (&failed, record);
  g_assert_cmpstr (record->status, ==, "FAILED");
  g_assert_cmpstr (record->fail_reason, ==, "file_format_check_failed");
  g_assert_nonnull (record->post_ids);
  g_assert_null (record->post_ids[0]);
  wbps_publish_status_apply_to_record (&done, record);
  g_assert_null (record->fail_reason);
  g_assert_cmpstr (record->post_ids[0], ==, "7300000000000000001");
  g_assert_true (wbps_publish_status_is_final (&done));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/core/status-poller/cancel-during-wait", Fixture, NULL,
              fixture_set_up, test_cancel_during_wait, fixture_tear_down);
  g_test_add ("/core/status-poller/pushed-final-status", Fixture, NULL,
              fixture_set_up, test_pushed_final_status, fixture_tear_down);
  g_test_add ("/core/status-poller/final-before-follow", Fixture, NULL,
              fixture_set_up, test_final_before_follow, fixture_tear_down);
  g_test_add ("/core/status-poller/give-up", Fixture, NULL,
              fixture_set_up, test_give_up, fixture_tear_down);
  g_test_add_func ("/core/status-poller/status-into-record", test_status_into_record);
  return g_test_run ();
}
