/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `wbps post` with a relay configured: the emulator sends its signed webhooks
 * to a real `wbps relay`, and the post takes its final status from the
 * relayed event instead of asking TikTok — the emulator counts the
 * status/fetch requests it answered. With the relay down (or dropping while
 * the post waits) the post falls back to polling. Real emulator, relay and
 * keyring (run under with-keyring).
 */
#include "wbps-test-posting.h"
#include "relay-test-util.h"

#define SECRET "wbps-demo-secret"

static char *small_video;  /* ~2 MB: one chunk */

/*
 * A loopback port bound but never listening, held for the test's life:
 * connecting to it is refused, and no other process can take it meanwhile.
 */
static GSocket *
refusing_port (guint *port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

/* POST /emulator/webhook-url: the emulator learns the relay's address once the relay listens. */
static void
set_webhook_url (WbpsTestEmulator *emu,
                 const char       *url)
{
  g_autofree char *target = wbps_test_emulator_url (emu, "/emulator/webhook-url");
  g_autoptr(EmuReply) reply = emu_post_form (target, "url", url, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
}

typedef struct {
  char            *dir;
  GSocket         *refusing;  /* where nothing listens (RELAY_DOWN, RELAY_RUNS_UNFED) */
  WbpsTestPosting *world;
  RelayProcess    *relay;
} RelayWorld;

typedef enum {
  RELAY_RUNS,            /* the emulator delivers to it */
  RELAY_DOWN,            /* configured, but nothing listens */
  RELAY_RUNS_UNFED,      /* runs, but the emulator's webhooks go elsewhere (nowhere) */
} RelayMode;

/*
 * An emulator (@extra_ini added) sending webhooks, a signed-in wbps told to use
 * the relay, and that relay as @mode says (started on port 0).
 */
static RelayWorld *
relay_world_new (const char *extra_ini,
                 RelayMode   mode)
{
  RelayWorld *w = g_new0 (RelayWorld, 1);
  g_autofree char *ini = g_strdup_printf ("[webhooks]\ntimeout-ms=2000\n%s", extra_ini);
  g_autofree char *nowhere = NULL;
  g_autofree char *webhook_url = NULL;
  guint port = 0;

  w->dir = wbps_test_mkdtemp ();
  w->refusing = refusing_port (&port);
  nowhere = g_strdup_printf ("http://127.0.0.1:%u", port);
  w->world = wbps_test_posting_new_wbps (ini);
  if (mode != RELAY_DOWN)
    w->relay = relay_start (w->dir, w->world->emu->base_url, SECRET, 0, NULL);
  wbps_test_posting_setenv (w->world, "WBPS_RELAY_URL", mode == RELAY_DOWN ? nowhere : w->relay->url);
  webhook_url = g_strconcat (mode == RELAY_RUNS ? w->relay->url : nowhere, "/webhook", NULL);
  set_webhook_url (w->world->emu, webhook_url);
  return w;
}

static void
relay_world_free (RelayWorld *w)
{
  if (w->relay != NULL)
    {
      relay_stop (w->relay);
      relay_free (w->relay);
    }
  wbps_test_posting_free (w->world);
  g_clear_object (&w->refusing);
  wbps_test_rmtree (w->dir);
  g_free (w->dir);
  g_free (w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelayWorld, relay_world_free)

/* The emulator's record of @publish_id (GET /emulator/posts). */
static JsonObject *
emulator_post (RelayWorld *w,
               const char *publish_id)
{
  g_autofree char *url = wbps_test_emulator_url (w->world->emu, "/emulator/posts");
  g_autofree char *body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *posts;

  g_assert_cmpuint (wbps_test_http_get (url, NULL, &body), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  posts = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "posts");
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonObject *post = json_array_get_object_element (posts, i);

      if (publish_id == NULL || g_strcmp0 (json_object_get_string_member (post, "publish_id"), publish_id) == 0)
        return json_object_ref (post);
    }
  return NULL;
}

static gint64
status_requests (RelayWorld *w,
                 const char *publish_id)
{
  g_autoptr(JsonObject) post = emulator_post (w, publish_id);

  g_assert_nonnull (post);
  return json_object_get_int_member (post, "status_requests");
}

/* Posts the small video SELF_ONLY; checks the result line and returns the publish_id. */
static char *
post_expecting (RelayWorld *w,
                int         exit_status,
                const char *final_status)
{
  g_autoptr(WbpsTestRun) run = wbps_test_posting_run_wbps (w->world, "post", small_video, "--privacy", "SELF_ONLY", NULL);
  g_autofree char *publish_id = NULL;
  g_autofree char *status = NULL;

  g_assert_cmpint (run->status, ==, exit_status);
  g_assert_true (wbps_test_posting_parse_result (run, &publish_id, &status));
  g_assert_cmpstr (status, ==, final_status);
  g_assert_null (strstr (run->err, "Could not check the post's status"));
  return g_steal_pointer (&publish_id);
}

/* The relay delivers post.publish.complete: the post ends on it, TikTok's status never asked. */
static void
test_settled_by_event (void)
{
  /* Long enough that polling would have asked twice (at 2 s and 5 s). */
  g_autoptr(RelayWorld) w = relay_world_new ("[emulator]\nprocessing-delay-ms=4500\n", RELAY_RUNS);
  g_autofree char *publish_id = post_expecting (w, 0, "PUBLISH_COMPLETE");
  g_autoptr(JsonObject) row = wbps_test_posting_only_row (w->world);
  g_autofree char *log = NULL;

  g_assert_cmpint (status_requests (w, publish_id), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "PUBLISH_COMPLETE");
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "DONE");
  relay_stop (w->relay);
  log = relay_read_log (w->relay);
  g_test_message ("relay log:\n%s", log);
  g_assert_nonnull (strstr (log, "method=POST path=/webhook status=200 outcome=accepted"));
  g_assert_nonnull (strstr (log, "method=GET path=/events status=200"));
}

/* post.publish.failed through the relay: FAILED with TikTok's reason, exit 1, no status request. */
static void
test_failed_by_event (void)
{
  g_autoptr(RelayWorld) w = relay_world_new ("[emulator]\nprocessing-delay-ms=4500\n"
                                             "[user:demo-creator]\nfail-reason=spam_risk_text\n", RELAY_RUNS);
  g_autofree char *publish_id = post_expecting (w, 1, "FAILED");
  g_autoptr(JsonObject) row = wbps_test_posting_only_row (w->world);

  g_assert_cmpint (status_requests (w, publish_id), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "FAILED");
  g_assert_cmpstr (json_object_get_string_member (row, "fail_reason"), ==, "spam_risk_text");
}

/* A relay URL with no relay behind it: the post polls as without one (2 s, then 3 s later). */
static void
test_relay_down_polls (void)
{
  g_autoptr(RelayWorld) w = relay_world_new ("[emulator]\nprocessing-delay-ms=4500\n", RELAY_DOWN);
  g_autofree char *publish_id = post_expecting (w, 0, "PUBLISH_COMPLETE");

  g_assert_cmpint (status_requests (w, publish_id), ==, 2);
}

static gboolean
upload_done (RelayWorld *w)
{
  g_autoptr(JsonObject) post = emulator_post (w, NULL);

  return post != NULL && json_object_get_int_member (post, "video_size") > 0 &&
         json_object_get_int_member (post, "received") == json_object_get_int_member (post, "video_size");
}

typedef struct {
  WbpsTestRun *run;
  gboolean     done;
} Finished;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Finished *f = user_data;

  g_assert_true (g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &f->run->out, &f->run->err, NULL));
  f->done = TRUE;
}

typedef struct {
  RelayWorld  *w;
  SoupSession *session;
  Finished    *f;
} WaitingPost;

/* The post uploaded and subscribed to the relay's events; it must not have ended before. */
static gboolean
waiting_on_relay (gpointer data)
{
  WaitingPost *waiting = data;

  g_assert_false (waiting->f->done);
  return upload_done (waiting->w) && test_metric (waiting->session, waiting->w->relay->url, "wbps_relay_subscribers") == 1;
}

/*
 * The relay goes away while the post waits for TikTok (the webhooks go nowhere,
 * so only polling can end the wait): polling resumes at once, not after the
 * minute a connected relay spaces status requests by.
 */
static void
test_relay_drops_while_waiting (void)
{
  g_autoptr(RelayWorld) w = relay_world_new ("[emulator]\nprocessing-delay-ms=3000\n", RELAY_RUNS_UNFED);
  g_autoptr(SoupSession) session = test_session_new ();
  const char * const argv[] = { "post", small_video, "--privacy", "SELF_ONLY", NULL };
  g_autoptr(GSubprocess) post = wbps_test_posting_spawn_wbps (w->world, argv);
  Finished f = { g_new0 (WbpsTestRun, 1), FALSE };
  g_autoptr(WbpsTestRun) run = f.run;
  g_autofree char *publish_id = NULL;
  g_autofree char *status = NULL;
  WaitingPost waiting = { w, session, &f };

  g_subprocess_communicate_utf8_async (post, NULL, NULL, communicated_cb, &f);
  wbps_test_await_until (waiting_on_relay, &waiting, 60, "the upload done and the post subscribed to the relay");
  relay_stop (w->relay);
  wbps_test_await_flag (&f.done, 60);
  wbps_test_await_exit (post, 10, "its output closed");
  g_assert_true (g_subprocess_get_if_exited (post));
  run->status = g_subprocess_get_exit_status (post);
  g_test_message ("wbps post -> %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (wbps_test_posting_parse_result (run, &publish_id, &status));
  g_assert_cmpstr (status, ==, "PUBLISH_COMPLETE");
  g_assert_cmpint (status_requests (w, publish_id), >=, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  small_video = wbps_test_posting_make_mp4 ("small.mp4", 10);

  g_test_add_func ("/relay/post/settled-by-event", test_settled_by_event);
  g_test_add_func ("/relay/post/failed-by-event", test_failed_by_event);
  g_test_add_func ("/relay/post/relay-down-polls", test_relay_down_polls);
  g_test_add_func ("/relay/post/relay-drops-while-waiting", test_relay_drops_while_waiting);
  return wbps_test_posting_run_tests ();
}
