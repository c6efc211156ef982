/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Ctrl-C during a real multi-chunk upload leaves a checkpoint that `wbps resume`
 * finishes with the same publish_id; a checkpoint that expired, or a file that
 * changed, is refused clearly and never re-initialised.
 */
#include <signal.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "wbps-test-posting.h"

#define CHUNK "5242880"

static char *video;   /* ~17.5 MB: three chunks of 5 MiB, the last one larger */

/* ---- Ctrl-C and resume ---------------------------------------------------- */

static void
test_interrupt_then_resume (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n" WBPS_TEST_POSTING_SLOW_UPLOADS);
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *publish_id = wbps_test_posting_interrupt_after_first_chunk (world, video, CHUNK);
  g_autofree char *sent = wbps_test_sha256_file (video);
  g_autofree char *received = NULL;

  resume = wbps_test_posting_run_wbps (world, "resume", NULL);
  wbps_test_posting_assert_resumed (resume, publish_id);
  /* The upload went on from where TikTok stood, not from the start. */
  g_assert_nonnull (strstr (resume->err, "Resuming the upload at byte"));
  g_assert_null (strstr (resume->err, "at byte 0 "));
  received = wbps_test_emulator_received_sha256 (world->emu, publish_id);
  g_assert_cmpstr (received, ==, sent);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 1);
  row = wbps_test_posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "DONE");
}

static void
expire_checkpoint (WbpsTestPosting *world)
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
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (WBPS_TEST_POSTING_SLOW_UPLOADS);
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *publish_id = wbps_test_posting_interrupt_after_first_chunk (world, video, CHUNK);

  expire_checkpoint (world);
  resume = wbps_test_posting_run_wbps (world, "resume", publish_id, NULL);
  wbps_test_posting_assert_error_line (resume, "expired");
  row = wbps_test_posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "publish_id"), ==, publish_id);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), <=, 1);
}

/* Resuming with a different file under the same name is refused. */
static void
test_resume_changed_file (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (WBPS_TEST_POSTING_SLOW_UPLOADS);
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
  publish_id = wbps_test_posting_interrupt_after_first_chunk (world, copy, CHUNK);

  contents[length - 1] ^= 0x55;
  g_file_set_contents (copy, contents, length, &error);
  g_assert_no_error (error);
  resume = wbps_test_posting_run_wbps (world, "resume", NULL);
  wbps_test_posting_assert_error_line (resume, "not the file");
  row = wbps_test_posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "publish_id"), ==, publish_id);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), <=, 1);
}

/*
 * An upload that stopped on an error (TikTok refusing chunk 2's range more
 * often than wbps reconciles) says how to go on: before, "The upload stopped
 * and can be resumed until HH:MM: …" named no command.
 */
static void
test_stopped_upload_names_resume (void)
{
  g_autoptr(WbpsTestPosting) world =
    wbps_test_posting_new_wbps ("processing-delay-ms=500\n[faults]\nfail-path=/upload/\nfail-request-n=2,3,4,5\nfail-status=416\n");
  g_autoptr(WbpsTestRun) post = wbps_test_posting_run_wbps (world, "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL);
  g_autoptr(WbpsTestRun) resume = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonObject) row = wbps_test_posting_only_row (world);
  const char *publish_id = json_object_get_string_member (row, "publish_id");
  g_autofree char *hint = g_strdup_printf ("Resume it with: wbps resume %s", publish_id);
  g_autofree char *last = wbps_test_last_line (post->err);

  g_assert_cmpint (post->status, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");
  g_assert_nonnull (strstr (last, "The upload stopped and can be resumed until "));
  g_assert_true (g_str_has_suffix (last, hint));
  resume = wbps_test_posting_run_wbps (world, "resume", publish_id, NULL);
  wbps_test_posting_assert_resumed (resume, publish_id);
  posts = wbps_test_posting_emulator_posts (world);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
}

/*
 * Posting a file again while its upload can still be resumed is refused with
 * the resume command, nothing sent or recorded; --new posts a second time.
 * Before, the second `wbps post` made a second post without a word.
 */
static void
test_repost_of_unfinished_upload_refused (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n" WBPS_TEST_POSTING_SLOW_UPLOADS);
  g_autofree char *publish_id = wbps_test_posting_interrupt_after_first_chunk (world, video, CHUNK);
  g_autofree char *hint = g_strdup_printf ("Finish it with: wbps resume %s, or add --new to post the video a second time.",
                                           publish_id);
  g_autoptr(WbpsTestRun) again = NULL;
  g_autoptr(WbpsTestRun) forced = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *last = NULL;

  again = wbps_test_posting_run_wbps (world, "post", video, "--privacy", "SELF_ONLY", NULL);
  g_assert_cmpint (again->status, ==, 1);
  last = wbps_test_last_line (again->err);
  g_assert_nonnull (strstr (last, "is unfinished and can be resumed until"));
  g_assert_true (g_str_has_suffix (last, hint));
  g_assert_cmpstr (again->out, ==, "");
  posts = wbps_test_posting_emulator_posts (world);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  history = wbps_test_posting_history (world);
  g_assert_cmpuint (json_array_get_length (history), ==, 1);

  forced = wbps_test_posting_run_wbps (world, "post", video, "--privacy", "SELF_ONLY", "--new", NULL);
  g_assert_cmpint (forced->status, ==, 0);
  g_clear_pointer (&posts, json_array_unref);
  posts = wbps_test_posting_emulator_posts (world);
  g_assert_cmpuint (json_array_get_length (posts), ==, 2);
}

/* The upload URL the history database holds for @publish_id (NULL when none). */
static char *
stored_upload_url (WbpsTestPosting *world,
                   const char      *publish_id)
{
  g_autofree char *path = g_build_filename (world->data_home, "wbps", "wbps.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *url = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT upload_url FROM posts WHERE publish_id = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, publish_id, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    url = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return url;
}

/*
 * The upload URL (a capability of that sign-in) leaves the database when its
 * account signs out; resuming then says why it cannot. Before, it stayed on disk.
 */
static void
test_logout_forgets_upload_url (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (WBPS_TEST_POSTING_SLOW_UPLOADS);
  g_autofree char *publish_id = wbps_test_posting_interrupt_after_first_chunk (world, video, CHUNK);
  g_autofree char *before = stored_upload_url (world, publish_id);
  g_autofree char *after = NULL;
  g_autoptr(WbpsTestRun) logout = NULL;
  g_autoptr(WbpsTestRun) resume = NULL;

  g_assert_nonnull (strstr (before, "upload_token="));
  logout = wbps_test_posting_run_wbps (world, "logout", NULL);
  g_assert_cmpint (logout->status, ==, 0);
  after = stored_upload_url (world, publish_id);
  g_assert_null (after);

  wbps_test_posting_sign_in_wbps (world);
  resume = wbps_test_posting_run_wbps (world, "resume", publish_id, NULL);
  g_assert_cmpint (resume->status, ==, 1);
  wbps_test_posting_assert_error_line (resume, "its upload address was removed when the account signed out");
}

static gboolean
two_chunks_checkpointed (JsonObject *row)
{
  return json_object_get_int_member (row, "uploaded_bytes") >= 2 * g_ascii_strtoll (CHUNK, NULL, 10);
}

static gboolean
first_chunk_checkpointed (JsonObject *row)
{
  return json_object_get_int_member (row, "uploaded_bytes") > 0;
}

/* A `wbps post` still uploading when its account signs out cannot write the URL back. */
static void
test_logout_during_upload_keeps_url_forgotten (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n[faults]\nslow-ms=3000\n");
  const char * const argv[] = { "post", video, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL };
  g_autoptr(GSubprocess) post = wbps_test_posting_spawn_wbps (world, argv);
  g_autoptr(JsonObject) first = wbps_test_posting_wait_for_row (world, first_chunk_checkpointed);
  const char *publish_id = json_object_get_string_member (first, "publish_id");
  g_autoptr(WbpsTestRun) logout = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autofree char *url = NULL;

  logout = wbps_test_posting_run_wbps (world, "logout", NULL);
  g_assert_cmpint (logout->status, ==, 0);
  second = wbps_test_posting_wait_for_row (world, two_chunks_checkpointed);
  g_assert_cmpstr (json_object_get_string_member (second, "state"), ==, "UPLOAD");
  url = stored_upload_url (world, publish_id);
  g_assert_null (url);
  g_subprocess_send_signal (post, SIGTERM);
  wbps_test_await_exit (post, 30, "SIGTERM while uploading");
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 130);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  video = wbps_test_posting_make_mp4 ("video.mp4", 80);

  g_test_add_func ("/resume/interrupt-resume", test_interrupt_then_resume);
  g_test_add_func ("/resume/resume-expired", test_resume_expired);
  g_test_add_func ("/resume/resume-changed-file", test_resume_changed_file);
  g_test_add_func ("/resume/stopped-upload-names-resume", test_stopped_upload_names_resume);
  g_test_add_func ("/resume/repost-of-unfinished-upload-refused", test_repost_of_unfinished_upload_refused);
  g_test_add_func ("/resume/logout-forgets-upload-url", test_logout_forgets_upload_url);
  g_test_add_func ("/resume/logout-during-upload-keeps-url-forgotten", test_logout_during_upload_keeps_url_forgotten);
  return wbps_test_posting_run_tests ();
}
