/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Interruptions that must never lose a publish_id: Ctrl-C while init is in
 * flight, and `wbps status` asked about an interrupted upload before resuming.
 */
#include <signal.h>

#include "posting-fixture.h"

#define CHUNK "5242880"

static char *video_dir;
static char *video;   /* ~17.5 MB: three chunks of 5 MiB, the last one larger */

/* `wbps status` on an interrupted upload must leave it resumable. */
static void
test_status_then_resume (void)
{
  g_autoptr(PostingWorld) world = posting_world_new ("processing-delay-ms=500\n[faults]\nslow-ms=600\n");
  g_autoptr(WbpsTestRun) status = NULL;
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *publish_id = posting_interrupt_after_first_chunk (world, video, CHUNK);

  status = posting_run (world, "status", publish_id, NULL);
  g_assert_cmpint (status->status, ==, 0);
  row = posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");

  resume = posting_run (world, "resume", NULL);
  posting_assert_resumed (resume, publish_id);
  g_assert_cmpuint (posting_upload_count (world), ==, 1);
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
  g_autoptr(PostingWorld) world = posting_world_new ("processing-delay-ms=500\n[faults]\nslow-ms=1500\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL };
  g_autoptr(GSubprocess) post = NULL;
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) initialising = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  post = posting_spawn (world, argv);
  initialising = posting_wait_for_row (world, state_is_init);
  g_subprocess_send_signal (post, SIGINT);
  g_subprocess_communicate_utf8 (post, NULL, NULL, &out, &err, NULL);
  g_test_message ("interrupted post: %s\n%s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (post), !=, 0);

  row = posting_only_row (world);
  g_assert_nonnull (json_object_get_string_member (row, "publish_id"));
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");
  resume = posting_run (world, "resume", NULL);
  posting_assert_resumed (resume, json_object_get_string_member (row, "publish_id"));
  g_assert_cmpuint (posting_upload_count (world), ==, 1);
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
  g_autoptr(PostingWorld) world = posting_world_new ("processing-delay-ms=500\n[faults]\nslow-ms=800\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL };
  g_autoptr(GSubprocess) post = posting_spawn (world, argv);
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) uploading = NULL;
  const char *publish_id;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = posting_file_sha256 (video);
  g_autofree char *received = NULL;

  uploading = posting_wait_for_row (world, state_is_upload);
  publish_id = json_object_get_string_member (uploading, "publish_id");
  resume = posting_run (world, "resume", publish_id, NULL);
  posting_assert_error_line (resume, "already running in another wbps process");

  g_subprocess_communicate_utf8 (post, NULL, NULL, &out, &err, NULL);
  g_test_message ("post: %s\n%s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 0);
  received = posting_received_sha256 (world, publish_id);
  g_assert_cmpstr (received, ==, expected);
  g_assert_cmpuint (posting_upload_count (world), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  video_dir = wbps_test_mkdtemp ();
  video = posting_make_video (video_dir, "video.mp4", 80);

  g_test_add_func ("/interrupt/status-then-resume", test_status_then_resume);
  g_test_add_func ("/interrupt/during-init", test_interrupt_during_init);
  g_test_add_func ("/interrupt/resume-refused-while-uploading", test_resume_refused_while_uploading);
  status = g_test_run ();
  wbps_test_rmtree (video_dir);
  return status;
}
