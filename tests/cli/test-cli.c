/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wbps command line end to end: the built `wbps` against real emulator
 * processes and a real gnome-keyring (run through with-keyring), asserting
 * what a user or a script sees: stdout lines, one stderr line, exit status.
 */

#include <signal.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "wbps-test-oauth.h"

#define CLIENT_KEY    "cli-test"
#define CLIENT_SECRET "cli-test-secret"

#define CLIENT_GROUP \
  "[client:" CLIENT_KEY "]\n" \
  "secret=" CLIENT_SECRET "\n" \
  "redirect-uris=http://127.0.0.1:*/callback/\n" \
  "scopes=user.info.basic,user.info.profile,video.publish,video.upload\n"

#define USERS \
  "[user:alice]\n" \
  "display-name=Alice Example\n" \
  "username=alice.example\n" \
  "[user:bob]\n" \
  "display-name=Bob Example\n" \
  "username=bob\n"

static const char auto_world[] =
  "[emulator]\n"
  "auto-approve=true\n"
  "signed-in-user=alice\n"
  CLIENT_GROUP USERS;

static const char consent_world[] =
  "[emulator]\n"
  "signed-in-user=alice\n"
  CLIENT_GROUP USERS;

static const char sandbox_world[] =
  "[emulator]\n"
  "auto-approve=true\n"
  "signed-in-user=alice\n"
  CLIENT_GROUP
  "sandbox=true\n"
  "target-users=bob\n"
  USERS;

#define ARGS(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define NO_ARGS   ((const char * const *) NULL)
#define ENV(e)    ((const char * const *) (e))

/* Exit status exactly @status (README: 1 failure, 2 usage), one line on stderr. */
static void
assert_one_error_line (WbpsTestRun *run,
                       int          status)
{
  g_assert_cmpint (run->status, ==, status);
  g_assert_cmpuint (cli_test_count_lines (run->err), ==, 1);
}

static void
assert_log_id (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("\\(log ID [0-9]{14}[0-9A-F]{20}\\)", 0, 0, NULL);

  g_assert_true (g_regex_match (regex, text, 0, NULL));
}

static void
assert_signed_in_as (WbpsTestRun *run,
                     const char  *expected)
{
  g_autofree char *last = wbps_test_last_line (run->out);

  if (run->status != 0)
    g_printerr ("wbps login failed: %s", run->err);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (last, ==, expected);
}

/* ---- the whole lifecycle --------------------------------------------- */

static void
assert_iso8601_future (JsonObject *object,
                       const char *member)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (json_object_get_string_member (object, member), NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_nonnull (when);
  g_assert_cmpint (g_date_time_compare (when, now), >, 0);
}

/* The exact object `whoami --json` prints: the profile, never a token; the expiry times are the sign-in's. */
static void
check_whoami_json (WbpsTestEmulator *emu,
                   const char       *out)
{
  g_autoptr(JsonNode) root = json_from_string (out, NULL);
  JsonObject *object;
  const char *access;
  const char *refresh;
  g_autofree char *expected = NULL;

  g_assert_nonnull (root);
  object = json_node_get_object (root);
  assert_iso8601_future (object, "access_expires_at");
  assert_iso8601_future (object, "refresh_expires_at");
  access = json_object_get_string_member (object, "access_expires_at");
  refresh = json_object_get_string_member (object, "refresh_expires_at");
  expected = g_strdup_printf ("{\"open_id\":\"alice\",\"display_name\":\"Alice Example\","
                              "\"username\":\"alice.example\",\"avatar_url\":\"%s/emulator/avatar/alice.svg\","
                              "\"scope\":\"user.info.basic,user.info.profile,video.publish,video.upload\","
                              "\"access_expires_at\":\"%s\",\"refresh_expires_at\":\"%s\"}\n",
                              emu->base_url, access, refresh);
  g_assert_cmpstr (out, ==, expected);
}

static gboolean
revoke_event_seen (WbpsTestEmulator *emu,
                   const char       *open_id)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/emulator/events");
  g_autofree char *body = NULL;
  g_autofree char *needle = g_strdup_printf ("\"user_openid\":\"%s\"", open_id);

  g_assert_cmpuint (wbps_test_http_get (url, NULL, &body), ==, 200);
  return strstr (body, "authorization.removed") != NULL && strstr (body, needle) != NULL;
}

/* How many authorization.removed events (revokes) the emulator recorded for @open_id. */
static guint
count_revokes (WbpsTestEmulator *emu,
               const char       *open_id)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/emulator/events");
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *events;
  guint count = 0;

  g_assert_cmpuint (wbps_test_http_get (url, NULL, &body), ==, 200);
  root = json_from_string (body, NULL);
  g_assert_nonnull (root);
  events = json_object_get_array_member (json_object_get_object_member (json_node_get_object (root), "data"), "events");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      count += g_strcmp0 (json_object_get_string_member (event, "event"), "authorization.removed") == 0 &&
               g_strcmp0 (json_object_get_string_member (event, "user_openid"), open_id) == 0;
    }
  return count;
}

static void
test_lifecycle (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  g_autoptr(WbpsTestRun) login = cli_test_login (NO_ARGS, ENV (env));
  g_autoptr(WbpsTestRun) whoami = NULL;
  g_autoptr(WbpsTestRun) whoami_json = NULL;
  g_autoptr(WbpsTestRun) accounts = NULL;
  g_autoptr(WbpsTestRun) logout = NULL;
  g_autoptr(WbpsTestRun) after = NULL;
  g_autoptr(WbpsTestRun) after_json = NULL;
  g_autoptr(JsonNode) error_json = NULL;
  g_autofree char *auth_prefix = g_strdup_printf ("%s/v2/auth/authorize/?", emu->base_url);
  g_auto(GStrv) login_lines = g_strsplit (login->out, "\n", 2);

  /* The authorize URL alone on the first line, the result on the last. */
  g_assert_true (g_str_has_prefix (login_lines[0], auth_prefix));
  g_assert_nonnull (strstr (login_lines[0], "client_key=" CLIENT_KEY));
  g_assert_nonnull (strstr (login_lines[0], "code_challenge_method=S256"));
  g_assert_nonnull (strstr (login_lines[0], "redirect_uri=http%3A%2F%2F127.0.0.1%3A"));
  assert_signed_in_as (login, "Signed in as Alice Example (alice)");
  g_assert_cmpstr (login->err, ==, "");

  whoami = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (env));
  g_assert_cmpint (whoami->status, ==, 0);
  g_assert_cmpstr (whoami->out, ==, "Alice Example (alice)\n");

  whoami_json = cli_test_run (NO_ARGS, ARGS ("whoami", "--json"), ENV (env));
  g_assert_cmpint (whoami_json->status, ==, 0);
  check_whoami_json (emu, whoami_json->out);

  accounts = cli_test_run (NO_ARGS, ARGS ("accounts"), ENV (env));
  g_assert_cmpint (accounts->status, ==, 0);
  g_assert_cmpstr (accounts->out, ==, "* Alice Example (alice)\n");

  logout = cli_test_run (NO_ARGS, ARGS ("logout"), ENV (env));
  g_assert_cmpint (logout->status, ==, 0);
  g_assert_cmpstr (logout->out, ==, "Signed out Alice Example (alice)\n");
  g_assert_true (revoke_event_seen (emu, "alice"));

  after = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (env));
  assert_one_error_line (after, 1);
  g_assert_nonnull (strstr (after->err, "wbps login"));
  g_assert_cmpstr (after->out, ==, "");

  after_json = cli_test_run (NO_ARGS, ARGS ("whoami", "--json"), ENV (env));
  g_assert_cmpint (after_json->status, ==, 1);
  error_json = json_from_string (after_json->out, NULL);
  g_assert_nonnull (error_json);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (error_json), "code"), ==, "not_signed_in");
  g_assert_true (json_object_has_member (json_node_get_object (error_json), "message"));
  g_assert_true (json_object_has_member (json_node_get_object (error_json), "log_id"));
}

/* ---- several accounts ------------------------------------------------ */

static void
switch_browser_user (WbpsTestEmulator *emu,
                     const char       *open_id)
{
  g_autofree char *url = g_strdup_printf ("%s/emulator/sign-in?user=%s", emu->base_url, open_id);

  g_assert_cmpuint (cli_test_post_form (url, ""), ==, 200);
}

static void
check_accounts_json (const char *out,
                     const char *current)
{
  g_autoptr(JsonNode) root = json_from_string (out, NULL);
  JsonArray *array;
  guint currents = 0;

  g_assert_nonnull (root);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *account = json_array_get_object_element (array, i);

      if (json_object_get_boolean_member (account, "current"))
        {
          currents++;
          g_assert_cmpstr (json_object_get_string_member (account, "open_id"), ==, current);
        }
    }
  g_assert_cmpuint (currents, ==, 1);
}

/*
 * Two `wbps login` of one account at once: both sign in at TikTok, the keyring
 * keeps one and nothing is revoked. TikTok's revoke removes the app's access for
 * the user, not one token: revoking the losing grant (as wbps once did) would
 * sign the kept one out too, which the emulator does, so whoami would fail.
 */
static void
test_parallel_logins_keep_grant (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  const char * const login[] = { "login", "--no-browser", "--timeout", "30", NULL };
  CliRunning *first = cli_test_spawn (login, ENV (env));
  CliRunning *second = cli_test_spawn (login, ENV (env));
  g_autoptr(WbpsTestRun) first_run = NULL;
  g_autoptr(WbpsTestRun) second_run = NULL;
  g_autoptr(WbpsTestRun) whoami = NULL;
  g_autoptr(WbpsTestRun) accounts = NULL;
  g_autoptr(JsonNode) listed = NULL;

  g_assert_cmpuint (cli_test_browse (first->first_line, NULL), ==, 200);
  g_assert_cmpuint (cli_test_browse (second->first_line, NULL), ==, 200);
  first_run = cli_test_finish (first);
  second_run = cli_test_finish (second);
  assert_signed_in_as (first_run, "Signed in as Alice Example (alice)");
  assert_signed_in_as (second_run, "Signed in as Alice Example (alice)");

  g_assert_cmpuint (count_revokes (emu, "alice"), ==, 0);
  accounts = cli_test_run (NO_ARGS, ARGS ("accounts", "--json"), ENV (env));
  g_assert_cmpint (accounts->status, ==, 0);
  listed = json_from_string (accounts->out, NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 1);
  whoami = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (env));
  g_assert_cmpint (whoami->status, ==, 0);
  g_assert_cmpstr (whoami->out, ==, "Alice Example (alice)\n");
}

/* Signing in again with the account already signed in: no revoke, and the new grant works at TikTok. */
static void
test_repeat_sign_in_keeps_grant (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  g_autoptr(WbpsTestRun) first = cli_test_login (NO_ARGS, ENV (env));
  g_autoptr(WbpsTestRun) again = cli_test_login (NO_ARGS, ENV (env));
  g_autoptr(WbpsTestRun) whoami = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (env));
  g_autoptr(WbpsTestRun) logout = NULL;

  assert_signed_in_as (first, "Signed in as Alice Example (alice)");
  assert_signed_in_as (again, "Signed in as Alice Example (alice)");
  g_assert_cmpuint (count_revokes (emu, "alice"), ==, 0);
  g_assert_cmpint (whoami->status, ==, 0);
  g_assert_cmpstr (whoami->out, ==, "Alice Example (alice)\n");
  g_assert_cmpstr (whoami->err, ==, "");
  /* Signing out is the one revoke. */
  logout = cli_test_run (NO_ARGS, ARGS ("logout"), ENV (env));
  g_assert_cmpint (logout->status, ==, 0);
  g_assert_cmpuint (count_revokes (emu, "alice"), ==, 1);
}

static void
test_accounts_switch (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  g_autoptr(WbpsTestRun) alice = cli_test_login (NO_ARGS, ENV (env));
  g_autoptr(WbpsTestRun) bob = NULL;
  g_autoptr(WbpsTestRun) listed = NULL;
  g_autoptr(WbpsTestRun) used = NULL;
  g_autoptr(WbpsTestRun) whoami = NULL;
  g_autoptr(WbpsTestRun) whoami_bob = NULL;
  g_autoptr(WbpsTestRun) listed_json = NULL;
  g_autoptr(WbpsTestRun) unknown = NULL;
  g_autoptr(WbpsTestRun) logout_all = NULL;
  g_autoptr(WbpsTestRun) none = NULL;

  assert_signed_in_as (alice, "Signed in as Alice Example (alice)");
  switch_browser_user (emu, "bob");
  bob = cli_test_login (NO_ARGS, ENV (env));
  assert_signed_in_as (bob, "Signed in as Bob Example (bob)");

  /* The latest sign-in is the current account. */
  listed = cli_test_run (NO_ARGS, ARGS ("accounts"), ENV (env));
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_nonnull (strstr (listed->out, "* Bob Example (bob)\n"));
  g_assert_nonnull (strstr (listed->out, "  Alice Example (alice)\n"));

  used = cli_test_run (NO_ARGS, ARGS ("accounts", "--use", "alice"), ENV (env));
  g_assert_cmpint (used->status, ==, 0);
  g_assert_cmpstr (used->out, ==, "Now using Alice Example (alice)\n");
  whoami = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (env));
  g_assert_cmpstr (whoami->out, ==, "Alice Example (alice)\n");
  whoami_bob = cli_test_run (ARGS ("--account", "bob"), ARGS ("whoami"), ENV (env));
  g_assert_cmpstr (whoami_bob->out, ==, "Bob Example (bob)\n");
  listed_json = cli_test_run (NO_ARGS, ARGS ("accounts", "--json"), ENV (env));
  check_accounts_json (listed_json->out, "alice");

  unknown = cli_test_run (NO_ARGS, ARGS ("accounts", "--use", "carol"), ENV (env));
  assert_one_error_line (unknown, 1);

  logout_all = cli_test_run (NO_ARGS, ARGS ("logout", "--all"), ENV (env));
  g_assert_cmpint (logout_all->status, ==, 0);
  g_assert_nonnull (strstr (logout_all->out, "Signed out Alice Example (alice)\n"));
  g_assert_nonnull (strstr (logout_all->out, "Signed out Bob Example (bob)\n"));
  none = cli_test_run (NO_ARGS, ARGS ("accounts"), ENV (env));
  g_assert_cmpstr (none->out, ==, "No TikTok account is signed in.\n");
}

/* ---- offline sign-out ------------------------------------------------ */

static void
test_logout_offline (void)
{
  WbpsTestEmulator *emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  g_autoptr(WbpsTestRun) login = cli_test_login (NO_ARGS, ENV (env));
  g_autoptr(WbpsTestRun) logout = NULL;
  g_autoptr(WbpsTestRun) accounts = NULL;

  assert_signed_in_as (login, "Signed in as Alice Example (alice)");
  wbps_test_emulator_stop (emu);

  logout = cli_test_run (NO_ARGS, ARGS ("logout"), ENV (env));
  g_assert_cmpint (logout->status, ==, 0);
  g_assert_true (g_str_has_prefix (logout->out, "Signed out Alice Example (alice) on this computer only"));
  g_assert_nonnull (strstr (logout->out, "TikTok could not be reached"));
  accounts = cli_test_run (NO_ARGS, ARGS ("accounts"), ENV (env));
  g_assert_cmpstr (accounts->out, ==, "No TikTok account is signed in.\n");
}

/* ---- refusals -------------------------------------------------------- */

/* Writes @contents to @dir/@name, making @dir. */
static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/*
 * README: without --no-browser, `wbps login` opens the system browser through GIO. The
 * "system browser" is tests/gui/test-browser.py, the x-scheme-handler/http default of a
 * private mimeapps.list; it opens the consent page and presses Authorize.
 */
static void
test_login_opens_browser (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (consent_world);
  g_autofree char *tmp = wbps_test_mkdtemp ();
  g_autofree char *data = g_build_filename (tmp, "data", NULL);
  g_autofree char *apps = g_build_filename (data, "applications", NULL);
  g_autofree char *config = g_build_filename (tmp, "config", NULL);
  g_autofree char *state = g_build_filename (tmp, "browser", NULL);
  g_autofree char *desktop = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                                              "Exec=/usr/bin/python3 %s/tests/gui/test-browser.py %%u\n"
                                              "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
                                              g_getenv ("WBPS_SOURCE_DIR"));
  g_autofree char *xdg_data = g_strconcat ("XDG_DATA_HOME=", data, NULL);
  g_autofree char *xdg_config = g_strconcat ("XDG_CONFIG_HOME=", config, NULL);
  g_autofree char *browser_dir = g_strconcat ("WBPS_TEST_BROWSER_DIR=", state, NULL);
  const char *extra[] = { xdg_data, xdg_config, browser_dir, NULL };
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, extra);
  g_autoptr(WbpsTestRun) run = NULL;
  g_autofree char *urls = NULL;
  g_autofree char *urls_path = g_build_filename (state, "urls", NULL);
  g_autofree char *expected = g_strdup_printf ("%s/v2/auth/authorize/?", emu->base_url);

  g_assert_nonnull (g_getenv ("WBPS_SOURCE_DIR"));
  write_file (apps, "wbps-test-browser.desktop", desktop);
  write_file (config, "mimeapps.list", "[Default Applications]\nx-scheme-handler/http=wbps-test-browser.desktop\n"
                                      "x-scheme-handler/https=wbps-test-browser.desktop\n");
  write_file (state, "mode", "authorize");
  run = cli_test_run (NO_ARGS, ARGS ("login", "--timeout", "60"), ENV (env));
  assert_signed_in_as (run, "Signed in as Alice Example (alice)");
  g_assert_true (g_file_get_contents (urls_path, &urls, NULL, NULL));
  g_assert_cmpuint (cli_test_count_lines (urls), ==, 1);
  g_assert_true (g_str_has_prefix (urls, expected));
  wbps_test_rmtree (tmp);
}

/* The user presses Deny on the consent page: access_denied, one plain line. */
static void
test_user_denies (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (consent_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  CliRunning *running = cli_test_spawn (ARGS ("login", "--no-browser", "--timeout", "30"), ENV (env));
  g_autoptr(WbpsTestRun) run = NULL;
  g_autofree char *page = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *form = NULL;
  g_autofree char *decide_url = wbps_test_emulator_url (emu, "/v2/auth/authorize/decide");

  g_assert_cmpuint (cli_test_browse (running->first_line, &page), ==, 200);
  g_assert_nonnull (strstr (page, "id=\"deny\""));
  request_id = wbps_test_oauth_consent_request_id (page);
  g_assert_nonnull (request_id);
  form = g_strdup_printf ("request_id=%s&decision=deny", request_id);
  cli_test_post_form (decide_url, form);
  run = cli_test_finish (running);

  assert_one_error_line (run, 1);
  g_assert_nonnull (strstr (run->err, "cancelled or refused"));
  g_assert_null (strstr (run->out, "Signed in"));
}

static void
test_non_sandbox_target (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (sandbox_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  CliRunning *running = cli_test_spawn (ARGS ("login", "--no-browser", "--timeout", "30"), ENV (env));
  g_autoptr(WbpsTestRun) run = NULL;

  cli_test_browse (running->first_line, NULL);
  run = cli_test_finish (running);
  assert_one_error_line (run, 1);
  g_assert_nonnull (strstr (run->err, "sandbox"));
}

/* TikTok's invalid_client: a plain sentence and the log ID to quote to support. */
static void
test_wrong_secret (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, "not-the-secret", NULL);
  CliRunning *running = cli_test_spawn (ARGS ("login", "--no-browser", "--timeout", "30"), ENV (env));
  g_autoptr(WbpsTestRun) run = NULL;

  cli_test_browse (running->first_line, NULL);
  run = cli_test_finish (running);
  assert_one_error_line (run, 1);
  g_assert_nonnull (strstr (run->err, "client key and secret"));
  assert_log_id (run->err);
}

static void
test_timeout (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(WbpsTestRun) run = cli_test_run (NO_ARGS, ARGS ("login", "--no-browser", "--timeout", "1"), ENV (env));

  assert_one_error_line (run, 1);
  g_assert_nonnull (strstr (run->err, "in time"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);
}

/* Ctrl-C while waiting for the browser: a clean cancel. */
static void
test_interrupt (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  CliRunning *running = cli_test_spawn (ARGS ("login", "--no-browser"), ENV (env));
  g_autoptr(WbpsTestRun) run = NULL;

  g_assert_nonnull (running->first_line);
  g_subprocess_send_signal (running->process, SIGINT);
  run = cli_test_finish (running);
  g_assert_cmpint (run->status, ==, 130);
  g_assert_cmpstr (run->err, ==, "Cancelled.\n");
}

/* ---- configuration --------------------------------------------------- */

/* Options beat the environment: env points at a dead port, the options at the emulator. */
static void
test_option_beats_env (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_autofree char *auth_option = g_strdup_printf ("--auth-url=%s/v2/auth/authorize/", emu->base_url);
  g_autofree char *api_option = g_strdup_printf ("--api-url=%s", emu->base_url);
  const char *dead_env[] = {
    "WBPS_AUTH_URL=http://127.0.0.1:9/v2/auth/authorize/", "WBPS_API_URL=http://127.0.0.1:9",
    "WBPS_CLIENT_KEY=someone-else", "WBPS_CLIENT_SECRET=" CLIENT_SECRET, NULL
  };
  g_autoptr(WbpsTestRun) login = cli_test_login (ARGS (auth_option, api_option, "--client-key", CLIENT_KEY),
                                                 dead_env);
  g_autoptr(WbpsTestRun) env_only = NULL;

  assert_signed_in_as (login, "Signed in as Alice Example (alice)");
  g_assert_nonnull (strstr (login->out, emu->base_url));

  /* Without the options the environment is used, and its dead API fails plainly. */
  env_only = cli_test_run (ARGS ("--client-key", CLIENT_KEY), ARGS ("whoami"), dead_env);
  g_assert_cmpint (env_only->status, ==, 0);
  g_assert_nonnull (strstr (env_only->err, "could not be reached"));
}

static void
test_secret_never_on_argv (void)
{
  g_autoptr(WbpsTestRun) run = cli_test_run (ARGS ("--client-secret=hunter2"), ARGS ("whoami"), NULL);

  assert_one_error_line (run, 2);
  g_assert_nonnull (strstr (run->err, "WBPS_CLIENT_SECRET"));
  g_assert_null (strstr (run->err, "hunter2"));
}

static void
test_usage (void)
{
  const char *verbs[] = { "login", "whoami", "accounts", "logout", "post", "status", "history", "resume" };
  g_autoptr(WbpsTestRun) help = cli_test_run (ARGS ("--help"), NO_ARGS, NULL);
  g_autoptr(WbpsTestRun) unknown = cli_test_run (NO_ARGS, ARGS ("frobnicate"), NULL);
  g_autoptr(WbpsTestRun) no_config = cli_test_run (NO_ARGS, ARGS ("whoami"),
                                                   ARGS ("WBPS_CLIENT_KEY", "WBPS_CLIENT_SECRET"));

  g_assert_cmpint (help->status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      g_autofree char *row = g_strdup_printf ("\n  %s ", verbs[i]);

      g_assert_nonnull (strstr (help->out, row));
    }
  assert_one_error_line (unknown, 2);
  g_assert_nonnull (strstr (unknown->err, "frobnicate"));
  assert_one_error_line (no_config, 1);
  g_assert_nonnull (strstr (no_config->err, "client key"));
}

/* ---- demo mode ------------------------------------------------------- */

/* README: the demo's consent page waits for a click on Authorize unless WBPS_DEMO_AUTO_APPROVE=1. */
static void
test_demo_consent_page (void)
{
  const char *env[] = {
    "WBPS_DEMO_AUTO_APPROVE", "WBPS_AUTH_URL", "WBPS_API_URL", "WBPS_CLIENT_KEY", "WBPS_CLIENT_SECRET", NULL
  };
  CliRunning *running = cli_test_spawn (ARGS ("--demo", "login", "--no-browser", "--timeout", "60"), env);
  g_autoptr(WbpsTestRun) run = NULL;
  g_autoptr(WbpsTestRun) logout = NULL;
  g_autofree char *page = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *form = NULL;
  g_autofree char *decide_url = NULL;
  g_autofree char *base = NULL;
  const char *authorize;

  g_assert_nonnull (running->first_line);
  authorize = strstr (running->first_line, "/v2/auth/authorize/");
  g_assert_nonnull (authorize);
  base = g_strndup (running->first_line, authorize - running->first_line);
  decide_url = g_strconcat (base, "/v2/auth/authorize/decide", NULL);
  g_assert_cmpuint (cli_test_browse (running->first_line, &page), ==, 200);
  g_assert_nonnull (strstr (page, "id=\"deny\""));
  g_assert_nonnull (strstr (page, "id=\"authorize\""));
  request_id = wbps_test_oauth_consent_request_id (page);
  g_assert_nonnull (request_id);
  form = g_strdup_printf ("request_id=%s&decision=authorize", request_id);
  cli_test_post_form (decide_url, form);
  run = cli_test_finish (running);
  assert_signed_in_as (run, "Signed in as Demo Creator (demo-creator)");
  logout = cli_test_run (ARGS ("--demo"), ARGS ("logout"), env);
  g_assert_cmpint (logout->status, ==, 0);
}

static void
test_demo (void)
{
  const char *env[] = {
    "WBPS_DEMO_AUTO_APPROVE=1", "WBPS_AUTH_URL", "WBPS_API_URL", "WBPS_CLIENT_KEY", "WBPS_CLIENT_SECRET", NULL
  };
  g_autoptr(WbpsTestRun) login = cli_test_login (ARGS ("--demo"), env);
  g_autoptr(WbpsTestRun) whoami = NULL;
  g_autoptr(WbpsTestRun) logout = NULL;
  g_autofree char *state = g_build_filename (g_get_user_data_dir (), "wbps", "demo-emulator", "state.ini", NULL);

  assert_signed_in_as (login, "Signed in as Demo Creator (demo-creator)");
  g_assert_nonnull (strstr (login->out, "client_key=wbps-demo"));
  /* A second process, a second emulator: the persisted demo state carries the sign-in. */
  whoami = cli_test_run (ARGS ("--demo"), ARGS ("whoami"), env);
  g_assert_cmpint (whoami->status, ==, 0);
  g_assert_cmpstr (whoami->out, ==, "Demo Creator (demo-creator)\n");
  g_assert_cmpstr (whoami->err, ==, "");
  g_assert_true (g_file_test (state, G_FILE_TEST_IS_REGULAR));
  logout = cli_test_run (ARGS ("--demo"), ARGS ("logout"), env);
  g_assert_cmpint (logout->status, ==, 0);
  g_assert_cmpstr (logout->out, ==, "Signed out Demo Creator (demo-creator)\n");
}

/* ---- hostile profile -------------------------------------------------- */

/* A 64 MB display name once made the stored sign-in unreadable: whoami keeps a bounded one. */
static void
test_huge_display_name_bounded (void)
{
  g_autofree char *name = g_strnfill (300000, 'x');
  g_autofree char *world = g_strdup_printf ("[emulator]\nauto-approve=true\nsigned-in-user=carol\n"
                                            CLIENT_GROUP "[user:carol]\ndisplay-name=\u00e9%s\n", name);
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  g_autoptr(WbpsTestRun) login = cli_test_login (NO_ARGS, ENV (env));
  g_autoptr(WbpsTestRun) whoami = NULL;
  g_autoptr(WbpsTestRun) accounts = NULL;
  g_autoptr(WbpsTestRun) again = NULL;
  const char *carol;

  g_assert_cmpint (login->status, ==, 0);
  whoami = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (env));
  g_assert_cmpint (whoami->status, ==, 0);
  accounts = cli_test_run (NO_ARGS, ARGS ("accounts"), ENV (env));
  g_assert_cmpint (accounts->status, ==, 0);
  /* Carol's line: "* " + 256 bytes ("é" and 254 × "x") + " (carol)" (earlier tests' accounts may be listed too). */
  carol = strstr (accounts->out, "* \u00e9xxxx");
  g_assert_nonnull (carol);
  g_assert_cmpuint (strcspn (carol, "\n"), ==, 2 + 256 + strlen (" (carol)"));
  again = cli_test_run (NO_ARGS, ARGS ("whoami"), ENV (env));
  g_assert_cmpint (again->status, ==, 0);
  g_assert_cmpstr (again->err, ==, "");
}

/* ---- --json failures ------------------------------------------------- */

/* stdout: the {"code","message","log_id"} object; stderr: still the one plain line. */
static void
assert_json_failure (WbpsTestRun *run,
                     int          exit_status,
                     const char  *code)
{
  g_autoptr(JsonNode) node = json_from_string (run->out, NULL);
  JsonObject *object;
  g_autofree char *line = NULL;

  g_assert_cmpint (run->status, ==, exit_status);
  g_assert_nonnull (node);
  object = json_node_get_object (node);
  if (code != NULL)
    g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
  else
    g_assert_nonnull (json_object_get_string_member (object, "code"));
  g_assert_true (json_object_has_member (object, "log_id"));
  g_assert_cmpuint (cli_test_count_lines (run->err), ==, 1);
  line = g_strndup (run->err, strcspn (run->err, "\n"));
  g_assert_true (g_str_has_prefix (line, json_object_get_string_member (object, "message")));
}

static void
test_json_failure_also_on_stderr (void)
{
  g_autoptr(WbpsTestEmulator) emu = cli_test_emulator_start (auto_world);
  g_auto(GStrv) env = cli_test_env (emu, CLIENT_KEY, CLIENT_SECRET, NULL);
  g_autofree char *db_dir = g_build_filename (g_get_user_data_dir (), "wbps", NULL);
  g_autofree char *db_path = g_build_filename (db_dir, "wbps.db", NULL);
  g_autoptr(WbpsTestRun) whoami = NULL;
  g_autoptr(WbpsTestRun) accounts = NULL;
  g_autoptr(WbpsTestRun) post = NULL;
  g_autoptr(WbpsTestRun) status = NULL;
  g_autoptr(WbpsTestRun) history = NULL;
  g_autoptr(WbpsTestRun) usage = NULL;

  whoami = cli_test_run (NO_ARGS, ARGS ("whoami", "--json"), ENV (env));
  assert_json_failure (whoami, 1, "not_signed_in");
  accounts = cli_test_run (NO_ARGS, ARGS ("accounts", "--use", "nobody", "--json"), ENV (env));
  assert_json_failure (accounts, 1, "not_signed_in");
  post = cli_test_run (NO_ARGS, ARGS ("post", "/nonexistent/video.mp4", "--privacy", "SELF_ONLY", "--json"),
                       ENV (env));
  assert_json_failure (post, 1, NULL);
  status = cli_test_run (NO_ARGS, ARGS ("status", "v_pub_file~v2-1.1", "--json"), ENV (env));
  assert_json_failure (status, 1, "not_signed_in");
  g_assert_cmpint (g_mkdir_with_parents (db_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (db_path, "this is not an SQLite database, not at all", -1, NULL));
  history = cli_test_run (NO_ARGS, ARGS ("history", "--json"), ENV (env));
  g_assert_cmpint (history->status, ==, 1);
  g_assert_cmpuint (cli_test_count_lines (history->err), ==, 1);
  g_assert_nonnull (json_from_string (history->out, NULL));
  usage = cli_test_run (NO_ARGS, ARGS ("status", "--json"), ENV (env));
  g_assert_cmpint (usage->status, ==, 2);
  g_assert_nonnull (json_from_string (usage->out, NULL));
  g_assert_cmpuint (cli_test_count_lines (usage->err), >=, 1);
  g_unlink (db_path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/lifecycle", test_lifecycle);
  g_test_add_func ("/cli/accounts-switch", test_accounts_switch);
  g_test_add_func ("/cli/parallel-logins-keep-grant", test_parallel_logins_keep_grant);
  g_test_add_func ("/cli/repeat-sign-in-keeps-grant", test_repeat_sign_in_keeps_grant);
  g_test_add_func ("/cli/login-opens-browser", test_login_opens_browser);
  g_test_add_func ("/cli/logout-offline", test_logout_offline);
  g_test_add_func ("/cli/user-denies", test_user_denies);
  g_test_add_func ("/cli/non-sandbox-target", test_non_sandbox_target);
  g_test_add_func ("/cli/wrong-secret", test_wrong_secret);
  g_test_add_func ("/cli/timeout", test_timeout);
  g_test_add_func ("/cli/interrupt", test_interrupt);
  g_test_add_func ("/cli/option-beats-env", test_option_beats_env);
  g_test_add_func ("/cli/secret-never-on-argv", test_secret_never_on_argv);
  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/json-failure-also-on-stderr", test_json_failure_also_on_stderr);
  g_test_add_func ("/cli/huge-display-name-bounded", test_huge_display_name_bounded);
  g_test_add_func ("/cli/demo", test_demo);
  g_test_add_func ("/cli/demo-consent-page", test_demo_consent_page);

  return g_test_run ();
}
