/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The emulator delivering TikTok's signed webhooks to a real relay: 1,000
 * events, each sent twice on purpose (duplicates=1), the relay killed with
 * SIGKILL midway and restarted on the same port while the emulator retries what
 * was not acknowledged. Every acknowledged event must already be in the
 * database at the kill, and at the end it holds exactly the 1,000 events.
 */
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "relay-test-util.h"
#include "wbps-test-emulator.h"
#include "wbps-test-util.h"

#define EVENTS 1000
#define SECRET "wbps-demo-secret"

static gboolean
stored (const char *database,
        const char *body)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM events WHERE body = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, body, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

/* The emulator's record of every event: body and how many 200s it got. */
static JsonArray *
emulator_events (WbpsTestEmulator *emu)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/emulator/events");
  g_autofree char *body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_assert_cmpuint (wbps_test_http_get (url, NULL, &body), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  return json_array_ref (json_object_get_array_member (json_object_get_object_member (root, "data"), "events"));
}

static guint
count_acknowledged (JsonArray *events)
{
  guint acknowledged = 0;

  for (guint i = 0; i < json_array_get_length (events); i++)
    acknowledged += json_object_get_int_member (json_array_get_object_element (events, i), "acknowledged") > 0;
  return acknowledged;
}

typedef struct {
  const char *database;
  gint64      count;
} StoredWait;

static gboolean
events_stored (gpointer data)
{
  StoredWait *wait = data;

  return test_count_events (wait->database) >= wait->count;
}

/* Waits (TEST_WAIT_SECONDS at most) until the relay's database holds at least @count events. */
static void
wait_stored_events (const char *database,
                    gint64      count)
{
  StoredWait wait = { database, count };
  g_autofree char *what = g_strdup_printf ("the relay to store %" G_GINT64_FORMAT " events", count);

  wbps_test_await_until (events_stored, &wait, TEST_WAIT_SECONDS, what);
}

/* Delivery attempts the emulator has made so far, over every event. */
static gint64
count_attempts (JsonArray *events)
{
  gint64 attempts = 0;

  for (guint i = 0; i < json_array_get_length (events); i++)
    attempts += json_object_get_int_member (json_array_get_object_element (events, i), "attempts");
  return attempts;
}

/* Every event acknowledged @times times (each copy of a deliberate duplicate counts). */
static gboolean
all_acknowledged (JsonArray *events,
                  gint64     times)
{
  for (guint i = 0; i < json_array_get_length (events); i++)
    if (json_object_get_int_member (json_array_get_object_element (events, i), "acknowledged") < times)
      return FALSE;
  return TRUE;
}

typedef struct {
  WbpsTestEmulator *emu;
  gboolean        (*done) (JsonArray *events, gint64 value);
  gint64            value;
  JsonArray        *events;
} EventsWait;

static gboolean
events_as_wanted (gpointer data)
{
  EventsWait *wait = data;

  g_clear_pointer (&wait->events, json_array_unref);
  wait->events = emulator_events (wait->emu);
  return wait->done (wait->events, wait->value);
}

/* Waits (TEST_WAIT_SECONDS at most) until @done says the emulator's record is as wanted. */
static JsonArray *
wait_events (WbpsTestEmulator *emu,
             gboolean        (*done) (JsonArray *events, gint64 value),
             gint64            value,
             const char       *what)
{
  EventsWait wait = { emu, done, value, NULL };
  g_autofree char *waited_for = g_strdup_printf ("the emulator to get to: %s", what);

  wbps_test_await_until (events_as_wanted, &wait, TEST_WAIT_SECONDS, waited_for);
  return wait.events;
}

static gboolean
attempted_more_than (JsonArray *events,
                     gint64     attempts)
{
  return count_attempts (events) > attempts;
}

static void
inject (SoupSession      *session,
        WbpsTestEmulator *emu,
        guint             n)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/emulator/events");
  g_autofree char *content = g_strdup_printf ("{\"publish_id\":\"v_pub_file~v2-1.%u\",\"publish_type\":\"DIRECT_PUBLISH\"}", n);
  g_autoptr(SoupMessage) msg = soup_message_new_from_encoded_form (
    SOUP_METHOD_POST, url, soup_form_encode ("client_key", "wbps-demo", "event", "post.publish.complete",
                                             "user_openid", n % 2 ? "demo-creator" : "demo-private",
                                             "content", content, NULL));
  g_autoptr(GBytes) reply = soup_session_send_and_read (session, msg, NULL, NULL);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
}

static void
test_kill_while_emulator_delivers (void)
{
  g_autofree char *dir = wbps_test_mkdtemp ();
  g_autoptr(SoupSession) session = test_session_new ();
  g_autoptr(RelayProcess) relay = relay_start (dir, NULL, SECRET, 0, NULL);
  guint port = relay_port (relay);
  /* Compressed clock: TikTok's 30 s first retry is 30 ms here. */
  g_autofree char *config = g_strdup_printf ("[emulator]\nclock-scale=1000\n"
                                             "[webhooks]\nurl=%s/webhook\nduplicates=1\ntimeout-ms=2000\n",
                                             relay->url);
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start (config);
  g_autoptr(JsonArray) at_kill = NULL;
  g_autoptr(JsonArray) final = NULL;
  g_autoptr(RelayProcess) restarted = NULL;
  guint acknowledged_at_kill;

  for (guint n = 0; n < EVENTS; n++)
    inject (session, emu, n);
  /* Kill it midway, whatever it is doing. */
  wait_stored_events (relay->database, 300);
  relay_kill (relay);
  at_kill = emulator_events (emu);
  g_assert_cmpuint (json_array_get_length (at_kill), ==, EVENTS);
  acknowledged_at_kill = count_acknowledged (at_kill);
  g_assert_cmpuint (acknowledged_at_kill, >=, 1);
  g_assert_cmpuint (acknowledged_at_kill, <, EVENTS);
  for (guint i = 0; i < EVENTS; i++)
    {
      JsonObject *event = json_array_get_object_element (at_kill, i);

      if (json_object_get_int_member (event, "acknowledged") > 0)
        g_assert_true (stored (relay->database, json_object_get_string_member (event, "body")));
    }
  g_test_message ("killed with %u of %d acknowledged", acknowledged_at_kill, EVENTS);

  /* A delivery fails against the dead relay before it comes back: the retries are under test. */
  json_array_unref (wait_events (emu, attempted_more_than, count_attempts (at_kill), "an attempt after the kill"));
  restarted = relay_start (dir, NULL, SECRET, port, NULL);
  /* Both copies of every event (duplicates=1) acknowledged: nothing more is on its way. */
  final = wait_events (emu, all_acknowledged, 2, "every event acknowledged twice");
  g_assert_cmpuint (count_acknowledged (final), ==, EVENTS);
  g_assert_cmpint (test_metric (session, restarted->url, "wbps_relay_webhooks_duplicates_total"), >, 0);
  relay_stop (restarted);
  g_assert_cmpint (test_count_events (restarted->database), ==, EVENTS);
  wbps_test_rmtree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/relay/emulator/kill-during-1000-deliveries", test_kill_while_emulator_delivers);
  return g_test_run ();
}
