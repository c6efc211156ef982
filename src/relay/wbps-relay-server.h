/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-event-store.h"

G_BEGIN_DECLS

/* What the relay is told at start (wbps relay's options). */
typedef struct {
  GStrv        secrets;            /* client secrets; every one verifies (rotation) */
  guint        tolerance;          /* seconds |now − t| may differ */
  guint        retention_days;
  guint        heartbeat_seconds;
  guint        auth_cache_seconds; /* how long an access token → open_id answer is kept */
  const char  *api_base;           /* TikTok's API base (user info, broker) */
  gboolean     broker;             /* serve /oauth/token, /oauth/refresh, /oauth/revoke */
  guint        threads;            /* worker threads sharing the port; 0 = one per processor */
} WbpsRelaySettings;

#define WBPS_TYPE_RELAY_SERVER (wbps_relay_server_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRelayServer, wbps_relay_server, WBPS, RELAY_SERVER, GObject)

/*
 * The relay: POST /webhook (verify, deduplicate, commit, then 200), GET /events
 * (Server-Sent Events of one creator, authenticated by their TikTok access
 * token), GET /healthz, GET /metrics and, with the broker, /oauth/…, served by
 * worker threads (WbpsRelayWorker) that share the port. Writes one line per
 * request on stderr (method, path, status, outcome, time; never a header or a
 * body). Purges old events in the background on the caller's main context.
 */
WbpsRelayServer *wbps_relay_server_new          (WbpsEventStore          *store,
                                                 const WbpsRelaySettings *settings);

/*
 * Listens on @address (TLS when @certificate is given) and returns the base
 * URL, e.g. "http://127.0.0.1:8790", with the port actually bound.
 */
char            *wbps_relay_server_listen       (WbpsRelayServer         *self,
                                                 GSocketAddress          *address,
                                                 GTlsCertificate         *certificate,
                                                 GError                 **error);

/*
 * Stops: new webhooks get 503 (TikTok retries them), events already verified
 * are committed and answered, streams end, then the listeners close.
 */
void             wbps_relay_server_stop_async   (WbpsRelayServer         *self,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
gboolean         wbps_relay_server_stop_finish  (WbpsRelayServer         *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);

G_END_DECLS
