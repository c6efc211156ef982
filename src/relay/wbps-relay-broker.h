/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define WBPS_TYPE_RELAY_BROKER (wbps_relay_broker_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRelayBroker, wbps_relay_broker, WBPS, RELAY_BROKER, GObject)

/*
 * The token broker: a desktop without the client secret POSTs what it would
 * send to TikTok's /v2/oauth/token/ or /v2/oauth/revoke/ minus client_secret to
 * /oauth/token (authorization_code), /oauth/refresh (refresh_token) or
 * /oauth/revoke; the broker adds @client_secret, forwards the form under
 * @api_base and returns TikTok's status, Content-Type and body unchanged.
 */
WbpsRelayBroker *wbps_relay_broker_new    (SoupSession       *session,
                                           const char        *api_base,
                                           const char        *client_secret);

/* Serves @msg (paused until TikTok answers). */
void             wbps_relay_broker_handle (WbpsRelayBroker   *self,
                                           SoupServerMessage *msg,
                                           const char        *path);

G_END_DECLS
