/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Ctrl-C during a real multi-chunk upload leaves a checkpoint that `wbps resume`
 * finishes with the same publish_id; a checkpoint that expired, or a file that
 * changed, is refused clearly and never re-initialised.
 */
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "posting-fixture.h"

#define CHUNK "5242880"

static char *video_dir;
static char *video;   /* ~17.5 MB: three chunks of 5 MiB, the last one larger */

/* ---- Ctrl-C and resume ---------------------------------------------------- */

static void
test_interrupt_then_resume (void)
{
  g_autoptr(PostingWorld) world = posting_world_new ("processing-delay-ms=500\n[faults]\nslow-ms=600\n");
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *publish_id = posting_interrupt_after_first_chunk (world, video, CHUNK);
  g_autofree char *sent = wbps_test_sha256_file (video);
  g_autofree char *received = NULL;

  resume = posting_run (world, "resume", NULL);
  posting_assert_resumed (resume, publish_id);
  /* The upload went on from where TikTok stood, not from the start. */
  g_assert_nonnull (strstr (resume->err, "Resuming the upload at byte"));
  g_assert_null (strstr (resume->err, "at byte 0 "));
  received = wbps_test_emulator_received_sha256 (world->emu, publish_id);
  g_assert_cmpstr (received, ==, sent);
  g_assert_cmpuint (posting_upload_count (world), ==, 1);
  row = posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "DONE");
}

static void
expire_checkpoint (PostingWorld *world)
{
  g_autofree char *path = g_build_filename (world->data_home, "wbps", "wbps.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE posts SET upload_expires_at = strftime('%s','now') - 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* A checkpoint past its upload URL's hour is reported, never re-initialised. */
static void
test_resume_expired (void)
{
  g_autoptr(PostingWorld) world = posting_world_new ("[faults]\nslow-ms=600\n");
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *publish_id = posting_interrupt_after_first_chunk (world, video, CHUNK);

  expire_checkpoint (world);
  resume = posting_run (world, "resume", publish_id, NULL);
  posting_assert_error_line (resume, "expired");
  row = posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "publish_id"), ==, publish_id);
  g_assert_cmpuint (posting_upload_count (world), <=, 1);
}

/* Resuming with a different file under the same name is refused. */
static void
test_resume_changed_file (void)
{
  g_autoptr(PostingWorld) world = posting_world_new ("[faults]\nslow-ms=600\n");
  g_autofree char *copy = g_build_filename (world->data_home, "copy.mp4", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *publish_id = NULL;
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (video, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, length, &error);
  g_assert_no_error (error);
  publish_id = posting_interrupt_after_first_chunk (world, copy, CHUNK);

  contents[length - 1] ^= 0x55;
  g_file_set_contents (copy, contents, length, &error);
  g_assert_no_error (error);
  resume = posting_run (world, "resume", NULL);
  posting_assert_error_line (resume, "not the file");
  row = posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "publish_id"), ==, publish_id);
  g_assert_cmpuint (posting_upload_count (world), <=, 1);
}

/*
 * An upload that stopped on an error (TikTok refusing chunk 2's range more
 * often than wbps reconciles) says how to go on: before, "The upload stopped
 * and can be resumed until HH:MM: …" named no command.
 */
static void
test_stopped_upload_names_resume (void)
{
  g_autoptr(PostingWorld) world =
    posting_world_new ("processing-delay-ms=500\n[faults]\nfail-path=/upload/\nfail-request-n=2,3,4,5\nfail-status=416\n");
  g_autoptr(WbpsTestRun) post = posting_run (world, "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL);
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonObject) row = posting_only_row (world);
  const char *publish_id = json_object_get_string_member (row, "publish_id");
  g_autofree char *hint = g_strdup_printf ("Resume it with: wbps resume %s", publish_id);
  g_autofree char *last = wbps_test_last_line (post->err);

  g_assert_cmpint (post->status, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");
  g_assert_nonnull (strstr (last, "The upload stopped and can be resumed until "));
  g_assert_true (g_str_has_suffix (last, hint));
  resume = posting_run (world, "resume", publish_id, NULL);
  posting_assert_resumed (resume, publish_id);
  posts = posting_emulator_posts (world);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  video_dir = wbps_test_mkdtemp ();
  video = posting_make_video (video_dir, "video.mp4", 80);

  g_test_add_func ("/resume/interrupt-resume", test_interrupt_then_resume);
  g_test_add_func ("/resume/resume-expired", test_resume_expired);
  g_test_add_func ("/resume/resume-changed-file", test_resume_changed_file);
  g_test_add_func ("/resume/stopped-upload-names-resume", test_stopped_upload_names_resume);
  status = g_test_run ();
  wbps_test_rmtree (video_dir);
  return status;
}
