/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One sign-in as a person does it: `wbps login --no-browser` prints the URL, a
 * real headless Chromium (driven through chromedriver's WebDriver HTTP API)
 * opens it, the emulator's consent page is shown and its Authorize button is
 * clicked, the browser follows the redirect into wbps's loopback server.
 */
#include <json-glib/json-glib.h>

#include "cli-test-util.h"

#define CHROMIUM     "/usr/bin/chromium"
#define CHROMEDRIVER "/usr/bin/chromedriver"
/* W3C WebDriver's key for an element reference. */
#define ELEMENT_KEY  "element-6066-11e4-a52e-4f735466cecf"

static const char consent_world[] =
  "[emulator]\n"
  "signed-in-user=alice\n"
  "[client:browser-test]\n"
  "secret=browser-test-secret\n"
  "redirect-uris=http://127.0.0.1:*/callback/\n"
  "scopes=user.info.basic,user.info.profile,video.publish,video.upload\n"
  "[user:alice]\n"
  "display-name=Alice Example\n"
  "username=alice\n";

typedef struct {
  GSubprocess *driver;
  SoupSession *http;
  char        *base;        /* http://127.0.0.1:PORT */
  char        *session_id;
  char        *profile_dir;
} WebDriver;

/* One WebDriver command; returns the reply's "value" (or NULL on transport failure). */
static JsonNode *
webdriver (WebDriver  *wd,
           const char *method,
           const char *path,
           const char *body,
           guint      *status)
{
  g_autofree char *url = g_strconcat (wd->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *value;

  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  reply = soup_session_send_and_read (wd->http, msg, NULL, NULL);
  if (status != NULL)
    *status = soup_message_get_status (msg);
  if (reply == NULL)
    return NULL;
  root = json_from_string (g_bytes_get_data (reply, NULL), NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  value = json_object_get_member (json_node_get_object (root), "value");
  return value != NULL ? json_node_copy (value) : NULL;
}

static gboolean
driver_ready (gpointer data)
{
  WebDriver *wd = data;
  g_autoptr(JsonNode) value = webdriver (wd, "GET", "/status", NULL, NULL);

  return value != NULL && JSON_NODE_HOLDS_OBJECT (value) &&
         json_object_get_boolean_member_with_default (json_node_get_object (value), "ready", FALSE);
}

/* The port chromedriver --port=0 chose, from its "started successfully on port N." line. */
static guint
read_driver_port (GSubprocess *driver)
{
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (driver));
  const char *marker = "started successfully on port ";
  char *line;

  /* The pipe stays open after this reader goes: a closed one would kill chromedriver at its next line. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (out), FALSE);
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)) != NULL)
    {
      g_autofree char *owned = line;
      const char *at = strstr (owned, marker);

      if (at != NULL)
        return (guint) g_ascii_strtoull (at + strlen (marker), NULL, 10);
    }
  g_error ("chromedriver exited without saying its port");
}

static void
start_driver (WebDriver *wd)
{
  g_autoptr(GError) error = NULL;
  guint port;

  /* Port 0: chromedriver binds a free port itself and names it (no reserve-then-release race). */
  wd->http = soup_session_new_with_options ("timeout", 60, NULL);
  wd->driver = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                 &error, CHROMEDRIVER, "--port=0", NULL);
  g_assert_no_error (error);
  cli_test_kill_on_abort (wd->driver);
  port = read_driver_port (wd->driver);
  g_assert_cmpuint (port, >, 0);
  wd->base = g_strdup_printf ("http://127.0.0.1:%u", port);
  wbps_test_await_until (driver_ready, wd, 20, "chromedriver to say it is ready");
}

static void
new_session (WebDriver *wd)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) value = NULL;
  guint status = 0;

  wd->profile_dir = wbps_test_mkdtemp ();
  body = g_strdup_printf ("{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
                          "\"goog:chromeOptions\":{\"binary\":\"" CHROMIUM "\",\"args\":["
                          "\"--headless\",\"--no-sandbox\",\"--disable-gpu\",\"--disable-quic\","
                          "\"--no-first-run\",\"--disable-background-networking\","
                          "\"--disable-component-update\",\"--disable-sync\","
                          "\"--user-data-dir=%s\"]}}}}", wd->profile_dir);
  value = webdriver (wd, "POST", "/session", body, &status);
  g_assert_cmpuint (status, ==, 200);
  wd->session_id = g_strdup (json_object_get_string_member (json_node_get_object (value), "sessionId"));
  g_assert_nonnull (wd->session_id);
}

static void
stop_driver (WebDriver *wd)
{
  if (wd->session_id != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/session/%s", wd->session_id);
      g_autoptr(JsonNode) value = webdriver (wd, "DELETE", path, NULL, NULL);
    }
  if (wd->driver != NULL)
    {
      g_subprocess_force_exit (wd->driver);
      g_subprocess_wait (wd->driver, NULL, NULL);
    }
  if (wd->profile_dir != NULL)
    wbps_test_rmtree (wd->profile_dir);
  g_clear_object (&wd->driver);
  g_clear_object (&wd->http);
  g_free (wd->base);
  g_free (wd->session_id);
  g_free (wd->profile_dir);
}

static void
navigate (WebDriver  *wd,
          const char *url)
{
  g_autofree char *path = g_strdup_printf ("/session/%s/url", wd->session_id);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) value = NULL;
  guint status = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);
  value = webdriver (wd, "POST", path, text, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
click (WebDriver  *wd,
       const char *css)
{
  g_autofree char *find_path = g_strdup_printf ("/session/%s/element", wd->session_id);
  g_autofree char *find_body = g_strdup_printf ("{\"using\":\"css selector\",\"value\":\"%s\"}", css);
  g_autoptr(JsonNode) element = webdriver (wd, "POST", find_path, find_body, NULL);
  g_autofree char *click_path = NULL;
  g_autoptr(JsonNode) clicked = NULL;
  guint status = 0;

  g_assert_nonnull (element);
  g_assert_true (json_object_has_member (json_node_get_object (element), ELEMENT_KEY));
  click_path = g_strdup_printf ("/session/%s/element/%s/click", wd->session_id,
                                json_object_get_string_member (json_node_get_object (element), ELEMENT_KEY));
  clicked = webdriver (wd, "POST", click_path, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_chromium_login (void)
{
  g_autoptr(WbpsTestEmulator) emu = NULL;
  g_auto(GStrv) env = NULL;
  g_autoptr(WbpsTestRun) run = NULL;
  g_autofree char *last = NULL;
  WebDriver wd = { 0 };
  CliRunning *running;

  if (!g_file_test (CHROMIUM, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (CHROMEDRIVER, G_FILE_TEST_IS_EXECUTABLE))
    {
      wbps_test_skip_missing ("Chromium or chromedriver is not installed");
      return;
    }

  emu = cli_test_emulator_start (consent_world);
  env = cli_test_env (emu, "browser-test", "browser-test-secret", NULL);
  running = cli_test_spawn ((const char * const[]) { "login", "--no-browser", "--timeout", "60", NULL },
                            (const char * const *) env);
  g_assert_nonnull (running->first_line);

  start_driver (&wd);
  new_session (&wd);
  navigate (&wd, running->first_line);
  click (&wd, "#authorize");
  run = cli_test_finish (running);
  stop_driver (&wd);

  last = wbps_test_last_line (run->out);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (last, ==, "Signed in as Alice Example (alice)");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/chromium-login", test_chromium_login);

  return g_test_run ();
}
