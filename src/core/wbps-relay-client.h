/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-account-manager.h"
#include "wbps-config.h"
#include "wbps-webhook-event.h"

G_BEGIN_DECLS

#define WBPS_RELAY_CLIENT_ERROR (wbps_relay_client_error_quark ())
typedef enum {
  WBPS_RELAY_CLIENT_ERROR_NO_RELAY,      /* no relay URL configured */
  WBPS_RELAY_CLIENT_ERROR_REFUSED,       /* the relay refused the account's token even after a refresh */
  WBPS_RELAY_CLIENT_ERROR_UNREACHABLE,   /* the relay could not be reached (after one try, when asked to give up) */
} WbpsRelayClientError;
GQuark wbps_relay_client_error_quark (void);

#define WBPS_TYPE_RELAY_CLIENT (wbps_relay_client_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRelayClient, wbps_relay_client, WBPS, RELAY_CLIENT, GObject)

/*
 * One account's event stream from the wbps relay (GET /events, Server-Sent
 * Events, authenticated with the account's access token, refreshed when the
 * relay refuses it). Reconnects with back-off and resumes after the last event
 * id (Last-Event-ID), so nothing is missed while the stream was down.
 *
 * Signals (what front ends connect to; the GUI's upload rows and history too):
 *   "event"           (WbpsWebhookEvent *event): one event of this account, replayed or live
 *   "replayed"        (): the stored events have been delivered; live from now
 *   "account-removed" (const char *open_id, gint64 reason): TikTok removed the app's access
 *                     (authorization.removed, confirmed: the refresh token is refused too); the
 *                     keyring item is already deleted. Describe @reason with
 *                     wbps_webhook_removal_reason_describe(). The client stops.
 *   "failed"          (GError *error): the stream cannot go on (not signed in, token refused,
 *                     or unreachable when give-up-when-unreachable is set). The client stops.
 * Properties: "connected" (bool, notify), "cursor" (last event id, int64, read/write).
 * Returns: (transfer full)
 */
WbpsRelayClient *wbps_relay_client_new      (WbpsConfig          *config,
                                             WbpsAccountManager  *accounts,
                                             const char          *open_id);
/* (transfer none) (nullable) */
const char      *wbps_relay_client_get_open_id   (WbpsRelayClient *self);
gboolean         wbps_relay_client_get_connected (WbpsRelayClient *self);
gint64           wbps_relay_client_get_cursor    (WbpsRelayClient *self);
void             wbps_relay_client_set_cursor    (WbpsRelayClient *self,
                                                  gint64           cursor);
/* When TRUE, an unreachable relay ends the client with "failed" instead of retrying. */
void             wbps_relay_client_set_give_up_when_unreachable (WbpsRelayClient *self,
                                                                 gboolean         give_up);

void             wbps_relay_client_start    (WbpsRelayClient     *self);
void             wbps_relay_client_stop     (WbpsRelayClient     *self);

G_END_DECLS
