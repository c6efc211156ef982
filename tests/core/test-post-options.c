/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The post's options as a composer binds them, and the init request they make. */
#include "wbps-post-options.h"
#include "wbps-test-util.h"

static char *
request_text (WbpsPostOptions *options,
              gboolean         sandbox)
{
  WbpsChunkPlan plan = { .video_size = 30000000, .chunk_size = 30000000, .total_chunk_count = 1 };
  g_autoptr(JsonNode) body = wbps_post_options_build_init_request (options, &plan, sandbox);

  return json_to_string (body, FALSE);
}

/* Defaults are TikTok's: nothing allowed, no visibility, no cover; each change notifies once. */
static void
test_defaults_and_notify (void)
{
  g_autoptr(WbpsPostOptions) options = wbps_post_options_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_assert_null (wbps_post_options_get_privacy_level (options));
  g_assert_false (wbps_post_options_get_allow_comment (options));
  g_assert_false (wbps_post_options_get_allow_duet (options));
  g_assert_false (wbps_post_options_get_allow_stitch (options));
  g_assert_cmpint (wbps_post_options_get_cover_ms (options), ==, -1);
  g_assert_cmpuint (wbps_post_options_get_chunk_size (options), ==, 0);

  g_signal_connect (options, "notify", G_CALLBACK (wbps_test_record_notify), names);
  g_object_set (options, "title", "hello", "allow-duet", TRUE, NULL);
  g_object_set (options, "title", "hello", "allow-duet", TRUE, NULL);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "title", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "allow-duet", g_str_equal, NULL));
}

static void
test_copy_is_independent (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/tmp/a.mp4");
  g_autoptr(WbpsPostOptions) options = wbps_post_options_new ();
  g_autoptr(WbpsPostOptions) copy = NULL;

  g_object_set (options, "file", file, "privacy-level", "SELF_ONLY", "title", "one", "aigc", TRUE,
                "cover-ms", (gint64) 1500, "commercial-content", TRUE, NULL);
  copy = wbps_post_options_copy (options);
  g_object_set (options, "title", "two", "aigc", FALSE, "commercial-content", FALSE, NULL);
  g_assert_true (wbps_post_options_get_commercial_content (copy));
  g_assert_cmpstr (wbps_post_options_get_title (copy), ==, "one");
  g_assert_true (wbps_post_options_get_aigc (copy));
  g_assert_cmpint (wbps_post_options_get_cover_ms (copy), ==, 1500);
  g_assert_true (g_file_equal (wbps_post_options_get_file (copy), file));
  g_assert_cmpstr (wbps_post_options_get_privacy_level (copy), ==, "SELF_ONLY");
}

/* Each option reaches post_info under TikTok's name, interactions inverted. */
static void
test_direct_request (void)
{
  g_autoptr(WbpsPostOptions) options = wbps_post_options_new ();
  g_autofree char *text = NULL;

  g_object_set (options, "privacy-level", "MUTUAL_FOLLOW_FRIENDS", "title", "Hi #tag",
                "allow-comment", TRUE, "cover-ms", (gint64) 1000, "brand-organic", TRUE,
                "aigc", TRUE, NULL);
  text = request_text (options, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"post_info\":{\"title\":\"Hi #tag\",\"privacy_level\":\"MUTUAL_FOLLOW_FRIENDS\","
                   "\"disable_comment\":false,\"disable_duet\":true,\"disable_stitch\":true,"
                   "\"video_cover_timestamp_ms\":1000,\"brand_content_toggle\":false,"
                   "\"brand_organic_toggle\":true,\"is_aigc\":true},"
                   "\"source_info\":{\"source\":\"FILE_UPLOAD\",\"video_size\":30000000,"
                   "\"chunk_size\":30000000,\"total_chunk_count\":1}}");

  /* A sandbox client can only post privately. */
  g_clear_pointer (&text, g_free);
  text = request_text (options, TRUE);
  g_assert_nonnull (strstr (text, "\"privacy_level\":\"SELF_ONLY\""));
  g_assert_cmpstr (wbps_post_options_get_effective_privacy (options, TRUE), ==, "SELF_ONLY");
}

static void
test_draft_request (void)
{
  g_autoptr(WbpsPostOptions) options = wbps_post_options_new ();
  g_autofree char *text = NULL;

  g_object_set (options, "draft", TRUE, "title", "ignored", "privacy-level", "SELF_ONLY", NULL);
  text = request_text (options, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"source_info\":{\"source\":\"FILE_UPLOAD\",\"video_size\":30000000,"
                   "\"chunk_size\":30000000,\"total_chunk_count\":1}}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/post-options/defaults-and-notify", test_defaults_and_notify);
  g_test_add_func ("/core/post-options/copy-is-independent", test_copy_is_independent);
  g_test_add_func ("/core/post-options/direct-request", test_direct_request);
  g_test_add_func ("/core/post-options/draft-request", test_draft_request);
  return g_test_run ();
}
