/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * An in-process libsoup server on 127.0.0.1 (port 0) for the replies a real
 * emulator never sends: every request goes to one handler. By default it runs
 * on the caller's thread-default main context (the test iterates it while it
 * awaits); WBPS_TEST_SERVER_OWN_THREAD runs it on a thread and main loop of its
 * own, so it answers while the test thread blocks (the handler then runs on
 * that thread).
 */

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum {
  WBPS_TEST_SERVER_DEFAULT    = 0,
  WBPS_TEST_SERVER_OWN_THREAD = 1 << 0,
} WbpsTestServerFlags;

typedef struct _WbpsTestServer WbpsTestServer;

WbpsTestServer *wbps_test_server_new      (WbpsTestServerFlags  flags,
                                           SoupServerCallback   handler,
                                           gpointer             user_data);
/* Disconnects every client and frees the server (joins its thread). */
void            wbps_test_server_free     (WbpsTestServer      *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsTestServer, wbps_test_server_free)

/* http://127.0.0.1:PORT, without a trailing slash */
const char     *wbps_test_server_get_url  (WbpsTestServer      *server);
guint           wbps_test_server_get_port (WbpsTestServer      *server);

/* Answers @msg with @status and a copy of @body (NULL = empty) as @content_type. */
void            wbps_test_server_reply    (SoupServerMessage   *msg,
                                           guint                status,
                                           const char          *content_type,
                                           const char          *body);

G_END_DECLS
