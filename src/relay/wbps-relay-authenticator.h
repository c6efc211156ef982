/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define WBPS_RELAY_AUTHENTICATOR_ERROR (wbps_relay_authenticator_error_quark ())
typedef enum {
  WBPS_RELAY_AUTHENTICATOR_ERROR_INVALID_TOKEN,  /* TikTok does not know the token */
  WBPS_RELAY_AUTHENTICATOR_ERROR_UNAVAILABLE,    /* TikTok could not be asked */
} WbpsRelayAuthenticatorError;
GQuark wbps_relay_authenticator_error_quark (void);

#define WBPS_TYPE_RELAY_AUTHENTICATOR (wbps_relay_authenticator_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRelayAuthenticator, wbps_relay_authenticator, WBPS, RELAY_AUTHENTICATOR, GObject)

/*
 * Who a desktop is: its TikTok access token is shown to TikTok's user info
 * (@user_info_url, i.e. API base + /v2/user/info/) and the answer's open_id
 * kept for @cache_seconds under the SHA-256 of the token (never the token).
 */
WbpsRelayAuthenticator *wbps_relay_authenticator_new     (SoupSession             *session,
                                                          const char              *user_info_url,
                                                          guint                    cache_seconds);

void                    wbps_relay_authenticator_lookup_async  (WbpsRelayAuthenticator *self,
                                                                const char             *access_token,
                                                                GCancellable           *cancellable,
                                                                GAsyncReadyCallback     callback,
                                                                gpointer                user_data);
/* The open_id (newly allocated). */
char                   *wbps_relay_authenticator_lookup_finish (WbpsRelayAuthenticator *self,
                                                                GAsyncResult           *result,
                                                                GError                **error);

/* Drops what is cached for @access_token (it was just revoked); safe from any thread. */
void                    wbps_relay_authenticator_forget        (WbpsRelayAuthenticator *self,
                                                                const char             *access_token);

G_END_DECLS
