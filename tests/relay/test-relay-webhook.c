/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `wbps relay`'s POST /webhook against a real relay process: what it refuses
 * (nothing stored, the right status), deduplication, secret rotation, the
 * acknowledged-means-stored promise across kill -9, TLS, retention, clean stop.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "relay-test-util.h"
#include "wbps-test-util.h"

#define SECRET "relay-test-secret"

static const char *complete_content = "{\"publish_id\":\"v_pub_file~v2-1.1\",\"publish_type\":\"DIRECT_PUBLISH\"}";

typedef struct {
  char         *dir;
  SoupSession  *session;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = wbps_test_mkdtemp ();
  fixture->session = test_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_unref (fixture->session);
  wbps_test_rmtree (fixture->dir);
  g_free (fixture->dir);
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static guint
post_signed_at (Fixture    *fixture,
                const char *url,
                const char *secret,
                gint64      timestamp,
                const char *body)
{
  g_autofree char *signature = test_sign (secret, timestamp, body, strlen (body));

  return test_post_webhook (fixture->session, url, body, strlen (body), signature);
}

static guint
send_method (Fixture    *fixture,
             const char *url,
             const char *method)
{
  g_autofree char *target = g_strconcat (url, "/webhook", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, target);
  g_autoptr(GBytes) reply = soup_session_send_and_read (fixture->session, msg, NULL, NULL);

  return soup_message_get_status (msg);
}

static void
assert_rejected (Fixture      *fixture,
                 RelayProcess *relay,
                 const char   *reason,
                 gint64        expected)
{
  g_autofree char *name = g_strdup_printf ("wbps_relay_webhooks_rejected_total{reason=\"%s\"}", reason);

  g_assert_cmpint (test_metric (fixture->session, relay->url, name), ==, expected);
}

/* Every way a delivery can be wrong: the right status, and nothing stored. */
static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, SECRET, 0, NULL);
  g_autofree char *body = test_envelope ("post.publish.complete", "creator-a", complete_content);
  g_autofree char *good = test_sign (SECRET, now (), body, strlen (body));
  g_autofree char *forged = g_strdup_printf ("t=%" G_GINT64_FORMAT ",s=%064d", now (), 0);
  g_autofree char *huge = g_malloc0 (1024 * 1024 + 1);
  const char *not_json = "this is not JSON";
  const char *missing_keys = "{\"client_key\":\"wbps-demo\",\"event\":\"post.publish.complete\",\"user_openid\":\"x\"}";
  const char *content_not_json = "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{nope\"}";
  g_autofree char *good_huge = NULL;
  g_autofree char *upper_s = g_ascii_strup (strchr (good, 's'), -1);
  g_autofree char *upper_hex = g_strdup_printf ("t=%" G_GINT64_FORMAT ",s%s", now (), upper_s + 1);

  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, body, strlen (body), forged), ==, 401);
  g_assert_cmpuint (post_signed_at (fixture, relay->url, "another-secret", now (), body), ==, 401);
  g_assert_cmpuint (post_signed_at (fixture, relay->url, SECRET, now () - 301, body), ==, 401);
  g_assert_cmpuint (post_signed_at (fixture, relay->url, SECRET, now () + 301, body), ==, 401);
  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, body, strlen (body), NULL), ==, 401);
  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, body, strlen (body), "garbage"), ==, 401);
  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, body, strlen (body), "t=12,s=zz"), ==, 401);
  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, body, strlen (body), upper_hex), ==, 401);
  /* A valid signature over something that is not an envelope. */
  g_assert_cmpuint (post_signed_at (fixture, relay->url, SECRET, now (), not_json), ==, 400);
  g_assert_cmpuint (post_signed_at (fixture, relay->url, SECRET, now (), missing_keys), ==, 400);
  g_assert_cmpuint (post_signed_at (fixture, relay->url, SECRET, now (), content_not_json), ==, 400);
  memset (huge, ' ', 1024 * 1024 + 1);
  good_huge = test_sign (SECRET, now (), huge, 1024 * 1024 + 1);
  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, huge, 1024 * 1024 + 1, good_huge), ==, 413);
  g_assert_cmpuint (send_method (fixture, relay->url, "GET"), ==, 405);
  g_assert_cmpuint (send_method (fixture, relay->url, "PUT"), ==, 405);

  g_assert_cmpint (test_metric (fixture->session, relay->url, "wbps_relay_stored_events"), ==, 0);
  assert_rejected (fixture, relay, "signature_mismatch", 2);
  assert_rejected (fixture, relay, "signature_timestamp", 2);
  assert_rejected (fixture, relay, "signature_missing", 1);
  assert_rejected (fixture, relay, "signature_malformed", 3);
  assert_rejected (fixture, relay, "not_envelope", 3);
  assert_rejected (fixture, relay, "too_large", 1);
  assert_rejected (fixture, relay, "method", 2);
  relay_stop (relay);
  g_assert_cmpint (test_count_events (relay->database), ==, 0);
}

/* The header name in any case, its parts in any order, surrounding spaces. */
static void
test_signature_forms (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, SECRET, 0, NULL);
  g_autofree char *body = test_envelope ("post.publish.complete", "creator-a", complete_content);
  g_autofree char *body2 = test_envelope ("post.publish.failed", "creator-a",
                                          "{\"publish_id\":\"v_pub_file~v2-1.2\",\"reason\":\"file_format_check_failed\",\"publish_type\":\"DIRECT_PUBLISH\"}");
  gint64 t = now ();
  g_autofree char *signature = test_sign (SECRET, t, body2, strlen (body2));
  g_autofree char *reversed = g_strdup_printf (" %s , t=%" G_GINT64_FORMAT " ", strchr (signature, 's'), t);
  g_autofree char *target = g_strconcat (relay->url, "/webhook", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, target);
  g_autofree char *lower = test_sign (SECRET, t, body, strlen (body));
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "tiktok-signature", lower);
  reply = soup_session_send_and_read (fixture->session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, body2, strlen (body2), reversed), ==, 200);
  relay_stop (relay);
  g_assert_cmpint (test_count_events (relay->database), ==, 2);
}

/* The highest event id (the stream's cursor) in @database. */
static gint64
last_event_id (const char *database)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id;

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT max(id) FROM events", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return id;
}

/* At-least-once delivery: the same body twice is stored once, both answered 200; the duplicate takes no id. */
static void
test_duplicate (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, SECRET, 0, NULL);
  g_autofree char *body = test_envelope ("post.publish.complete", "creator-a", complete_content);
  g_autofree char *next = test_envelope ("post.publish.publicly_available", "creator-a", complete_content);

  g_assert_cmpuint (test_deliver (fixture->session, relay->url, SECRET, body), ==, 200);
  /* A retry signs again at a later second: same body, new header. */
  g_assert_cmpuint (post_signed_at (fixture, relay->url, SECRET, now () - 5, body), ==, 200);
  g_assert_cmpint (test_metric (fixture->session, relay->url, "wbps_relay_webhooks_accepted_total"), ==, 1);
  g_assert_cmpint (test_metric (fixture->session, relay->url, "wbps_relay_webhooks_duplicates_total"), ==, 1);
  g_assert_cmpuint (test_deliver (fixture->session, relay->url, SECRET, next), ==, 200);
  relay_stop (relay);
  g_assert_cmpint (test_count_events (relay->database), ==, 2);
  g_assert_cmpint (last_event_id (relay->database), ==, 2);
}

/* During a rotation both secrets verify; a third never does. From the file as well. */
static void
test_rotation (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *secret_file = g_build_filename (fixture->dir, "secrets", NULL);
  const char *args[] = { "--secret-file", secret_file, NULL };
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, "old-secret, new-secret", 0, NULL);
    g_autofree char *one = test_envelope ("post.publish.complete", "creator-a", complete_content);
    g_autofree char *two = test_envelope ("post.publish.inbox_delivered", "creator-a", complete_content);
    g_autofree char *three = test_envelope ("post.publish.no_longer_publicaly_available", "creator-a", complete_content);

    g_assert_cmpuint (test_deliver (fixture->session, relay->url, "old-secret", one), ==, 200);
    g_assert_cmpuint (test_deliver (fixture->session, relay->url, "new-secret", two), ==, 200);
    g_assert_cmpuint (test_deliver (fixture->session, relay->url, "older-secret", three), ==, 401);
    relay_stop (relay);
    g_assert_cmpint (test_count_events (relay->database), ==, 2);
  }
  g_file_set_contents (secret_file, "new-secret\n", -1, &error);
  g_assert_no_error (error);
  {
    /* The environment's secret is ignored when a file is named. */
    g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, "old-secret", 0, args);
    g_autofree char *four = test_envelope ("authorization.removed", "creator-a", "{\"reason\":1}");
    g_autofree char *five = test_envelope ("authorization.removed", "creator-b", "{\"reason\":2}");

    g_assert_cmpuint (test_deliver (fixture->session, relay->url, "new-secret", four), ==, 200);
    g_assert_cmpuint (test_deliver (fixture->session, relay->url, "old-secret", five), ==, 401);
    relay_stop (relay);
    g_assert_cmpint (test_count_events (relay->database), ==, 3);
  }
}

/* Without a secret the relay refuses to start, and says how to give one. */
static void
test_no_secret (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *db = g_build_filename (fixture->dir, "relay.db", NULL);
  const char *argv[] = { "relay", "--listen", "127.0.0.1:0", "--database", db, NULL };
  const char *envp[] = { "WBPS_CLIENT_SECRET", NULL };
  g_autoptr(WbpsTestRun) run = wbps_test_run_wbps (argv, envp, NULL);
  const char *argv_secret[] = { "relay", "--client-secret=abc", NULL };
  g_autoptr(WbpsTestRun) refused = wbps_test_run_wbps (argv_secret, NULL, NULL);

  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "WBPS_CLIENT_SECRET"));
  g_assert_cmpstr (run->out, ==, "");
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

/* ---- kill -9 while 1,000 events are delivered ------------------------------- */

#define DELIVERIES 1000
#define PARALLEL 16

typedef struct {
  SoupSession  *session;
  char         *url;
  GPtrArray    *bodies;
  guint         next;            /* next body index to start */
  guint         acknowledged;
  gboolean     *acked;           /* per body */
  guint         in_flight;
  guint         kill_after;      /* kill the relay once this many are acknowledged */
  RelayProcess *relay;
  GHashTable   *acked_before_kill;  /* body index set */
  gboolean      killed;
  guint         retries;
} Delivery;

static void deliver_one (Delivery *delivery, guint index);

static gboolean
retry_cb (gpointer user_data)
{
  gpointer *pair = user_data;

  deliver_one (pair[0], GPOINTER_TO_UINT (pair[1]));
  g_free (pair);
  return G_SOURCE_REMOVE;
}

static void
start_next (Delivery *delivery)
{
  while (delivery->in_flight < PARALLEL && delivery->next < delivery->bodies->len)
    deliver_one (delivery, delivery->next++);
}

static void
kill_relay (Delivery *delivery)
{
  relay_kill (delivery->relay);
  delivery->killed = TRUE;
  for (guint i = 0; i < delivery->bodies->len; i++)
    if (delivery->acked[i])
      g_hash_table_add (delivery->acked_before_kill, GUINT_TO_POINTER (i));
}

static void
delivered_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gpointer *pair = user_data;
  Delivery *delivery = pair[0];
  guint index = GPOINTER_TO_UINT (pair[1]);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  delivery->in_flight--;
  if (reply != NULL && soup_message_get_status (msg) == 200)
    {
      delivery->acked[index] = TRUE;
      delivery->acknowledged++;
      g_free (pair);
      if (!delivery->killed && delivery->acknowledged == delivery->kill_after)
        kill_relay (delivery);
      start_next (delivery);
      return;
    }
  /* Not acknowledged (connection refused or reset): retried, as TikTok retries. */
  delivery->retries++;
  delivery->in_flight++;
  g_timeout_add (50, retry_cb, pair);
}

static void
deliver_one (Delivery *delivery,
             guint     index)
{
  const char *body = g_ptr_array_index (delivery->bodies, index);
  g_autofree char *signature = test_sign (SECRET, now (), body, strlen (body));
  g_autofree char *target = g_strconcat (delivery->url, "/webhook", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, target);
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
  gpointer *pair = g_new (gpointer, 2);

  pair[0] = delivery;
  pair[1] = GUINT_TO_POINTER (index);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "TikTok-Signature", signature);
  if (index >= delivery->next)
    delivery->in_flight++;
  soup_session_send_and_read_async (delivery->session, msg, G_PRIORITY_DEFAULT, NULL, delivered_cb, pair);
}

static gint64
count_stored_bodies (const char *database,
                     GPtrArray  *bodies,
                     GHashTable *indices)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer key;
  gint64 found = 0;

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM events WHERE body = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  g_hash_table_iter_init (&iter, indices);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (bodies, GPOINTER_TO_UINT (key)), -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      found += sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

static void
test_kill_during_deliveries (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, SECRET, 0, NULL);
  Delivery delivery = { 0 };
  guint port = relay_port (relay);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RelayProcess) restarted = NULL;
  gint64 before_restart;

  for (guint i = 0; i < DELIVERIES; i++)
    {
      g_autofree char *content = g_strdup_printf ("{\"publish_id\":\"v_pub_file~v2-1.%u\",\"publish_type\":\"DIRECT_PUBLISH\"}", i);

      g_ptr_array_add (bodies, test_envelope ("post.publish.complete", i % 2 ? "creator-a" : "creator-b", content));
    }
  delivery.session = soup_session_new_with_options ("timeout", 5, "max-conns", PARALLEL * 2,
                                                    "max-conns-per-host", PARALLEL * 2, NULL);
  delivery.url = relay->url;
  delivery.bodies = bodies;
  delivery.acked = g_new0 (gboolean, DELIVERIES);
  delivery.kill_after = 300;
  delivery.relay = relay;
  delivery.acked_before_kill = g_hash_table_new (NULL, NULL);
  start_next (&delivery);
  wbps_test_await_flag (&delivery.killed, 60);
  /* Deliveries go on against the dead relay for a while (refused, to be retried). */
  g_assert_cmpuint (delivery.in_flight, >, 0);
  wbps_test_iterate_for (300);

  /* Killed: every event it acknowledged is already in the file. */
  before_restart = test_count_events (relay->database);
  g_assert_cmpint (count_stored_bodies (relay->database, bodies, delivery.acked_before_kill), ==,
                   g_hash_table_size (delivery.acked_before_kill));
  g_assert_cmpint (before_restart, >=, g_hash_table_size (delivery.acked_before_kill));
  g_test_message ("killed after %u acknowledged; %" G_GINT64_FORMAT " stored",
                  g_hash_table_size (delivery.acked_before_kill), before_restart);

  restarted = relay_start (fixture->dir, NULL, SECRET, port, NULL);
  wbps_test_await_count (&delivery.acknowledged, DELIVERIES, 90, "every delivery to be acknowledged");
  g_assert_cmpuint (delivery.retries, >, 0);
  relay_stop (restarted);
  g_assert_cmpint (test_count_events (restarted->database), ==, DELIVERIES);

  g_hash_table_unref (delivery.acked_before_kill);
  g_free (delivery.acked);
  g_object_unref (delivery.session);
}

/* ---- TLS, retention ------------------------------------------------------------- */

static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *cert = g_build_filename (fixture->dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (fixture->dir, "key.pem", NULL);
  const char *openssl[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert, NULL };
  const char *args[] = { "--tls-certificate", cert, "--tls-key", key, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) make_cert = NULL;
  g_autoptr(RelayProcess) relay = NULL;
  g_autoptr(GTlsDatabase) trust = NULL;
  g_autoptr(SoupSession) tls_session = NULL;
  g_autofree char *body = test_envelope ("post.publish.complete", "creator-a", complete_content);
  g_autofree char *plain_url = NULL;
  g_autofree char *openssl_path = g_find_program_in_path ("openssl");

  if (openssl_path == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("openssl is missing (build-aux/dev installs it)");
      g_test_skip ("openssl is not installed");
      return;
    }
  make_cert = g_subprocess_newv (openssl, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (make_cert, NULL, &error));
  g_assert_no_error (error);

  relay = relay_start (fixture->dir, NULL, SECRET, 0, args);
  g_assert_true (g_str_has_prefix (relay->url, "https://127.0.0.1:"));
  trust = g_tls_file_database_new (cert, &error);
  g_assert_no_error (error);
  tls_session = soup_session_new_with_options ("timeout", 20, "tls-database", trust, NULL);
  g_assert_cmpuint (test_deliver (tls_session, relay->url, SECRET, body), ==, 200);
  g_assert_cmpint (test_metric (tls_session, relay->url, "wbps_relay_stored_events"), ==, 1);

  /* Plain HTTP to the TLS port gets no HTTP answer at all. */
  plain_url = g_strdup_printf ("http://127.0.0.1:%u/webhook", relay_port (relay));
  {
    g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, plain_url);
    g_autoptr(GError) plain_error = NULL;
    g_autoptr(GBytes) reply = soup_session_send_and_read (fixture->session, msg, NULL, &plain_error);

    g_assert_null (reply);
    g_assert_nonnull (plain_error);
  }
  relay_stop (relay);
  g_assert_cmpint (test_count_events (relay->database), ==, 1);
}

/* An event older than the retention is purged at start; a fresh one stays. */
static void
test_retention (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--retention-days", "2", NULL };
  g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, SECRET, 0, args);
  g_autofree char *body = test_envelope ("post.publish.complete", "creator-a", complete_content);
  g_autofree char *old = test_envelope ("post.publish.complete", "creator-a", "{\"publish_id\":\"old\"}");
  sqlite3 *db = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(RelayProcess) again = NULL;

  g_assert_cmpuint (test_deliver (fixture->session, relay->url, SECRET, body), ==, 200);
  g_assert_cmpuint (test_deliver (fixture->session, relay->url, SECRET, old), ==, 200);
  relay_stop (relay);

  /* Make the second one three days old. */
  g_assert_cmpint (sqlite3_open (relay->database, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE events SET received_at = received_at - 3 * 86400 WHERE body LIKE '%%old%%'");
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  again = relay_start (fixture->dir, NULL, SECRET, 0, args);
  /* The purge runs in the background at start. */
  test_wait_metric (fixture->session, again->url, "wbps_relay_stored_events", 1);
  relay_stop (again);
  g_assert_cmpint (test_count_events (again->database), ==, 1);
}

/* One line per request; no body, no header value, no secret in it. */
static void
test_log_and_health (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(RelayProcess) relay = relay_start (fixture->dir, NULL, SECRET, 0, NULL);
  g_autofree char *body = test_envelope ("post.publish.complete", "creator-secretive", complete_content);
  g_autofree char *health_url = g_strconcat (relay->url, "/healthz", NULL);
  g_autofree char *health = NULL;
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  guint request_lines = 0;

  g_assert_cmpuint (test_deliver (fixture->session, relay->url, SECRET, body), ==, 200);
  g_assert_cmpuint (test_post_webhook (fixture->session, relay->url, body, strlen (body), "t=1,s=2"), ==, 401);
  g_assert_cmpuint (wbps_test_http_get (health_url, NULL, &health), ==, 200);
  g_assert_cmpstr (health, ==, "ok\n");
  relay_stop (relay);

  log = relay_read_log (relay);
  g_assert_null (strstr (log, SECRET));
  g_assert_null (strstr (log, "creator-secretive"));
  g_assert_null (strstr (log, "t=1"));
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], " method=") != NULL)
      request_lines++;
  g_assert_cmpuint (request_lines, ==, 3);
  g_assert_nonnull (strstr (log, "method=POST path=/webhook status=200 outcome=accepted"));
  g_assert_nonnull (strstr (log, "method=POST path=/webhook status=401 outcome=signature_malformed"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/relay/webhook/refusals", test_refusals);
  ADD ("/relay/webhook/signature-forms", test_signature_forms);
  ADD ("/relay/webhook/duplicate", test_duplicate);
  ADD ("/relay/webhook/rotation", test_rotation);
  ADD ("/relay/webhook/no-secret", test_no_secret);
  ADD ("/relay/webhook/kill-during-deliveries", test_kill_during_deliveries);
  ADD ("/relay/webhook/tls", test_tls);
  ADD ("/relay/webhook/retention", test_retention);
  ADD ("/relay/webhook/log-and-health", test_log_and_health);
#undef ADD

  return g_test_run ();
}
