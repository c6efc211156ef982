/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "relay-test-util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "wbps-test-util.h"

static const char *
wbps_path (void)
{
  const char *env = g_getenv ("WBPS_EXE");

  return env != NULL ? env : WBPS_EXE_PATH;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
read_listening_url (GSubprocess *process)
{
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  return g_strdup (line + strlen ("listening on "));
}

RelayProcess *
relay_start (const char         *dir,
             const char         *api_url,
             const char         *secrets_env,
             guint               port,
             const char * const *extra_args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  RelayProcess *relay = g_new0 (RelayProcess, 1);

  relay->dir = g_strdup (dir);
  relay->database = g_build_filename (dir, "relay.db", NULL);
  relay->log_path = g_build_filename (dir, "relay.log", NULL);
  g_ptr_array_add (argv, g_strdup (wbps_path ()));
  if (api_url != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--api-url"));
      g_ptr_array_add (argv, g_strdup (api_url));
    }
  g_ptr_array_add (argv, g_strdup ("relay"));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", port));
  g_ptr_array_add (argv, g_strdup ("--database"));
  g_ptr_array_add (argv, g_strdup (relay->database));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, NULL);

  if (secrets_env != NULL)
    g_subprocess_launcher_setenv (launcher, "WBPS_CLIENT_SECRET", secrets_env, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "WBPS_CLIENT_SECRET");
  /* Appended: a restarted relay keeps the earlier lines. */
  g_subprocess_launcher_set_stderr_file_path (launcher, NULL);
  g_subprocess_launcher_take_stderr_fd (launcher, open (relay->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600));
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  relay->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  relay->url = read_listening_url (relay->process);
  return relay;
}

guint
relay_port (RelayProcess *relay)
{
  g_autoptr(GUri) uri = g_uri_parse (relay->url, G_URI_FLAGS_NONE, NULL);

  return g_uri_get_port (uri);
}

void
relay_stop (RelayProcess *relay)
{
  if (relay->process == NULL)
    return;
  g_subprocess_send_signal (relay->process, SIGTERM);
  wbps_test_await_exit (relay->process, TEST_WAIT_SECONDS, "SIGTERM to wbps relay");
  g_assert_true (g_subprocess_get_if_exited (relay->process));
  g_assert_cmpint (g_subprocess_get_exit_status (relay->process), ==, 0);
  g_clear_object (&relay->process);
}

void
relay_kill (RelayProcess *relay)
{
  g_subprocess_send_signal (relay->process, SIGKILL);
  wbps_test_await_exit (relay->process, TEST_WAIT_SECONDS, "SIGKILL to wbps relay");
  g_assert_true (g_subprocess_get_if_signaled (relay->process));
  g_clear_object (&relay->process);
}

void
relay_free (RelayProcess *relay)
{
  if (relay == NULL)
    return;
  if (relay->process != NULL)
    {
      g_subprocess_force_exit (relay->process);
      g_subprocess_wait (relay->process, NULL, NULL);
      g_object_unref (relay->process);
    }
  g_free (relay->url);
  g_free (relay->dir);
  g_free (relay->database);
  g_free (relay->log_path);
  g_free (relay);
}

char *
relay_read_log (RelayProcess *relay)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (relay->log_path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

char *
test_sign (const char *secret,
           gint64      timestamp,
           const char *body,
           gsize       len)
{
  g_autofree char *payload_head = g_strdup_printf ("%" G_GINT64_FORMAT ".", timestamp);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));

  g_hmac_update (hmac, (const guchar *) payload_head, strlen (payload_head));
  g_hmac_update (hmac, (const guchar *) body, len);
  return g_strdup_printf ("t=%" G_GINT64_FORMAT ",s=%s", timestamp, g_hmac_get_string (hmac));
}

char *
test_envelope (const char *event,
               const char *open_id,
               const char *content_json)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "client_key");
  json_builder_add_string_value (builder, "wbps-demo");
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  json_builder_set_member_name (builder, "create_time");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  if (open_id != NULL)
    {
      json_builder_set_member_name (builder, "user_openid");
      json_builder_add_string_value (builder, open_id);
    }
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content_json);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

guint
test_post_webhook (SoupSession *session,
                   const char  *url,
                   const char  *body,
                   gsize        len,
                   const char  *signature_header)
{
  g_autofree char *target = g_strconcat (url, "/webhook", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, target);
  g_autoptr(GBytes) bytes = g_bytes_new (body, len);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  if (signature_header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "TikTok-Signature", signature_header);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

guint
test_deliver (SoupSession *session,
              const char  *url,
              const char  *secret,
              const char  *body)
{
  g_autofree char *signature = test_sign (secret, g_get_real_time () / G_USEC_PER_SEC, body, strlen (body));

  return test_post_webhook (session, url, body, strlen (body), signature);
}

gint64
test_count_events (const char *database)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM events", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

gint64
test_metric (SoupSession *session,
             const char  *url,
             const char  *name)
{
  g_autofree char *target = g_strconcat (url, "/metrics", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, target);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], name) && lines[i][strlen (name)] == ' ')
      return g_ascii_strtoll (lines[i] + strlen (name) + 1, NULL, 10);
  g_error ("metric %s not found in:\n%s", name, text);
  return -1;
}

typedef struct {
  SoupSession *session;
  const char  *url;
  const char  *name;
  gint64       value;
} MetricWait;

static gboolean
metric_reads (gpointer data)
{
  MetricWait *wait = data;

  return test_metric (wait->session, wait->url, wait->name) == wait->value;
}

void
test_wait_metric (SoupSession *session,
                  const char  *url,
                  const char  *name,
                  gint64       value)
{
  MetricWait wait = { session, url, name, value };
  g_autofree char *what = g_strdup_printf ("%s to read %" G_GINT64_FORMAT, name, value);

  wbps_test_await_until (metric_reads, &wait, TEST_WAIT_SECONDS, what);
}

SoupSession *
test_session_new (void)
{
  /* Open event streams hold connections: leave room for the requests beside them. */
  return soup_session_new_with_options ("timeout", 20, "max-conns", 64, "max-conns-per-host", 32, NULL);
}

void
relay_bed_set_up (RelayBed           *bed,
                  WbpsTestEmulator   *emu,
                  const char         *secrets_env,
                  const char * const *extra_args)
{
  bed->dir = wbps_test_mkdtemp ();
  bed->session = test_session_new ();
  bed->emu = emu;
  bed->relay = relay_start (bed->dir, emu->base_url, secrets_env, 0, extra_args);
}

void
relay_bed_tear_down (RelayBed *bed)
{
  relay_stop (bed->relay);
  relay_free (bed->relay);
  wbps_test_emulator_stop (bed->emu);
  g_object_unref (bed->session);
  wbps_test_rmtree (bed->dir);
  g_free (bed->dir);
}
