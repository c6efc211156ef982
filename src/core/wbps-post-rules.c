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

/* Direct posts: an explicit visibility, and branded content never private. */
static void
check_direct (WbpsPostOptions *options,
              gboolean         sandbox,
              GPtrArray       *problems)
{
  const char *privacy = wbps_post_options_get_effective_privacy (options, sandbox);

  if (privacy == NULL || *privacy == '\0')
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION,
                 _("Choose who can see the post: TikTok requires an explicit privacy level and has no default."));
  else if (wbps_post_options_get_branded_content (options) && g_str_equal (privacy, "SELF_ONLY"))
    add_problem (problems, WBPS_POST_RULES_ERROR_INVALID_OPTION, "%s",
                 sandbox
                 ? _("Branded content cannot be private, and this sandbox client can only post privately (\"Only me\").")
                 : _("Branded content visibility cannot be set to private (\"Only me\"). Choose another visibility."));
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

GPtrArray *
wbps_post_rules_check (WbpsPostOptions     *options,
                       gboolean             sandbox,
                       WbpsCreatorInfo     *creator,
                       const WbpsMediaInfo *media)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  gboolean draft;

  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (options), problems);
  g_return_val_if_fail (creator == NULL || WBPS_IS_CREATOR_INFO (creator), problems);

  draft = wbps_post_options_get_draft (options);
  check_basics (options, problems);
  if (!draft)
    check_direct (options, sandbox, problems);
  if (!draft && creator != NULL)
    check_creator (options, sandbox, creator, problems);
  if (media != NULL)
    {
      GError *error = NULL;
      guint max_duration = !draft && creator != NULL
                           ? wbps_creator_info_get_max_video_post_duration_sec (creator) : 0;

      if (!wbps_media_info_check (media, max_duration, wbps_post_options_get_cover_ms (options), &error))
        g_ptr_array_add (problems, error);
    }
  return problems;
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
