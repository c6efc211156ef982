/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The checks a resume makes on its checkpoint, and the reasons the creator reads. */
#include "wbps-post-record.h"
#include "wbps-uploader.h"

#define IDENTITY "30000000:1733370000:0f343b0931126a20f133d67c2b018a3b3b4c0a5c9ff1dbac5ab9bbd8e0a3e7c1"

/* An upload interrupted after 2 of 3 chunks, its address good for another half hour. */
static WbpsPostRecord *
interrupted_record (gint64 now)
{
  WbpsPostRecord *r = wbps_post_record_new ();

  r->file_path = g_strdup ("/videos/clip.mp4");
  wbps_post_record_set_file_identity (r, IDENTITY);
  r->chunk_size = 10000000;
  r->chunk_count = 3;
  r->publish_id = g_strdup ("v_pub_file~v2-1.7412");
  r->upload_url = g_strdup ("https://open-upload.tiktokapis.com/upload/?upload_id=1");
  r->upload_expires_at = now + 1800;
  r->next_offset = 20000000;
  wbps_post_record_set_state (r, WBPS_PUBLISH_STATE_INTERRUPTED);
  return r;
}

static void
test_resumable_states (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(WbpsPostRecord) r = interrupted_record (now);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (r->file_size, ==, 30000000);
  g_assert_true (wbps_post_record_check_resumable (r, &error));
  g_assert_no_error (error);

  wbps_post_record_set_state (r, WBPS_PUBLISH_STATE_PROCESSING);
  g_assert_false (wbps_post_record_check_resumable (r, &error));
  g_assert_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_NOT_RESUMABLE);
  g_assert_cmpstr (error->message, ==,
                   "The post v_pub_file~v2-1.7412 has no interrupted upload to resume (its state is PROCESSING).");
  g_clear_error (&error);

  /* Every byte confirmed but no final status: resuming follows the status. */
  r->next_offset = r->file_size;
  g_assert_true (wbps_post_record_upload_is_complete (r));
  g_assert_true (wbps_post_record_check_resumable (r, &error));

  wbps_post_record_set_state (r, WBPS_PUBLISH_STATE_DONE);
  g_assert_false (wbps_post_record_check_resumable (r, &error));
  g_assert_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_NOT_RESUMABLE);
}

static void
test_upload_address (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(WbpsPostRecord) r = interrupted_record (now);
  g_autoptr(GError) error = NULL;
  g_autofree char *when = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (wbps_post_record_check_upload_address (r, now, &error));
  g_assert_no_error (error);

  /* The hour is over, to the second. */
  g_assert_false (wbps_post_record_check_upload_address (r, r->upload_expires_at, &error));
  g_assert_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_EXPIRED);
  when = wbps_post_record_format_upload_deadline (r, "%x %X");
  expected = g_strdup_printf ("The upload of /videos/clip.mp4 (publish ID v_pub_file~v2-1.7412) can no longer be "
                              "resumed: TikTok's upload address expired at %s (an upload must finish within an hour). "
                              "Post the video again.", when);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* Signing out removed the address though its hour is not over. */
  g_clear_pointer (&r->upload_url, g_free);
  g_assert_false (wbps_post_record_check_upload_address (r, now, &error));
  g_assert_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==,
                   "The upload of /videos/clip.mp4 (publish ID v_pub_file~v2-1.7412) can no longer be resumed: "
                   "its upload address was removed when the account signed out (it belonged to that sign-in). "
                   "Post the video again.");
  g_clear_error (&error);

  /* A stored plan TikTok would refuse (3 chunks of 1 MB cannot hold 30 MB) is no resume. */
  r->upload_url = g_strdup ("https://open-upload.tiktokapis.com/upload/?upload_id=1");
  r->chunk_size = 1000000;
  g_assert_false (wbps_post_record_check_upload_address (r, now, &error));
  g_assert_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE);
}

static void
test_same_file (void)
{
  g_autoptr(WbpsPostRecord) r = interrupted_record (0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) unreadable = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such file or directory");

  g_assert_true (wbps_post_record_check_same_file (r, IDENTITY, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (wbps_post_record_check_same_file (r, "30000001:1733370000:00", NULL, &error));
  g_assert_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_FILE_CHANGED);
  g_assert_cmpstr (error->message, ==,
                   "/videos/clip.mp4 is not the file whose upload was interrupted (its size, date or content "
                   "changed); it cannot be resumed.");
  g_clear_error (&error);

  g_assert_false (wbps_post_record_check_same_file (r, NULL, unreadable, &error));
  g_assert_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_FILE_CHANGED);
  g_assert_cmpstr (error->message, ==,
                   "/videos/clip.mp4 is not the file whose upload was interrupted (No such file or directory); "
                   "it cannot be resumed.");
}

static void
test_unfinished_error (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(WbpsPostRecord) earlier = interrupted_record (now);
  g_autoptr(GError) partial = NULL;
  g_autoptr(GError) whole = NULL;
  g_autofree char *when = wbps_post_record_format_upload_deadline (earlier, "%X");
  g_autofree char *expected = NULL;

  partial = wbps_post_record_new_unfinished_error (earlier, "/videos/copy-of-clip.mp4");
  g_assert_error (partial, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_UNFINISHED);
  expected = g_strdup_printf ("An earlier upload of /videos/copy-of-clip.mp4 (publish ID v_pub_file~v2-1.7412) is "
                              "unfinished and can be resumed until %s; posting it again would make a second post.",
                              when);
  g_assert_cmpstr (partial->message, ==, expected);

  wbps_post_record_set_state (earlier, WBPS_PUBLISH_STATE_UNCONFIRMED);
  earlier->next_offset = earlier->file_size;
  whole = wbps_post_record_new_unfinished_error (earlier, "/videos/clip.mp4");
  g_assert_error (whole, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_UNFINISHED);
  g_assert_cmpstr (whole->message, ==,
                   "TikTok already received all of /videos/clip.mp4 for an earlier post (publish ID "
                   "v_pub_file~v2-1.7412) whose final status was not confirmed; posting it again would make a "
                   "second post.");
}

/* The deadline is upload_expires_at in the creator's own zone (TZ is Tokyo here: UTC+9). */
static void
test_deadline_format (void)
{
  g_autoptr(WbpsPostRecord) r = wbps_post_record_new ();
  g_autofree char *text = NULL;

  r->upload_expires_at = 1733372400;  /* 2024-12-05 04:20:00 UTC */
  text = wbps_post_record_format_upload_deadline (r, "%Y-%m-%d %H:%M:%S");
  g_assert_cmpstr (text, ==, "2024-12-05 13:20:00");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/post-record/resumable-states", test_resumable_states);
  g_test_add_func ("/post-record/upload-address", test_upload_address);
  g_test_add_func ("/post-record/same-file", test_same_file);
  g_test_add_func ("/post-record/unfinished-error", test_unfinished_error);
  g_test_add_func ("/post-record/deadline-format", test_deadline_format);

  return g_test_run ();
}
