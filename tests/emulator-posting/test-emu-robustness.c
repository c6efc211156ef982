/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Malformed requests get a clean 4xx in the endpoint's envelope (never a crash
 * or a hang), and the posting endpoints' per-token rate limits (spec 4.11,
 * checklist rule 21).
 */
#include "wbps-test-posting.h"

#include <string.h>

#define DIRECT_INIT  "/v2/post/publish/video/init/"
#define INBOX_INIT   "/v2/post/publish/inbox/video/init/"
#define CREATOR_INFO "/v2/post/publish/creator_info/query/"
#define STATUS_FETCH "/v2/post/publish/status/fetch/"
#define TOKEN        "/v2/oauth/token/"

/* Any method, optional bearer and body; @body_size bytes of @body (-1 = strlen). */
static EmuReply *
raw_request (WbpsTestPosting *fx,
             const char      *method,
             const char      *path,
             const char      *token,
             const char      *content_type,
             const char      *body,
             gssize           body_size)
{
  g_autofree char *url = wbps_test_emulator_url (fx->emu, path);
  g_autofree char *authorization = token != NULL ? g_strconcat ("Bearer ", token, NULL) : NULL;

  return emu_request (method, url, authorization, content_type, body, body_size);
}

/* The emulator must still answer normally after whatever came before. */
static void
assert_still_serving (WbpsTestPosting *fx)
{
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_call (fx, CREATOR_INFO, NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
}

static void
test_malformed_json (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autofree char *opening = g_strnfill (200000, '[');
  g_autofree char *closing = g_strnfill (200000, ']');
  g_autofree char *deep = g_strconcat (opening, closing, NULL);
  const char *bodies[] = {
    "{not json",
    "[1,2,3]",
    "\"a string\"",
    "{\"source_info\":null}",
    "{\"source_info\":\"FILE_UPLOAD\"}",
    "{\"source_info\":{\"source\":42}}",
    "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},\"source_info\":{\"source\":\"FILE_UPLOAD\","
    "\"video_size\":99999999999999999999999999,\"chunk_size\":1000,\"total_chunk_count\":1}}",
    "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},\"source_info\":{\"source\":\"FILE_UPLOAD\","
    "\"video_size\":-1000,\"chunk_size\":-1000,\"total_chunk_count\":1}}",
    "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},\"source_info\":{\"source\":\"FILE_UPLOAD\","
    "\"video_size\":1000.5,\"chunk_size\":1000,\"total_chunk_count\":1}}",
    "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\",\"title\":\"bad \xf0\x28\"},\"source_info\":"
    "{\"source\":\"FILE_UPLOAD\",\"video_size\":1000,\"chunk_size\":1000,\"total_chunk_count\":1}}",
    deep,   /* json-glib parses recursively: this used to overflow the emulator's stack */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      const char *paths[] = { DIRECT_INIT, INBOX_INIT, STATUS_FETCH };

      for (guint j = 0; j < G_N_ELEMENTS (paths); j++)
        {
          g_autoptr(EmuReply) reply = raw_request (fx, "POST", paths[j], wbps_test_posting_api_token (fx),
                                                  "application/json; charset=UTF-8", bodies[i], -1);

          g_test_message ("body %u on %s", i, paths[j]);
          emu_assert_v2_error (reply, 400, "invalid_params");
        }
    }
  /* Inbox init takes no post_info, so a wrongly typed title only matters for direct posts. */
  {
    g_autoptr(EmuReply) reply = raw_request (fx, "POST", DIRECT_INIT, wbps_test_posting_api_token (fx), "application/json",
                                            "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\",\"title\":42},"
                                            "\"source_info\":{\"source\":\"FILE_UPLOAD\",\"video_size\":1000,"
                                            "\"chunk_size\":1000,\"total_chunk_count\":1}}", -1);

    emu_assert_v2_error (reply, 400, "invalid_params");
  }
  assert_still_serving (fx);
}

static void
test_wrong_method (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  const char *paths[] = { CREATOR_INFO, DIRECT_INIT, INBOX_INIT, STATUS_FETCH };
  g_autoptr(EmuReply) token = raw_request (fx, "GET", TOKEN, NULL, NULL, NULL, 0);
  g_autoptr(EmuReply) upload = raw_request (fx, "DELETE", "/upload/?upload_id=1&upload_token=x", NULL, NULL, NULL, 0);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(EmuReply) reply = raw_request (fx, "GET", paths[i], wbps_test_posting_api_token (fx), NULL, NULL, 0);

      emu_assert_v2_error (reply, 405, "invalid_params");
    }
  g_assert_cmpuint (token->status, ==, 405);
  emu_assert_oauth_error (token, "invalid_request", NULL);
  g_assert_cmpuint (upload->status, ==, 405);
  assert_still_serving (fx);
}

static void
test_missing_headers (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  const char *paths[] = { CREATOR_INFO, DIRECT_INIT, INBOX_INIT, STATUS_FETCH };
  g_autofree char *body = wbps_test_posting_api_file_body (1000, 1000, 1, "SELF_ONLY");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(EmuReply) reply = raw_request (fx, "POST", paths[i], NULL, "application/json", body, -1);

      emu_assert_v2_error (reply, 401, "access_token_invalid");
    }
  assert_still_serving (fx);
}

static void
test_huge_bodies (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  gsize size = 4 * MIB;
  g_autofree char *huge = g_strnfill (size, ' ');
  g_autoptr(EmuReply) init = raw_request (fx, "POST", DIRECT_INIT, wbps_test_posting_api_token (fx),
                                         "application/json", huge, size);
  g_autoptr(EmuReply) token = raw_request (fx, "POST", TOKEN, NULL, "application/x-www-form-urlencoded", huge, size);

  emu_assert_v2_error (init, 413, "invalid_params");
  g_assert_cmpuint (token->status, ==, 413);
  emu_assert_oauth_error (token, "invalid_request", NULL);
  assert_still_serving (fx);
}

static void
test_malformed_upload_headers (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (1000, 3);
  g_autofree char *url = NULL;
  g_autofree char *publish_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, "SELF_ONLY", &url);
  const char *ranges[] = {
    "bytes 0-99999999999999999999999/1000",
    "bytes 0-999/99999999999999999999999",
    "bytes -5-999/1000",
    "bytes 999-0/1000",
    "bytes */1000",
    "items 0-999/1000",
    "bytes 0-999",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("Content-Range: %s", ranges[i]);
      g_assert_cmpuint (wbps_test_posting_api_put (url, "video/mp4", video, ranges[i], NULL, &error), ==, 400);
      g_assert_no_error (error);
    }
  /* Nothing above counted: the whole file still goes up in one piece (MIME types ignore case). */
  g_assert_cmpuint (wbps_test_posting_api_put (url, "Video/MP4", video, "bytes 0-999/1000", NULL, NULL), ==, 201);
}

/* @per_minute calls pass on one token, the next is 429; another token is unaffected. */
static void
assert_rate_limited (WbpsTestPosting *fx,
                     const char      *path,
                     const char      *body,
                     guint            per_minute)
{
  g_autofree char *token = wbps_test_posting_api_sign_in (fx, NULL);
  g_autofree char *other = wbps_test_posting_api_sign_in (fx, NULL);
  g_autoptr(JsonObject) limited = NULL;
  g_autoptr(JsonObject) fresh = NULL;
  guint status;

  for (guint i = 0; i < per_minute; i++)
    {
      g_autoptr(JsonObject) root = wbps_test_posting_api_request (fx, token, path, body, &status, NULL);

      g_assert_cmpuint (status, !=, 429);
    }
  limited = wbps_test_posting_api_request (fx, token, path, body, &status, NULL);
  wbps_test_posting_api_assert_error (limited, status, 429, "rate_limit_exceeded");
  fresh = wbps_test_posting_api_request (fx, other, path, body, &status, NULL);
  g_assert_cmpuint (status, !=, 429);
}

static void
test_rule_21_posting_rate_limits (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autofree char *direct = wbps_test_posting_api_file_body (1000, 1000, 1, "SELF_ONLY");
  g_autofree char *inbox = wbps_test_posting_api_file_body (1000, 1000, 1, NULL);

  assert_rate_limited (fx, CREATOR_INFO, NULL, 20);
  assert_rate_limited (fx, DIRECT_INIT, direct, 6);
  assert_rate_limited (fx, INBOX_INIT, inbox, 6);
  assert_rate_limited (fx, STATUS_FETCH, "{\"publish_id\":\"v_pub_file~v2-1.1\"}", 30);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/emulator/robustness/malformed-json", test_malformed_json);
  g_test_add_func ("/emulator/robustness/wrong-method", test_wrong_method);
  g_test_add_func ("/emulator/robustness/missing-authorization", test_missing_headers);
  g_test_add_func ("/emulator/robustness/huge-bodies", test_huge_bodies);
  g_test_add_func ("/emulator/robustness/malformed-upload-headers", test_malformed_upload_headers);
  g_test_add_func ("/emulator/posting/rule-21-posting-rate-limits", test_rule_21_posting_rate_limits);
  return g_test_run ();
}
