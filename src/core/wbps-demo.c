/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "wbps-demo.h"
#include "wbps-error.h"
#include "wbps-timeout.h"

#define EMULATOR_NAME     "wbps-emulator"
#define READY_PREFIX      "listening on "
#define START_TIMEOUT_SEC 30
#define STOP_TIMEOUT_MSEC 3000

struct _WbpsDemo
{
  GObject       parent_instance;

  GSubprocess  *process;
  GCancellable *io_cancellable;  /* the readers of the emulator's output */
  char         *data_dir;
  char         *base_url;
};

G_DEFINE_FINAL_TYPE (WbpsDemo, wbps_demo, G_TYPE_OBJECT)

static void
wbps_demo_finalize (GObject *object)
{
  WbpsDemo *self = WBPS_DEMO (object);

  wbps_demo_stop (self);
  g_clear_object (&self->io_cancellable);
  g_free (self->data_dir);
  g_free (self->base_url);
  G_OBJECT_CLASS (wbps_demo_parent_class)->finalize (object);
}

static void
wbps_demo_class_init (WbpsDemoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_demo_finalize;
}

static void
wbps_demo_init (WbpsDemo *self)
{
  self->io_cancellable = g_cancellable_new ();
  self->data_dir = g_build_filename (g_get_user_data_dir (), "wbps", "demo-emulator", NULL);
}

WbpsDemo *
wbps_demo_new (void)
{
  return g_object_new (WBPS_TYPE_DEMO, NULL);
}

const char *
wbps_demo_get_base_url (WbpsDemo *self)
{
  g_return_val_if_fail (WBPS_IS_DEMO (self), NULL);

  return self->base_url;
}

const char *
wbps_demo_get_data_dir (WbpsDemo *self)
{
  g_return_val_if_fail (WBPS_IS_DEMO (self), NULL);

  return self->data_dir;
}

/* ---- finding the emulator -------------------------------------------- */

static char *
executable_or_null (char *path)
{
  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) &&
      !g_file_test (path, G_FILE_TEST_IS_DIR))
    return path;
  g_free (path);
  return NULL;
}

/* Beside the running wbps: the same directory (installed) or ../emulator/ (build tree). */
static char *
find_beside_self (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  char *found;

  if (self_path == NULL)
    return NULL;
  dir = g_path_get_dirname (self_path);
  found = executable_or_null (g_build_filename (dir, EMULATOR_NAME, NULL));
  if (found == NULL)
    found = executable_or_null (g_build_filename (dir, "..", "emulator", EMULATOR_NAME, NULL));
  return found;
}

char *
wbps_demo_find_emulator (void)
{
  const char *env = g_getenv ("WBPS_EMULATOR");
  char *found = NULL;

  if (env != NULL && *env != '\0')
    return executable_or_null (g_strdup (env));
  if ((found = find_beside_self ()) != NULL ||
      (found = executable_or_null (g_build_filename (WBPS_LIBEXECDIR, EMULATOR_NAME, NULL))) != NULL ||
      (found = executable_or_null (g_build_filename (WBPS_BINDIR, EMULATOR_NAME, NULL))) != NULL)
    return found;
  return g_find_program_in_path (EMULATOR_NAME);
}

/* ---- the emulator's configuration ------------------------------------ */

/* Only the [emulator] group: the emulator fills in its own demo world (clients, users). */
static char *
demo_config_text (gboolean auto_approve)
{
  return g_strdup_printf ("# Written by wbps --demo at every start; edits are lost.\n"
                          "[emulator]\n"
                          "persist=true\n"
                          "auto-approve=%s\n",
                          auto_approve ? "true" : "false");
}

static void
write_config_in_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  WbpsDemo *self = source_object;
  gboolean auto_approve = g_strcmp0 (g_getenv ("WBPS_DEMO_AUTO_APPROVE"), "1") == 0;
  g_autofree char *path = g_build_filename (self->data_dir, "emulator.ini", NULL);
  g_autofree char *text = demo_config_text (auto_approve);
  GError *error = NULL;

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not create the demo directory %s: %s"),
                               self->data_dir, g_strerror (saved_errno));
      return;
    }
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

/* ---- starting -------------------------------------------------------- */

typedef struct {
  GDataInputStream *out;
  GCancellable     *deadline;  /* cancelled once the start is decided */
} Start;

static void
start_free (Start *start)
{
  g_clear_object (&start->out);
  g_cancellable_cancel (start->deadline);
  g_clear_object (&start->deadline);
  g_free (start);
}

/* Dies with wbps even if wbps is killed, so no orphan keeps the port. */
static void
child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static void on_output_line (GObject *source, GAsyncResult *result, gpointer user_data);

/* Keeps draining a pipe into the debug log so the emulator never blocks on it. */
static void
drain_lines (GDataInputStream *stream,
             GCancellable     *cancellable)
{
  g_data_input_stream_read_line_async (stream, G_PRIORITY_LOW, cancellable,
                                       on_output_line, g_object_ref (cancellable));
}

/* Holds the cancellable, not the demo: a line read just before the demo died may come late. */
static void
on_output_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GCancellable) cancellable = user_data;
  GDataInputStream *stream = G_DATA_INPUT_STREAM (source);
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (stream, result, NULL, NULL);

  if (line == NULL)
    return;
  g_debug ("emulator: %s", line);
  if (!g_cancellable_is_cancelled (cancellable))
    drain_lines (stream, cancellable);
}

static void
start_draining (WbpsDemo     *self,
                GInputStream *pipe)
{
  g_autoptr(GDataInputStream) stream = G_IS_DATA_INPUT_STREAM (pipe)
                                       ? g_object_ref (G_DATA_INPUT_STREAM (pipe))
                                       : g_data_input_stream_new (pipe);

  /* The pending read keeps the stream alive. */
  drain_lines (stream, self->io_cancellable);
}

static void read_ready_line (GTask *task);

static void
on_ready_line (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsDemo *self = g_task_get_source_object (task);
  Start *start = g_task_get_task_data (task);
  g_autofree char *line = NULL;
  g_autofree char *auth_url = NULL;
  GError *error = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (line == NULL || g_str_has_prefix (line, READY_PREFIX))
    g_cancellable_cancel (start->deadline);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (line == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (WBPS_ERROR, WBPS_ERROR_FAILED,
                                     _("The demo TikTok emulator stopped before it was ready."));
      g_task_return_error (task, error);
      return;
    }
  if (!g_str_has_prefix (line, READY_PREFIX))
    {
      g_debug ("emulator: %s", line);
      read_ready_line (g_steal_pointer (&task));
      return;
    }
  self->base_url = g_strdup (g_strstrip (line + strlen (READY_PREFIX)));
  g_debug ("Demo emulator listening on %s", self->base_url);
  start_draining (self, G_INPUT_STREAM (start->out));
  auth_url = g_strconcat (self->base_url, "/v2/auth/authorize/", NULL);
  g_task_return_pointer (task,
                         wbps_config_new_explicit (auth_url, self->base_url,
                                                   WBPS_DEMO_CLIENT_KEY, WBPS_DEMO_CLIENT_SECRET),
                         g_object_unref);
}

static void
read_ready_line (GTask *task)
{
  Start *start = g_task_get_task_data (task);

  g_data_input_stream_read_line_async (start->out, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                       on_ready_line, task);
}

/* Holds no ref on the demo (its finalize stops the emulator): the start's task keeps it alive
 * until the deadline is cancelled, and a cancelled deadline does not touch it. */
static void
on_start_deadline (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  WbpsDemo *self = user_data;

  /* Cancelled: the emulator was ready (or gone) in time. */
  if (!wbps_timeout_finish (result, NULL))
    return;
  g_assert (WBPS_IS_DEMO (self));
  /* Killing it ends the pending read with EOF, which reports the failure. */
  wbps_demo_stop (self);
}

static GSubprocess *
spawn_emulator (WbpsDemo    *self,
                const char  *config_path,
                GError     **error)
{
  g_autofree char *emulator = wbps_demo_find_emulator ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  if (emulator == NULL)
    {
      g_set_error_literal (error, WBPS_ERROR, WBPS_ERROR_CONFIG,
                           _("The demo needs the wbps-emulator program, which is not installed."));
      return NULL;
    }
  g_debug ("Starting the demo emulator %s", emulator);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawn (launcher, error, emulator, "--config", config_path,
                                      "--port", "0", "--data-dir", self->data_dir, NULL);
}

static void
on_config_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsDemo *self = WBPS_DEMO (source);
  g_autofree char *config_path = NULL;
  Start *start = g_task_get_task_data (task);
  GError *error = NULL;

  config_path = g_task_propagate_pointer (G_TASK (result), &error);
  if (config_path == NULL || (self->process = spawn_emulator (self, config_path, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  start_draining (self, g_subprocess_get_stderr_pipe (self->process));
  start->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  start->deadline = g_cancellable_new ();
  wbps_timeout_async (NULL, START_TIMEOUT_SEC * 1000, start->deadline, on_start_deadline, self);
  read_ready_line (g_steal_pointer (&task));
}

void
wbps_demo_start_async (WbpsDemo            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) writer = NULL;

  g_return_if_fail (WBPS_IS_DEMO (self));
  g_return_if_fail (self->process == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_demo_start_async);
  g_task_set_task_data (task, g_new0 (Start, 1), (GDestroyNotify) start_free);

  writer = g_task_new (self, cancellable, on_config_written, g_steal_pointer (&task));
  g_task_run_in_thread (writer, write_config_in_thread);
}

WbpsConfig *
wbps_demo_start_finish (WbpsDemo      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- stopping -------------------------------------------------------- */

typedef struct {
  gboolean exited;
  gboolean waited;   /* the stop's grace time ran out or was cancelled */
} Stopping;

static void
on_emulator_exited (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Stopping *stopping = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  stopping->exited = TRUE;
}

static void
on_stop_grace_over (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Stopping *stopping = user_data;

  wbps_timeout_finish (result, NULL);
  stopping->waited = TRUE;
}

/* SIGTERM lets a persisting emulator finish writing its state; SIGKILL if it hangs. */
void
wbps_demo_stop (WbpsDemo *self)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GCancellable) grace = g_cancellable_new ();
  Stopping stopping = { FALSE, FALSE };

  g_return_if_fail (WBPS_IS_DEMO (self));

  if (self->process == NULL)
    return;
  process = g_steal_pointer (&self->process);
  g_cancellable_cancel (self->io_cancellable);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_async (process, NULL, on_emulator_exited, &stopping);
  wbps_timeout_async (NULL, STOP_TIMEOUT_MSEC, grace, on_stop_grace_over, &stopping);
  while (!stopping.exited && !stopping.waited)
    g_main_context_iteration (NULL, TRUE);
  if (!stopping.exited)
    g_subprocess_force_exit (process);
  /* Both callbacks point at this frame: let each run before it returns. */
  g_cancellable_cancel (grace);
  while (!stopping.exited || !stopping.waited)
    g_main_context_iteration (NULL, TRUE);
  g_debug ("Demo emulator stopped");
}
