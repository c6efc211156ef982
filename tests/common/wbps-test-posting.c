/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-test-posting.h"

#include <signal.h>
#include <string.h>

#include "wbps-test-oauth.h"

#define RUN_TIMEOUT_SEC 60
#define CALLS_PER_TOKEN 5

/* The `wbps` tests' world: the demo client and user, consent given at once. */
static const char wbps_world[] =
  "[emulator]\n"
  "auto-approve=true\n";

/* The raw API tests' world: a client and two creators of their own, processing quickly. */
static const char api_world[] =
  "[emulator]\n"
  "auto-approve=true\n"
  "signed-in-user=creator\n"
  "processing-delay-ms=500\n"
  "[client:posting-test]\n"
  "secret=posting-test-secret\n"
  "redirect-uris=http://127.0.0.1:*/callback/\n"
  "scopes=user.info.basic,video.publish,video.upload\n"
  "desktop=true\n"
  "audited=true\n"
  "verified-url-prefixes=https://media.example.com/v/\n"
  "[user:creator]\n"
  "display-name=Test Creator\n"
  "username=testcreator\n"
  "private=false\n"
  "[user:hidden]\n"
  "display-name=Hidden Creator\n"
  "username=hiddencreator\n"
  "private=true\n"
  "comment-disabled=true\n";

void
wbps_test_posting_free (WbpsTestPosting *fx)
{
  if (fx == NULL)
    return;
  g_clear_pointer (&fx->emu, wbps_test_emulator_stop);
  if (fx->data_home != NULL)
    wbps_test_rmtree (fx->data_home);
  g_free (fx->data_home);
  g_clear_pointer (&fx->env, g_ptr_array_unref);
  g_free (fx->client_key);
  g_free (fx->client_secret);
  g_free (fx->user);
  g_free (fx->token);
  g_free (fx);
}

/* ---- through wbps ------------------------------------------------------------------- */

void
wbps_test_posting_setenv (WbpsTestPosting *fx,
                          const char      *name,
                          const char      *value)
{
  g_ptr_array_remove_index (fx->env, fx->env->len - 1);
  /* A bare NAME unsets it for wbps (see wbps_test_spawn_wbps). */
  g_ptr_array_add (fx->env, value != NULL ? g_strdup_printf ("%s=%s", name, value) : g_strdup (name));
  g_ptr_array_add (fx->env, NULL);
}

GSubprocess *
wbps_test_posting_spawn_wbps (WbpsTestPosting    *fx,
                              const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = wbps_test_spawn_wbps (argv, (const char * const *) fx->env->pdata, &error);

  g_assert_no_error (error);
  return process;
}

WbpsTestRun *
wbps_test_posting_run_wbpsv (WbpsTestPosting    *fx,
                             const char * const *argv)
{
  g_autoptr(GSubprocess) process = wbps_test_posting_spawn_wbps (fx, argv);
  WbpsTestRun *run = g_new0 (WbpsTestRun, 1);

  wbps_test_communicate (process, RUN_TIMEOUT_SEC, &run->out, &run->err);
  g_subprocess_wait (process, NULL, NULL);
  /* A signal shows as 128 + its number, as a shell reports it: never mistaken for an exit code. */
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                     : 128 + g_subprocess_get_term_sig (process);
  g_test_message ("wbps %s -> %d\nstdout: %s\nstderr: %s", argv[0], run->status, run->out, run->err);
  return run;
}

WbpsTestRun *
wbps_test_posting_run_wbps (WbpsTestPosting *fx,
                            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, fx);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return wbps_test_posting_run_wbpsv (fx, (const char * const *) argv->pdata);
}

/* wbps login --no-browser: open the printed URL as a browser would (auto-approve redirects). */
void
wbps_test_posting_sign_in_wbps (WbpsTestPosting *fx)
{
  const char * const argv[] = { "login", "--no-browser", "--timeout", "30", NULL };
  g_autoptr(GSubprocess) process = wbps_test_posting_spawn_wbps (fx, argv);
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

WbpsTestPosting *
wbps_test_posting_new_wbps (const char *extra_ini)
{
  WbpsTestPosting *fx = g_new0 (WbpsTestPosting, 1);
  g_autofree char *ini = g_strconcat (wbps_world, extra_ini != NULL ? extra_ini : "", NULL);
  g_autofree char *auth_url = NULL;

  fx->emu = wbps_test_emulator_start (ini);
  fx->data_home = wbps_test_mkdtemp ();
  fx->env = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fx->env, NULL);
  auth_url = wbps_test_emulator_url (fx->emu, "/v2/auth/authorize/");
  wbps_test_posting_setenv (fx, "WBPS_AUTH_URL", auth_url);
  wbps_test_posting_setenv (fx, "WBPS_API_URL", fx->emu->base_url);
  wbps_test_posting_setenv (fx, "WBPS_CLIENT_KEY", "wbps-demo");
  wbps_test_posting_setenv (fx, "WBPS_CLIENT_SECRET", "wbps-demo-secret");
  wbps_test_posting_setenv (fx, "XDG_DATA_HOME", fx->data_home);
  wbps_test_posting_setenv (fx, "WBPS_SANDBOX", NULL);
  wbps_test_posting_setenv (fx, "WBPS_STATUS_GIVE_UP", NULL);
  wbps_test_posting_sign_in_wbps (fx);
  return fx;
}

JsonArray *
wbps_test_posting_history (WbpsTestPosting *fx)
{
  g_autoptr(WbpsTestRun) run = wbps_test_posting_run_wbps (fx, "history", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, 0);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

JsonArray *
wbps_test_posting_emulator_posts (WbpsTestPosting *fx)
{
  g_autofree char *url = wbps_test_emulator_url (fx->emu, "/emulator/posts");
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpuint (wbps_test_http_get (url, NULL, &body), ==, 200);
  root = json_from_string (body, NULL);
  g_assert_nonnull (root);
  return json_array_ref (json_object_get_array_member (json_node_get_object (root), "posts"));
}

guint
wbps_test_posting_upload_count (WbpsTestPosting *fx)
{
  g_autofree char *dir = g_build_filename (fx->emu->data_dir, "uploads", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    count += g_str_has_suffix (name, ".bin");
  return count;
}

/* Where this program's videos are made; removed by wbps_test_posting_run_tests(). */
static char *video_dir;

char *
wbps_test_posting_make_mp4 (const char *name,
                            guint       frames)
{
  g_autofree char *path = NULL;
  g_autofree char *location = NULL;
  g_autofree char *buffers = g_strdup_printf ("num-buffers=%u", frames);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) gst = NULL;

  if (video_dir == NULL)
    video_dir = wbps_test_mkdtemp ();
  path = g_build_filename (video_dir, name, NULL);
  location = g_strconcat ("location=", path, NULL);
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

int
wbps_test_posting_run_tests (void)
{
  int status = g_test_run ();

  if (video_dir != NULL)
    wbps_test_rmtree (video_dir);
  g_clear_pointer (&video_dir, g_free);
  return status;
}

gboolean
wbps_test_posting_parse_result (WbpsTestRun  *run,
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
wbps_test_posting_assert_error_line (WbpsTestRun *run,
                                     const char  *needle)
{
  g_autofree char *last = wbps_test_last_line (run->err);

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (last, needle));
  g_assert_null (strstr (run->err, "CRITICAL"));
  g_assert_null (strstr (run->err, "WARNING"));
}

void
wbps_test_posting_assert_resumed (WbpsTestRun *run,
                                  const char  *publish_id)
{
  g_autofree char *resumed_id = NULL;
  g_autofree char *state = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (wbps_test_posting_parse_result (run, &resumed_id, &state));
  g_assert_cmpstr (resumed_id, ==, publish_id);
  g_assert_cmpstr (state, ==, "PUBLISH_COMPLETE");
}

JsonObject *
wbps_test_posting_only_row (WbpsTestPosting *fx)
{
  g_autoptr(JsonArray) history = wbps_test_posting_history (fx);

  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  return json_object_ref (json_array_get_object_element (history, 0));
}

/* The row of `wbps history --json` if it is the only one and passes @check, else NULL. */
static JsonObject *
only_row_if (WbpsTestPosting         *fx,
             WbpsTestPostingRowCheck  check)
{
  g_autoptr(JsonArray) history = wbps_test_posting_history (fx);
  JsonObject *row;

  if (json_array_get_length (history) != 1)
    return NULL;
  row = json_array_get_object_element (history, 0);
  return check (row) ? json_object_ref (row) : NULL;
}

/* Each look runs `wbps history`: at most one every 50 ms, not every round of the loop. */
#define ROW_LOOK_INTERVAL_US (50 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  WbpsTestPosting         *fx;
  WbpsTestPostingRowCheck  check;
  JsonObject              *row;
  gint64                   last_look_us;
} RowWait;

static gboolean
row_found (gpointer data)
{
  RowWait *wait = data;
  gint64 now = g_get_monotonic_time ();

  if (wait->last_look_us != 0 && now - wait->last_look_us < ROW_LOOK_INTERVAL_US)
    return FALSE;
  wait->last_look_us = now;
  wait->row = only_row_if (wait->fx, wait->check);
  return wait->row != NULL;
}

JsonObject *
wbps_test_posting_wait_for_row (WbpsTestPosting         *fx,
                                WbpsTestPostingRowCheck  check)
{
  RowWait wait = { fx, check, NULL, 0 };

  wbps_test_await_until (row_found, &wait, 30, "the history's only row to be as the test expects");
  return wait.row;
}

static gboolean
first_chunk_checkpointed (JsonObject *row)
{
  return json_object_get_int_member (row, "uploaded_bytes") > 0;
}

char *
wbps_test_posting_interrupt_after_first_chunk (WbpsTestPosting *fx,
                                               const char      *path,
                                               const char      *chunk_size)
{
  const char * const argv[] = { "post", path, "--privacy", "SELF_ONLY", "--chunk-size", chunk_size, NULL };
  g_autoptr(GSubprocess) post = wbps_test_posting_spawn_wbps (fx, argv);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) checkpointed = NULL;
  g_autoptr(JsonObject) row = NULL;

  checkpointed = wbps_test_posting_wait_for_row (fx, first_chunk_checkpointed);
  g_subprocess_send_signal (post, SIGINT);
  wbps_test_communicate (post, RUN_TIMEOUT_SEC, &out, &err);
  g_test_message ("interrupted post: %s\n%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (post));
  g_assert_cmpint (g_subprocess_get_exit_status (post), ==, 130);
  g_assert_nonnull (strstr (err, "wbps resume"));

  row = wbps_test_posting_only_row (fx);
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "INTERRUPTED");
  /* Stopped midway (how far depends on the machine's load: at least one chunk more may be in). */
  g_assert_cmpint (json_object_get_int_member (row, "uploaded_bytes"), <,
                   json_object_get_int_member (row, "file_size"));
  return g_strdup (json_object_get_string_member (row, "publish_id"));
}
/* ---- raw HTTP to the posting API ---------------------------------------------------- */

WbpsTestPosting *
wbps_test_posting_new_api (const char *extra_ini)
{
  WbpsTestPosting *fx = g_new0 (WbpsTestPosting, 1);
  g_autofree char *ini = g_strconcat (api_world, extra_ini != NULL ? extra_ini : "", NULL);

  fx->emu = wbps_test_emulator_start (ini);
  fx->client_key = g_strdup ("posting-test");
  fx->client_secret = g_strdup ("posting-test-secret");
  return fx;
}

char *
wbps_test_posting_api_sign_in (WbpsTestPosting *fx,
                               const char      *open_id)
{
  g_autoptr(JsonObject) reply = wbps_test_emulator_sign_in (fx->emu, fx->client_key, fx->client_secret,
                                                            "user.info.basic,video.publish,video.upload",
                                                            open_id);

  return g_strdup (json_object_get_string_member (reply, "access_token"));
}

void
wbps_test_posting_api_use_client (WbpsTestPosting *fx,
                                  const char      *client_key,
                                  const char      *client_secret,
                                  const char      *open_id)
{
  g_free (fx->client_key);
  fx->client_key = g_strdup (client_key);
  g_free (fx->client_secret);
  fx->client_secret = g_strdup (client_secret);
  g_free (fx->user);
  fx->user = g_strdup (open_id);
  g_clear_pointer (&fx->token, g_free);
}

const char *
wbps_test_posting_api_token (WbpsTestPosting *fx)
{
  if (fx->token == NULL || fx->token_uses >= CALLS_PER_TOKEN)
    {
      g_free (fx->token);
      fx->token = wbps_test_posting_api_sign_in (fx, fx->user);
      fx->token_uses = 0;
    }
  fx->token_uses++;
  return fx->token;
}

JsonObject *
wbps_test_posting_api_request (WbpsTestPosting  *fx,
                               const char       *token,
                               const char       *path,
                               const char       *body,
                               guint            *http_status,
                               char            **raw)
{
  g_autofree char *url = wbps_test_emulator_url (fx->emu, path);
  g_autoptr(EmuReply) reply = emu_post_json (url, token, body);

  *http_status = reply->status;
  if (raw != NULL)
    *raw = g_strdup (reply->body);
  emu_reply_v2_code (reply);
  emu_reply_v2_data (reply);
  return json_object_ref (emu_reply_object (reply));
}

JsonObject *
wbps_test_posting_api_call (WbpsTestPosting *fx,
                            const char      *path,
                            const char      *body,
                            guint           *http_status)
{
  return wbps_test_posting_api_request (fx, wbps_test_posting_api_token (fx), path, body, http_status, NULL);
}

const char *
wbps_test_posting_api_error_code (JsonObject *root)
{
  return json_object_get_string_member (json_object_get_object_member (root, "error"), "code");
}

const char *
wbps_test_posting_api_error_message (JsonObject *root)
{
  return json_object_get_string_member (json_object_get_object_member (root, "error"), "message");
}

JsonObject *
wbps_test_posting_api_data (JsonObject *root)
{
  return json_object_get_object_member (root, "data");
}

void
wbps_test_posting_api_assert_error (JsonObject *root,
                                    guint       http_status,
                                    guint       expected_status,
                                    const char *expected_code)
{
  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, expected_code);
  g_assert_cmpuint (http_status, ==, expected_status);
  emu_assert_log_id (json_object_get_string_member (json_object_get_object_member (root, "error"), "log_id"));
}

char *
wbps_test_posting_api_file_body (gint64      size,
                                 gint64      chunk,
                                 gint64      count,
                                 const char *privacy)
{
  g_autofree char *post_info = NULL;

  if (privacy != NULL)
    post_info = g_strdup_printf ("\"post_info\":{\"privacy_level\":\"%s\",\"title\":\"test #wbps\"},", privacy);
  return g_strdup_printf ("{%s\"source_info\":{\"source\":\"FILE_UPLOAD\",\"video_size\":%" G_GINT64_FORMAT
                          ",\"chunk_size\":%" G_GINT64_FORMAT ",\"total_chunk_count\":%" G_GINT64_FORMAT "}}",
                          post_info != NULL ? post_info : "", size, chunk, count);
}

char *
wbps_test_posting_api_init_file (WbpsTestPosting  *fx,
                                 gint64            size,
                                 gint64            chunk,
                                 gint64            count,
                                 const char       *privacy,
                                 char            **upload_url)
{
  g_autofree char *body = wbps_test_posting_api_file_body (size, chunk, count, privacy);
  const char *path = privacy != NULL ? "/v2/post/publish/video/init/" : "/v2/post/publish/inbox/video/init/";
  guint status;
  g_autoptr(JsonObject) root = wbps_test_posting_api_call (fx, path, body, &status);
  JsonObject *data = wbps_test_posting_api_data (root);

  g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
  g_assert_cmpuint (status, ==, 200);
  if (upload_url != NULL)
    *upload_url = g_strdup (json_object_get_string_member (data, "upload_url"));
  return g_strdup (json_object_get_string_member (data, "publish_id"));
}

guint
wbps_test_posting_api_put (const char  *upload_url,
                           const char  *content_type,
                           GBytes      *body,
                           const char  *range,
                           char       **response_range,
                           GError     **error)
{
  /* A fresh session per PUT: libsoup would silently resend on a reused connection that drops. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", upload_url);
  g_autoptr(GBytes) reply = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_set_request_body_from_bytes (msg, NULL, body);
  if (content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", content_type);
  if (range != NULL)
    soup_message_headers_replace (headers, "Content-Range", range);
  reply = soup_session_send_and_read (session, msg, NULL, error);
  if (reply == NULL)
    return 0;
  if (response_range != NULL)
    *response_range = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                              "Content-Range"));
  return soup_message_get_status (msg);
}

guint
wbps_test_posting_api_put_chunk (const char  *upload_url,
                                 GBytes      *video,
                                 gint64       first,
                                 gint64       last,
                                 char       **response_range)
{
  g_autoptr(GBytes) part = g_bytes_new_from_bytes (video, first, last - first + 1);
  g_autofree char *range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GSIZE_FORMAT,
                                            first, last, g_bytes_get_size (video));
  g_autoptr(GError) error = NULL;
  guint status = wbps_test_posting_api_put (upload_url, "video/mp4", part, range, response_range, &error);

  g_assert_no_error (error);
  return status;
}

void
wbps_test_posting_api_upload_all (const char *upload_url,
                                  GBytes     *video,
                                  gint64      chunk,
                                  gint64      count)
{
  gint64 size = g_bytes_get_size (video);

  for (gint64 i = 0; i < count; i++)
    {
      gint64 first = i * chunk;
      gint64 last = i == count - 1 ? size - 1 : first + chunk - 1;

      g_assert_cmpuint (wbps_test_posting_api_put_chunk (upload_url, video, first, last, NULL), ==,
                        i == count - 1 ? 201 : 206);
    }
}

GBytes *
wbps_test_posting_random_bytes (gsize   size,
                                guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

JsonObject *
wbps_test_posting_api_status (WbpsTestPosting  *fx,
                              const char       *publish_id,
                              guint            *http_status,
                              char            **raw)
{
  g_autofree char *body = g_strdup_printf ("{\"publish_id\":\"%s\"}", publish_id);

  return wbps_test_posting_api_request (fx, wbps_test_posting_api_token (fx), "/v2/post/publish/status/fetch/", body,
                      http_status, raw);
}

JsonObject *
wbps_test_posting_api_wait_status (WbpsTestPosting  *fx,
                                   const char       *publish_id,
                                   const char       *status,
                                   guint             timeout_ms,
                                   char            **raw)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      g_autofree char *text = NULL;
      guint http_status;
      g_autoptr(JsonObject) root = wbps_test_posting_api_status (fx, publish_id, &http_status, &text);
      JsonObject *data = wbps_test_posting_api_data (root);

      g_assert_cmpstr (wbps_test_posting_api_error_code (root), ==, "ok");
      if (g_strcmp0 (json_object_get_string_member (data, "status"), status) == 0)
        {
          if (raw != NULL)
            *raw = g_steal_pointer (&text);
          return json_object_ref (data);
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("%s still %s after %u ms, expected %s", publish_id,
                 json_object_get_string_member (data, "status"), timeout_ms, status);
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
}
