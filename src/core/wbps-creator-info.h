/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-api-client.h"

G_BEGIN_DECLS

#define WBPS_TYPE_CREATOR_INFO (wbps_creator_info_get_type ())
G_DECLARE_FINAL_TYPE (WbpsCreatorInfo, wbps_creator_info, WBPS, CREATOR_INFO, GObject)

/*
 * What TikTok's creator_info/query said about an account at one moment: who
 * posts, which visibilities it offers, which interactions it turned off and
 * how long a video may be. A composer queries it when the account is chosen
 * and binds to it; the publish job takes the same object instead of asking
 * again. Read-only properties: "open-id", "nickname", "username",
 * "avatar-url", "privacy-level-options" (GStrv), "comment-disabled",
 * "duet-disabled", "stitch-disabled", "max-video-post-duration-sec".
 */

/* POST /v2/post/publish/creator_info/query/ for @open_id (NULL = current account). */
void              wbps_creator_info_query_async   (WbpsApiClient       *api,
                                                   const char          *open_id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* (transfer full) (nullable) */
WbpsCreatorInfo  *wbps_creator_info_query_finish  (GAsyncResult        *result,
                                                   GError             **error);

/* (nullable): the account asked about, NULL when the query named the current one. */
const char       *wbps_creator_info_get_open_id                (WbpsCreatorInfo *self);
/* (nullable) */
const char       *wbps_creator_info_get_nickname               (WbpsCreatorInfo *self);
/* (nullable) */
const char       *wbps_creator_info_get_username               (WbpsCreatorInfo *self);
/* (nullable) */
const char       *wbps_creator_info_get_avatar_url             (WbpsCreatorInfo *self);
/* (transfer none): never NULL, possibly empty. */
const char * const *wbps_creator_info_get_privacy_level_options (WbpsCreatorInfo *self);
gboolean          wbps_creator_info_offers_privacy_level       (WbpsCreatorInfo *self,
                                                                const char      *privacy_level);
gboolean          wbps_creator_info_get_comment_disabled       (WbpsCreatorInfo *self);
gboolean          wbps_creator_info_get_duet_disabled          (WbpsCreatorInfo *self);
gboolean          wbps_creator_info_get_stitch_disabled        (WbpsCreatorInfo *self);
/* 0 when TikTok gave no limit. */
guint             wbps_creator_info_get_max_video_post_duration_sec (WbpsCreatorInfo *self);

G_END_DECLS
