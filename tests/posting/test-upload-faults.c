/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Injected faults during a real multi-chunk upload to the emulator: each ends
 * byte-identical, and never with two publish_ids for one post.
 */

#include "wbps-test-posting.h"

#define CHUNK "5242880"

static char *video;   /* ~13 MB: two chunks of 5 MiB, the last one larger */

/* Posts @path and checks the one outcome every fault must end in. */
static void
assert_posts_identically (WbpsTestPosting *world,
                          const char      *path)
{
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *publish_id = NULL;
  g_autofree char *state = NULL;
  g_autofree char *sent = wbps_test_sha256_file (path);
  g_autofree char *received = NULL;

  run = wbps_test_posting_run_wbps (world, "post", path, "--privacy", "SELF_ONLY", "--chunk-size", CHUNK, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (wbps_test_posting_parse_result (run, &publish_id, &state));
  g_assert_cmpstr (state, ==, "PUBLISH_COMPLETE");
  received = wbps_test_emulator_received_sha256 (world->emu, publish_id);
  g_assert_cmpstr (received, ==, sent);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 1);
  history = wbps_test_posting_history (world);
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "publish_id"), ==,
                   publish_id);
}

static void
test_server_error_on_chunk (void)
{
  g_autoptr(WbpsTestPosting) world =
    wbps_test_posting_new_wbps ("[faults]\nfail-path=/upload/\nfail-request-n=2\nfail-status=503\n");

  assert_posts_identically (world, video);
}

static void
test_dropped_connection (void)
{
  g_autoptr(WbpsTestPosting) world =
    wbps_test_posting_new_wbps ("[faults]\ndrop-upload-chunk=2\ndrop-upload-after-bytes=1048576\n");

  assert_posts_identically (world, video);
}

static void
test_slow_replies (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("[faults]\nslow-ms=400\n");

  assert_posts_identically (world, video);
}

/* A 416 is reconciled against status/fetch's uploaded_bytes before resending. */
static void
test_range_mismatch (void)
{
  g_autoptr(WbpsTestPosting) world =
    wbps_test_posting_new_wbps ("[faults]\nfail-path=/upload/\nfail-request-n=2\nfail-status=416\n");

  assert_posts_identically (world, video);
}

/*
 * The access token (3 real seconds at clock-scale 10000) expires while slow
 * replies stretch the job; the status calls after the upload must refresh it.
 */
static void
test_token_expires_mid_upload (void)
{
  g_autoptr(WbpsTestPosting) world =
    wbps_test_posting_new_wbps ("clock-scale=10000\naccess-lifetime=30000\nrefresh-lifetime=100000000000\n"
                                "code-lifetime=100000000\nupload-url-lifetime=1000000000\n"
                                "processing-delay-ms=10000000\n"
                                "[faults]\nslow-ms=800\n");

  assert_posts_identically (world, video);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  video = wbps_test_posting_make_mp4 ("video.mp4", 60);

  g_test_add_func ("/upload-faults/server-error", test_server_error_on_chunk);
  g_test_add_func ("/upload-faults/dropped-connection", test_dropped_connection);
  g_test_add_func ("/upload-faults/slow-replies", test_slow_replies);
  g_test_add_func ("/upload-faults/range-mismatch", test_range_mismatch);
  g_test_add_func ("/upload-faults/token-expires", test_token_expires_mid_upload);
  return wbps_test_posting_run_tests ();
}
