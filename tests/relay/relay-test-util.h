/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "wbps-test-emulator.h"

G_BEGIN_DECLS

/*
 * A real `wbps relay` process on loopback for tests. Its database and log
 * (stderr) are in @dir; secrets come through the environment, never argv.
 */
typedef struct {
  GSubprocess *process;
  char        *url;        /* http(s)://127.0.0.1:PORT */
  char        *dir;
  char        *database;
  char        *log_path;
} RelayProcess;

/* Starts `wbps [--api-url API] relay --listen 127.0.0.1:PORT --database DIR/relay.db EXTRA…`. */
RelayProcess *relay_start           (const char          *dir,
                                     const char          *api_url,
                                     const char          *secrets_env,
                                     guint                port,
                                     const char * const  *extra_args);
/* SIGTERM, then asserts a clean exit (status 0); nothing when already stopped. */
void          relay_stop            (RelayProcess        *relay);
/* SIGKILL: no clean-up at all. */
void          relay_kill            (RelayProcess        *relay);
void          relay_free            (RelayProcess        *relay);
guint         relay_port            (RelayProcess        *relay);
char         *relay_read_log        (RelayProcess        *relay);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelayProcess, relay_free)

/* The test's own signing, written from TikTok's description (not core's code). */
char         *test_sign             (const char          *secret,
                                     gint64               timestamp,
                                     const char          *body,
                                     gsize                len);
/* An envelope as TikTok sends it; @content_json is serialized into the content string. */
char         *test_envelope         (const char          *event,
                                     const char          *open_id,
                                     const char          *content_json);

/* POSTs @body to URL/webhook with @signature_header (NULL = none); returns the status. */
guint         test_post_webhook     (SoupSession         *session,
                                     const char          *url,
                                     const char          *body,
                                     gsize                len,
                                     const char          *signature_header);
/* Signs @body with @secret at now and posts it. */
guint         test_deliver          (SoupSession         *session,
                                     const char          *url,
                                     const char          *secret,
                                     const char          *body);

/* Rows in the relay database (read with SQLite directly). */
gint64        test_count_events     (const char          *database);
/* A metric's value from GET /metrics (e.g. `wbps_relay_webhooks_rejected_total{reason="method"}`). */
gint64        test_metric           (SoupSession         *session,
                                     const char          *url,
                                     const char          *name);

/* How long a wait on a condition may take on a loaded machine before the test fails. */
#define TEST_WAIT_SECONDS 60
/* Waits until the metric @name reads @value; fails the test after TEST_WAIT_SECONDS. */
void          test_wait_metric      (SoupSession         *session,
                                     const char          *url,
                                     const char          *name,
                                     gint64               value);

SoupSession  *test_session_new      (void);

/* What the desktop-side tests run against: a scratch directory, a session, an emulator and a relay. */
typedef struct {
  char             *dir;
  SoupSession      *session;
  WbpsTestEmulator *emu;
  RelayProcess     *relay;
} RelayBed;

/* Takes @emu; starts a relay on it with @secrets_env and @extra_args, its files in a new directory. */
void          relay_bed_set_up      (RelayBed            *bed,
                                     WbpsTestEmulator    *emu,
                                     const char          *secrets_env,
                                     const char * const  *extra_args);
/* Stops the relay (asserting a clean exit) and the emulator; removes the directory. */
void          relay_bed_tear_down   (RelayBed            *bed);

G_END_DECLS
