/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The emulator's creator_info and video init endpoints against
 * the protocol checklist (docs/tiktok-protocol.md), rules 25-37 (one test per rule).
 */
#include "wbps-test-posting.h"

#define DIRECT_INIT "/v2/post/publish/video/init/"
#define INBOX_INIT  "/v2/post/publish/inbox/video/init/"
#define CREATOR_INFO "/v2/post/publish/creator_info/query/"

static void
assert_string_list (JsonObject         *object,
                    const char         *member,
                    const char * const *expected)
{
  JsonArray *array = json_object_get_array_member (object, member);

  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (array, i), ==, expected[i]);
}

static void
assert_creator_info (WbpsTestPosting    *fx,
                     const char         *nickname,
                     const char * const *options,
                     gboolean            restricted,
                     gboolean            comment_disabled)
{
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_call (fx, CREATOR_INFO, NULL, &status);
  JsonObject *data = wbps_test_posting_api_data (root);

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
  g_assert_cmpuint (json_object_get_size (data), ==, 8);
  g_assert_true (json_object_has_member (data, "creator_avatar_url"));
  g_assert_nonnull (json_object_get_string_member (data, "creator_username"));
  g_assert_cmpstr (json_object_get_string_member (data, "creator_nickname"), ==, nickname);
  assert_string_list (data, "privacy_level_options", options);
  g_assert_cmpint (json_object_get_boolean_member (data, "comment_disabled"), ==, comment_disabled);
  g_assert_cmpint (json_object_get_boolean_member (data, "duet_disabled"), ==, restricted);
  g_assert_cmpint (json_object_get_boolean_member (data, "stitch_disabled"), ==, restricted);
  g_assert_cmpint (json_object_get_int_member (data, "max_video_post_duration_sec"), ==, 300);
}

static void
test_rule_25_creator_info (void)
{
  const char *public_options[] = { "PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY", NULL };
  const char *private_options[] = { "FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY", NULL };
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[user:creator]\nmax-video-post-duration-sec=300\n"
                                                      "[user:hidden]\nmax-video-post-duration-sec=300\n"
                                                      "[user:nodue]\ndisplay-name=No Duets\n"
                                                      "max-video-post-duration-sec=300\n"
                                                      "duet-disabled=true\nstitch-disabled=true\n");

  assert_creator_info (fx, "Test Creator", public_options, FALSE, FALSE);
  wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", "hidden");
  assert_creator_info (fx, "Hidden Creator", private_options, TRUE, TRUE);
  wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", "nodue");
  assert_creator_info (fx, "No Duets", public_options, TRUE, FALSE);
}

static void
test_rule_26_cap_states (void)
{
  const char *users[][2] = {
    { "capped-posts", "spam_risk_too_many_posts" },
    { "capped-banned", "spam_risk_user_banned_from_posting" },
    { "capped-active", "reached_active_user_cap" },
    { "banned", "spam_risk_user_banned_from_posting" },
  };
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[user:capped-posts]\ncap-state=spam_risk_too_many_posts\n"
                                                      "[user:capped-banned]\ncap-state=spam_risk_user_banned_from_posting\n"
                                                      "[user:capped-active]\ncap-state=reached_active_user_cap\n"
                                                      "[user:banned]\nbanned=true\n");

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      guint status;
      g_autoptr(JsonObject) root = NULL;

      wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", users[i][0]);
      root = wbps_test_posting_api_call (fx, CREATOR_INFO, NULL, &status);
      /* TikTok answers these with HTTP 200 on purpose. */
      wbps_test_posting_api_assert_error (root, status, 200, users[i][1]);
    }
}

static void
assert_init_refused (WbpsTestPosting *fx,
                     const char      *path,
                     const char      *body,
                     guint            expected_status,
                     const char      *expected_code,
                     const char      *expected_message)
{
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_call (fx, path, body, &status);

  wbps_test_posting_api_assert_error (root, status, expected_status, expected_code);
  if (expected_message != NULL)
    g_assert_cmpstr (wbps_test_posting_api_error_message (root), ==, expected_message);
}

static void
assert_init_ok (WbpsTestPosting *fx,
                const char      *path,
                const char      *body)
{
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_call (fx, path, body, &status);

  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (json_object_get_string_member (wbps_test_posting_api_data (root), "publish_id"));
}

static void
test_rule_27_source (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  const char *bodies[] = {
    "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},\"source_info\":{\"source\":\"UPLOAD_FILE\","
    "\"video_size\":1000,\"chunk_size\":1000,\"total_chunk_count\":1}}",
    "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},\"source_info\":{\"video_size\":1000,"
    "\"chunk_size\":1000,\"total_chunk_count\":1}}",
    "{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      assert_init_refused (fx, DIRECT_INIT, bodies[i], 400, "invalid_params", NULL);
      assert_init_refused (fx, INBOX_INIT, bodies[i], 400, "invalid_params", NULL);
    }
}

static void
test_rule_28_file_fields (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  const char *source_infos[] = {
    "\"chunk_size\":1000,\"total_chunk_count\":1",
    "\"video_size\":1000,\"total_chunk_count\":1",
    "\"video_size\":1000,\"chunk_size\":1000",
    "\"video_size\":\"1000\",\"chunk_size\":1000,\"total_chunk_count\":1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (source_infos); i++)
    {
      g_autofree char *direct = g_strdup_printf ("{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},"
                                                 "\"source_info\":{\"source\":\"FILE_UPLOAD\",%s}}",
                                                 source_infos[i]);
      g_autofree char *inbox = g_strdup_printf ("{\"source_info\":{\"source\":\"FILE_UPLOAD\",%s}}",
                                                source_infos[i]);

      assert_init_refused (fx, DIRECT_INIT, direct, 400, "invalid_params", NULL);
      assert_init_refused (fx, INBOX_INIT, inbox, 400, "invalid_params", NULL);
    }
}

static void
test_rule_29_chunk_count (void)
{
  const char *count_invalid = "total chunk count is invalid";
  const char *chunk_invalid = "The chunk size is invalid";
  const struct { gint64 size, chunk, count; const char *message; } cases[] = {
    { 50000123, 10000000, 5, NULL },                       /* the spec's worked example */
    { 50000123, 10000000, 6, count_invalid },              /* ceil instead of floor */
    { 4194304, 4194304, 1, NULL },                         /* whole upload below 5 MiB */
    { 5 * MIB - 1, 5 * MIB - 1, 1, NULL },
    { 5 * MIB, 5 * MIB, 1, NULL },
    { 12 * MIB, 5 * MIB, 2, NULL },                        /* remainder merged into the last chunk */
    { 64 * MIB, 64 * MIB, 1, NULL },
    { 4194304, 2097152, 2, chunk_invalid },                /* S < 5 MiB needs C = S */
    { 10 * MIB, 5 * MIB - 1, 2, chunk_invalid },           /* C < 5 MiB */
    { 10 * MIB, 5000000, 2, chunk_invalid },               /* 5 MB decimal is below 5 MiB */
    { 200 * MIB, 64 * MIB + 1, 3, chunk_invalid },         /* C > 64 MiB */
    { 64 * MIB + 1, 64 * MIB, 1, chunk_invalid },          /* S > 64 MiB must be multi-chunk */
    { 6 * MIB, 8 * MIB, 0, chunk_invalid },                /* N < 1 */
    { 6 * MIB, 8 * MIB, 1, count_invalid },                /* floor(6/8) = 0 */
    { 600 * MIB, 6 * MIB, 1001, count_invalid },
  };
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *direct = wbps_test_posting_api_file_body (cases[i].size, cases[i].chunk, cases[i].count, "SELF_ONLY");
      g_autofree char *inbox = wbps_test_posting_api_file_body (cases[i].size, cases[i].chunk, cases[i].count, NULL);

      g_test_message ("S=%" G_GINT64_FORMAT " C=%" G_GINT64_FORMAT " N=%" G_GINT64_FORMAT,
                      cases[i].size, cases[i].chunk, cases[i].count);
      if (cases[i].message == NULL)
        {
          assert_init_ok (fx, DIRECT_INIT, direct);
          assert_init_ok (fx, INBOX_INIT, inbox);
        }
      else
        {
          assert_init_refused (fx, DIRECT_INIT, direct, 400, "invalid_params", cases[i].message);
          assert_init_refused (fx, INBOX_INIT, inbox, 400, "invalid_params", cases[i].message);
        }
    }
}

static void
test_rule_30_max_size (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autofree char *too_big = wbps_test_posting_api_file_body (4096 * MIB + 1, 64 * MIB, 64, "SELF_ONLY");
  g_autofree char *largest = wbps_test_posting_api_file_body (4096 * MIB, 64 * MIB, 64, "SELF_ONLY");
  g_autofree char *too_big_inbox = wbps_test_posting_api_file_body (4096 * MIB + 64 * MIB, 64 * MIB, 65, NULL);

  assert_init_refused (fx, DIRECT_INIT, too_big, 400, "invalid_params", NULL);
  assert_init_refused (fx, INBOX_INIT, too_big_inbox, 400, "invalid_params", NULL);
  assert_init_ok (fx, DIRECT_INIT, largest);
}

static char *
direct_body (const char *post_info)
{
  return g_strdup_printf ("{%s%s\"source_info\":{\"source\":\"FILE_UPLOAD\",\"video_size\":1000,"
                          "\"chunk_size\":1000,\"total_chunk_count\":1}}",
                          post_info != NULL ? post_info : "", post_info != NULL ? "," : "");
}

static void
test_rule_31_privacy (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  const char *refused[] = {
    NULL,
    "\"post_info\":{\"title\":\"no privacy\"}",
    "\"post_info\":{\"privacy_level\":\"FOLLOWER_OF_CREATOR\"}",
    "\"post_info\":{\"privacy_level\":\"EVERYONE\"}",
  };
  g_autofree char *public_ok = direct_body ("\"post_info\":{\"privacy_level\":\"PUBLIC_TO_EVERYONE\"}");
  g_autofree char *follower_ok = direct_body ("\"post_info\":{\"privacy_level\":\"FOLLOWER_OF_CREATOR\"}");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *body = direct_body (refused[i]);

      assert_init_refused (fx, DIRECT_INIT, body, 403, "privacy_level_option_mismatch", NULL);
    }
  assert_init_ok (fx, DIRECT_INIT, public_ok);

  wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", "hidden");
  assert_init_refused (fx, DIRECT_INIT, public_ok, 403, "privacy_level_option_mismatch", NULL);
  assert_init_ok (fx, DIRECT_INIT, follower_ok);
}

static char *
title_body (const char *unit,
            guint       repeat)
{
  g_autoptr(GString) title = g_string_new (NULL);
  g_autofree char *post_info = NULL;

  for (guint i = 0; i < repeat; i++)
    g_string_append (title, unit);
  post_info = g_strdup_printf ("\"post_info\":{\"privacy_level\":\"SELF_ONLY\",\"title\":\"%s\"}", title->str);
  return direct_body (post_info);
}

static void
test_rule_32_title (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autofree char *ascii_max = title_body ("a", 2200);
  g_autofree char *ascii_over = title_body ("a", 2201);
  g_autofree char *accent_max = title_body ("\xc3\xa9", 2200);          /* é: 2 bytes, 1 unit */
  g_autofree char *emoji_max = title_body ("\xf0\x9f\x98\x80", 1100);   /* U+1F600: 2 units */
  g_autofree char *emoji_over = title_body ("\xf0\x9f\x98\x80", 1101);

  assert_init_ok (fx, DIRECT_INIT, ascii_max);
  assert_init_refused (fx, DIRECT_INIT, ascii_over, 400, "invalid_params", NULL);
  assert_init_ok (fx, DIRECT_INIT, accent_max);
  assert_init_ok (fx, DIRECT_INIT, emoji_max);
  assert_init_refused (fx, DIRECT_INIT, emoji_over, 400, "invalid_params", NULL);
}

static void
test_rule_33_unaudited (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[client:unaudited]\nsecret=unaudited-secret\n"
                                                      "redirect-uris=http://127.0.0.1:*/callback/\n"
                                                      "scopes=user.info.basic,video.publish,video.upload\n"
                                                      "audited=false\n"
                                                      "[user:p1]\nprivate=true\n[user:p2]\nprivate=true\n"
                                                      "[user:p3]\nprivate=true\n[user:p4]\nprivate=true\n"
                                                      "[user:p5]\nprivate=true\n");
  g_autofree char *self_only = direct_body ("\"post_info\":{\"privacy_level\":\"SELF_ONLY\"}");
  g_autofree char *friends = direct_body ("\"post_info\":{\"privacy_level\":\"MUTUAL_FOLLOW_FRIENDS\"}");
  const char *emu_posting_users[] = { "hidden", "p1", "p2", "p3", "p4" };
  const char *code = "unaudited_client_can_only_post_to_private_accounts";
  guint status;
  g_autoptr(JsonObject) info = NULL;

  wbps_test_posting_api_use_client (fx, "unaudited", "unaudited-secret", "creator");
  assert_init_refused (fx, DIRECT_INIT, self_only, 403, code, NULL);
  wbps_test_posting_api_use_client (fx, "unaudited", "unaudited-secret", "hidden");
  assert_init_refused (fx, DIRECT_INIT, friends, 403, code, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (emu_posting_users); i++)
    {
      wbps_test_posting_api_use_client (fx, "unaudited", "unaudited-secret", emu_posting_users[i]);
      assert_init_ok (fx, DIRECT_INIT, self_only);
    }
  /* A sixth distinct user in 24 h is one too many; the five can go on. */
  wbps_test_posting_api_use_client (fx, "unaudited", "unaudited-secret", "p5");
  assert_init_refused (fx, DIRECT_INIT, self_only, 403, "reached_active_user_cap", NULL);
  info = wbps_test_posting_api_call (fx, CREATOR_INFO, NULL, &status);
  wbps_test_posting_api_assert_error (info, status, 200, "reached_active_user_cap");
  wbps_test_posting_api_use_client (fx, "unaudited", "unaudited-secret", "p1");
  assert_init_ok (fx, DIRECT_INIT, self_only);
}

/* Posts a tiny whole-file video; @privacy NULL = an inbox share. */
static char *
post_tiny (WbpsTestPosting *fx,
           const char      *privacy,
           guint32          seed)
{
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (1000, seed);
  g_autofree char *url = NULL;
  char *publish_id = wbps_test_posting_api_init_file (fx, 1000, 1000, 1, privacy, &url);

  wbps_test_posting_api_upload_all (url, video, 1000, 1);
  return publish_id;
}

static void
test_rule_34_daily_cap_and_ban (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\nprocessing-delay-ms=0\n"
                                                      "[user:creator]\ndaily-post-cap=2\n"
                                                      "[user:banned]\nbanned=true\n");
  g_autofree char *body = direct_body ("\"post_info\":{\"privacy_level\":\"SELF_ONLY\"}");
  g_autofree char *inbox = wbps_test_posting_api_file_body (1000, 1000, 1, NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(JsonObject) info = NULL;
  guint status;

  /* An init that never uploads is not a post. */
  assert_init_ok (fx, DIRECT_INIT, body);
  first = post_tiny (fx, "SELF_ONLY", 1);
  second = post_tiny (fx, "PUBLIC_TO_EVERYONE", 2);
  assert_init_refused (fx, DIRECT_INIT, body, 403, "spam_risk_too_many_posts", NULL);
  info = wbps_test_posting_api_call (fx, CREATOR_INFO, NULL, &status);
  wbps_test_posting_api_assert_error (info, status, 200, "spam_risk_too_many_posts");

  wbps_test_posting_api_use_client (fx, "posting-test", "posting-test-secret", "banned");
  assert_init_refused (fx, DIRECT_INIT, body, 403, "spam_risk_user_banned_from_posting", NULL);
  assert_init_refused (fx, INBOX_INIT, inbox, 403, "spam_risk_user_banned_from_posting", NULL);
}

static void
test_rule_35_pending_shares (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[emulator]\nprocessing-delay-ms=0\n");
  g_autofree char *inbox = wbps_test_posting_api_file_body (1000, 1000, 1, NULL);
  g_autofree char *direct = direct_body ("\"post_info\":{\"privacy_level\":\"SELF_ONLY\"}");

  for (guint i = 0; i < 5; i++)
    g_free (post_tiny (fx, NULL, i));
  assert_init_refused (fx, INBOX_INIT, inbox, 403, "spam_risk_too_many_pending_share", NULL);
  /* Direct posts have their own cap. */
  assert_init_ok (fx, DIRECT_INIT, direct);
}

static char *
url_body (const char *url,
          gboolean    inbox)
{
  return g_strdup_printf ("{%s\"source_info\":{\"source\":\"PULL_FROM_URL\",\"video_url\":\"%s\"}}",
                          inbox ? "" : "\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},", url);
}

static void
test_rule_36_url_ownership (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  const char *refused[] = {
    "http://media.example.com/v/clip.mp4",
    "https://93.184.216.34/v/clip.mp4",
    "https://media.example.com/other/clip.mp4",
    "https://media.example.com.evil.example/v/clip.mp4",
    "https://cdn.example.org/v/clip.mp4",
  };
  g_autofree char *valid = url_body ("https://media.example.com/v/clip.mp4", FALSE);
  g_autofree char *valid_inbox = url_body ("https://media.example.com/v/clip.mp4", TRUE);
  g_autofree char *missing = g_strdup ("{\"post_info\":{\"privacy_level\":\"SELF_ONLY\"},"
                                       "\"source_info\":{\"source\":\"PULL_FROM_URL\"}}");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *direct = url_body (refused[i], FALSE);
      g_autofree char *inbox = url_body (refused[i], TRUE);

      assert_init_refused (fx, DIRECT_INIT, direct, 403, "url_ownership_unverified", NULL);
      assert_init_refused (fx, INBOX_INIT, inbox, 403, "url_ownership_unverified", NULL);
    }
  assert_init_refused (fx, DIRECT_INIT, missing, 400, "invalid_params", NULL);
  assert_init_ok (fx, DIRECT_INIT, valid);
  assert_init_ok (fx, INBOX_INIT, valid_inbox);
}

static void
assert_matches (const char *pattern,
                const char *value)
{
  if (!g_regex_match_simple (pattern, value, 0, 0))
    g_error ("“%s” does not match %s", value, pattern);
}

static void
assert_publish_id (WbpsTestPosting *fx,
                   const char      *path,
                   const char      *body,
                   const char      *pattern,
                   gboolean         has_upload_url)
{
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_call (fx, path, body, &status);
  JsonObject *data = wbps_test_posting_api_data (root);
  const char *publish_id = json_object_get_string_member (data, "publish_id");
  g_autofree char *prefix = wbps_test_emulator_url (fx->emu, "/upload/?upload_id=");

  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
  assert_matches (pattern, publish_id);
  g_assert_cmpuint (strlen (publish_id), <=, 64);
  g_assert_cmpint (json_object_has_member (data, "upload_url"), ==, has_upload_url);
  if (has_upload_url)
    {
      const char *url = json_object_get_string_member (data, "upload_url");
      g_autoptr(GBytes) video = wbps_test_posting_random_bytes (1000, 7);

      g_assert_true (g_str_has_prefix (url, prefix));
      g_assert_nonnull (strstr (url, "&upload_token="));
      g_assert_cmpuint (strlen (url), <=, 256);
      g_assert_cmpuint (wbps_test_posting_api_put_chunk (url, video, 0, 999, NULL), ==, 201);
    }
}

static void
test_rule_37_publish_ids (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autofree char *direct_file = direct_body ("\"post_info\":{\"privacy_level\":\"SELF_ONLY\"}");
  g_autofree char *inbox_file = wbps_test_posting_api_file_body (1000, 1000, 1, NULL);
  g_autofree char *direct_url = url_body ("https://media.example.com/v/a.mp4", FALSE);
  g_autofree char *inbox_url = url_body ("https://media.example.com/v/a.mp4", TRUE);

  assert_publish_id (fx, DIRECT_INIT, direct_file, "^v_pub_file~v2-1\\.[0-9]+$", TRUE);
  assert_publish_id (fx, INBOX_INIT, inbox_file, "^v_inbox_file~v2\\.[0-9]+$", TRUE);
  assert_publish_id (fx, DIRECT_INIT, direct_url, "^v_pub_url~v2\\.[0-9]+$", FALSE);
  assert_publish_id (fx, INBOX_INIT, inbox_url, "^v_inbox_url~v2\\.[0-9]+$", FALSE);
}

/* The test helper GET /emulator/posts shows each init's post_info exactly as sent. */
static void
test_posts_helper (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api (NULL);
  g_autofree char *body = direct_body ("\"post_info\":{\"privacy_level\":\"SELF_ONLY\",\"title\":\"t\","
                                       "\"video_cover_timestamp_ms\":1234}");
  g_autofree char *url = NULL;
  g_autoptr(EmuReply) reply = NULL;
  JsonArray *posts;
  JsonObject *post, *post_info;

  assert_init_ok (fx, DIRECT_INIT, body);
  url = wbps_test_emulator_url (fx->emu, "/emulator/posts");
  reply = emu_get (url, NULL);
  posts = json_object_get_array_member (emu_reply_object (reply), "posts");
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  post = json_array_get_object_element (posts, 0);
  g_assert_false (json_object_get_boolean_member (post, "inbox"));
  g_assert_cmpint (json_object_get_int_member (post, "video_size"), ==, 1000);
  g_assert_cmpint (json_object_get_int_member (post, "received"), ==, 0);
  post_info = json_object_get_object_member (post, "post_info");
  g_assert_cmpint (json_object_get_int_member (post_info, "video_cover_timestamp_ms"), ==, 1234);
  g_assert_cmpstr (json_object_get_string_member (post_info, "title"), ==, "t");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/emulator/posting/rule-25-creator-info", test_rule_25_creator_info);
  g_test_add_func ("/emulator/posting/rule-26-cap-states", test_rule_26_cap_states);
  g_test_add_func ("/emulator/posting/rule-27-source", test_rule_27_source);
  g_test_add_func ("/emulator/posting/rule-28-file-fields", test_rule_28_file_fields);
  g_test_add_func ("/emulator/posting/rule-29-chunk-count", test_rule_29_chunk_count);
  g_test_add_func ("/emulator/posting/rule-30-max-size", test_rule_30_max_size);
  g_test_add_func ("/emulator/posting/rule-31-privacy", test_rule_31_privacy);
  g_test_add_func ("/emulator/posting/rule-32-title", test_rule_32_title);
  g_test_add_func ("/emulator/posting/rule-33-unaudited", test_rule_33_unaudited);
  g_test_add_func ("/emulator/posting/rule-34-daily-cap-and-ban", test_rule_34_daily_cap_and_ban);
  g_test_add_func ("/emulator/posting/rule-35-pending-shares", test_rule_35_pending_shares);
  g_test_add_func ("/emulator/posting/rule-36-url-ownership", test_rule_36_url_ownership);
  g_test_add_func ("/emulator/posting/rule-37-publish-ids", test_rule_37_publish_ids);
  g_test_add_func ("/emulator/posting/posts-helper", test_posts_helper);

  return g_test_run ();
}
