/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-test-util.h"

#include <signal.h>
#include <stdlib.h>

#define STEP_TIMEOUT_SEC 40
#define MAX_EMULATORS    16

static volatile pid_t emulator_pids[MAX_EMULATORS];

static void
kill_emulators_and_die (int signum)
{
  for (guint i = 0; i < MAX_EMULATORS; i++)
    if (emulator_pids[i] > 0)
      kill (emulator_pids[i], SIGKILL);
  signal (signum, SIG_DFL);
  raise (signum);
}

void
cli_test_kill_on_abort (GSubprocess *process)
{
  const char *id = g_subprocess_get_identifier (process);

  signal (SIGABRT, kill_emulators_and_die);
  signal (SIGTRAP, kill_emulators_and_die);
  for (guint i = 0; id != NULL && i < MAX_EMULATORS; i++)
    if (emulator_pids[i] <= 0 || kill (emulator_pids[i], 0) != 0)
      {
        emulator_pids[i] = atoi (id);
        break;
      }
}

WbpsTestEmulator *
cli_test_emulator_start (const char *config_ini)
{
  WbpsTestEmulator *emu = wbps_test_emulator_start (config_ini);

  cli_test_kill_on_abort (emu->process);
  return emu;
}

GStrv
cli_test_env (WbpsTestEmulator   *emu,
              const char         *client_key,
              const char         *secret,
              const char * const *extra)
{
  GPtrArray *env = g_ptr_array_new ();

  if (emu != NULL)
    {
      g_ptr_array_add (env, g_strdup_printf ("WBPS_AUTH_URL=%s/v2/auth/authorize/", emu->base_url));
      g_ptr_array_add (env, g_strdup_printf ("WBPS_API_URL=%s", emu->base_url));
    }
  if (client_key != NULL)
    g_ptr_array_add (env, g_strdup_printf ("WBPS_CLIENT_KEY=%s", client_key));
  if (secret != NULL)
    g_ptr_array_add (env, g_strdup_printf ("WBPS_CLIENT_SECRET=%s", secret));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (env, g_strdup (extra[i]));
  g_ptr_array_add (env, NULL);
  return (GStrv) g_ptr_array_free (env, FALSE);
}

/* Both pipes' splices end here, each setting the flag it was given. */
static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

typedef struct {
  gboolean  done;
  char     *line;
} LineWait;

static void
on_first_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LineWait *wait = user_data;

  wait->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  wait->done = TRUE;
}

CliRunning *
cli_test_spawn (const char * const *argv,
                const char * const *envp)
{
  g_autoptr(GError) error = NULL;
  CliRunning *running = g_new0 (CliRunning, 1);
  LineWait wait = { 0 };

  running->process = wbps_test_spawn_wbps (argv, envp, &error);
  g_assert_no_error (error);
  /* Drain stderr from the start so a chatty wbps never blocks on a full pipe. */
  running->err = G_MEMORY_OUTPUT_STREAM (g_memory_output_stream_new_resizable ());
  g_output_stream_splice_async (G_OUTPUT_STREAM (running->err),
                                g_subprocess_get_stderr_pipe (running->process),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, G_PRIORITY_DEFAULT, NULL,
                                on_spliced, &running->err_done);
  running->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (running->process));
  g_data_input_stream_read_line_async (running->out, G_PRIORITY_DEFAULT, NULL, on_first_line, &wait);
  wbps_test_await_flag (&wait.done, STEP_TIMEOUT_SEC);
  running->first_line = wait.line;
  return running;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  CliRunning *running = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  running->exited = TRUE;
}

static char *
steal_text (GMemoryOutputStream *stream)
{
  gsize size = g_memory_output_stream_get_data_size (stream);
  const char *data = g_memory_output_stream_get_data (stream);

  return size > 0 ? g_strndup (data, size) : g_strdup ("");
}

WbpsTestRun *
cli_test_finish (CliRunning *running)
{
  WbpsTestRun *run = g_new0 (WbpsTestRun, 1);
  g_autofree char *rest = NULL;

  running->rest = G_MEMORY_OUTPUT_STREAM (g_memory_output_stream_new_resizable ());
  g_output_stream_splice_async (G_OUTPUT_STREAM (running->rest), G_INPUT_STREAM (running->out),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, G_PRIORITY_DEFAULT, NULL,
                                on_spliced, &running->rest_done);
  g_subprocess_wait_async (running->process, NULL, on_exited, running);
  wbps_test_await_flag (&running->exited, STEP_TIMEOUT_SEC);
  wbps_test_await_flag (&running->rest_done, STEP_TIMEOUT_SEC);
  wbps_test_await_flag (&running->err_done, STEP_TIMEOUT_SEC);

  rest = steal_text (running->rest);
  run->out = running->first_line != NULL ? g_strconcat (running->first_line, "\n", rest, NULL)
                                         : g_strdup (rest);
  run->err = steal_text (running->err);
  run->status = g_subprocess_get_if_exited (running->process)
                ? g_subprocess_get_exit_status (running->process)
                : 128 + g_subprocess_get_term_sig (running->process);

  g_object_unref (running->process);
  g_object_unref (running->out);
  g_object_unref (running->err);
  g_object_unref (running->rest);
  g_free (running->first_line);
  g_free (running);
  return run;
}

guint
cli_test_browse (const char  *url,
                 char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", STEP_TIMEOUT_SEC, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return soup_message_get_status (msg);
}

guint
cli_test_post_form (const char *url,
                    const char *form)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", STEP_TIMEOUT_SEC, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (form, strlen (form));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", request);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

static GPtrArray *
join_args (const char * const *global_args,
           const char * const *verb_args)
{
  GPtrArray *argv = g_ptr_array_new ();

  for (guint i = 0; global_args != NULL && global_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) global_args[i]);
  for (guint i = 0; verb_args != NULL && verb_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) verb_args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

WbpsTestRun *
cli_test_login (const char * const *global_args,
                const char * const *envp)
{
  const char *verb[] = { "login", "--no-browser", "--timeout", "30", NULL };
  g_autoptr(GPtrArray) argv = join_args (global_args, verb);
  CliRunning *running = cli_test_spawn ((const char * const *) argv->pdata, envp);

  g_assert_nonnull (running->first_line);
  g_assert_true (g_str_has_prefix (running->first_line, "http://127.0.0.1:"));
  /* The loopback server answers the redirect with its small success page. */
  g_assert_cmpuint (cli_test_browse (running->first_line, NULL), ==, 200);
  return cli_test_finish (running);
}

WbpsTestRun *
cli_test_run (const char * const *global_args,
              const char * const *verb_args,
              const char * const *envp)
{
  g_autoptr(GPtrArray) argv = join_args (global_args, verb_args);

  return wbps_test_run_wbps ((const char * const *) argv->pdata, envp, NULL);
}

guint
cli_test_count_lines (const char *text)
{
  guint lines = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (*p == '\n' || p[1] == '\0')
      lines++;
  return lines;
}
