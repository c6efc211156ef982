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

/* The first problem of wbps_post_rules_check(), as a job reports it. */
gboolean   wbps_post_rules_validate     (WbpsPostOptions     *options,
                                         gboolean             sandbox,
                                         WbpsCreatorInfo     *creator,
                                         const WbpsMediaInfo *media,
                                         GError             **error);

G_END_DECLS
