/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WBPS_TYPE_AVATAR_CACHE (wbps_avatar_cache_get_type ())
G_DECLARE_FINAL_TYPE (WbpsAvatarCache, wbps_avatar_cache, WBPS, AVATAR_CACHE, GObject)

/*
 * Profile pictures: downloaded once, kept under $XDG_CACHE_HOME/wbps/avatars
 * (one file per URL, named by its SHA-256) and in memory for the session. A
 * picture that cannot be had fails the call; the caller's AdwAvatar then shows
 * the generated initial.
 */
WbpsAvatarCache *wbps_avatar_cache_new          (void);
/* The texture of @url, from memory, the disk cache, or the network. */
void             wbps_avatar_cache_load_async   (WbpsAvatarCache     *self,
                                                 const char          *url,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GdkTexture      *wbps_avatar_cache_load_finish  (WbpsAvatarCache     *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Loads @url into @avatar's custom image; leaves the initial on any failure. */
void             wbps_avatar_cache_apply        (WbpsAvatarCache     *self,
                                                 GtkWidget           *avatar,
                                                 const char          *url);

G_END_DECLS
