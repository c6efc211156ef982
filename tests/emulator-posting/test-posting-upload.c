/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The emulator's upload URL and status fetch against the protocol checklist
 * (docs/tiktok-protocol.md), rules 38-41, 43 and 44, plus checksums, injected faults and the
 * status progression under a compressed clock.
 */
#include "wbps-test-posting.h"

#include <glib/gstdio.h>
#include <string.h>

static gint64
stored_size (WbpsTestPosting *fx,
             const char      *publish_id)
{
  g_autofree char *path = wbps_test_emulator_upload_path (fx->emu, publish_id);
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

static void
assert_stored_equals (WbpsTestPosting *fx,
                      const char      *publish_id,
                      GBytes          *video)
{
  g_autofree char *path = wbps_test_emulator_upload_path (fx->emu, publish_id);
  g_autofree char *stored = wbps_test_sha256_file (path);
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, video);

  g_assert_cmpstr (stored, ==, expected);
}

static gint64
uploaded_bytes (WbpsTestPosting *fx,
                const char      *publish_id)
{
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_status (fx, publish_id, &status, NULL);

  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
  return json_object_get_int_member (wbps_test_posting_api_data (root), "uploaded_bytes");
}

static void
test_rule_38_unknown_and_expired (void)
{
  /* 1200 emulated seconds per real second: the 3600 s upload URL lives 3 s. */
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\nclock-scale=1200\n");
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (2000, 38);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, 2000, 2000, 1, "SELF_ONLY", &url);
  g_autofree char *unknown_id = wbps_test_emulator_url (fx->emu, "/upload/?upload_id=1&upload_token=abc");
  g_autofree char *no_query = wbps_test_emulator_url (fx->emu, "/upload/");
  g_autoptr(GString) wrong_token = g_string_new (url);
  g_autoptr(GBytes) part = g_bytes_new_from_bytes (video, 0, 1000);

  g_string_append (wrong_token, "x");
  g_assert_cmpuint (wbps_test_posting_api_put (unknown_id, "video/mp4", part, "bytes 0-999/2000", NULL, NULL), ==, 404);
  g_assert_cmpuint (wbps_test_posting_api_put (no_query, "video/mp4", part, "bytes 0-999/2000", NULL, NULL), ==, 404);
  g_assert_cmpuint (wbps_test_posting_api_put (wrong_token->str, "video/mp4", part, "bytes 0-999/2000", NULL, NULL), ==, 404);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 999, NULL), ==, 206);

  g_usleep (3300 * G_TIME_SPAN_MILLISECOND);  /* the URL's lifetime passing: the thing under test */
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 1000, 1999, NULL), ==, 403);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 1000);
}

static void
test_rule_39_bad_headers (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (1000, 39);
  g_autoptr(GBytes) half = g_bytes_new_from_bytes (video, 0, 500);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "SELF_ONLY", &url);
  const struct { const char *type; GBytes *body; const char *range; } bad[] = {
    { "text/plain", video, "bytes 0-999/1000" },
    { "video/x-matroska", video, "bytes 0-999/1000" },
    { NULL, video, "bytes 0-999/1000" },
    { "video/mp4", video, NULL },
    { "video/mp4", video, "bytes 0-999" },
    { "video/mp4", video, "items 0-999/1000" },
    { "video/mp4", video, "bytes 0-999/*" },
    { "video/mp4", video, "bytes 999-0/1000" },
    { "video/mp4", video, "bytes 0-999/2000" },           /* total is not video_size */
    { "video/mp4", video, "bytes 0-499/1000" },           /* Content-Length is not the range's */
    { "video/mp4", half, "bytes 0-999/1000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("Content-Type %s, Content-Range %s", bad[i].type, bad[i].range);
      g_assert_cmpuint (wbps_test_posting_api_put (url, bad[i].type, bad[i].body, bad[i].range, NULL, &error), ==, 400);
      g_assert_no_error (error);
    }
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 0);
  g_assert_cmpint (stored_size (fx, publish_id), ==, 0);
  g_assert_cmpuint (wbps_test_posting_api_put (url, "video/webm", video, "bytes 0-999/1000", NULL, NULL), ==, 201);
  assert_stored_equals (fx, publish_id, video);

  g_clear_pointer (&url, g_free);
  g_free (wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "SELF_ONLY", &url));
  g_assert_cmpuint (wbps_test_posting_api_put (url, "video/quicktime", video, "bytes 0-999/1000", NULL, NULL), ==, 201);
}

static void
test_rule_40_out_of_order (void)
{
  gint64 size = 10 * MIB + 5;
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (size, 40);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, size, 5 * MIB, 2, "SELF_ONLY", &url);
  g_autofree char *range = NULL;
  g_autofree char *range_after = NULL;
  g_autofree char *expected_after = g_strdup_printf ("bytes 0-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                     5 * MIB - 1, size);

  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 5 * MIB, size - 1, &range), ==, 416);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 0);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 5 * MIB - 1, NULL), ==, 206);
  /* Overlap, gap, and a chunk straddling what was received. */
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 5 * MIB - 1, &range_after), ==, 416);
  g_assert_cmpstr (range_after, ==, expected_after);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 5 * MIB + 1, size - 1, NULL), ==, 416);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 5 * MIB - 10, size - 1, NULL), ==, 416);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 5 * MIB);
  g_assert_cmpint (stored_size (fx, publish_id), ==, 5 * MIB);

  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 5 * MIB, size - 1, NULL), ==, 201);
  assert_stored_equals (fx, publish_id, video);
}

static void
check_partial_then_created (WbpsTestPosting *fx,
                            const char      *privacy,
                            const char      *final_status)
{
  gint64 size = 12 * MIB + 7;
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (size, 41);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, size, 5 * MIB, 2, privacy, &url);
  g_autofree char *range = NULL;
  g_autofree char *final_range = NULL;
  g_autofree char *expected = g_strdup_printf ("bytes 0-5242879/%" G_GINT64_FORMAT, size);
  g_autoptr(JsonObject) data = NULL;

  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 5 * MIB - 1, &range), ==, 206);
  g_assert_cmpstr (range, ==, expected);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 5 * MIB, size - 1, &final_range), ==, 201);
  data = wbps_test_posting_api_wait_status (fx, publish_id, "PROCESSING_UPLOAD", 1000, NULL);
  g_assert_cmpint (json_object_get_int_member (data, "uploaded_bytes"), ==, size);
  g_clear_pointer (&data, json_object_unref);
  data = wbps_test_posting_api_wait_status (fx, publish_id, final_status, 10000, NULL);
  g_assert_cmpint (json_object_get_int_member (data, "uploaded_bytes"), ==, size);
}

static void
test_rule_41_partial_then_created (void)
{
  /* 20 emulated seconds of processing, two real seconds. */
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\nclock-scale=10\nprocessing-delay-ms=20000\n");

  check_partial_then_created (fx, "SELF_ONLY", "PUBLISH_COMPLETE");
  check_partial_then_created (fx, NULL, "SEND_TO_USER_INBOX");
}

static void
test_rule_43_status_errors (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "SELF_ONLY", &url);
  g_autoptr(JsonObject) unknown = NULL;
  g_autoptr(JsonObject) foreign = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) own = NULL;
  guint status;

  unknown = wbps_test_posting_api_status (fx, "v_pub_file~v2-1.1234567890123456789", &status, NULL);
  wbps_test_posting_api_assert_error (unknown, status, 400, "invalid_publish_id");
  missing = wbps_test_posting_api_call (fx, "/v2/post/publish/status/fetch/", "{}", &status);
  g_assert_cmpuint (status, ==, 400);

  wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", "hidden");
  foreign = wbps_test_posting_api_status (fx, publish_id, &status, NULL);
  wbps_test_posting_api_assert_error (foreign, status, 400, "token_not_authorized_for_specified_publish_id");

  wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", "creator");
  own = wbps_test_posting_api_status (fx, publish_id, &status, NULL);
  g_assert_cmpstr (wbps_test_posting_api_error_code (own), ==, "ok");
}

/* The single post id as the JSON text has it, digit for digit. */
static char *
raw_post_id (const char *raw)
{
  g_autoptr(GRegex) regex = g_regex_new ("\"publicaly_available_post_id\"\\s*:\\s*\\[\\s*([0-9]+)\\s*\\]", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_regex_match (regex, raw, 0, &match));
  return g_match_info_fetch (match, 1);
}

static void
test_rule_44_status_json (void)
{
  gint64 size = 10 * MIB;
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\nprocessing-delay-ms=300\n"
                                                      "[user:failing]\nfail-reason=picture_size_check_failed\n");
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (size, 44);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, size, 5 * MIB, 2, "PUBLIC_TO_EVERYONE", &url);
  g_autofree char *private_url = NULL;
  g_autofree char *private_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "SELF_ONLY", &private_url);
  g_autofree char *failing_url = NULL;
  g_autofree char *failing_id = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *exact = NULL;
  g_autoptr(GBytes) tiny = wbps_test_posting_random_bytes (1000, 45);
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(JsonObject) initial = NULL;
  JsonArray *ids;
  guint status;

  initial = wbps_test_posting_api_status (fx, publish_id, &status, NULL);
  g_assert_cmpstr (json_object_get_string_member (wbps_test_posting_api_data (initial), "status"), ==, "PROCESSING_UPLOAD");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (wbps_test_posting_api_data (initial),
                                                                                   "publicaly_available_post_id")), ==, 0);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 0);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 5 * MIB - 1, NULL), ==, 206);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 5 * MIB);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 5 * MIB, size - 1, NULL), ==, 201);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, size);

  /* A public post gets one 19-digit id, beyond a double's exact range. */
  data = wbps_test_posting_api_wait_status (fx, publish_id, "PUBLISH_COMPLETE", 10000, &raw);
  ids = json_object_get_array_member (data, "publicaly_available_post_id");
  g_assert_cmpuint (json_array_get_length (ids), ==, 1);
  digits = raw_post_id (raw);
  g_assert_cmpuint (strlen (digits), ==, 19);
  exact = g_strdup_printf ("%" G_GINT64_FORMAT, json_array_get_int_element (ids, 0));
  g_assert_cmpstr (exact, ==, digits);
  g_assert_cmpint (json_array_get_int_element (ids, 0), >, G_GINT64_CONSTANT (1) << 53);
  g_clear_pointer (&data, json_object_unref);

  /* A private post completes without a public id. */
  wbps_test_posting_api_upload_all (private_url, tiny, 1000, 1);
  data = wbps_test_posting_api_wait_status (fx, private_id, "PUBLISH_COMPLETE", 10000, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data, "publicaly_available_post_id")), ==, 0);
  g_clear_pointer (&data, json_object_unref);

  wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", "failing");
  failing_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "PUBLIC_TO_EVERYONE", &failing_url);
  wbps_test_posting_api_upload_all (failing_url, tiny, 1000, 1);
  data = wbps_test_posting_api_wait_status (fx, failing_id, "FAILED", 10000, NULL);
  g_assert_cmpstr (json_object_get_string_member (data, "fail_reason"), ==, "picture_size_check_failed");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (data, "publicaly_available_post_id")), ==, 0);
}

static void
test_pull_from_url_progress (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\nprocessing-delay-ms=2000\n");
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_call (fx, "/v2/post/publish/video/init/",
                                                       "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},"
                                                       "\"source_info\":{\"source\":\"PULL_FROM_URL\","
                                                       "\"video_url\":\"https://media.example.com/v/a.mp4\"}}", &status);
  const char *publish_id = json_object_get_string_member (wbps_test_posting_api_data (root), "publish_id");
  g_autoptr(JsonObject) during = NULL;
  g_autoptr(JsonObject) done = NULL;

  during = wbps_test_posting_api_wait_status (fx, publish_id, "PROCESSING_DOWNLOAD", 1000, NULL);
  g_assert_true (json_object_has_member (during, "downloaded_bytes"));
  done = wbps_test_posting_api_wait_status (fx, publish_id, "PUBLISH_COMPLETE", 10000, NULL);
  g_assert_cmpint (json_object_get_int_member (done, "downloaded_bytes"), >,
                   json_object_get_int_member (during, "downloaded_bytes"));
}

static void
test_upload_sha256 (void)
{
  gint64 size = 15 * MIB + 333;
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (size, 256);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, size, 5 * MIB, 3, NULL, &url);

  wbps_test_posting_api_upload_all (url, video, 5 * MIB, 3);
  assert_stored_equals (fx, publish_id, video);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, size);
}

static void
test_fault_drop_upload (void)
{
  gint64 size = 12 * MIB;
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[faults]\ndrop-upload-chunk=2\n"
                                                      "drop-upload-after-bytes=1048576\n");
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (size, 2);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, size, 6 * MIB, 2, "SELF_ONLY", &url);
  g_autoptr(GBytes) second = g_bytes_new_from_bytes (video, 6 * MIB, 6 * MIB);
  g_autofree char *range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                            6 * MIB, size - 1, size);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 6 * MIB - 1, NULL), ==, 206);
  g_assert_cmpuint (wbps_test_posting_api_put (url, "video/mp4", second, range, NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_test_message ("dropped: %s", error->message);
  /* The dropped chunk does not count, and its partial bytes are gone. */
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 6 * MIB);
  g_assert_cmpint (stored_size (fx, publish_id), ==, 6 * MIB);

  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 6 * MIB, size - 1, NULL), ==, 201);
  assert_stored_equals (fx, publish_id, video);
}

/* A body shorter than drop-upload-after-bytes is still dropped, before any reply. */
static void
test_fault_drop_small_upload (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[faults]\ndrop-upload-chunk=1\n"
                                                      "drop-upload-after-bytes=100000000\n");
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (1000, 3);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "SELF_ONLY", &url);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (wbps_test_posting_api_put (url, "video/mp4", video, "bytes 0-999/1000", NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 0);
  g_assert_cmpint (stored_size (fx, publish_id), ==, 0);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 999, NULL), ==, 201);
  assert_stored_equals (fx, publish_id, video);
}

static void
test_fault_5xx_upload (void)
{
  gint64 size = 12 * MIB;
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[faults]\nfail-request-n=2\nfail-path=/upload/\n"
                                                      "fail-status=503\n");
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (size, 5);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, size, 6 * MIB, 2, "SELF_ONLY", &url);

  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 6 * MIB - 1, NULL), ==, 206);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 6 * MIB, size - 1, NULL), ==, 503);
  g_assert_cmpint (uploaded_bytes (fx, publish_id), ==, 6 * MIB);
  g_assert_cmpint (stored_size (fx, publish_id), ==, 6 * MIB);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 6 * MIB, size - 1, NULL), ==, 201);
  assert_stored_equals (fx, publish_id, video);
}

/* Kills the emulator outright and starts a new one on the same data directory. */
static void
restart_emulator (WbpsTestPosting *fx)
{
  WbpsTestEmulator *emu = fx->emu;
  const char *path = g_getenv ("WBPS_EMULATOR");
  const char *argv[] = { path, "--port", "0", "--data-dir", emu->data_dir, "--config", emu->config_path, NULL };
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (path);
  wbps_test_emulator_kill (emu);
  g_clear_object (&emu->process);
  emu->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (emu->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  g_free (emu->base_url);
  emu->base_url = g_strdup (line + strlen ("listening on "));
}

static void
test_persist_across_restart (void)
{
  gint64 size = 10 * MIB;
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\npersist=true\nprocessing-delay-ms=200\n");
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (size, 99);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, size, 5 * MIB, 2, "PUBLIC_TO_EVERYONE", &url);
  g_autofree char *old_base = g_strdup (fx->emu->base_url);
  g_autofree char *token = g_strdup (wbps_test_posting_api_token (fx));
  g_autofree char *new_url = NULL;
  g_autofree char *body = g_strdup_printf ("{\"publish_id\":\"%s\"}", publish_id);
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(JsonObject) done = NULL;
  guint status;

  g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 5 * MIB - 1, NULL), ==, 206);
  restart_emulator (fx);

  root = wbps_test_posting_api_request (fx, token, "/v2/post/publish/status/fetch/", body, &status, NULL);
  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (wbps_test_posting_api_data (root), "uploaded_bytes"), ==, 5 * MIB);
  /* Same upload id and token; only the emulator's port changed. */
  new_url = g_strconcat (fx->emu->base_url, url + strlen (old_base), NULL);
  g_assert_cmpuint (wbps_test_posting_api_put_chunk (new_url, video, 5 * MIB, size - 1, NULL), ==, 201);
  assert_stored_equals (fx, publish_id, video);
  done = wbps_test_posting_api_wait_status (fx, publish_id, "PUBLISH_COMPLETE", 10000, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (done, "publicaly_available_post_id")), ==, 1);
}

static void
test_status_compressed_clock (void)
{
  /* Four emulated minutes of processing pass in two real seconds. */
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\nclock-scale=120\nprocessing-delay-ms=240000\n");
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (1000, 120);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "PUBLIC_TO_EVERYONE", &url);
  g_autoptr(JsonObject) processing = NULL;
  g_autoptr(JsonObject) done = NULL;
  gint64 start, elapsed_ms;

  wbps_test_posting_api_upload_all (url, video, 1000, 1);
  start = g_get_monotonic_time ();
  processing = wbps_test_posting_api_wait_status (fx, publish_id, "PROCESSING_UPLOAD", 1000, NULL);
  done = wbps_test_posting_api_wait_status (fx, publish_id, "PUBLISH_COMPLETE", 10000, NULL);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("processing took %" G_GINT64_FORMAT " real ms", elapsed_ms);
  g_assert_cmpint (elapsed_ms, >=, 1500);
  g_assert_cmpint (elapsed_ms, <, 8000);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (done, "publicaly_available_post_id")), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/emulator/posting/rule-38-unknown-and-expired", test_rule_38_unknown_and_expired);
  g_test_add_func ("/emulator/posting/rule-39-bad-headers", test_rule_39_bad_headers);
  g_test_add_func ("/emulator/posting/rule-40-out-of-order", test_rule_40_out_of_order);
  g_test_add_func ("/emulator/posting/rule-41-partial-then-created", test_rule_41_partial_then_created);
  g_test_add_func ("/emulator/posting/rule-43-status-errors", test_rule_43_status_errors);
  g_test_add_func ("/emulator/posting/rule-44-status-json", test_rule_44_status_json);
  g_test_add_func ("/emulator/posting/pull-from-url-progress", test_pull_from_url_progress);
  g_test_add_func ("/emulator/posting/upload-sha256", test_upload_sha256);
  g_test_add_func ("/emulator/posting/fault-drop-upload", test_fault_drop_upload);
  g_test_add_func ("/emulator/posting/fault-drop-small-upload", test_fault_drop_small_upload);
  g_test_add_func ("/emulator/posting/fault-5xx-upload", test_fault_5xx_upload);
  g_test_add_func ("/emulator/posting/status-compressed-clock", test_status_compressed_clock);
  g_test_add_func ("/emulator/posting/persist-across-restart", test_persist_across_restart);

  return g_test_run ();
}
