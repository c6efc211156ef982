/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Interruptions that must never lose a publish_id: Ctrl-C while init is in
 * flight, and `wbps status` asked about an interrupted upload before resuming.
 */
#include <signal.h>
#include <string.h>

#include "wbps-test-posting.h"

#define CHUNK "5242880"

static char *video;   /* ~17.5 MB: three chunks of 5 MiB, the last one larger */

/* `wbps status` on an interrupted upload must leave it resumable. */
static void
test_status_then_resume (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n" WBPS_TEST_POSTING_SLOW_UPLOADS);
  g_autoptr(WbpsTestRun) status = NULL;
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *publish_id = wbps_test_posting_interrupt_after_first_chunk (world, video, CHUNK);

  status = wbps_test_posting_run_wbps (world, "status", publish_id, NULL);
  g_assert_cmpint (status->status, ==, 0);
  row = wbps_test_posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");

  resume = wbps_test_posting_run_wbps (world, "resume", NULL);
  wbps_test_posting_assert_resumed (resume, publish_id);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 1);
}

static gboolean
state_is_init (JsonObject *row)
{
  return g_strcmp0 (json_object_get_string_member (row, "state"), "INIT") == 0;
}

/* Ctrl-C while init is in flight: TikTok made a publish_id, so it must be kept and resumable. */
static void
test_interrupt_during_init (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n[faults]\nslow-ms=1500\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL };
  g_autoptr(GSubprocess) post = NULL;
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) initialising = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  post = wbps_test_posting_spawn_wbps (world, argv);
  initialising = wbps_test_posting_wait_for_row (world, state_is_init);
  g_subprocess_send_signal (post, SIGINT);
  wbps_test_communicate (post, 120, &out, &err);
  g_test_message ("interrupted post: %s\n%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 130);

  row = wbps_test_posting_only_row (world);
  g_assert_nonnull (json_object_get_string_member (row, "publish_id"));
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");
  resume = wbps_test_posting_run_wbps (world, "resume", NULL);
  wbps_test_posting_assert_resumed (resume, json_object_get_string_member (row, "publish_id"));
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 1);
}

static gboolean
state_is_upload (JsonObject *row)
{
  return g_strcmp0 (json_object_get_string_member (row, "state"), "UPLOAD") == 0;
}

/* `wbps resume` beside the `wbps post` still uploading must not send chunks of the same post. */
static void
test_resume_refused_while_uploading (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n[faults]\nslow-ms=800\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL };
  g_autoptr(GSubprocess) post = wbps_test_posting_spawn_wbps (world, argv);
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) uploading = NULL;
  const char *publish_id;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = wbps_test_sha256_file (video);
  g_autofree char *received = NULL;

  uploading = wbps_test_posting_wait_for_row (world, state_is_upload);
  publish_id = json_object_get_string_member (uploading, "publish_id");
  resume = wbps_test_posting_run_wbps (world, "resume", publish_id, NULL);
  wbps_test_posting_assert_error_line (resume, "already running in another wbps process");

  wbps_test_communicate (post, 120, &out, &err);
  g_test_message ("post: %s\n%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 0);
  received = wbps_test_emulator_received_sha256 (world->emu, publish_id);
  g_assert_cmpstr (received, ==, expected);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 1);
}

static gboolean
state_is_processing (JsonObject *row)
{
  return g_strcmp0 (json_object_get_string_member (row, "state"), "PROCESSING") == 0;
}

/* Waits for @process to end, failing the test (and killing it) after @seconds; returns its stderr. */
static char *
wait_exit_within (GSubprocess *process,
                  guint        seconds,
                  const char  *what)
{
  GInputStream *err_pipe = g_subprocess_get_stderr_pipe (process);
  char err[8192] = "";
  gsize length = 0;

  wbps_test_await_exit (process, seconds, what);
  g_input_stream_read_all (err_pipe, err, sizeof err - 1, &length, NULL, NULL);
  err[length] = '\0';
  g_test_message ("stderr: %s", err);
  return g_strdup (err);
}

/*
 * Sends @signum to @process, which is waiting for TikTok to finish processing
 * (120 s in the emulator), and asserts it ends at once: exit 130 with the
 * `wbps status` hint for @publish_id. Waiting was never cancelled before (the
 * cancellable sleep between status polls did not return; one process outlived
 * its SIGTERM by 19 minutes).
 */
static void
assert_cancelled_wait (GSubprocess *process,
                       int          signum,
                       const char  *publish_id)
{
  g_autofree char *hint = g_strdup_printf ("Check with: wbps status %s", publish_id);
  g_autofree char *err = NULL;

  g_subprocess_send_signal (process, signum);
  /* 10 s is the bound of "at once" on a loaded machine; the processing takes 120 s. */
  err = wait_exit_within (process, 10, "a signal while waiting for TikTok");
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 130);
  g_assert_nonnull (strstr (err, hint));
}

static void
test_signal_while_processing (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=120000\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", NULL };
  g_autoptr(GSubprocess) post = wbps_test_posting_spawn_wbps (world, argv);
  g_autoptr(JsonObject) processing = wbps_test_posting_wait_for_row (world, state_is_processing);

  assert_cancelled_wait (post, signum, json_object_get_string_member (processing, "publish_id"));
}

/* The same wait reached by `wbps resume` after an interrupted upload. */
static void
test_signal_while_resume_processing (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=120000\n[faults]\nslow-ms=800\n");
  const char * const post_argv[] = { "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL };
  const char * const resume_argv[] = { "resume", NULL };
  g_autoptr(GSubprocess) post = wbps_test_posting_spawn_wbps (world, post_argv);
  g_autoptr(GSubprocess) resume = NULL;
  g_autoptr(JsonObject) uploading = wbps_test_posting_wait_for_row (world, state_is_upload);
  g_autoptr(JsonObject) processing = NULL;

  g_subprocess_send_signal (post, SIGINT);
  wbps_test_await_exit (post, 30, "SIGINT while uploading");
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 130);
  resume = wbps_test_posting_spawn_wbps (world, resume_argv);
  processing = wbps_test_posting_wait_for_row (world, state_is_processing);
  assert_cancelled_wait (resume, SIGINT, json_object_get_string_member (uploading, "publish_id"));
}

/*
 * Signed out while TikTok processes the post (another `wbps logout`): TikTok
 * has the video, so `wbps post` must not say it failed. Before the fix it
 * exited 1 with "sign in again", the row stayed PROCESSING and `wbps resume`
 * said there was nothing to resume, so the user posted a second time.
 */
static void
test_signed_out_while_processing (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=20000\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", NULL };
  g_autoptr(GSubprocess) post = wbps_test_posting_spawn_wbps (world, argv);
  g_autoptr(JsonObject) processing = wbps_test_posting_wait_for_row (world, state_is_processing);
  const char *publish_id = json_object_get_string_member (processing, "publish_id");
  g_autoptr(WbpsTestRun) logout = wbps_test_posting_run_wbps (world, "logout", NULL);
  g_autoptr(WbpsTestRun) again = NULL;
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(WbpsTestRun) status = NULL;
  g_autoptr(JsonObject) unconfirmed = NULL;
  g_autoptr(JsonObject) settled = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *last = NULL;
  g_autofree char *hint = g_strdup_printf ("wbps resume %s", publish_id);

  g_assert_cmpint (logout->status, ==, 0);
  wbps_test_communicate (post, 120, &out, &err);
  g_test_message ("post: %s\n%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 3);
  last = wbps_test_last_line (err);
  g_assert_nonnull (strstr (last, "The upload finished and TikTok holds the whole video"));
  g_assert_nonnull (strstr (last, hint));
  unconfirmed = wbps_test_posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (unconfirmed, "state"), ==, "UNCONFIRMED");

  /* Signed in again, posting the file again is refused (TikTok has it) ... */
  wbps_test_posting_sign_in_wbps (world);
  again = wbps_test_posting_run_wbps (world, "post", video, "--privacy", "SELF_ONLY", NULL);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_nonnull (strstr (again->err, "TikTok already received all of"));
  g_assert_nonnull (strstr (again->err, hint));
  /* ... and `resume` follows the same post to its end: no second init. */
  resume = wbps_test_posting_run_wbps (world, "resume", NULL);
  wbps_test_posting_assert_resumed (resume, publish_id);
  settled = wbps_test_posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (settled, "state"), ==, "DONE");
  status = wbps_test_posting_run_wbps (world, "status", publish_id, NULL);
  g_assert_cmpint (status->status, ==, 0);
  posts = wbps_test_posting_emulator_posts (world);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
}

/*
 * TikTok accepts the status request and never answers: the give-up time (5 s
 * here) bounds the wait, not the 60 s deadline of one request. Before, wbps
 * waited out that deadline (over a minute) before giving up.
 */
static void
test_stalled_status_bounded_by_give_up (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n[faults]\n"
                                                                 "stall-path=/v2/post/publish/status/fetch/\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", NULL };
  g_autoptr(GSubprocess) post = NULL;
  g_autoptr(JsonObject) processing = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *err = NULL;
  g_autofree char *last = NULL;
  g_autofree char *hint = NULL;

  wbps_test_posting_setenv (world, "WBPS_STATUS_GIVE_UP", "5");
  post = wbps_test_posting_spawn_wbps (world, argv);
  processing = wbps_test_posting_wait_for_row (world, state_is_processing);
  /* 5 s of give-up time plus a loaded machine's slack, far below one request's 60 s. */
  err = wait_exit_within (post, 30, "its give-up time with a stalled status request");
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 3);
  last = wbps_test_last_line (err);
  hint = g_strdup_printf ("TikTok has not confirmed the post within 5 seconds; it may still appear. Check later with: wbps status %s",
                          json_object_get_string_member (processing, "publish_id"));
  g_assert_cmpstr (last, ==, hint);
  row = wbps_test_posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "UNCONFIRMED");
  g_assert_cmpstr (json_object_get_string_member (row, "publish_id"), ==,
                   json_object_get_string_member (processing, "publish_id"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  video = wbps_test_posting_make_mp4 ("video.mp4", 80);

  g_test_add_func ("/interrupt/status-then-resume", test_status_then_resume);
  g_test_add_func ("/interrupt/during-init", test_interrupt_during_init);
  g_test_add_func ("/interrupt/resume-refused-while-uploading", test_resume_refused_while_uploading);
  g_test_add_data_func ("/interrupt/sigint-while-processing", GINT_TO_POINTER (SIGINT),
                        test_signal_while_processing);
  g_test_add_data_func ("/interrupt/sigterm-while-processing", GINT_TO_POINTER (SIGTERM),
                        test_signal_while_processing);
  g_test_add_func ("/interrupt/sigint-while-resume-processing", test_signal_while_resume_processing);
  g_test_add_func ("/interrupt/signed-out-while-processing", test_signed_out_while_processing);
  g_test_add_func ("/interrupt/stalled-status-bounded-by-give-up", test_stalled_status_bounded_by_give_up);
  return wbps_test_posting_run_tests ();
}
