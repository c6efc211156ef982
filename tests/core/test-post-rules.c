/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TikTok's posting rules as a form runs them: every problem at once, in plain sentences. */
#include "wbps-creator-info-private.h"
#include "wbps-post-rules.h"

static WbpsCreatorInfo *
creator_from (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return wbps_creator_info_new_from_data ("oid", json_node_get_object (json_parser_get_root (parser)));
}

/* Comments and stitches off, two visibilities, a 60 s limit. */
static WbpsCreatorInfo *
strict_creator (void)
{
  return creator_from ("{\"creator_nickname\":\"Strict\",\"creator_username\":\"strict\","
                       "\"privacy_level_options\":[\"FOLLOWER_OF_CREATOR\",\"SELF_ONLY\"],"
                       "\"comment_disabled\":true,\"duet_disabled\":false,\"stitch_disabled\":true,"
                       "\"max_video_post_duration_sec\":60}");
}

static WbpsPostOptions *
options_for_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/tmp/video.mp4");
  WbpsPostOptions *options = wbps_post_options_new ();

  wbps_post_options_set_file (options, file);
  return options;
}

static WbpsMediaInfo *
media_of (guint64 duration_ms)
{
  WbpsMediaInfo *media = wbps_media_info_new ();

  media->container = g_strdup ("mp4");
  media->mime_type = g_strdup ("video/mp4");
  media->video_codec = g_strdup ("h264");
  media->width = 1080;
  media->height = 1920;
  media->fps_n = 30;
  media->fps_d = 1;
  media->duration_ms = duration_ms;
  media->size = 1000000;
  return media;
}

static char *
messages (GPtrArray *problems)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (text, "%s\n", ((GError *) g_ptr_array_index (problems, i))->message);
  return g_string_free (text, FALSE);
}

static void
assert_problem (GPtrArray  *problems,
                guint       index,
                GQuark      domain,
                gint        code,
                const char *fragment)
{
  const GError *error;

  g_assert_cmpuint (index, <, problems->len);
  error = g_ptr_array_index (problems, index);
  g_assert_error ((GError *) error, domain, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_nothing_chosen (void)
{
  g_autoptr(WbpsPostOptions) options = wbps_post_options_new ();
  g_autoptr(GPtrArray) problems = wbps_post_rules_check (options, FALSE, NULL, NULL);

  g_assert_cmpuint (problems->len, ==, 2);
  assert_problem (problems, 0, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION, "No video file");
  assert_problem (problems, 1, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION, "explicit privacy level");
}

/* Every broken rule is listed, not only the first, in the order a job meets them. */
static void
test_every_problem_listed (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(WbpsCreatorInfo) creator = strict_creator ();
  g_autoptr(WbpsMediaInfo) media = media_of (90 * 1000);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *text = NULL;

  g_object_set (options,
                "privacy-level", "PUBLIC_TO_EVERYONE",
                "allow-comment", TRUE,
                "allow-duet", TRUE,
                "allow-stitch", TRUE,
                NULL);
  problems = wbps_post_rules_check (options, FALSE, creator, media);
  text = messages (problems);
  g_test_message ("%s", text);
  g_assert_cmpuint (problems->len, ==, 4);
  assert_problem (problems, 0, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_NOT_ALLOWED,
                  "“PUBLIC_TO_EVERYONE” is not a visibility this account offers; choose one of: FOLLOWER_OF_CREATOR, SELF_ONLY.");
  assert_problem (problems, 1, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_NOT_ALLOWED, "Comments cannot be allowed");
  assert_problem (problems, 2, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_NOT_ALLOWED, "Stitches cannot be allowed");
  assert_problem (problems, 3, WBPS_PREFLIGHT_ERROR, WBPS_PREFLIGHT_ERROR_DURATION, "60");

  /* A form fixing them one by one sees the list shrink to nothing. */
  g_object_set (options, "privacy-level", "FOLLOWER_OF_CREATOR", "allow-comment", FALSE,
                "allow-stitch", FALSE, NULL);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = wbps_post_rules_check (options, FALSE, creator, media);
  g_assert_cmpuint (problems->len, ==, 1);
  g_clear_pointer (&media, wbps_media_info_free);
  media = media_of (30 * 1000);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = wbps_post_rules_check (options, FALSE, creator, media);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_true (wbps_post_rules_validate (options, FALSE, creator, media, NULL));
}

/* TikTok counts UTF-16 units: 1100 emoji (two units each) are the longest title. */
static void
test_title_length_in_utf16 (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 1100; i++)
    g_string_append (title, "\xF0\x9F\x8E\xAC");
  g_assert_cmpint (wbps_post_rules_utf16_length (title->str), ==, 2200);
  g_object_set (options, "privacy-level", "SELF_ONLY", "title", title->str, NULL);
  g_assert_true (wbps_post_rules_validate (options, FALSE, NULL, NULL, NULL));

  g_string_append (title, "x");
  g_object_set (options, "title", title->str, NULL);
  g_assert_false (wbps_post_rules_validate (options, FALSE, NULL, NULL, &error));
  g_assert_error (error, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "2201"));
}

static void
test_branded_content_never_private (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) sandboxed = NULL;

  g_object_set (options, "privacy-level", "SELF_ONLY", "branded-content", TRUE, NULL);
  problems = wbps_post_rules_check (options, FALSE, NULL, NULL);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION,
                  "Branded content visibility cannot be set to private");

  /* A sandbox client forces SELF_ONLY whatever was chosen. */
  g_object_set (options, "privacy-level", "PUBLIC_TO_EVERYONE", NULL);
  sandboxed = wbps_post_rules_check (options, TRUE, NULL, NULL);
  g_assert_cmpuint (sandboxed->len, ==, 1);
  assert_problem (sandboxed, 0, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION,
                  "this sandbox client can only post privately");
}

/* A draft carries no settings: only the file and the media rules apply. */
static void
test_draft_skips_settings (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(WbpsCreatorInfo) creator = strict_creator ();
  g_autoptr(WbpsMediaInfo) media = media_of (90 * 1000);
  g_autoptr(GPtrArray) problems = NULL;

  g_object_set (options, "draft", TRUE, "allow-comment", TRUE, "branded-content", TRUE, NULL);
  problems = wbps_post_rules_check (options, FALSE, creator, media);
  /* 90 s is within the API's 10 minutes; the creator's 60 s limit is for direct posts. */
  g_assert_cmpuint (problems->len, ==, 0);
}

/* A form asks for an explicit visibility even where the sandbox forces "Only me" (guideline 3). */
static void
test_form_needs_explicit_privacy (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(GPtrArray) cli = wbps_post_rules_check (options, TRUE, NULL, NULL);
  g_autoptr(GPtrArray) form = wbps_post_rules_check_form (options, TRUE, NULL, NULL, NULL);
  g_autoptr(GPtrArray) chosen = NULL;

  g_assert_cmpuint (cli->len, ==, 0);
  g_assert_cmpuint (form->len, ==, 1);
  assert_problem (form, 0, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION, "explicit privacy level");
  g_object_set (options, "privacy-level", "SELF_ONLY", NULL);
  chosen = wbps_post_rules_check_form (options, TRUE, NULL, NULL, NULL);
  g_assert_cmpuint (chosen->len, ==, 0);
}

/* Post needs video.publish, the inbox video.upload; unknown scopes are not held against the form. */
static void
test_form_needs_scope (void)
{
  const char *upload_only[] = { "user.info.basic", "video.upload", NULL };
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(GPtrArray) direct = NULL;
  g_autoptr(GPtrArray) unknown = NULL;
  g_autoptr(GPtrArray) draft = NULL;

  g_object_set (options, "privacy-level", "SELF_ONLY", NULL);
  direct = wbps_post_rules_check_form (options, FALSE, NULL, NULL, upload_only);
  g_assert_cmpuint (direct->len, ==, 1);
  assert_problem (direct, 0, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_NOT_ALLOWED,
                  "did not allow wbps to post directly (video.publish)");
  unknown = wbps_post_rules_check_form (options, FALSE, NULL, NULL, NULL);
  g_assert_cmpuint (unknown->len, ==, 0);
  g_object_set (options, "draft", TRUE, NULL);
  draft = wbps_post_rules_check_form (options, FALSE, NULL, NULL, upload_only);
  g_assert_cmpuint (draft->len, ==, 0);
}

/* Guideline 5: disclosed commercial content must say whom it promotes, with TikTok's words. */
static void
test_disclosure_needs_a_choice (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(GPtrArray) nothing = NULL;
  g_autoptr(GPtrArray) yours = NULL;
  g_autoptr(GPtrArray) undisclosed = NULL;

  g_object_set (options, "privacy-level", "FOLLOWER_OF_CREATOR", "commercial-content", TRUE, NULL);
  nothing = wbps_post_rules_check (options, FALSE, NULL, NULL);
  g_assert_cmpuint (nothing->len, ==, 1);
  assert_problem (nothing, 0, WBPS_POST_RULES_ERROR, WBPS_POST_RULES_ERROR_INVALID_OPTION,
                  "You need to indicate if your content promotes yourself, a third party, or both.");
  g_object_set (options, "brand-organic", TRUE, NULL);
  yours = wbps_post_rules_check (options, FALSE, NULL, NULL);
  g_assert_cmpuint (yours->len, ==, 0);
  g_object_set (options, "brand-organic", FALSE, "commercial-content", FALSE, NULL);
  undisclosed = wbps_post_rules_check (options, FALSE, NULL, NULL);
  g_assert_cmpuint (undisclosed->len, ==, 0);
}

/* Guideline 4: what creator_info turned off is greyed out, with the reason. */
static void
test_explain_interactions (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(WbpsCreatorInfo) creator = strict_creator ();
  g_autofree char *comment = wbps_post_rules_explain_control (options, FALSE, creator, WBPS_POST_CONTROL_ALLOW_COMMENT);
  g_autofree char *duet = wbps_post_rules_explain_control (options, FALSE, creator, WBPS_POST_CONTROL_ALLOW_DUET);
  g_autofree char *stitch = wbps_post_rules_explain_control (options, FALSE, creator, WBPS_POST_CONTROL_ALLOW_STITCH);
  g_autofree char *unknown = wbps_post_rules_explain_control (options, FALSE, NULL, WBPS_POST_CONTROL_ALLOW_COMMENT);

  g_assert_cmpstr (comment, ==, "Comments are turned off for this account in the TikTok app’s privacy settings.");
  g_assert_null (duet);
  g_assert_cmpstr (stitch, ==, "Stitches are turned off for this account in the TikTok app’s privacy settings.");
  g_assert_null (unknown);
}

/* Guideline 6 both ways: "Only me" greys out branded content, branded content greys out "Only me". */
static void
test_explain_branded_and_private (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(WbpsCreatorInfo) creator = strict_creator ();
  char *reason;

  g_object_set (options, "privacy-level", "SELF_ONLY", NULL);
  reason = wbps_post_rules_explain_control (options, FALSE, creator, WBPS_POST_CONTROL_BRANDED_CONTENT);
  g_assert_cmpstr (reason, ==, "Branded content visibility cannot be set to private.");
  g_free (reason);
  g_object_set (options, "privacy-level", "FOLLOWER_OF_CREATOR", NULL);
  g_assert_null (wbps_post_rules_explain_control (options, FALSE, creator, WBPS_POST_CONTROL_BRANDED_CONTENT));
  g_assert_null (wbps_post_rules_explain_privacy (options, FALSE, creator, "SELF_ONLY"));

  g_object_set (options, "branded-content", TRUE, NULL);
  reason = wbps_post_rules_explain_privacy (options, FALSE, creator, "SELF_ONLY");
  g_assert_cmpstr (reason, ==, "Branded content visibility cannot be set to private.");
  g_free (reason);
  g_assert_null (wbps_post_rules_explain_privacy (options, FALSE, creator, "FOLLOWER_OF_CREATOR"));

  /* A sandbox client only posts privately: branded content is never possible. */
  g_object_set (options, "branded-content", FALSE, "privacy-level", NULL, NULL);
  reason = wbps_post_rules_explain_control (options, TRUE, creator, WBPS_POST_CONTROL_BRANDED_CONTENT);
  g_assert_nonnull (strstr (reason, "this sandbox client can only post privately"));
  g_free (reason);
}

/* Exactly the creator's visibilities, in their order; only "Only me" in the sandbox. */
static void
test_privacy_choices (void)
{
  const char *strict[] = { "FOLLOWER_OF_CREATOR", "SELF_ONLY", NULL };
  const char *sandboxed[] = { "SELF_ONLY", NULL };
  g_autoptr(WbpsCreatorInfo) creator = strict_creator ();
  g_auto(GStrv) offered = wbps_post_rules_privacy_choices (creator, FALSE);
  g_auto(GStrv) sandbox = wbps_post_rules_privacy_choices (creator, TRUE);
  g_auto(GStrv) unknown = wbps_post_rules_privacy_choices (NULL, FALSE);

  g_assert_true (g_strv_equal ((const char * const *) offered, strict));
  g_assert_true (g_strv_equal ((const char * const *) sandbox, sandboxed));
  g_assert_cmpuint (g_strv_length (unknown), ==, 0);
}

/* The media sentences one by one, with the duration limit of a post or of a draft. */
static void
test_media_problems (void)
{
  g_autoptr(WbpsPostOptions) options = options_for_file ();
  g_autoptr(WbpsCreatorInfo) creator = strict_creator ();
  g_autoptr(WbpsMediaInfo) media = media_of (90 * 1000);
  g_auto(GStrv) direct = NULL;
  g_auto(GStrv) draft = NULL;

  media->fps_n = 15;
  direct = wbps_post_rules_media_problems (options, creator, media);
  g_assert_cmpuint (g_strv_length (direct), ==, 2);
  g_assert_cmpstr (direct[0], ==, "The frame rate is 15 fps; TikTok accepts 23 to 60 fps.");
  g_assert_true (g_str_has_prefix (direct[1], "The video is 90"));
  g_object_set (options, "draft", TRUE, NULL);
  draft = wbps_post_rules_media_problems (options, creator, media);
  g_assert_cmpuint (g_strv_length (draft), ==, 1);
  g_assert_cmpstr (draft[0], ==, direct[0]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/post-rules/nothing-chosen", test_nothing_chosen);
  g_test_add_func ("/core/post-rules/every-problem-listed", test_every_problem_listed);
  g_test_add_func ("/core/post-rules/title-length-in-utf16", test_title_length_in_utf16);
  g_test_add_func ("/core/post-rules/branded-content-never-private", test_branded_content_never_private);
  g_test_add_func ("/core/post-rules/draft-skips-settings", test_draft_skips_settings);
  g_test_add_func ("/core/post-rules/form-needs-explicit-privacy", test_form_needs_explicit_privacy);
  g_test_add_func ("/core/post-rules/form-needs-scope", test_form_needs_scope);
  g_test_add_func ("/core/post-rules/disclosure-needs-a-choice", test_disclosure_needs_a_choice);
  g_test_add_func ("/core/post-rules/explain-interactions", test_explain_interactions);
  g_test_add_func ("/core/post-rules/explain-branded-and-private", test_explain_branded_and_private);
  g_test_add_func ("/core/post-rules/privacy-choices", test_privacy_choices);
  g_test_add_func ("/core/post-rules/media-problems", test_media_problems);
  return g_test_run ();
}
