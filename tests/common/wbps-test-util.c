/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-test-util.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

void
wbps_test_run_free (WbpsTestRun *run)
{
  if (run == NULL)
    return;
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

static const char *
wbps_path (void)
{
  const char *env = g_getenv ("WBPS_EXE");

  return env != NULL ? env : WBPS_EXE_PATH;
}

static GSubprocessLauncher *
make_launcher (const char * const *envp,
               GSubprocessFlags    flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (envp[i], "=", 2);

      if (kv[1] == NULL)
        g_subprocess_launcher_unsetenv (launcher, kv[0]);
      else
        g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  return launcher;
}

static GPtrArray *
full_argv (const char * const *argv)
{
  GPtrArray *full = g_ptr_array_new ();

  g_ptr_array_add (full, (char *) wbps_path ());
  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    g_ptr_array_add (full, (char *) argv[i]);
  g_ptr_array_add (full, NULL);
  return full;
}

GSubprocess *
wbps_test_spawn_wbps (const char * const *argv,
                      const char * const *envp,
                      GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    make_launcher (envp, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                         G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GPtrArray) full = full_argv (argv);

  return g_subprocess_launcher_spawnv (launcher, (const char * const *) full->pdata, error);
}

WbpsTestRun *
wbps_test_run_wbps (const char * const *argv,
                    const char * const *envp,
                    const char         *stdin_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = wbps_test_spawn_wbps (argv, envp, &error);
  WbpsTestRun *run = g_new0 (WbpsTestRun, 1);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  /* A signal shows as 128 + its number, as a shell reports it: never mistaken for an exit code. */
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                     : 128 + g_subprocess_get_term_sig (process);
  return run;
}

char *
wbps_test_last_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (int i = (int) g_strv_length (lines) - 1; i >= 0; i--)
    if (*g_strstrip (lines[i]) != '\0')
      return g_strdup (lines[i]);
  return g_strdup ("");
}

char *
wbps_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("wbps-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
wbps_test_rmtree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        wbps_test_rmtree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

guint
wbps_test_http_get (const char  *url,
                    char       **location,
                    char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (location != NULL)
    *location = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"));
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

void
wbps_test_skip_missing (const char *why)
{
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    {
      g_test_message ("%s (CI=true: a missing tool is a failure)", why);
      g_test_fail ();
      return;
    }
  g_test_skip (why);
}

void
wbps_test_store_result (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
await_timed_out (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Wakes the loop so a condition no source signals (a file, another process) is seen. */
static gboolean
await_poll (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
wbps_test_await_until (WbpsTestDoneFunc done,
                       gpointer         data,
                       guint            seconds,
                       const char      *what)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (seconds, await_timed_out, &timed_out);
  guint poll_id = g_timeout_add (WBPS_TEST_POLL_MS, await_poll, NULL);
  gboolean met;

  /* @done is called once a check: a condition may take what it found (see wbps-test-posting). */
  while (!(met = done (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!met)
    g_error ("Still waiting for %s after %u s", what, seconds);
  g_source_remove (poll_id);
  g_source_remove (timeout_id);
}

static gboolean
slot_filled (gpointer slot)
{
  return *(GAsyncResult * const *) slot != NULL;
}

GAsyncResult *
wbps_test_await (GAsyncResult **slot,
                 guint          seconds)
{
  wbps_test_await_until (slot_filled, slot, seconds, "an asynchronous result");
  return *slot;
}

static gboolean
flag_set (gpointer flag)
{
  return *(const gboolean *) flag;
}

void
wbps_test_await_flag (const gboolean *flag,
                      guint           seconds)
{
  wbps_test_await_until (flag_set, (gpointer) flag, seconds, "a callback");
}

static gboolean
count_reached (gpointer data)
{
  const guint * const *count_and_target = data;

  return *count_and_target[0] >= *count_and_target[1];
}

void
wbps_test_await_count (const guint *count,
                       guint        target,
                       guint        seconds,
                       const char  *what)
{
  const guint *count_and_target[] = { count, &target };

  wbps_test_await_until (count_reached, (gpointer) count_and_target, seconds, what);
}

static void
set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
}

void
wbps_test_iterate_for (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add_once (ms, set_flag, &elapsed);
  wbps_test_await_flag (&elapsed, ms / 1000 + 10);
}

static void
exited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

void
wbps_test_communicate (GSubprocess  *process,
                       guint         seconds,
                       char        **out,
                       char        **err)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_async (process, NULL, NULL, wbps_test_store_result, &result);
  g_subprocess_communicate_utf8_finish (process, wbps_test_await (&result, seconds), out, err, &error);
  g_assert_no_error (error);
}

/* In a private main context, so it works from any test whatever loop it runs. */
void
wbps_test_await_exit (GSubprocess *process,
                      guint        seconds,
                      const char  *what)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (seconds);
  gboolean exited = FALSE, timed_out = FALSE;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, NULL, exited_cb, &exited);
  g_source_set_callback (timeout, await_timed_out, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!exited && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  if (!exited)
    {
      /* Not left running after the test: killed and reaped before failing. */
      g_subprocess_force_exit (process);
      while (!exited)
        g_main_context_iteration (context, TRUE);
      g_error ("Still running %u s after %s", seconds, what);
    }
  g_main_context_pop_thread_default (context);
}

void
wbps_test_count_notify (GObject    *object,
                        GParamSpec *pspec,
                        guint      *counter)
{
  (*counter)++;
}

void
wbps_test_record_notify (GObject    *object,
                         GParamSpec *pspec,
                         GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

char *
wbps_test_sha256_file (const char *path)
{
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);

  if (map == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) g_mapped_file_get_contents (map),
                                      g_mapped_file_get_length (map));
}
