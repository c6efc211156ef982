/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A signed-in account's token bundle: what the Secret Service item holds (as JSON),
 * together with the profile shown to the user. Times are Unix seconds, always
 * computed from expires_in / refresh_expires_in at the moment the reply arrived.
 */
typedef struct {
  char   *client_key;
  char   *open_id;
  char   *access_token;
  char   *refresh_token;
  char   *scope;              /* comma-separated, as granted */
  char   *display_name;
  char   *username;           /* TikTok handle (the @name); only with user.info.profile */
  char   *avatar_url;
  gint64  access_expires_at;
  gint64  refresh_expires_at;
} WbpsToken;

#define WBPS_TYPE_TOKEN (wbps_token_get_type ())

GType       wbps_token_get_type                (void) G_GNUC_CONST;
/* (transfer full) */
WbpsToken  *wbps_token_new                     (void);
/* (transfer full) */
WbpsToken  *wbps_token_copy                    (const WbpsToken *token);
void        wbps_token_free                    (WbpsToken       *token);

/* (transfer full) (nullable): From TikTok's flat token reply; @now is Unix seconds when the reply
 * arrived; NULL with @error set.
 */
WbpsToken  *wbps_token_new_from_response       (JsonObject      *reply,
                                                const char      *client_key,
                                                gint64           now,
                                                GError         **error);
/* Take the new tokens of a refresh reply, keeping the profile fields. */
gboolean    wbps_token_update_from_response    (WbpsToken       *token,
                                                JsonObject      *reply,
                                                gint64           now,
                                                GError         **error);

/* (transfer full) */
char       *wbps_token_serialize               (const WbpsToken *token);
/* (transfer full) (nullable): NULL with @error set */
WbpsToken  *wbps_token_deserialize             (const char      *json,
                                                GError         **error);

gboolean    wbps_token_has_scope               (const WbpsToken *token,
                                                const char      *scope);
/* TRUE when the access token expires within @margin seconds of @now. */
gboolean    wbps_token_access_expiring         (const WbpsToken *token,
                                                gint64           now,
                                                gint64           margin);
gboolean    wbps_token_refresh_expired         (const WbpsToken *token,
                                                gint64           now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsToken, wbps_token_free)

G_END_DECLS
