/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-relay-shared.h"

G_BEGIN_DECLS

#define WBPS_TYPE_RELAY_WORKER (wbps_relay_worker_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRelayWorker, wbps_relay_worker, WBPS, RELAY_WORKER, GObject)

/*
 * One thread of the relay: its own main context and SoupServer accepting on a
 * socket that shares the relay's port with the other workers' (SO_REUSEPORT,
 * the kernel spreads connections). It serves every route: webhook intake with
 * its own group commit, the streams of the desktops connected to it, health,
 * metrics and the broker; the counters and the store are shared.
 */
WbpsRelayWorker *wbps_relay_worker_new      (WbpsRelayShared  *shared);

/* Starts the thread listening on @socket; returns once it accepts (or failed). */
gboolean         wbps_relay_worker_start    (WbpsRelayWorker  *self,
                                             GSocket          *socket,
                                             GError          **error);

/* From any thread: events of @open_ids were stored; streams of theirs catch up. */
void             wbps_relay_worker_catch_up (WbpsRelayWorker  *self,
                                             GStrv             open_ids);

/*
 * From any thread: stop taking webhooks, answer what was verified, end the
 * streams; then @done runs on @notify_context.
 */
void             wbps_relay_worker_stop     (WbpsRelayWorker  *self,
                                             GMainContext     *notify_context,
                                             GSourceFunc       done,
                                             gpointer          done_data);

/* After the stop: ends the thread and waits for it. */
void             wbps_relay_worker_join     (WbpsRelayWorker  *self);

G_END_DECLS
