/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "posting-fixture.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#define RUN_TIMEOUT_SEC 60

static const char base_ini[] =
  "[emulator]\n"
  "auto-approve=true\n";

void
posting_world_setenv (PostingWorld *world,
                      const char   *name,
                      const char   *value)
{
  g_ptr_array_remove_index (world->env, world->env->len - 1);
  /* A bare NAME unsets it for wbps (see wbps_test_spawn_wbps). */
  g_ptr_array_add (world->env, value != NULL ? g_strdup_printf ("%s=%s", name, value) : g_strdup (name));
  g_ptr_array_add (world->env, NULL);
}

GSubprocess *
posting_spawn (PostingWorld        *world,
               const char * const  *argv)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = wbps_test_spawn_wbps (argv, (const char * const *) world->env->pdata, &error);

  g_assert_no_error (error);
  return process;
}

typedef struct {
  WbpsTestRun *run;
  gboolean     done;
} Communicate;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Communicate *c = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &c->run->out, &c->run->err, &error);
  g_assert_no_error (error);
  c->done = TRUE;
}

WbpsTestRun *
posting_runv (PostingWorld       *world,
          const char * const *argv)
{
  g_autoptr(GSubprocess) process = posting_spawn (world, argv);
  Communicate c = { g_new0 (WbpsTestRun, 1), FALSE };

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &c);
  wbps_test_await_flag (&c.done, RUN_TIMEOUT_SEC);
  g_subprocess_wait (process, NULL, NULL);
  /* A signal shows as 128 + its number, as a shell reports it: never mistaken for an exit code. */
  c.run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                       : 128 + g_subprocess_get_term_sig (process);
  g_test_message ("wbps %s -> %d\nstdout: %s\nstderr: %s", argv[0], c.run->status, c.run->out, c.run->err);
  return c.run;
}

WbpsTestRun *
posting_run (PostingWorld *world,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, world);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return posting_runv (world, (const char * const *) argv->pdata);
}

/* wbps login --no-browser: open the printed URL as a browser would (auto-approve redirects). */
void
posting_sign_in (PostingWorld *world)
{
  const char * const argv[] = { "login", "--no-browser", "--timeout", "30", NULL };
  g_autoptr(GSubprocess) process = posting_spawn (world, argv);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autofree char *url = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  g_autofree char *location = NULL;
  g_autofree char *last = NULL;
  char *line;

  g_assert_nonnull (url);
  g_assert_cmpuint (wbps_test_http_get (url, &location, NULL), ==, 302);
  g_assert_nonnull (location);
  wbps_test_http_get (location, NULL, NULL);
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)) != NULL)
    {
      g_free (last);
      last = line;
    }
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (last);
  g_assert_true (g_str_has_prefix (last, "Signed in as "));
}

PostingWorld *
posting_world_new (const char *extra_ini)
{
  PostingWorld *world = g_new0 (PostingWorld, 1);
  g_autofree char *ini = g_strconcat (base_ini, extra_ini != NULL ? extra_ini : "", NULL);
  g_autofree char *auth_url = NULL;

  world->emu = wbps_test_emulator_start (ini);
  world->data_home = wbps_test_mkdtemp ();
  world->env = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (world->env, NULL);
  auth_url = wbps_test_emulator_url (world->emu, "/v2/auth/authorize/");
  posting_world_setenv (world, "WBPS_AUTH_URL", auth_url);
  posting_world_setenv (world, "WBPS_API_URL", world->emu->base_url);
  posting_world_setenv (world, "WBPS_CLIENT_KEY", "wbps-demo");
  posting_world_setenv (world, "WBPS_CLIENT_SECRET", "wbps-demo-secret");
  posting_world_setenv (world, "XDG_DATA_HOME", world->data_home);
  posting_world_setenv (world, "WBPS_SANDBOX", NULL);
  posting_world_setenv (world, "WBPS_STATUS_GIVE_UP", NULL);
  posting_sign_in (world);
  return world;
}

void
posting_world_free (PostingWorld *world)
{
  if (world == NULL)
    return;
  wbps_test_emulator_stop (world->emu);
  wbps_test_rmtree (world->data_home);
  g_free (world->data_home);
  g_ptr_array_unref (world->env);
  g_free (world);
}

JsonArray *
posting_history (PostingWorld *world)
{
  g_autoptr(WbpsTestRun) run = posting_run (world, "history", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, 0);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

JsonArray *
posting_emulator_posts (PostingWorld *world)
{
  g_autofree char *url = wbps_test_emulator_url (world->emu, "/emulator/posts");
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpuint (wbps_test_http_get (url, NULL, &body), ==, 200);
  root = json_from_string (body, NULL);
  g_assert_nonnull (root);
  return json_array_ref (json_object_get_array_member (json_node_get_object (root), "posts"));
}

guint
posting_upload_count (PostingWorld *world)
{
  g_autofree char *dir = g_build_filename (world->emu->data_dir, "uploads", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    count += g_str_has_suffix (name, ".bin");
  return count;
}

char *
posting_make_video (const char *dir,
                    const char *name,
                    guint       frames)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *location = g_strconcat ("location=", path, NULL);
  g_autofree char *buffers = g_strdup_printf ("num-buffers=%u", frames);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) gst = NULL;

  gst = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                          "gst-launch-1.0", "-q", "videotestsrc", buffers, "pattern=snow", "!",
                          "video/x-raw,width=640,height=360,framerate=25/1", "!",
                          "x264enc", "speed-preset=ultrafast", "bitrate=40000", "!",
                          "video/x-h264,profile=baseline", "!", "mp4mux", "!", "filesink", location, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (gst, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

gboolean
posting_parse_result (WbpsTestRun  *run,
                      char        **publish_id,
                      char        **status)
{
  g_autofree char *last = wbps_test_last_line (run->out);
  g_auto(GStrv) parts = g_strsplit (last, " ", -1);

  if (g_strv_length (parts) != 2)
    return FALSE;
  *publish_id = g_strdup (parts[0]);
  *status = g_strdup (parts[1]);
  return TRUE;
}

void
posting_assert_error_line (WbpsTestRun *run,
                           const char  *needle)
{
  g_autofree char *last = wbps_test_last_line (run->err);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (last, needle));
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "WARNING"));
}

void
posting_assert_resumed (WbpsTestRun *run,
                        const char  *publish_id)
{
  g_autofree char *resumed_id = NULL;
  g_autofree char *state = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (posting_parse_result (run, &resumed_id, &state));
  g_assert_cmpstr (resumed_id, ==, publish_id);
  g_assert_cmpstr (state, ==, "PUBLISH_COMPLETE");
}

/* ---- interrupting a post ------------------------------------------------------------ */

JsonObject *
posting_only_row (PostingWorld *world)
{
  g_autoptr(JsonArray) history = posting_history (world);

  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  return json_object_ref (json_array_get_object_element (history, 0));
}

/* The row of `wbps history --json` if it is the only one and passes @check, else NULL. */
static JsonObject *
only_row_if (PostingWorld    *world,
             PostingRowCheck  check)
{
  g_autoptr(JsonArray) history = posting_history (world);
  JsonObject *row;

  if (json_array_get_length (history) != 1)
    return NULL;
  row = json_array_get_object_element (history, 0);
  return check (row) ? json_object_ref (row) : NULL;
}

JsonObject *
posting_wait_for_row (PostingWorld    *world,
                      PostingRowCheck  check)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  JsonObject *row;

  while ((row = only_row_if (world, check)) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
  return row;
}

static gboolean
first_chunk_checkpointed (JsonObject *row)
{
  return json_object_get_int_member (row, "uploaded_bytes") > 0;
}

char *
posting_interrupt_after_first_chunk (PostingWorld *world,
                                     const char   *path,
                                     const char   *chunk_size)
{
  const char * const argv[] = { "post", path, "--privacy", "SELF_ONLY", "--chunk-size", chunk_size, NULL };
  g_autoptr(GSubprocess) post = posting_spawn (world, argv);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) checkpointed = NULL;
  g_autoptr(JsonObject) row = NULL;

  checkpointed = posting_wait_for_row (world, first_chunk_checkpointed);
  g_subprocess_send_signal (post, SIGINT);
  g_subprocess_communicate_utf8 (post, NULL, NULL, &out, &err, NULL);
  g_test_message ("interrupted post: %s\n%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 130);
  g_assert_nonnull (strstr (err, "wbps resume"));

  row = posting_only_row (world);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");
  /* Stopped midway (how far depends on the machine's load: at least one chunk more may be in). */
  g_assert_cmpint (json_object_get_int_member (row, "uploaded_bytes"), <,
                   json_object_get_int_member (row, "file_size"));
  return g_strdup (json_object_get_string_member (row, "publish_id"));
}
