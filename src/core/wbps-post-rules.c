/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "wbps-post-rules.h"

G_DEFINE_QUARK (wbps-post-rules-error-quark, wbps_post_rules_error)

glong
wbps_post_rules_utf16_length (const char *text)
{
  glong units = 0;

  g_return_val_if_fail (text != NULL, 0);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) >= 0x10000 ? 2 : 1;
  return units;
}

static void
add_problem (GPtrArray          *problems,
             WbpsPostRulesError  code,
             const char         *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (GPtrArray          *problems,
             WbpsPostRulesError  code,
             const char         *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (problems, g_error_new_valist (WBPS_POST_RULES_ERROR, code, format, args));
  va_end (args);
}

/* Rules for every post: a file, and a caption TikTok can take. */
static void
check_basics (WbpsPostOptions *options,
              GPtrArray       *problems)
{
  const char *title = wbps_post_options_get_title (options);

  if (wbps_post_options_get_file (options) == NULL)
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION, _("No video file was given."));
  if (title != NULL && !g_utf8_validate (title, -1, NULL))
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION, _("The title is not valid UTF-8 text."));
  else if (title != NULL && wbps_post_rules_utf16_length (title) > WBPS_POST_TITLE_MAX_UTF16)
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION,
                 ngettext ("The title is %ld character long (counted as TikTok counts, in UTF-16 units); TikTok takes at most %d.",
                           "The title is %ld characters long (counted as TikTok counts, in UTF-16 units); TikTok takes at most %d.",
                           (gulong) wbps_post_rules_utf16_length (title)),
                 wbps_post_rules_utf16_length (title), WBPS_POST_TITLE_MAX_UTF16);
}

/* Direct posts: an explicit visibility (chosen by the creator in a @form even when
 * the sandbox forces one), branded content never private, a disclosure that says what. */
static void
check_direct (WbpsPostOptions *options,
              gboolean         sandbox,
              gboolean         form,
              GPtrArray       *problems)
{
  const char *privacy = wbps_post_options_get_effective_privacy (options, sandbox);
  const char *chosen = form ? wbps_post_options_get_privacy_level (options) : privacy;

  if (chosen == NULL || *chosen == '\0')
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION,
                 _("Choose who can see the post: TikTok requires an explicit privacy level and has no default."));
  else if (wbps_post_options_get_branded_content (options) && g_str_equal (privacy, "SELF_ONLY"))
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION, "%s",
                 sandbox
                 ? _("Branded content cannot be private, and this sandbox client can only post privately (\"Only me\").")
                 : _("Branded content visibility cannot be set to private (\"Only me\"). Choose another visibility."));
  /* TikTok's words for guideline 5: a disclosure must say whom the video promotes. */
  if (wbps_post_options_get_commercial_content (options) &&
      !wbps_post_options_get_brand_organic (options) && !wbps_post_options_get_branded_content (options))
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION, "%s",
                 _("You need to indicate if your content promotes yourself, a third party, or both."));
}

/* What the account offers: its visibilities and the interactions it left on. */
static void
check_creator (WbpsPostOptions *options,
               gboolean         sandbox,
               WbpsCreatorInfo *creator,
               GPtrArray       *problems)
{
  const char *privacy = wbps_post_options_get_effective_privacy (options, sandbox);
  const char * const *levels = wbps_creator_info_get_privacy_level_options (creator);

  if (levels == NULL || levels[0] == NULL)
    add_problem (problems, WBPS_POST_RULES_ERROR_NOT_ALLOWED, "%s",
                 _("TikTok returned no privacy options for this account, so it cannot post directly now. Try again later, or send the video to the TikTok inbox as a draft."));
  else if (privacy != NULL && *privacy != '\0' && !wbps_creator_info_offers_privacy_level (creator, privacy))
    {
      g_autofree char *offered = g_strjoinv (", ", (GStrv) wbps_creator_info_get_privacy_level_options (creator));

      add_problem (problems, WBPS_POST_RULES_ERROR_NOT_ALLOWED,
                   _("“%s” is not a visibility this account offers; choose one of: %s."), privacy, offered);
    }
  if (wbps_post_options_get_allow_comment (options) && wbps_creator_info_get_comment_disabled (creator))
    add_problem (problems, WBPS_POST_RULES_ERROR_NOT_ALLOWED,
                 _("%s cannot be allowed: the account has turned them off in TikTok's settings."), _("Comments"));
  if (wbps_post_options_get_allow_duet (options) && wbps_creator_info_get_duet_disabled (creator))
    add_problem (problems, WBPS_POST_RULES_ERROR_NOT_ALLOWED,
                 _("%s cannot be allowed: the account has turned them off in TikTok's settings."), _("Duets"));
  if (wbps_post_options_get_allow_stitch (options) && wbps_creator_info_get_stitch_disabled (creator))
    add_problem (problems, WBPS_POST_RULES_ERROR_NOT_ALLOWED,
                 _("%s cannot be allowed: the account has turned them off in TikTok's settings."), _("Stitches"));
}

static guint
max_duration_for (WbpsPostOptions *options,
                  WbpsCreatorInfo *creator)
{
  return !wbps_post_options_get_draft (options) && creator != NULL
         ? wbps_creator_info_get_max_video_post_duration_sec (creator) : 0;
}

static GPtrArray *
check (WbpsPostOptions     *options,
       gboolean             sandbox,
       gboolean             form,
       WbpsCreatorInfo     *creator,
       const WbpsMediaInfo *media,
       GPtrArray           *problems)
{
  gboolean draft = wbps_post_options_get_draft (options);

  check_basics (options, problems);
  if (!draft)
    check_direct (options, sandbox, form, problems);
  if (!draft && creator != NULL)
    check_creator (options, sandbox, creator, problems);
  if (media != NULL)
    {
      GError *error = NULL;

      if (!wbps_media_info_check (media, max_duration_for (options, creator), wbps_post_options_get_cover_ms (options), &error))
        g_ptr_array_add (problems, error);
    }
  return problems;
}

GPtrArray *
wbps_post_rules_check (WbpsPostOptions     *options,
                       gboolean             sandbox,
                       WbpsCreatorInfo     *creator,
                       const WbpsMediaInfo *media)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), problems);
  g_return_val_if_fail (creator == NULL || WBPS_IS_CREATOR_INFO (creator), problems);

  return check (options, sandbox, FALSE, creator, media, problems);
}

GPtrArray *
wbps_post_rules_check_form (WbpsPostOptions     *options,
                            gboolean             sandbox,
                            WbpsCreatorInfo     *creator,
                            const WbpsMediaInfo *media,
                            const char * const  *scopes)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  gboolean draft;

  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), problems);
  g_return_val_if_fail (creator == NULL || WBPS_IS_CREATOR_INFO (creator), problems);

  draft = wbps_post_options_get_draft (options);
  if (scopes != NULL && !g_strv_contains (scopes, draft ? "video.upload" : "video.publish"))
    add_problem (problems, WBPS_POST_RULES_ERROR_NOT_ALLOWED, "%s", draft
                 ? _("This account did not allow wbps to upload drafts (video.upload). Sign in again and allow it.")
                 : _("This account did not allow wbps to post directly (video.publish). Sign in again and allow it."));
  return check (options, sandbox, TRUE, creator, media, problems);
}

char **
wbps_post_rules_media_problems (WbpsPostOptions     *options,
                                WbpsCreatorInfo     *creator,
                                const WbpsMediaInfo *media)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), NULL);
  g_return_val_if_fail (media != NULL, NULL);

  return wbps_media_info_list_problems (media, max_duration_for (options, creator),
                                        wbps_post_options_get_cover_ms (options));
}

static const char *
interaction_reason (WbpsPostControl control)
{
  switch (control)
    {
    case WBPS_POST_CONTROL_ALLOW_COMMENT:
      return _("Comments are turned off for this account in the TikTok app’s privacy settings.");
    case WBPS_POST_CONTROL_ALLOW_DUET:
      return _("Duets are turned off for this account in the TikTok app’s privacy settings.");
    case WBPS_POST_CONTROL_ALLOW_STITCH:
      return _("Stitches are turned off for this account in the TikTok app’s privacy settings.");
    case WBPS_POST_CONTROL_BRANDED_CONTENT:
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
interaction_disabled (WbpsCreatorInfo *creator,
                      WbpsPostControl  control)
{
  if (control == WBPS_POST_CONTROL_ALLOW_COMMENT)
    return wbps_creator_info_get_comment_disabled (creator);
  if (control == WBPS_POST_CONTROL_ALLOW_DUET)
    return wbps_creator_info_get_duet_disabled (creator);
  return wbps_creator_info_get_stitch_disabled (creator);
}

char *
wbps_post_rules_explain_control (WbpsPostOptions *options,
                                 gboolean         sandbox,
                                 WbpsCreatorInfo *creator,
                                 WbpsPostControl  control)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), NULL);
  g_return_val_if_fail (creator == NULL || WBPS_IS_CREATOR_INFO (creator), NULL);

  if (control != WBPS_POST_CONTROL_BRANDED_CONTENT)
    return creator != NULL && interaction_disabled (creator, control)
           ? g_strdup (interaction_reason (control)) : NULL;
  /* Guideline 6: branded content and "Only me" exclude each other. */
  if (sandbox)
    return g_strdup (_("Branded content cannot be private, and this sandbox client can only post privately (\"Only me\")."));
  if (g_strcmp0 (wbps_post_options_get_privacy_level (options), "SELF_ONLY") == 0)
    return g_strdup (_("Branded content visibility cannot be set to private."));
  return NULL;
}

char *
wbps_post_rules_explain_privacy (WbpsPostOptions *options,
                                 gboolean         sandbox,
                                 WbpsCreatorInfo *creator,
                                 const char      *privacy_level)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), NULL);
  g_return_val_if_fail (privacy_level != NULL, NULL);

  if (g_str_equal (privacy_level, "SELF_ONLY") && wbps_post_options_get_branded_content (options))
    return g_strdup (_("Branded content visibility cannot be set to private."));
  return NULL;
}

char **
wbps_post_rules_privacy_choices (WbpsCreatorInfo *creator,
                                 gboolean         sandbox)
{
  const char * const *offered;
  const char *only_private[] = { "SELF_ONLY", NULL };

  g_return_val_if_fail (creator == NULL || WBPS_IS_CREATOR_INFO (creator), NULL);

  if (creator == NULL)
    return g_new0 (char *, 1);
  offered = wbps_creator_info_get_privacy_level_options (creator);
  if (sandbox && offered != NULL && g_strv_contains (offered, "SELF_ONLY"))
    return g_strdupv ((char **) only_private);
  return offered != NULL ? g_strdupv ((char **) offered) : g_new0 (char *, 1);
}

char *
wbps_post_rules_sandbox_notice (WbpsPostOptions *options,
                                gboolean         sandbox)
{
  const char *chosen;

  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), NULL);

  chosen = wbps_post_options_get_privacy_level (options);
  if (!sandbox || wbps_post_options_get_draft (options))
    return NULL;
  if (chosen != NULL && g_strcmp0 (chosen, "SELF_ONLY") != 0)
    return g_strdup_printf (_("This is a sandbox client: TikTok only allows private posts, so the visibility is “Only me” (SELF_ONLY) instead of %s."),
                            chosen);
  return g_strdup (_("This is a sandbox client: TikTok only allows private posts, so the visibility is “Only me” (SELF_ONLY)."));
}

char *
wbps_post_rules_draft_notice (WbpsPostOptions *options)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), NULL);

  if (wbps_post_options_get_draft (options) &&
      (wbps_post_options_get_title (options) != NULL || wbps_post_options_get_privacy_level (options) != NULL))
    return g_strdup (_("Drafts go to the TikTok inbox without caption or settings; set them in TikTok."));
  return NULL;
}

gboolean
wbps_post_rules_validate (WbpsPostOptions     *options,
                          gboolean             sandbox,
                          WbpsCreatorInfo     *creator,
                          const WbpsMediaInfo *media,
                          GError             **error)
{
  g_autoptr(GPtrArray) problems = wbps_post_rules_check (options, sandbox, creator, media);

  if (problems->len == 0)
    return TRUE;
  g_propagate_error (error, g_error_copy (g_ptr_array_index (problems, 0)));
  return FALSE;
}
