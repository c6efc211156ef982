/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-account-manager.h"
#include "wbps-api-client.h"
#include "wbps-token.h"

G_BEGIN_DECLS

#define WBPS_TYPE_SIGN_IN (wbps_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (WbpsSignIn, wbps_sign_in, WBPS, SIGN_IN, GObject)

/*
 * One whole desktop sign-in, shared by the command line and the GUI: PKCE
 * verifier, challenge and state, the loopback redirect server, the authorize
 * URL, the system browser (portal-friendly GIO launch) unless "open-browser" is
 * FALSE, one callback within "timeout" seconds, the token exchange, the user
 * info, and the account stored in the keyring as the current one.
 *
 * Properties: "open-browser" (default TRUE), "timeout" (seconds, 0 = default),
 * "authorize-url" (read-only; set, with a notify, once the loopback port is open).
 * Signals:
 *  - "authorize-url" (const char *url): the URL the user must open. It carries
 *    the state, so show it only to the user, never to a log.
 *  - "browser-failed" (const char *message): the browser could not be started;
 *    the sign-in still waits for the URL to be opened by hand.
 * Returns: (transfer full)
 */
WbpsSignIn  *wbps_sign_in_new                (WbpsAccountManager  *accounts,
                                              WbpsApiClient       *api);

void         wbps_sign_in_set_open_browser   (WbpsSignIn          *self,
                                              gboolean             open_browser);
gboolean     wbps_sign_in_get_open_browser   (WbpsSignIn          *self);
void         wbps_sign_in_set_timeout        (WbpsSignIn          *self,
                                              guint                timeout_seconds);
guint        wbps_sign_in_get_timeout        (WbpsSignIn          *self);
/* (transfer none) (nullable): NULL until the loopback port is open */
const char  *wbps_sign_in_get_authorize_url  (WbpsSignIn          *self);

/* Runs once per object. Cancelling closes the loopback port at once. */
void         wbps_sign_in_run_async          (WbpsSignIn          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* (transfer full): the signed-in account, now the account manager's current one. */
WbpsAccount *wbps_sign_in_run_finish         (WbpsSignIn          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
