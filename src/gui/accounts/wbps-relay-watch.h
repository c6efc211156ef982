/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-account-manager.h"
#include "wbps-relay-client.h"

G_BEGIN_DECLS

#define WBPS_TYPE_RELAY_WATCH (wbps_relay_watch_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRelayWatch, wbps_relay_watch, WBPS, RELAY_WATCH, GObject)

/*
 * Keeps one WbpsRelayClient streaming for every account of @accounts while a
 * relay URL is configured, following the accounts model as accounts come and go.
 *
 * Signal "account-removed" (WbpsAccount *account, const char *reason): TikTok
 * removed wbps's access to @account (already gone from the model and the keyring);
 * @reason is TikTok's reason in words.
 */
WbpsRelayWatch *wbps_relay_watch_new         (WbpsAccountManager *accounts);
/* The number of accounts being watched (0 without a relay). */
guint           wbps_relay_watch_get_n_watched (WbpsRelayWatch    *self);
/* (nullable) (transfer none): the stream of @open_id, for a post's status. */
WbpsRelayClient *wbps_relay_watch_lookup       (WbpsRelayWatch    *self,
                                                const char        *open_id);

G_END_DECLS
