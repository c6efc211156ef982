/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "wbps-chunk-plan.h"

G_BEGIN_DECLS

#define WBPS_TYPE_POST_OPTIONS (wbps_post_options_get_type ())
G_DECLARE_FINAL_TYPE (WbpsPostOptions, wbps_post_options, WBPS, POST_OPTIONS, GObject)

/*
 * What the creator chose for one post, as properties a form binds to (each
 * notifies) and the command line fills from its flags:
 * "file" (GFile), "open-id" (NULL = the current account), "draft" (send to the
 * TikTok inbox instead of posting), "privacy-level" (no default: TikTok wants
 * an explicit choice), "title", "allow-comment", "allow-duet", "allow-stitch"
 * (all off unless chosen), "cover-ms" (-1 = none), "commercial-content"
 * (the creator disclosed commercial content: then brand-organic, branded-content
 * or both must be set), "brand-organic", "branded-content", "aigc",
 * "chunk-size" (0 = wbps plans it).
 * wbps-post-rules checks them; the publish job sends them.
 * Returns: (transfer full)
 */
WbpsPostOptions *wbps_post_options_new                 (void);
/* (transfer full): an independent copy, for a job that must not see later edits. */
WbpsPostOptions *wbps_post_options_copy                (WbpsPostOptions     *self);

/* (nullable) */
GFile           *wbps_post_options_get_file            (WbpsPostOptions     *self);
void             wbps_post_options_set_file            (WbpsPostOptions     *self,
                                                        GFile               *file);
/* (nullable) */
const char      *wbps_post_options_get_open_id         (WbpsPostOptions     *self);
gboolean         wbps_post_options_get_draft           (WbpsPostOptions     *self);
/* (nullable) */
const char      *wbps_post_options_get_privacy_level   (WbpsPostOptions     *self);
/* (nullable) */
const char      *wbps_post_options_get_title           (WbpsPostOptions     *self);
gboolean         wbps_post_options_get_allow_comment   (WbpsPostOptions     *self);
gboolean         wbps_post_options_get_allow_duet      (WbpsPostOptions     *self);
gboolean         wbps_post_options_get_allow_stitch    (WbpsPostOptions     *self);
gint64           wbps_post_options_get_cover_ms        (WbpsPostOptions     *self);
gboolean         wbps_post_options_get_commercial_content (WbpsPostOptions  *self);
gboolean         wbps_post_options_get_brand_organic   (WbpsPostOptions     *self);
gboolean         wbps_post_options_get_branded_content (WbpsPostOptions     *self);
gboolean         wbps_post_options_get_aigc            (WbpsPostOptions     *self);
guint64          wbps_post_options_get_chunk_size      (WbpsPostOptions     *self);

/* (nullable): the visibility sent, SELF_ONLY whatever was chosen when @sandbox. */
const char      *wbps_post_options_get_effective_privacy (WbpsPostOptions   *self,
                                                          gboolean           sandbox);

/*
 * (transfer full): the body of video init for @plan: post_info (direct posts
 * only: a draft carries no caption or settings) and source_info.
 * Returns: (transfer full)
 */
JsonNode        *wbps_post_options_build_init_request  (WbpsPostOptions     *self,
                                                        const WbpsChunkPlan *plan,
                                                        gboolean             sandbox);

G_END_DECLS
