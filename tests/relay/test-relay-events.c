/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `wbps relay`'s desktop side against a real relay and a real emulator (which
 * answers user info): GET /events streams only the token owner's events, replays
 * after Last-Event-ID, refuses bad bearers; the token broker works without the
 * client secret on the desktop.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "relay-test-util.h"
#include "wbps-test-emulator.h"
#include "wbps-test-oauth.h"
#include "wbps-test-util.h"

#define CLIENT_KEY "wbps-demo"
#define SECRET "wbps-demo-secret"
#define CREATOR_A "demo-creator"
#define CREATOR_B "demo-private"

typedef struct {
  RelayBed  bed;
  char     *token_a;
  char     *token_b;
} Fixture;

static char *
sign_in (WbpsTestEmulator *emu,
         const char       *open_id)
{
  g_autoptr(JsonObject) reply = wbps_test_emulator_sign_in (emu, CLIENT_KEY, SECRET, "user.info.basic", open_id);

  return g_strdup (json_object_get_string_member (reply, "access_token"));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  /* Three workers: a stream and the deliveries for it often land on different threads. */
  const char *args[] = { "--heartbeat-seconds", "1", "--broker", "--threads", "3", NULL };

  relay_bed_set_up (&fixture->bed, wbps_test_emulator_start (NULL), SECRET, args);
  fixture->token_a = sign_in (fixture->bed.emu, CREATOR_A);
  fixture->token_b = sign_in (fixture->bed.emu, CREATOR_B);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  relay_bed_tear_down (&fixture->bed);
  g_free (fixture->token_a);
  g_free (fixture->token_b);
}

/* One parsed Server-Sent Event. */
typedef struct {
  gint64  id;
  char   *event;
  char   *data;
} SseEvent;

static void
sse_event_free (SseEvent *event)
{
  g_free (event->event);
  g_free (event->data);
  g_free (event);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseEvent, sse_event_free)

typedef struct {
  SoupMessage      *msg;
  GDataInputStream *lines;
  guint             comments;
  char             *last_comment;
} Stream;

static void
stream_free (Stream *stream)
{
  g_clear_object (&stream->lines);
  g_clear_object (&stream->msg);
  g_free (stream->last_comment);
  g_free (stream);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stream, stream_free)

/* GET /events; returns the HTTP status and, when 200, the open stream. */
static guint
open_events (Fixture     *fixture,
             const char  *authorization,
             const char  *last_event_id,
             Stream     **stream_out)
{
  g_autofree char *url = g_strconcat (fixture->bed.relay->url, "/events", NULL);
  g_autoptr(Stream) stream = g_new0 (Stream, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = NULL;
  SoupMessageHeaders *headers;

  stream->msg = soup_message_new (SOUP_METHOD_GET, url);
  headers = soup_message_get_request_headers (stream->msg);
  if (authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", authorization);
  if (last_event_id != NULL)
    soup_message_headers_replace (headers, "Last-Event-ID", last_event_id);
  body = soup_session_send (fixture->bed.session, stream->msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (stream->msg) == 200)
    {
      g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (stream->msg), NULL),
                       ==, "text/event-stream");
      stream->lines = g_data_input_stream_new (body);
      if (stream_out != NULL)
        *stream_out = g_steal_pointer (&stream);
      return 200;
    }
  return soup_message_get_status (stream->msg);
}

static char *
bearer (const char *token)
{
  return g_strconcat ("Bearer ", token, NULL);
}

static Stream *
open_for (Fixture    *fixture,
          const char *token,
          const char *last_event_id)
{
  g_autofree char *authorization = bearer (token);
  Stream *stream = NULL;

  g_assert_cmpuint (open_events (fixture, authorization, last_event_id, &stream), ==, 200);
  return stream;
}

/* The next event (comments and the retry field counted and skipped). */
static SseEvent *
next_event (Stream *stream)
{
  g_autoptr(SseEvent) event = g_new0 (SseEvent, 1);
  gboolean any = FALSE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (stream->lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (*line == '\0')
        {
          if (any)
            return g_steal_pointer (&event);
          continue;
        }
      if (line[0] == ':')
        {
          stream->comments++;
          g_free (stream->last_comment);
          stream->last_comment = g_strdup (g_strstrip (line + 1));
        }
      else if (g_str_has_prefix (line, "id: "))
        event->id = g_ascii_strtoll (line + 4, NULL, 10), any = TRUE;
      else if (g_str_has_prefix (line, "event: "))
        event->event = g_strdup (line + 7), any = TRUE;
      else if (g_str_has_prefix (line, "data: "))
        {
          g_assert_null (event->data);
          event->data = g_strdup (line + 6), any = TRUE;
        }
    }
}

/* Reads the idle stream until it has carried @count comments. */
static void
read_comments (Stream *stream,
               guint   count)
{
  while (stream->comments < count)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (stream->lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_assert_false (g_str_has_prefix (line, "event: ") || g_str_has_prefix (line, "data: "));
      if (line[0] == ':')
        {
          stream->comments++;
          g_free (stream->last_comment);
          stream->last_comment = g_strdup (g_strstrip (line + 1));
        }
    }
}

static char *
deliver (Fixture    *fixture,
         const char *event,
         const char *open_id,
         const char *publish_id)
{
  g_autofree char *content = g_strdup_printf ("{\"publish_id\":\"%s\",\"publish_type\":\"DIRECT_PUBLISH\"}", publish_id);
  char *body = test_envelope (event, open_id, content);

  g_assert_cmpuint (test_deliver (fixture->bed.session, fixture->bed.relay->url, SECRET, body), ==, 200);
  return body;
}

static void
assert_event (SseEvent   *event,
              const char *name,
              const char *body)
{
  g_assert_cmpstr (event->event, ==, name);
  g_assert_cmpstr (event->data, ==, body);
  g_assert_cmpint (event->id, >, 0);
}

/* Each creator sees only their own events, stored ones first, then live ones. */
static void
test_replay_live_and_isolation (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *a1 = deliver (fixture, "post.publish.complete", CREATOR_A, "a1");
  g_autofree char *b1 = deliver (fixture, "post.publish.failed", CREATOR_B, "b1");
  g_autofree char *a2 = deliver (fixture, "post.publish.publicly_available", CREATOR_A, "a2");
  g_autoptr(Stream) stream_a = open_for (fixture, fixture->token_a, NULL);
  g_autoptr(Stream) stream_b = open_for (fixture, fixture->token_b, NULL);
  g_autoptr(SseEvent) e1 = next_event (stream_a);
  g_autoptr(SseEvent) e2 = next_event (stream_a);
  g_autoptr(SseEvent) eb1 = next_event (stream_b);
  g_autofree char *b2 = NULL, *a3 = NULL;
  g_autoptr(SseEvent) e3 = NULL;
  g_autoptr(SseEvent) eb2 = NULL;

  assert_event (e1, "post.publish.complete", a1);
  assert_event (e2, "post.publish.publicly_available", a2);
  g_assert_cmpint (e2->id, >, e1->id);
  assert_event (eb1, "post.publish.failed", b1);
  g_assert_cmpint (test_metric (fixture->bed.session, fixture->bed.relay->url, "wbps_relay_subscribers"), ==, 2);

  /* Live: B's event is not A's next one. */
  b2 = deliver (fixture, "post.publish.complete", CREATOR_B, "b2");
  a3 = deliver (fixture, "post.publish.complete", CREATOR_A, "a3");
  e3 = next_event (stream_a);
  eb2 = next_event (stream_b);
  assert_event (e3, "post.publish.complete", a3);
  assert_event (eb2, "post.publish.complete", b2);
  g_assert_cmpint (e3->id, >, eb2->id);
}

/* A desktop that was away asks for what came after the last id it saw. */
static void
test_last_event_id (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *a1 = deliver (fixture, "post.publish.complete", CREATOR_A, "a1");
  g_autofree char *a2 = deliver (fixture, "post.publish.inbox_delivered", CREATOR_A, "a2");
  g_autofree char *a3 = deliver (fixture, "post.publish.complete", CREATOR_A, "a3");
  g_autoptr(Stream) first = open_for (fixture, fixture->token_a, NULL);
  g_autoptr(SseEvent) e1 = next_event (first);
  g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, e1->id);
  g_autoptr(Stream) again = open_for (fixture, fixture->token_a, cursor);
  g_autoptr(SseEvent) r2 = next_event (again);
  g_autoptr(SseEvent) r3 = next_event (again);
  g_autofree char *authorization = bearer (fixture->token_a);

  assert_event (e1, "post.publish.complete", a1);
  assert_event (r2, "post.publish.inbox_delivered", a2);
  assert_event (r3, "post.publish.complete", a3);
  g_assert_cmpuint (open_events (fixture, authorization, "not-a-number", NULL), ==, 400);
}

/* Idle streams get heartbeat comments. */
static void
test_heartbeat (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Stream) stream = open_for (fixture, fixture->token_a, NULL);
  g_autofree char *body = NULL;
  g_autoptr(SseEvent) event = NULL;

  /* Waits for the heartbeats themselves, not a fixed time (an ASan build on a busy machine is slow). */
  read_comments (stream, 2);
  body = deliver (fixture, "post.publish.complete", CREATOR_A, "late");
  event = next_event (stream);
  assert_event (event, "post.publish.complete", body);
  g_assert_cmpuint (stream->comments, >=, 2);
  g_assert_cmpstr (stream->last_comment, ==, "heartbeat");
  g_assert_cmpint (test_metric (fixture->bed.session, fixture->bed.relay->url, "wbps_relay_subscribers"), ==, 1);

  /* A desktop that goes away is noticed at the next heartbeat at the latest. */
  g_clear_pointer (&stream, stream_free);
  test_wait_metric (fixture->bed.session, fixture->bed.relay->url, "wbps_relay_subscribers", 0);
}

static void
test_bad_bearer (Fixture       *fixture,
                 gconstpointer  data)
{

  g_assert_cmpuint (open_events (fixture, NULL, NULL, NULL), ==, 401);
  g_assert_cmpuint (open_events (fixture, "Bearer act.not-a-real-token", NULL, NULL), ==, 401);
  g_assert_cmpuint (open_events (fixture, "Basic dXNlcjpwYXNz", NULL, NULL), ==, 401);
  g_assert_cmpuint (open_events (fixture, "Bearer ", NULL, NULL), ==, 401);
  g_assert_cmpint (test_metric (fixture->bed.session, fixture->bed.relay->url, "wbps_relay_subscribers"), ==, 0);
}

static JsonObject *
post_form (Fixture    *fixture,
           const char *path,
           char       *form,
           guint      *status)
{
  g_autofree char *url = g_strconcat (fixture->bed.relay->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url, form);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read (fixture->bed.session, msg, NULL, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (g_bytes_get_size (reply) == 0)
    return json_object_new ();
  json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Sign-in, refresh and revoke with no client secret: the broker adds it. */
static void
test_broker (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *token_url = g_strconcat (fixture->bed.relay->url, "/oauth/token", NULL);
  g_autoptr(JsonObject) signed_in = wbps_test_emulator_sign_in_at (fixture->bed.emu, token_url, CLIENT_KEY, NULL,
                                                                   "user.info.basic", CREATOR_A);
  const char *refresh_token = json_object_get_string_member (signed_in, "refresh_token");
  g_autoptr(JsonObject) refreshed = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) revoked = NULL;
  g_autoptr(Stream) stream = NULL;
  g_autofree char *authorization = NULL;
  guint status = 0;

  g_assert_cmpstr (json_object_get_string_member (signed_in, "open_id"), ==, CREATOR_A);
  refreshed = post_form (fixture, "/oauth/refresh",
                         soup_form_encode ("client_key", CLIENT_KEY, "grant_type", "refresh_token",
                                           "refresh_token", refresh_token, NULL), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_has_member (refreshed, "access_token"));
  g_assert_cmpstr (json_object_get_string_member (refreshed, "access_token"), !=,
                   json_object_get_string_member (signed_in, "access_token"));

  /* The refreshed token opens a stream; once revoked through the broker it no longer does. */
  stream = open_for (fixture, json_object_get_string_member (refreshed, "access_token"), NULL);
  revoked = post_form (fixture, "/oauth/revoke",
                       soup_form_encode ("client_key", CLIENT_KEY,
                                         "token", json_object_get_string_member (refreshed, "access_token"), NULL),
                       &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_has_member (revoked, "error"));
  authorization = bearer (json_object_get_string_member (refreshed, "access_token"));
  g_assert_cmpuint (open_events (fixture, authorization, NULL, NULL), ==, 401);

  /* The broker hands out user tokens only. */
  refused = post_form (fixture, "/oauth/token",
                       soup_form_encode ("client_key", CLIENT_KEY, "grant_type", "client_credentials", NULL),
                       &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "invalid_request");
}

/* Without --broker there is nothing at /oauth/. */
static void
test_no_broker (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *other_dir = g_build_filename (fixture->bed.dir, "plain", NULL);
  g_autoptr(RelayProcess) plain = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;

  g_mkdir (other_dir, 0700);
  plain = relay_start (other_dir, fixture->bed.emu->base_url, SECRET, 0, NULL);
  url = g_strconcat (plain->url, "/oauth/token", NULL);
  msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url,
                                            soup_form_encode ("client_key", CLIENT_KEY,
                                                              "grant_type", "authorization_code", NULL));
  reply = soup_session_send_and_read (fixture->bed.session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  relay_stop (plain);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/relay/events/replay-live-isolation", test_replay_live_and_isolation);
  ADD ("/relay/events/last-event-id", test_last_event_id);
  ADD ("/relay/events/heartbeat", test_heartbeat);
  ADD ("/relay/events/bad-bearer", test_bad_bearer);
  ADD ("/relay/broker/no-secret-on-desktop", test_broker);
  ADD ("/relay/broker/off-by-default", test_no_broker);
#undef ADD

  return g_test_run ();
}
