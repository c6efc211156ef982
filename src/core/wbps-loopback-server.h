/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The loopback server's own failures around the browser redirect (TikTok's own
 * refusals, such as error=access_denied, are WBPS_TIKTOK_ERROR instead). */
#define WBPS_LOOPBACK_SERVER_ERROR (wbps_loopback_server_error_quark ())

typedef enum {
  WBPS_LOOPBACK_SERVER_ERROR_FAILED,
  WBPS_LOOPBACK_SERVER_ERROR_MISSING_CODE,  /* the redirect carried the right state but no code */
  WBPS_LOOPBACK_SERVER_ERROR_BIND,          /* no loopback port could be opened */
} WbpsLoopbackServerError;

GQuark wbps_loopback_server_error_quark (void);

/* Seconds to wait for the browser when the caller passes 0. */
#define WBPS_LOOPBACK_DEFAULT_TIMEOUT 300

#define WBPS_TYPE_LOOPBACK_SERVER (wbps_loopback_server_get_type ())
G_DECLARE_FINAL_TYPE (WbpsLoopbackServer, wbps_loopback_server, WBPS, LOOPBACK_SERVER, GObject)

/*
 * The redirect target of a desktop sign-in: a SoupServer listening on
 * 127.0.0.1 only (never a wildcard address), on an ephemeral port, from
 * construction on, so the redirect URI is known before the authorize URL is built.
 *
 * Rules of the wait:
 * - only GET /callback/ is handled; any other path gets 404, other methods 405;
 * - a callback whose `state` is missing or differs (constant-time comparison) may
 *   be a forged request (CSRF): it gets an error page and the wait goes on;
 * - with the right state, `error=` (or `error_type=`, which wins as it is more
 *   precise, e.g. non_sandbox_target) ends the wait with WBPS_TIKTOK_ERROR
 *   carrying that category and error_description; no `code` ends it with
 *   WBPS_LOOPBACK_SERVER_ERROR_MISSING_CODE; a code ends it successfully;
 * - the browser tab gets a small success or failure page; once that page is
 *   written the port is closed, so any later callback finds nothing listening;
 * - the timeout (G_IO_ERROR_TIMED_OUT) and cancellation (G_IO_ERROR_CANCELLED)
 *   end the wait and close the port too.
 * A server serves one wait; afterwards it stays closed.
 * Returns: (transfer full) (nullable): NULL with @error set (WBPS_LOOPBACK_SERVER_ERROR_BIND)
 */
WbpsLoopbackServer *wbps_loopback_server_new             (GError             **error);

guint               wbps_loopback_server_get_port        (WbpsLoopbackServer  *self);
/* (transfer none): "http://127.0.0.1:PORT/callback/" */
const char         *wbps_loopback_server_get_redirect_uri (WbpsLoopbackServer  *self);
gboolean            wbps_loopback_server_is_listening    (WbpsLoopbackServer  *self);
/* Stops listening at once (also done by dispose). */
void                wbps_loopback_server_close           (WbpsLoopbackServer  *self);

/* @timeout_seconds 0 = WBPS_LOOPBACK_DEFAULT_TIMEOUT. */
void                wbps_loopback_server_wait_async      (WbpsLoopbackServer  *self,
                                                          const char          *expected_state,
                                                          guint                timeout_seconds,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/*
 * Returns the URL-decoded authorization code (a secret, registered for redaction;
 * free with wbps_secret_free()); @granted_scopes (may be NULL) receives the
 * comma-separated `scopes` the user granted, or NULL when absent.
 * Returns: (transfer full)
 */
char               *wbps_loopback_server_wait_finish     (WbpsLoopbackServer  *self,
                                                          GAsyncResult        *result,
                                                          char               **granted_scopes,
                                                          GError             **error);

/*
 * What an accepted callback's decoded query says (fuzzed with tests/fuzz/fuzz-callback-query):
 * TRUE with the code (a registered secret) and granted scopes, or FALSE with
 * TikTok's refusal or WBPS_LOOPBACK_SERVER_ERROR_MISSING_CODE.
 */
gboolean            wbps_loopback_server_read_callback   (GHashTable          *query,
                                                          char               **code,
                                                          char               **scopes,
                                                          GError             **error);

G_END_DECLS
