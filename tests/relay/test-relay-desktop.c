/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The desktop side of the relay, end to end: a wbps with a relay URL and no
 * client secret signs in, refreshes and signs out through the relay's broker;
 * `wbps events` prints the account's own events; authorization.removed signs
 * the account out (keyring item gone) and says why. Real relay, emulator,
 * keyring (run under with-keyring).
 */
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "relay-test-util.h"

#define CLIENT_KEY "wbps-demo"
#define SECRET "wbps-demo-secret"

/* Access tokens due for renewal at once (below the 300 s margin): every command refreshes. */
static const char world[] =
  "[emulator]\nauto-approve=true\nsigned-in-user=demo-creator\naccess-lifetime=200\n";

#define ARGS(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define NO_ARGS   ((const char * const *) NULL)
#define ENV(e)    ((const char * const *) (e))

typedef struct {
  RelayBed  bed;
  GStrv     env;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--broker", NULL };
  g_autofree char *relay_env = NULL;
  const char *extra[3] = { NULL, "WBPS_CLIENT_SECRET", NULL };

  relay_bed_set_up (&fixture->bed, cli_test_emulator_start (world), SECRET, args);
  relay_env = g_strdup_printf ("WBPS_RELAY_URL=%s", fixture->bed.relay->url);
  extra[0] = relay_env;
  /* No secret on this desktop: WBPS_CLIENT_SECRET is unset for wbps. */
  fixture->env = cli_test_env (fixture->bed.emu, CLIENT_KEY, NULL, extra);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  relay_bed_tear_down (&fixture->bed);
  g_strfreev (fixture->env);
}

static guint
count (const char *text,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
deliver (Fixture    *fixture,
         const char *event,
         const char *open_id,
         const char *content)
{
  g_autofree char *body = test_envelope (event, open_id, content);

  g_assert_cmpuint (test_deliver (fixture->bed.session, fixture->bed.relay->url, SECRET, body), ==, 200);
}

/* The keyring item of @open_id, as another program on the desktop would see it. */
static char *
keyring_item (const char *open_id)
{
  const char *argv[] = { "secret-tool", "lookup", "client_key", CLIENT_KEY, "open_id", open_id, NULL };
  g_autoptr(GSubprocess) tool = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL);
  g_autofree char *out = NULL;

  g_assert_nonnull (tool);
  g_subprocess_communicate_utf8 (tool, NULL, NULL, &out, NULL, NULL);
  return out != NULL && *out != '\0' ? g_steal_pointer (&out) : NULL;
}

static gboolean
keyring_has_item (const char *open_id)
{
  g_autofree char *item = keyring_item (open_id);

  return item != NULL;
}

/* What TikTok does when the creator disconnects the app: the tokens die. */
static void
revoke_at_tiktok (Fixture    *fixture,
                  const char *open_id)
{
  g_autofree char *item = keyring_item (open_id);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *url = wbps_test_emulator_url (fixture->bed.emu, "/v2/oauth/revoke/");
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  JsonObject *bundle;

  g_assert_nonnull (item);
  g_assert_true (json_parser_load_from_data (parser, item, -1, NULL));
  bundle = json_node_get_object (json_parser_get_root (parser));
  msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url,
                                            soup_form_encode ("client_key", CLIENT_KEY, "client_secret", SECRET,
                                                              "token", json_object_get_string_member (bundle, "access_token"),
                                                              NULL));
  reply = soup_session_send_and_read (fixture->bed.session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
}

static void
test_broker_sign_in (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(WbpsTestRun) login = cli_test_login (NO_ARGS, ENV (fixture->env));
  g_autoptr(WbpsTestRun) whoami = NULL;
  g_autoptr(WbpsTestRun) logout = NULL;
  g_autofree char *log = NULL;

  g_assert_cmpint (login->status, ==, 0);
  g_assert_nonnull (strstr (login->out, "Signed in as Demo Creator (demo-creator)"));
  whoami = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (fixture->env));
  g_assert_cmpint (whoami->status, ==, 0);
  logout = cli_test_run (NO_ARGS, ARGS ("logout"), ENV (fixture->env));
  g_assert_cmpint (logout->status, ==, 0);
  g_assert_false (keyring_has_item ("demo-creator"));

  /* Stopped first: the relay writes its log lines out a few times a second. */
  relay_stop (fixture->bed.relay);
  log = relay_read_log (fixture->bed.relay);
  g_assert_cmpuint (count (log, "method=POST path=/oauth/token status=200 outcome=broker"), ==, 1);
  g_assert_cmpuint (count (log, "method=POST path=/oauth/refresh status=200 outcome=broker"), >=, 1);
  g_assert_cmpuint (count (log, "method=POST path=/oauth/revoke status=200 outcome=broker"), ==, 1);
  g_assert_null (strstr (log, SECRET));
}

static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(WbpsTestRun) login = cli_test_login (NO_ARGS, ENV (fixture->env));
  g_autoptr(WbpsTestRun) events = NULL;
  g_autoptr(WbpsTestRun) plain = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;
  JsonObject *first;

  g_assert_cmpint (login->status, ==, 0);
  deliver (fixture, "post.publish.complete", "demo-creator",
           "{\"publish_id\":\"v_pub_file~v2-1.11\",\"publish_type\":\"DIRECT_PUBLISH\"}");
  deliver (fixture, "post.publish.complete", "demo-private",
           "{\"publish_id\":\"v_pub_file~v2-1.12\",\"publish_type\":\"DIRECT_PUBLISH\"}");
  deliver (fixture, "post.publish.publicly_available", "demo-creator",
           "{\"publish_id\":\"v_pub_file~v2-1.11\",\"post_id\":\"7261463769757501445\",\"publish_type\":\"DIRECT_PUBLISH\"}");

  events = cli_test_run (NO_ARGS, ARGS ("events", "--json"), ENV (fixture->env));
  g_assert_cmpint (events->status, ==, 0);
  g_assert_cmpuint (cli_test_count_lines (events->out), ==, 2);
  lines = g_strsplit (events->out, "\n", -1);
  g_assert_true (json_parser_load_from_data (parser, lines[0], -1, NULL));
  first = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (first, "event"), ==, "post.publish.complete");
  g_assert_cmpstr (json_object_get_string_member (first, "user_openid"), ==, "demo-creator");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "content"), "publish_id"),
                   ==, "v_pub_file~v2-1.11");
  g_assert_null (strstr (events->out, "v_pub_file~v2-1.12"));

  plain = cli_test_run (NO_ARGS, ARGS ("events"), ENV (fixture->env));
  g_assert_cmpint (plain->status, ==, 0);
  g_assert_nonnull (strstr (plain->out, " post.publish.publicly_available publish_id=v_pub_file~v2-1.11 post_id=7261463769757501445 publish_type=DIRECT_PUBLISH\n"));
}

/* The creator disconnects wbps in TikTok: the event signs the account out here, and says why. */
static void
test_authorization_removed (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(WbpsTestRun) login = cli_test_login (NO_ARGS, ENV (fixture->env));
  g_autoptr(WbpsTestRun) again = NULL;
  g_autoptr(WbpsTestRun) events = NULL;
  g_autoptr(WbpsTestRun) still = NULL;
  g_autoptr(WbpsTestRun) whoami = NULL;
  CliRunning *follow = NULL;
  g_autoptr(WbpsTestRun) followed = NULL;

  g_assert_cmpint (login->status, ==, 0);
  g_assert_true (keyring_has_item ("demo-creator"));

  /* A live stream sees it arrive: its first line (a stored event) shows it is subscribed. */
  deliver (fixture, "post.publish.complete", "demo-creator",
           "{\"publish_id\":\"v_pub_file~v2-1.21\",\"publish_type\":\"DIRECT_PUBLISH\"}");
  follow = cli_test_spawn (ARGS ("events", "--follow"), ENV (fixture->env));
  g_assert_nonnull (strstr (follow->first_line, " post.publish.complete publish_id=v_pub_file~v2-1.21 "));
  revoke_at_tiktok (fixture, "demo-creator");
  deliver (fixture, "authorization.removed", "demo-creator", "{\"reason\":1}");
  followed = cli_test_finish (follow);
  g_assert_cmpint (followed->status, ==, 1);
  g_assert_nonnull (strstr (followed->err, "the account holder disconnected wbps in the TikTok app"));
  g_assert_nonnull (strstr (followed->err, "signed out on this computer"));
  g_assert_false (keyring_has_item ("demo-creator"));
  whoami = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (fixture->env));
  g_assert_cmpint (whoami->status, ==, 1);

  /* Signed in again later: the old event, replayed, no longer signs anyone out. */
  again = cli_test_login (NO_ARGS, ENV (fixture->env));
  g_assert_cmpint (again->status, ==, 0);
  events = cli_test_run (NO_ARGS, ARGS ("events"), ENV (fixture->env));
  g_assert_cmpint (events->status, ==, 0);
  g_assert_nonnull (strstr (events->out, " authorization.removed reason=1 (the account holder disconnected wbps in the TikTok app)\n"));
  g_assert_true (keyring_has_item ("demo-creator"));
  still = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (fixture->env));
  g_assert_cmpint (still->status, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/relay/desktop/broker-sign-in-refresh-revoke", test_broker_sign_in);
  ADD ("/relay/desktop/events", test_events);
  ADD ("/relay/desktop/authorization-removed", test_authorization_removed);
#undef ADD

  return g_test_run ();
}
