/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wbps-config.h"
#include "wbps-token.h"

G_BEGIN_DECLS

/* Scopes wbps asks for at sign-in (comma-separated, as TikTok wants them). */
#define WBPS_OAUTH_DEFAULT_SCOPES "user.info.basic,user.info.profile,video.publish,video.upload"

#define WBPS_TYPE_OAUTH_CLIENT (wbps_oauth_client_get_type ())
G_DECLARE_FINAL_TYPE (WbpsOAuthClient, wbps_oauth_client, WBPS, OAUTH_CLIENT, GObject)

/*
 * TikTok's Login Kit OAuth v2 endpoints for one client key: the authorize URL
 * (under wbps_config_get_auth_url()), and /v2/oauth/token/ and /v2/oauth/revoke/
 * (under the API base). Errors from the flat `{error,error_description,log_id}`
 * envelope (even with HTTP 200) become WBPS_TIKTOK_ERROR (code and log_id kept);
 * an unreadable reply is WBPS_ERROR_MALFORMED_REPLY; transport failures keep
 * their G_IO_ERROR / G_RESOLVER_ERROR / G_TLS_ERROR. Secrets are registered with
 * wbps_redact_register().
 *
 * @session may be NULL: the client then makes its own SoupSession.
 * Returns: (transfer full)
 */
WbpsOAuthClient *wbps_oauth_client_new                  (WbpsConfig           *config,
                                                         SoupSession          *session);
/* (transfer full) (nullable): The flat OAuth envelope of a reply body (the fuzzed parser): the
 * object, or a WBPS_TIKTOK_ERROR; NULL with @error set.
 */
JsonObject      *wbps_oauth_client_parse_reply          (guint                 status,
                                                         GBytes               *body,
                                                         GError              **error);
/* (transfer none) */
WbpsConfig      *wbps_oauth_client_get_config           (WbpsOAuthClient      *self);
/* (transfer none) */
SoupSession     *wbps_oauth_client_get_session          (WbpsOAuthClient      *self);

/*
 * The browser URL: auth-url?client_key=…&scope=…&response_type=code&redirect_uri=…
 * &state=…&code_challenge=…&code_challenge_method=S256 (form-encoded query).
 * @scope_csv NULL = WBPS_OAUTH_DEFAULT_SCOPES. The URL holds the state: do not log it.
 * Returns: (transfer full)
 */
char            *wbps_oauth_client_build_authorize_url  (WbpsOAuthClient      *self,
                                                         const char           *redirect_uri,
                                                         const char           *scope_csv,
                                                         const char           *state,
                                                         const char           *code_challenge);

/*
 * grant_type=authorization_code with the desktop PKCE verifier. @code is the
 * already URL-decoded code from the callback (it is form-encoded exactly once here).
 * The resulting token has open_id, tokens, scope and expiries (computed from
 * expires_in / refresh_expires_in when the reply arrived); profile fields empty.
 */
void             wbps_oauth_client_exchange_code_async  (WbpsOAuthClient      *self,
                                                         const char           *code,
                                                         const char           *redirect_uri,
                                                         const char           *code_verifier,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* (transfer full) */
WbpsToken       *wbps_oauth_client_exchange_code_finish (WbpsOAuthClient      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/*
 * grant_type=refresh_token. The returned token carries the NEW access and refresh
 * tokens (TikTok rotates refresh tokens: store the new one before using it) and
 * their expiries; profile fields empty (use wbps_token_update_from_response-style
 * merging on the caller's side, or copy the fields over).
 */
void             wbps_oauth_client_refresh_async        (WbpsOAuthClient      *self,
                                                         const char           *refresh_token,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
/* (transfer full) */
WbpsToken       *wbps_oauth_client_refresh_finish       (WbpsOAuthClient      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* POST /v2/oauth/revoke/ with the user's ACCESS token. */
void             wbps_oauth_client_revoke_async         (WbpsOAuthClient      *self,
                                                         const char           *access_token,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean         wbps_oauth_client_revoke_finish        (WbpsOAuthClient      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
