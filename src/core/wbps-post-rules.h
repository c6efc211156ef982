/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-creator-info.h"
#include "wbps-post-options.h"
#include "wbps-preflight.h"

G_BEGIN_DECLS

#define WBPS_POST_RULES_ERROR (wbps_post_rules_error_quark ())
typedef enum {
  WBPS_POST_RULES_ERROR_INVALID_OPTION,  /* a choice that breaks TikTok's rules for every account */
  WBPS_POST_RULES_ERROR_NOT_ALLOWED,     /* the creator's settings forbid the choice */
} WbpsPostRulesError;
GQuark     wbps_post_rules_error_quark (void);

/* Longest caption TikTok takes, in UTF-16 code units. */
#define WBPS_POST_TITLE_MAX_UTF16 2200

/* Number of UTF-16 code units of valid UTF-8 @text (how TikTok counts a title). */
glong      wbps_post_rules_utf16_length (const char *text);

/*
 * TikTok's posting rules (docs/tiktok-protocol.md) applied to @options, with
 * nothing sent and nothing blocking, so a form can run them on every edit.
 * @sandbox: the client can only post privately (SELF_ONLY is forced).
 * @creator (nullable): creator_info of the account; without it the rules that
 * need it (offered visibilities, disabled interactions, the account's
 * duration limit) are skipped. @media (nullable): the probed file; without it
 * the media rules are skipped. Drafts skip every rule about post settings.
 *
 * Returns: (transfer full): every problem, in the order a job meets them, as
 * WBPS_POST_RULES_ERROR or WBPS_PREFLIGHT_ERROR GErrors whose messages are
 * plain sentences; empty when the post may go.
 */
GPtrArray *wbps_post_rules_check        (WbpsPostOptions     *options,
                                         gboolean             sandbox,
                                         WbpsCreatorInfo     *creator,
                                         const WbpsMediaInfo *media);

/*
 * As wbps_post_rules_check(), for a form deciding whether its Post (or Send to
 * TikTok Inbox) button may be pressed: also the account's granted @scopes
 * (nullable: unknown, rule skipped; video.publish for posts, video.upload for
 * drafts), and an explicit visibility even when @sandbox forces SELF_ONLY
 * (TikTok's UX guideline 3: the creator always chooses).
 */
GPtrArray *wbps_post_rules_check_form   (WbpsPostOptions     *options,
                                         gboolean             sandbox,
                                         WbpsCreatorInfo     *creator,
                                         const WbpsMediaInfo *media,
                                         const char * const  *scopes);

/*
 * (transfer full): the media rules' sentences, one each (empty when the file
 * passes), with the duration limit a job would apply to @options.
 */
char     **wbps_post_rules_media_problems (WbpsPostOptions     *options,
                                           WbpsCreatorInfo     *creator,
                                           const WbpsMediaInfo *media);

/* The controls of a form that TikTok's rules may switch off. */
typedef enum {
  WBPS_POST_CONTROL_ALLOW_COMMENT,
  WBPS_POST_CONTROL_ALLOW_DUET,
  WBPS_POST_CONTROL_ALLOW_STITCH,
  WBPS_POST_CONTROL_BRANDED_CONTENT,
} WbpsPostControl;

/*
 * (transfer full) (nullable): why a form must keep @control off and
 * insensitive given the other choices in @options, in words for its tooltip;
 * NULL when the creator may use it. @creator (nullable) as for the check.
 */
char      *wbps_post_rules_explain_control (WbpsPostOptions *options,
                                            gboolean         sandbox,
                                            WbpsCreatorInfo *creator,
                                            WbpsPostControl  control);

/* (transfer full) (nullable): why @privacy_level cannot be chosen with @options, or NULL. */
char      *wbps_post_rules_explain_privacy (WbpsPostOptions *options,
                                            gboolean         sandbox,
                                            WbpsCreatorInfo *creator,
                                            const char      *privacy_level);

/*
 * (transfer full): the visibilities a form offers, in creator_info's order:
 * only SELF_ONLY when @sandbox; empty without @creator.
 */
char     **wbps_post_rules_privacy_choices (WbpsCreatorInfo *creator,
                                            gboolean         sandbox);

/*
 * (transfer full) (nullable): what the creator should be told before a post
 * of @options goes, in words, or NULL: with @sandbox TikTok makes it "Only
 * me" (SELF_ONLY) whatever was chosen.
 */
char      *wbps_post_rules_sandbox_notice  (WbpsPostOptions *options,
                                            gboolean         sandbox);
/* (transfer full) (nullable): the same for a draft, whose caption and settings the inbox drops. */
char      *wbps_post_rules_draft_notice    (WbpsPostOptions *options);

/* The first problem of wbps_post_rules_check(), as a job reports it. */
gboolean   wbps_post_rules_validate     (WbpsPostOptions     *options,
                                         gboolean             sandbox,
                                         WbpsCreatorInfo     *creator,
                                         const WbpsMediaInfo *media,
                                         GError             **error);

G_END_DECLS
