/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* `wbps relay`'s options, as parsed by the command line. */
typedef struct {
  const char  *listen;              /* ADDR:PORT, NULL = 127.0.0.1:8790 */
  const char  *database;            /* NULL = $STATE_DIRECTORY/relay.db or $XDG_DATA_HOME/wbps/relay.db */
  const char  *tls_certificate;     /* PEM files; both or neither */
  const char  *tls_key;
  const char  *secret_file;         /* NULL = WBPS_CLIENT_SECRET */
  const char  *api_base;            /* TikTok's API base */
  int          retention_days;
  int          tolerance;
  int          heartbeat_seconds;
  int          auth_cache_seconds;
  int          threads;               /* 0 = one per processor */
  gboolean     broker;
} WbpsRelayOptions;

#define WBPS_RELAY_DEFAULT_PORT 8790

/*
 * Runs the relay until @cancellable is cancelled (SIGTERM/SIGINT), then stops
 * cleanly. Prints `listening on URL` alone on a stdout line once it accepts.
 * Returns the exit status: 0 after a clean stop, 1 when it cannot start, 2
 * for bad options (the reason on stderr).
 */
int wbps_relay_run (const WbpsRelayOptions *options,
                    GCancellable           *cancellable);

G_END_DECLS
