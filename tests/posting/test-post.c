/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `wbps post`, `status` and `history` against a real emulator: a direct post
 * and a draft of a multi-chunk file, and TikTok's posting rules.
 */
#include <glib/gstdio.h>

#include "wbps-test-posting.h"

#define CHUNK "5242880"
/* No TikTok listens here: a rule broken locally must fail before any request. */
#define DEAD_API "http://127.0.0.1:9"

static char *big_video;    /* ~13 MB: two chunks of 5 MiB, the last one larger */
static char *small_video;  /* ~2 MB: one chunk */

static const char creator_ini[] =
  "[user:demo-creator]\n"
  "display-name=Demo Creator\n"
  "username=democreator\n";

static gint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static JsonObject *
history_row (JsonArray  *history,
             guint       index)
{
  g_assert_cmpuint (json_array_get_length (history), >, index);
  return json_array_get_object_element (history, index);
}

static void
assert_post_id_strings (JsonArray *ids)
{
  g_assert_cmpuint (json_array_get_length (ids), >=, 1);
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      JsonNode *node = json_array_get_element (ids, i);
      const char *id;

      g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_STRING);
      id = json_node_get_string (node);
      g_assert_cmpuint (strlen (id), ==, 19);
      for (const char *p = id; *p != '\0'; p++)
        g_assert_true (g_ascii_isdigit (*p));
    }
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *last = wbps_test_last_line (text);

  json_parser_load_from_data (parser, last, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/*
 * README's plain output: progress lines on stderr when it is no terminal ("Uploaded X of Y
 * (N%)", up to 100 %), `status` as "PUBLISH_ID STATUS", `history` one line per post with its
 * state, status, publish ID, file, title and post id.
 */
static void
assert_plain_output (WbpsTestPosting *world,
                     WbpsTestRun     *post,
                     const char      *publish_id,
                     const char      *post_id)
{
  g_autoptr(GRegex) progress = g_regex_new ("^Uploaded [0-9.]+ (bytes|kB|MB) of [0-9.]+ MB \\([0-9]+%\\)$",
                                            G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(WbpsTestRun) status = wbps_test_posting_run_wbps (world, "status", publish_id, NULL);
  g_autoptr(WbpsTestRun) history = wbps_test_posting_run_wbps (world, "history", NULL);
  g_autofree char *status_line = g_strdup_printf ("%s PUBLISH_COMPLETE\n", publish_id);
  g_autofree char *row_tail = g_strdup_printf ("%s  %s  “first #wbps”  post %s\n", publish_id, big_video, post_id);
  guint lines = 0;

  g_assert_true (g_regex_match (progress, post->err, 0, &match));
  while (g_match_info_matches (match))
    {
      lines++;
      g_match_info_next (match, NULL);
    }
  g_assert_cmpuint (lines, >=, 2);
  g_assert_nonnull (strstr (post->err, "(100%)\n"));
  g_assert_null (strstr (post->err, "\r"));

  g_assert_cmpint (status->status, ==, 0);
  g_assert_cmpstr (status->out, ==, status_line);
  g_assert_cmpint (history->status, ==, 0);
  g_assert_nonnull (strstr (history->out, "  DONE         PUBLISH_COMPLETE    "));
  g_assert_true (g_str_has_suffix (history->out, row_tail));
  g_assert_true (strchr (history->out, '\n') == history->out + strlen (history->out) - 1);
}

/* A direct post of a multi-chunk file: byte-identical, one publish_id, history and status agree. */
static void
test_direct_post (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (NULL);
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(WbpsTestRun) status = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autoptr(JsonObject) status_json = NULL;
  g_autofree char *publish_id = NULL;
  g_autofree char *state = NULL;
  g_autofree char *sent = wbps_test_sha256_file (big_video);
  g_autofree char *received = NULL;
  JsonObject *row;

  run = wbps_test_posting_run_wbps (world, "post", big_video, "--privacy", "PUBLIC_TO_EVERYONE", "--title", "first #wbps",
                                    "--allow-comment", "--cover-ms", "500", "--chunk-size", CHUNK, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (wbps_test_posting_parse_result (run, &publish_id, &state));
  g_assert_cmpstr (state, ==, "PUBLISH_COMPLETE");
  g_assert_nonnull (strstr (run->err, "Demo Creator"));
  received = wbps_test_emulator_received_sha256 (world->emu, publish_id);
  g_assert_cmpstr (received, ==, sent);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 1);

  history = wbps_test_posting_history (world);
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  row = history_row (history, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "publish_id"), ==, publish_id);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "DONE");
  g_assert_cmpstr (json_object_get_string_member (row, "title"), ==, "first #wbps");
  g_assert_cmpstr (json_object_get_string_member (row, "privacy"), ==, "PUBLIC_TO_EVERYONE");
  g_assert_false (json_object_has_member (row, "upload_url"));
  assert_post_id_strings (json_object_get_array_member (row, "post_ids"));

  status = wbps_test_posting_run_wbps (world, "status", publish_id, "--json", NULL);
  g_assert_cmpint (status->status, ==, 0);
  status_json = parse_object (status->out);
  g_assert_cmpstr (json_object_get_string_member (status_json, "status"), ==, "PUBLISH_COMPLETE");
  assert_post_id_strings (json_object_get_array_member (status_json, "post_ids"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (status_json, "post_ids"), 0), ==,
                   json_array_get_string_element (json_object_get_array_member (row, "post_ids"), 0));
  assert_plain_output (world, run, publish_id, json_array_get_string_element (json_object_get_array_member (row, "post_ids"), 0));
}

/* --draft goes to the inbox with source_info only; --json prints one object. */
static void
test_draft (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (NULL);
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *sent = wbps_test_sha256_file (big_video);
  g_autofree char *received = NULL;
  const char *publish_id;

  run = wbps_test_posting_run_wbps (world, "post", big_video, "--draft", "--chunk-size", CHUNK, "--json", NULL);
  g_assert_cmpint (run->status, ==, 0);
  result = parse_object (run->out);
  publish_id = json_object_get_string_member (result, "publish_id");
  g_assert_true (g_str_has_prefix (publish_id, "v_inbox_file"));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "SEND_TO_USER_INBOX");
  g_assert_true (json_object_get_null_member (result, "fail_reason"));
  g_assert_cmpint (json_object_get_int_member (result, "uploaded_bytes"), ==, file_size (big_video));
  g_assert_nonnull (strstr (run->err, "inbox notification"));
  received = wbps_test_emulator_received_sha256 (world->emu, publish_id);
  g_assert_cmpstr (received, ==, sent);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 1);
  history = wbps_test_posting_history (world);
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (history_row (history, 0), "mode"), ==, "inbox");
}

/* Rules broken locally: an error, no request (TikTok is unreachable), nothing recorded. */
static void
assert_refused_locally (WbpsTestPosting *world,
                        const char      *needle,
                        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(JsonArray) history = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) "post");
  g_ptr_array_add (argv, small_video);
  va_start (args, needle);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  wbps_test_posting_setenv (world, "WBPS_API_URL", DEAD_API);
  run = wbps_test_posting_run_wbpsv (world, (const char * const *) argv->pdata);
  wbps_test_posting_assert_error_line (run, needle);
  g_assert_null (strstr (run->err, "127.0.0.1:9"));
  g_assert_cmpstr (run->out, ==, "");
  /* A pre-flight failure may be in the history, but never with a publish_id. */
  history = wbps_test_posting_history (world);
  for (guint i = 0; i < json_array_get_length (history); i++)
    g_assert_true (json_object_get_null_member (json_array_get_object_element (history, i), "publish_id"));
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 0);
}

static void
test_local_rules (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (NULL);
  g_autoptr(GString) title = g_string_new (NULL);

  assert_refused_locally (world, "privacy level", NULL);
  assert_refused_locally (world, "Branded content", "--privacy", "SELF_ONLY", "--branded-content", NULL);
  /* 2199 units + one emoji (two UTF-16 units) = 2201. */
  for (guint i = 0; i < 2199; i++)
    g_string_append_c (title, 'a');
  g_string_append (title, "🎬");
  assert_refused_locally (world, "2201", "--privacy", "SELF_ONLY", "--title", title->str, NULL);
  assert_refused_locally (world, "chunk", "--privacy", "SELF_ONLY", "--chunk-size", "1000", NULL);
}

/* Exactly 2200 UTF-16 units (with a surrogate pair) is accepted by us and by TikTok. */
static void
test_title_limit (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (NULL);
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(WbpsTestRun) run = NULL;

  for (guint i = 0; i < 2198; i++)
    g_string_append_c (title, 'a');
  g_string_append (title, "🎬");
  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", "--title", title->str, NULL);
  g_assert_cmpint (run->status, ==, 0);
}

/* The post_info TikTok received for @publish_id, from the emulator's record of each init. */
static JsonObject *
received_post_info (WbpsTestPosting *world,
                    const char      *publish_id)
{
  g_autofree char *url = wbps_test_emulator_url (world->emu, "/emulator/posts");
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *posts;

  g_assert_cmpuint (wbps_test_http_get (url, NULL, &body), ==, 200);
  root = json_from_string (body, NULL);
  g_assert_nonnull (root);
  posts = json_object_get_array_member (json_node_get_object (root), "posts");
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonObject *post = json_array_get_object_element (posts, i);

      if (g_strcmp0 (json_object_get_string_member (post, "publish_id"), publish_id) == 0)
        return json_object_ref (json_object_get_object_member (post, "post_info"));
    }
  g_assert_not_reached ();
}

static JsonObject *
post_and_read_post_info (WbpsTestPosting *world,
                         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(WbpsTestRun) run = NULL;
  g_autofree char *publish_id = NULL;
  g_autofree char *status = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "post");
  g_ptr_array_add (argv, small_video);
  va_start (args, world);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  run = wbps_test_posting_run_wbpsv (world, (const char * const *) argv->pdata);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (wbps_test_posting_parse_result (run, &publish_id, &status));
  return received_post_info (world, publish_id);
}

static void
assert_member_boolean (JsonObject *object,
                       const char *name,
                       gboolean    expected)
{
  g_assert_true (json_object_has_member (object, name));
  g_assert_cmpint (json_object_get_boolean_member (object, name), ==, expected);
}

/*
 * Every option reaches TikTok as post_info, exactly: inverting allow_comment
 * (or any other) once passed the whole suite. The title is 2200 UTF-16 units
 * (1000 surrogate pairs and 200 "é") and must arrive byte for byte.
 */
static void
test_post_info_every_option (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (NULL);
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(JsonObject) all = NULL;
  g_autoptr(JsonObject) none = NULL;
  g_autoptr(JsonObject) branded = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append (title, "\xf0\x9f\x8e\xac");
  for (guint i = 0; i < 200; i++)
    g_string_append (title, "\xc3\xa9");
  all = post_and_read_post_info (world, "--privacy", "PUBLIC_TO_EVERYONE", "--title", title->str,
                                 "--allow-comment", "--allow-duet", "--allow-stitch", "--cover-ms", "123",
                                 "--brand-organic", "--aigc", NULL);
  g_assert_cmpstr (json_object_get_string_member (all, "title"), ==, title->str);
  g_assert_cmpstr (json_object_get_string_member (all, "privacy_level"), ==, "PUBLIC_TO_EVERYONE");
  assert_member_boolean (all, "disable_comment", FALSE);
  assert_member_boolean (all, "disable_duet", FALSE);
  assert_member_boolean (all, "disable_stitch", FALSE);
  g_assert_cmpint (json_object_get_int_member (all, "video_cover_timestamp_ms"), ==, 123);
  assert_member_boolean (all, "brand_organic_toggle", TRUE);
  assert_member_boolean (all, "brand_content_toggle", FALSE);
  assert_member_boolean (all, "is_aigc", TRUE);

  /* Interactions are off unless asked; nothing branded, nothing AI-generated. */
  none = post_and_read_post_info (world, "--privacy", "SELF_ONLY", NULL);
  g_assert_cmpstr (json_object_get_string_member (none, "privacy_level"), ==, "SELF_ONLY");
  assert_member_boolean (none, "disable_comment", TRUE);
  assert_member_boolean (none, "disable_duet", TRUE);
  assert_member_boolean (none, "disable_stitch", TRUE);
  assert_member_boolean (none, "brand_organic_toggle", FALSE);
  assert_member_boolean (none, "brand_content_toggle", FALSE);
  assert_member_boolean (none, "is_aigc", FALSE);

  branded = post_and_read_post_info (world, "--privacy", "MUTUAL_FOLLOW_FRIENDS", "--branded-content",
                                     "--allow-comment", NULL);
  g_assert_cmpstr (json_object_get_string_member (branded, "privacy_level"), ==, "MUTUAL_FOLLOW_FRIENDS");
  assert_member_boolean (branded, "brand_content_toggle", TRUE);
  assert_member_boolean (branded, "brand_organic_toggle", FALSE);
  assert_member_boolean (branded, "disable_comment", FALSE);
  assert_member_boolean (branded, "disable_duet", TRUE);
}

/* A rule that needs creator_info: refused after it, before init (no upload, no publish_id). */
static void
assert_refused_by_creator (WbpsTestPosting *world,
                           const char      *needle,
                           WbpsTestRun     *run)
{
  g_autoptr(JsonArray) history = wbps_test_posting_history (world);

  wbps_test_posting_assert_error_line (run, needle);
  g_assert_cmpuint (wbps_test_posting_upload_count (world), ==, 0);
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_true (json_object_get_null_member (history_row (history, 0), "publish_id"));
  g_assert_cmpstr (json_object_get_string_member (history_row (history, 0), "state"), ==, "FAILED");
}

static void
test_privacy_not_offered (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (NULL);
  g_autoptr(WbpsTestRun) run = NULL;

  /* FOLLOWER_OF_CREATOR exists only for private accounts; demo-creator is public. */
  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "FOLLOWER_OF_CREATOR", NULL);
  assert_refused_by_creator (world, "PUBLIC_TO_EVERYONE", run);
}

/*
 * creator_info with no privacy options (and no nickname): said in words, no
 * init sent. Before: "Posting to TikTok as ?." and "“SELF_ONLY” is not a
 * visibility this account offers; choose one of: ."
 */
static void
test_no_privacy_options (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("[user:demo-creator]\nusername=democreator\n"
                                                                 "privacy-level-options=none\n");
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(JsonArray) posts = NULL;

  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", NULL);
  g_assert_cmpint (run->status, ==, 1);
  assert_refused_by_creator (world, "TikTok returned no privacy options for this account, so it cannot post directly now.", run);
  g_assert_nonnull (strstr (run->err, "Posting to TikTok as demo-creator.\n"));
  g_assert_null (strstr (run->err, "?"));
  g_assert_null (strstr (run->err, "choose one of"));
  posts = wbps_test_posting_emulator_posts (world);
  g_assert_cmpuint (json_array_get_length (posts), ==, 0);
}

static void
test_comment_disabled (void)
{
  g_autofree char *ini = g_strconcat (creator_ini, "comment-disabled=true\n", NULL);
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (ini);
  g_autoptr(WbpsTestRun) run = NULL;

  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", "--allow-comment", NULL);
  assert_refused_by_creator (world, "Comments cannot be allowed", run);
}

/* README: duets and stitches the creator turned off are refused when asked for, before any init. */
static void
test_duet_stitch_disabled (void)
{
  g_autofree char *ini = g_strconcat (creator_ini, "duet-disabled=true\nstitch-disabled=true\n", NULL);
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (ini);
  g_autoptr(WbpsTestRun) duet = NULL;
  g_autoptr(WbpsTestRun) stitch = NULL;
  g_autoptr(JsonArray) posts = NULL;

  duet = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", "--allow-duet", NULL);
  wbps_test_posting_assert_error_line (duet, "Duets cannot be allowed: the account has turned them off in TikTok's settings.");
  stitch = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", "--allow-stitch", NULL);
  wbps_test_posting_assert_error_line (stitch, "Stitches cannot be allowed: the account has turned them off in TikTok's settings.");
  posts = wbps_test_posting_emulator_posts (world);
  g_assert_cmpuint (json_array_get_length (posts), ==, 0);
}

/* TikTok's cap codes arrive with HTTP 200 on creator_info: stop with a plain explanation. */
static void
test_cap_state (void)
{
  g_autofree char *ini = g_strconcat (creator_ini, "cap-state=spam_risk_too_many_posts\n", NULL);
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (ini);
  g_autoptr(WbpsTestRun) run = NULL;

  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", NULL);
  assert_refused_by_creator (world, "daily limit", run);
}

/* TikTok's 403 for an unaudited client, explained in plain words. */
static void
test_unaudited_client (void)
{
  g_autoptr(WbpsTestPosting) world =
    wbps_test_posting_new_wbps ("[client:wbps-demo]\n"
                                "secret=wbps-demo-secret\n"
                                "redirect-uris=http://127.0.0.1:*/callback/;http://localhost:*/callback/\n"
                                "scopes=user.info.basic,user.info.profile,user.info.stats,video.publish,video.upload\n"
                                "desktop=true\n"
                                "audited=false\n");
  g_autoptr(WbpsTestRun) run = NULL;

  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "PUBLIC_TO_EVERYONE", NULL);
  assert_refused_by_creator (world, "audit", run);
}

static void
test_sandbox_forces_self_only (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (NULL);
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(WbpsTestRun) no_privacy = NULL;
  g_autoptr(JsonArray) history = NULL;

  wbps_test_posting_setenv (world, "WBPS_SANDBOX", "1");
  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "PUBLIC_TO_EVERYONE", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "sandbox"));
  g_assert_nonnull (strstr (run->err, "SELF_ONLY"));
  /* In a sandbox --privacy is not needed. */
  no_privacy = wbps_test_posting_run_wbps (world, "post", small_video, "--no-wait", NULL);
  g_assert_cmpint (no_privacy->status, ==, 0);
  history = wbps_test_posting_history (world);
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (history_row (history, 0), "privacy"), ==, "SELF_ONLY");
  g_assert_cmpstr (json_object_get_string_member (history_row (history, 1), "privacy"), ==, "SELF_ONLY");
}

static void
test_failed_with_reason (void)
{
  g_autofree char *ini = g_strconcat (creator_ini, "fail-reason=picture_size_check_failed\n", NULL);
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps (ini);
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *publish_id = NULL;
  g_autofree char *state = NULL;

  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", NULL);
  wbps_test_posting_assert_error_line (run, "width or height");
  g_assert_true (wbps_test_posting_parse_result (run, &publish_id, &state));
  g_assert_cmpstr (state, ==, "FAILED");
  history = wbps_test_posting_history (world);
  g_assert_cmpstr (json_object_get_string_member (history_row (history, 0), "state"), ==, "FAILED");
  g_assert_cmpstr (json_object_get_string_member (history_row (history, 0), "fail_reason"), ==,
                   "picture_size_check_failed");
}

/* No final status before the give-up time: unconfirmed, not failed. */
static void
test_give_up_unconfirmed (void)
{
  g_autoptr(WbpsTestPosting) world = wbps_test_posting_new_wbps ("processing-delay-ms=600000\n");
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(JsonArray) history = NULL;
  gint64 start = g_get_monotonic_time ();

  wbps_test_posting_setenv (world, "WBPS_STATUS_GIVE_UP", "3");
  run = wbps_test_posting_run_wbps (world, "post", small_video, "--privacy", "SELF_ONLY", NULL);
  g_assert_cmpint (run->status, ==, 3);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (run->err, "not confirmed"));
  g_assert_null (strstr (run->err, "could not publish"));
  history = wbps_test_posting_history (world);
  g_assert_cmpstr (json_object_get_string_member (history_row (history, 0), "state"), ==, "UNCONFIRMED");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  big_video = wbps_test_posting_make_mp4 ("big.mp4", 60);
  small_video = wbps_test_posting_make_mp4 ("small.mp4", 10);

  g_test_add_func ("/post/direct", test_direct_post);
  g_test_add_func ("/post/draft", test_draft);
  g_test_add_func ("/post/local-rules", test_local_rules);
  g_test_add_func ("/post/title-limit", test_title_limit);
  g_test_add_func ("/post/post-info-every-option", test_post_info_every_option);
  g_test_add_func ("/post/privacy-not-offered", test_privacy_not_offered);
  g_test_add_func ("/post/no-privacy-options", test_no_privacy_options);
  g_test_add_func ("/post/duet-stitch-disabled", test_duet_stitch_disabled);
  g_test_add_func ("/post/comment-disabled", test_comment_disabled);
  g_test_add_func ("/post/cap-state", test_cap_state);
  g_test_add_func ("/post/unaudited", test_unaudited_client);
  g_test_add_func ("/post/sandbox", test_sandbox_forces_self_only);
  g_test_add_func ("/post/failed-reason", test_failed_with_reason);
  g_test_add_func ("/post/give-up", test_give_up_unconfirmed);
  return wbps_test_posting_run_tests ();
}
