/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The secret scan. A full login / whoami / accounts / logout with debug logging
 * on, with a client secret that is a fresh random string and an access token
 * short-lived enough that every call refreshes (rotating the refresh token).
 * A recording proxy between wbps and the emulator's API collects every secret
 * that actually crossed the wire (client secret, code, verifier, all access and
 * refresh tokens); the redirect gives the code and state. None of them may
 * appear in any stdout/stderr of wbps, in the emulator's output, or in any file
 * wbps wrote under the test HOME (the keyring's own files excepted). The only
 * permitted appearance is the state inside the authorize URL that
 * `login --no-browser` must print on its first line.
 */
#include <json-glib/json-glib.h>

#include "cli-test-util.h"
#include "wbps-test-server.h"

typedef struct {
  WbpsTestServer *server;
  SoupSession    *session;
  char           *upstream;
  const char     *base_url;
  GString        *wire;       /* every request and reply body/credential that passed */
  gboolean        echo;       /* answer user info and revoke itself, quoting the token back */
  gboolean        no_user;    /* answer user info "ok" but without the user object */
} Proxy;

typedef struct {
  Proxy             *proxy;
  SoupServerMessage *msg;
} Forward;

static void
on_forwarded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Forward *forward = user_data;
  SoupMessage *upstream = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (upstream), NULL);
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : "";

  g_string_append_len (forward->proxy->wire, data, size);
  g_string_append_c (forward->proxy->wire, '\n');
  soup_server_message_set_status (forward->msg, bytes != NULL ? soup_message_get_status (upstream) : 502, NULL);
  soup_server_message_set_response (forward->msg, type != NULL ? type : "application/json",
                                    SOUP_MEMORY_COPY, data, size);
  soup_server_message_unpause (forward->msg);
  g_object_unref (forward->msg);
  g_free (forward);
}

/* A misbehaving TikTok that quotes the token it got in its error message. */
static gboolean
echo_reply (Proxy             *proxy,
            SoupServerMessage *msg,
            const char        *path)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) form = NULL;
  guint status = 200;

  if (proxy->no_user && g_str_has_prefix (path, "/v2/user/info/"))
    text = g_strdup ("{\"data\":{},\"error\":{\"code\":\"ok\",\"message\":\"\",\"log_id\":\"x\"}}");
  else if (!proxy->echo)
    return FALSE;
  else if (g_str_equal (path, "/v2/oauth/revoke/"))
    {
      g_autofree char *data = g_strndup (body->data, body->length);

      form = soup_form_decode (data);
      g_string_append_printf (proxy->wire, "%s\n", data);
      text = g_strdup_printf ("{\"error\":\"invalid_request\",\"error_description\":\"Token %s is not valid.\","
                              "\"log_id\":\"202601010000002CB9319E1FB30C1073F3\"}",
                              (char *) g_hash_table_lookup (form, "token"));
    }
  else if (g_str_has_prefix (path, "/v2/user/info/") && authorization != NULL)
    {
      g_string_append_printf (proxy->wire, "Authorization: %s\n", authorization);
      text = g_strdup_printf ("{\"data\":{},\"error\":{\"code\":\"internal_error\","
                              "\"message\":\"Could not check %s.\",\"log_id\":\"x\"}}", authorization);
      status = 500;
    }
  else
    return FALSE;
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
  return TRUE;
}

static void
proxy_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Proxy *proxy = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *url = g_strdup_printf ("%s%s%s%s", proxy->upstream, path,
                                          g_uri_get_query (uri) != NULL ? "?" : "",
                                          g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "");
  g_autoptr(SoupMessage) upstream = soup_message_new (soup_server_message_get_method (msg), url);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *authorization = soup_message_headers_get_one (in, "Authorization");
  const char *type = soup_message_headers_get_one (in, "Content-Type");
  Forward *forward;

  if (echo_reply (proxy, msg, path))
    return;
  forward = g_new0 (Forward, 1);
  g_string_append_printf (proxy->wire, "%s\nAuthorization: %s\n", url, authorization != NULL ? authorization : "");
  g_string_append_len (proxy->wire, body->data, body->length);
  g_string_append_c (proxy->wire, '\n');
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (upstream), "Authorization", authorization);
  if (body->length > 0 || type != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body->data, body->length);

      soup_message_set_request_body_from_bytes (upstream, type, bytes);
    }
  forward->proxy = proxy;
  forward->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (proxy->session, upstream, G_PRIORITY_DEFAULT, NULL, on_forwarded, forward);
}

static void
proxy_start (Proxy      *proxy,
             const char *upstream)
{
  proxy->upstream = g_strdup (upstream);
  proxy->wire = g_string_new (NULL);
  proxy->session = soup_session_new ();
  proxy->server = wbps_test_server_new (WBPS_TEST_SERVER_DEFAULT, proxy_cb, proxy);
  proxy->base_url = wbps_test_server_get_url (proxy->server);
}

static void
proxy_stop (Proxy *proxy)
{
  g_clear_pointer (&proxy->server, wbps_test_server_free);
  g_clear_object (&proxy->session);
  g_string_free (proxy->wire, TRUE);
  g_free (proxy->upstream);
}

/* ---- the emulator, with its output captured -------------------------- */

typedef struct {
  GSubprocess         *process;
  char                *base_url;
  char                *data_dir;
  GMemoryOutputStream *out;
  GMemoryOutputStream *err;
  gboolean             out_done;
  gboolean             err_done;
} Emulator;

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
splice_to_memory (GInputStream         *from,
                  GMemoryOutputStream **to,
                  gboolean             *done)
{
  *to = G_MEMORY_OUTPUT_STREAM (g_memory_output_stream_new_resizable ());
  g_output_stream_splice_async (G_OUTPUT_STREAM (*to), from, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, on_spliced, done);
}

static void
emulator_start (Emulator   *emu,
                const char *config_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  emu->data_dir = wbps_test_mkdtemp ();
  config = g_build_filename (emu->data_dir, "emulator.ini", NULL);
  g_file_set_contents (config, config_text, -1, &error);
  g_assert_no_error (error);
  emu->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                   g_getenv ("WBPS_EMULATOR"), "--config", config, "--port", "0",
                                   "--data-dir", emu->data_dir, NULL);
  g_assert_no_error (error);
  cli_test_kill_on_abort (emu->process);
  splice_to_memory (g_subprocess_get_stderr_pipe (emu->process), &emu->err, &emu->err_done);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (emu->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  emu->base_url = g_strdup (line + strlen ("listening on "));
  splice_to_memory (G_INPUT_STREAM (out), &emu->out, &emu->out_done);
}

static char *
memory_text (GMemoryOutputStream *stream)
{
  gsize size = g_memory_output_stream_get_data_size (stream);

  return size > 0 ? g_strndup (g_memory_output_stream_get_data (stream), size) : g_strdup ("");
}

static char *
emulator_stop (Emulator *emu)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_send_signal (emu->process, SIGTERM);
  wbps_test_await_flag (&emu->out_done, 20);
  wbps_test_await_flag (&emu->err_done, 20);
  g_subprocess_wait (emu->process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (emu->process));
  g_assert_cmpint (g_subprocess_get_exit_status (emu->process), ==, 0);
  out = memory_text (emu->out);
  err = memory_text (emu->err);
  wbps_test_rmtree (emu->data_dir);
  g_clear_object (&emu->process);
  g_clear_object (&emu->out);
  g_clear_object (&emu->err);
  g_free (emu->base_url);
  g_free (emu->data_dir);
  return g_strconcat (out, err, NULL);
}

/* ---- collecting the secrets ------------------------------------------ */

static void
add_matches (GPtrArray  *secrets,
             const char *pattern,
             const char *text,
             gboolean    unescape)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *value = g_match_info_fetch (match, 1);
      char *secret = unescape ? g_uri_unescape_string (value, NULL) : g_strdup (value);

      if (secret != NULL && !g_ptr_array_find_with_equal_func (secrets, secret, g_str_equal, NULL))
        g_ptr_array_add (secrets, secret);
      else
        g_free (secret);
      g_match_info_next (match, NULL);
    }
}

static guint
count_matches (const char *pattern,
               const char *text)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  add_matches (found, pattern, text, TRUE);
  return found->len;
}

static void
collect_wire_secrets (GPtrArray  *secrets,
                      const char *wire)
{
  add_matches (secrets, "Bearer ([^\\s]+)", wire, FALSE);
  add_matches (secrets, "\"(?:access|refresh)_token\":\"([^\"]+)\"", wire, FALSE);
  add_matches (secrets, "(?:^|&)(?:code|code_verifier|client_secret|refresh_token|token)=([^&\\s]+)", wire, TRUE);
}

/* ---- scanning -------------------------------------------------------- */

static void
assert_clean (const char *where,
              const char *text,
              GPtrArray  *secrets)
{
  for (guint i = 0; i < secrets->len; i++)
    if (strstr (text, g_ptr_array_index (secrets, i)) != NULL)
      g_error ("secret #%u (%zu chars) found in %s", i, strlen (g_ptr_array_index (secrets, i)), where);
}

static void
scan_tree (const char *dir,
           GPtrArray  *secrets,
           guint      *files)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      /* The keyring is where the tokens belong. */
      if (g_str_equal (name, "keyrings"))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        scan_tree (path, secrets, files);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_file_get_contents (path, &contents, &length, NULL))
        {
          /* Binary files (SQLite) may hold NULs: scan each NUL-separated piece. */
          for (gsize offset = 0; offset < length; offset += strlen (contents + offset) + 1)
            assert_clean (path, contents + offset, secrets);
          (*files)++;
        }
    }
}

static WbpsTestRun *
run_wbps (Proxy              *proxy,
          const char * const *env,
          const char * const *argv,
          GString            *all_output)
{
  CliRunning *running = cli_test_spawn (argv, env);
  WbpsTestRun *run;

  if (running->first_line != NULL && g_str_has_prefix (running->first_line, "http"))
    {
      /* Play the browser by hand, to learn the code and state from the redirect. */
      g_autofree char *location = NULL;
      g_autofree char *rest = NULL;

      g_assert_cmpuint (wbps_test_http_get (running->first_line, &location, NULL), ==, 302);
      g_string_append_printf (proxy->wire, "\n%s\n", location);
      g_assert_cmpuint (cli_test_browse (location, NULL), ==, 200);
      run = cli_test_finish (running);
      /* The URL on the first line holds the state by contract; scan the rest. */
      rest = g_strdup (strchr (run->out, '\n') + 1);
      g_string_append_printf (all_output, "%s\n%s\n", rest, run->err);
      return run;
    }
  run = cli_test_finish (running);
  g_string_append_printf (all_output, "%s\n%s\n", run->out, run->err);
  return run;
}

/* One auto-approving client with @secret and one signed-in user. */
static char *
emulator_config (const char *emulator_extra,
                 const char *client_key,
                 const char *secret,
                 const char *user,
                 const char *display_name)
{
  return g_strdup_printf ("[emulator]\n"
                          "auto-approve=true\n"
                          "%s"
                          "signed-in-user=%s\n"
                          "[client:%s]\n"
                          "secret=%s\n"
                          "redirect-uris=http://127.0.0.1:*/callback/\n"
                          "scopes=user.info.basic,user.info.profile,video.publish,video.upload\n"
                          "[user:%s]\n"
                          "display-name=%s\n",
                          emulator_extra, user, client_key, secret, user, display_name);
}

static void
test_no_secret_leaks (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *secret = g_strconcat ("scan-", uuid, NULL);
  g_autofree char *config = emulator_config ("access-lifetime=60\n", "scan-client", secret,
                                             "scanned", "Scanned Creator");
  g_autoptr(GString) output = g_string_new (NULL);
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *emulator_output = NULL;
  g_autofree char *auth_env = NULL;
  g_autofree char *api_env = NULL;
  g_autofree char *secret_env = g_strconcat ("WBPS_CLIENT_SECRET=", secret, NULL);
  const char *verbs[][3] = {
    { "login", "--no-browser", NULL }, { "whoami", NULL }, { "whoami", "--json", NULL },
    { "accounts", NULL }, { "whoami", NULL }, { "logout", NULL },
  };
  Emulator emu = { 0 };
  Proxy proxy = { 0 };
  guint files = 0;

  emulator_start (&emu, config);
  proxy_start (&proxy, emu.base_url);
  auth_env = g_strdup_printf ("WBPS_AUTH_URL=%s/v2/auth/authorize/", emu.base_url);
  api_env = g_strdup_printf ("WBPS_API_URL=%s", proxy.base_url);
  {
    const char *env[] = { auth_env, api_env, "WBPS_CLIENT_KEY=scan-client", secret_env,
                          "G_MESSAGES_DEBUG=all", NULL };

    for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
      {
        g_autoptr(WbpsTestRun) run = run_wbps (&proxy, env, (const char * const *) verbs[i], output);

        g_assert_cmpint (run->status, ==, 0);
      }
  }
  emulator_output = emulator_stop (&emu);

  /* What crossed the wire: the test must have seen every kind of secret. */
  g_ptr_array_add (secrets, g_strdup (secret));
  collect_wire_secrets (secrets, proxy.wire->str);
  g_assert_cmpuint (count_matches ("(?:^|&)code_verifier=([^&\\s]+)", proxy.wire->str), ==, 1);
  g_assert_cmpuint (count_matches ("[?&]code=([^&\\s]+)", proxy.wire->str), >=, 1);
  g_assert_cmpuint (count_matches ("\"refresh_token\":\"([^\"]+)\"", proxy.wire->str), >=, 2);
  g_assert_cmpuint (count_matches ("\"access_token\":\"([^\"]+)\"", proxy.wire->str), >=, 2);
  add_matches (secrets, "[?&]code=([^&\\s]+)", proxy.wire->str, TRUE);
  add_matches (secrets, "[?&]state=([^&\\s]+)", proxy.wire->str, TRUE);
  for (guint i = 0; i < secrets->len; i++)
    g_assert_cmpuint (strlen (g_ptr_array_index (secrets, i)), >=, 16);

  /* The debug logs did run (the scan is not of an empty text). */
  g_assert_nonnull (strstr (output->str, "DEBUG"));
  assert_clean ("wbps stdout/stderr", output->str, secrets);
  assert_clean ("emulator output", emulator_output, secrets);
  scan_tree (g_get_home_dir (), secrets, &files);
  g_test_message ("%u secrets checked in %zu bytes of output and %u files", secrets->len, output->len, files);
  proxy_stop (&proxy);
}

/*
 * Whatever TikTok writes in an error is shown to the user: never a secret it quotes.
 * And a reply without the object asked for is no reason to crash or warn.
 */
static void
test_echoed_secrets_redacted (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *secret = g_strconcat ("echo-", uuid, NULL);
  g_autofree char *config = emulator_config ("", "echo-client", secret, "echoed", "Echoed Creator");
  g_autoptr(GString) output = g_string_new (NULL);
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *auth_env = NULL;
  g_autofree char *api_env = NULL;
  g_autofree char *secret_env = g_strconcat ("WBPS_CLIENT_SECRET=", secret, NULL);
  const char *login[] = { "login", "--no-browser", NULL };
  const char *whoami[] = { "whoami", NULL };
  const char *logout[] = { "logout", NULL };
  g_autoptr(WbpsTestRun) run = NULL;
  g_autofree char *emulator_output = NULL;
  Emulator emu = { 0 };
  Proxy proxy = { 0 };

  emulator_start (&emu, config);
  proxy_start (&proxy, emu.base_url);
  auth_env = g_strdup_printf ("WBPS_AUTH_URL=%s/v2/auth/authorize/", emu.base_url);
  api_env = g_strdup_printf ("WBPS_API_URL=%s", proxy.base_url);
  {
    const char *env[] = { auth_env, api_env, "WBPS_CLIENT_KEY=echo-client", secret_env, NULL };
    g_autoptr(GString) login_output = g_string_new (NULL);

    run = run_wbps (&proxy, env, login, login_output);
    g_assert_cmpstr (run->err, ==, "");
    g_assert_cmpint (run->status, ==, 0);
    g_clear_pointer (&run, wbps_test_run_free);
    proxy.echo = TRUE;
    run = run_wbps (&proxy, env, whoami, output);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->err, "Could not check"));
    g_clear_pointer (&run, wbps_test_run_free);
    run = run_wbps (&proxy, env, logout, output);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "on this computer only"));
    g_assert_nonnull (strstr (run->out, "is not valid"));
    g_clear_pointer (&run, wbps_test_run_free);

    /* A reply of an unexpected shape: the saved profile, and no critical on stderr. */
    proxy.echo = FALSE;
    run = run_wbps (&proxy, env, login, login_output);
    g_assert_cmpstr (run->err, ==, "");
    g_assert_cmpint (run->status, ==, 0);
    g_clear_pointer (&run, wbps_test_run_free);
    proxy.no_user = TRUE;
    run = run_wbps (&proxy, env, whoami, output);
    g_assert_cmpstr (run->err, ==, "");
    g_assert_cmpstr (run->out, ==, "Echoed Creator (echoed)\n");
    g_assert_cmpint (run->status, ==, 0);
    g_clear_pointer (&run, wbps_test_run_free);
    proxy.no_user = FALSE;
    run = run_wbps (&proxy, env, logout, output);
    g_assert_cmpint (run->status, ==, 0);
  }
  emulator_output = emulator_stop (&emu);

  collect_wire_secrets (secrets, proxy.wire->str);
  g_assert_cmpuint (secrets->len, >=, 1);
  assert_clean ("wbps stdout/stderr", output->str, secrets);
  proxy_stop (&proxy);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/no-secret-leaks", test_no_secret_leaks);
  g_test_add_func ("/cli/echoed-secrets-redacted", test_echoed_secrets_redacted);

  return g_test_run ();
}
