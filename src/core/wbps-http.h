/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Every call to TikTok's API and OAuth endpoints ends within this, connect and reply together. */
#define WBPS_HTTP_DEFAULT_DEADLINE_SECONDS 60

/*
 * Sends @msg and reads its reply body, at most WBPS_JSON_MAX_BYTES (a larger
 * Content-Length is refused before reading, a longer body once it passes the
 * bound: WBPS_ERROR_MALFORMED_REPLY), all within @deadline_seconds
 * (WBPS_ERROR_TIMEOUT otherwise: libsoup's own timeout is per read, so a
 * server trickling one byte at a time would never trip it). @what names the
 * request for the timeout message, e.g. "the account's details".
 */
void     wbps_http_send_and_read_async  (SoupSession          *session,
                                         SoupMessage          *msg,
                                         guint                 deadline_seconds,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
/* (transfer full) */
GBytes  *wbps_http_send_and_read_finish (GAsyncResult         *result,
                                         GError              **error);

/* Retry-After in seconds or as an HTTP date, at most an hour; -1 when absent or unreadable. */
gint64   wbps_http_retry_after_usec     (SoupMessageHeaders   *headers);

/* A server's view of a form-encoded request body (empty for an empty body). (transfer full) */
GHashTable *wbps_http_read_form         (SoupServerMessage    *msg);

G_END_DECLS
