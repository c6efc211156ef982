/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wbps-test-emulator.h"
#include "wbps-test-oauth.h"
#include "wbps-test-util.h"
#include "wbps-uploader.h"

/*
 * WbpsUploader against a real wbps-emulator process: the emulator's stored
 * bytes must equal the file's, whatever fault was injected on the way.
 */

#define CHUNK        G_GUINT64_CONSTANT (5242880)
#define FILE_SIZE    G_GUINT64_CONSTANT (16000123)  /* 3 chunks, the last with a remainder */
#define TEST_TIMEOUT_S 40

typedef struct {
  WbpsTestEmulator *emu;
  SoupSession      *session;
  char             *token;
  char             *publish_id;
  char             *upload_url;
  char             *dir;
  char             *path;
  char             *sha256;
  WbpsChunkPlan     plan;

  gboolean          finished;
  GError           *error;
  GCancellable     *cancellable;
  gint64            cancel_time;
  gint64            finish_time;
  gboolean          cancel_after_first_chunk;
  gboolean          use_reconcile;

  guint             chunk_done_count;
  guint64           last_chunk_index;
  guint64           last_chunk_offset;
  guint             retrying_count;
  guint             reconcile_count;
  guint             progress_count;
  guint64           max_bytes_sent;
  gboolean          progress_went_past_total;
} Fixture;

/* A failed assertion must not leave the emulator running (it holds the TAP pipe open). */
static volatile sig_atomic_t emulator_pid;

static void
kill_emulator_on_crash (int signum)
{
  if (emulator_pid > 0)
    kill (emulator_pid, SIGKILL);
  signal (signum, SIG_DFL);
  raise (signum);
}

/* ---- emulator side: token and init over raw HTTP ---- */

static JsonObject *
send_json (Fixture     *fx,
           SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read (fx->session, msg, NULL, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
fetch_token (Fixture *fx)
{
  g_autoptr(JsonObject) reply = wbps_test_emulator_sign_in (fx->emu, "wbps-demo", "wbps-demo-secret",
                                                            "user.info.basic,video.upload,video.publish",
                                                            NULL);

  fx->token = g_strdup (json_object_get_string_member (reply, "access_token"));
}

static SoupMessage *
api_message (Fixture    *fx,
             const char *path,
             const char *json)
{
  g_autofree char *url = wbps_test_emulator_url (fx->emu, path);
  g_autofree char *bearer = g_strconcat ("Bearer ", fx->token, NULL);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_message_set_request_body_from_bytes (msg, "application/json; charset=UTF-8", body);
  return msg;
}

static void
init_inbox_upload (Fixture *fx)
{
  g_autofree char *json = g_strdup_printf ("{\"source_info\":{\"source\":\"FILE_UPLOAD\","
                                           "\"video_size\":%" G_GUINT64_FORMAT ","
                                           "\"chunk_size\":%" G_GUINT64_FORMAT ","
                                           "\"total_chunk_count\":%" G_GUINT64_FORMAT "}}",
                                           fx->plan.video_size, fx->plan.chunk_size,
                                           fx->plan.total_chunk_count);
  g_autoptr(SoupMessage) msg = api_message (fx, "/v2/post/publish/inbox/video/init/", json);
  g_autoptr(JsonObject) reply = send_json (fx, msg);
  JsonObject *data;

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  data = json_object_get_object_member (reply, "data");
  g_assert_nonnull (data);
  fx->publish_id = g_strdup (json_object_get_string_member (data, "publish_id"));
  fx->upload_url = g_strdup (json_object_get_string_member (data, "upload_url"));
  g_assert_nonnull (fx->publish_id);
  g_assert_nonnull (fx->upload_url);
}

/* ---- the file ---- */

/* Writes pseudo-random bytes in 1 MiB blocks, never holding the file in memory. */
static void
make_file (Fixture *fx,
           guint64  size)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint32 *block = g_new (guint32, 262144);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) size);
  FILE *f;

  fx->dir = wbps_test_mkdtemp ();
  fx->path = g_build_filename (fx->dir, "video.mp4", NULL);
  f = fopen (fx->path, "wb");
  g_assert_nonnull (f);
  for (guint64 done = 0; done < size;)
    {
      gsize n = MIN (size - done, 262144 * 4);

      for (guint i = 0; i < 262144; i++)
        block[i] = g_rand_int (rand);
      g_assert_cmpuint (fwrite (block, 1, n, f), ==, n);
      g_checksum_update (sum, (const guchar *) block, n);
      done += n;
    }
  g_assert_cmpint (fclose (f), ==, 0);
  fx->sha256 = g_strdup (g_checksum_get_string (sum));
}

/* ---- fixture ---- */

static void
fixture_start (Fixture    *fx,
               const char *extra_config,
               guint64     size,
               guint64     chunk)
{
  g_autofree char *config = g_strdup_printf ("[emulator]\nauto-approve=true\n%s",
                                             extra_config != NULL ? extra_config : "");
  g_autoptr(GError) error = NULL;

  memset (fx, 0, sizeof *fx);
  fx->emu = wbps_test_emulator_start (config);
  emulator_pid = atoi (g_subprocess_get_identifier (fx->emu->process));
  fx->session = soup_session_new ();
  fx->use_reconcile = TRUE;
  make_file (fx, size);
  g_assert_true (wbps_chunk_plan_compute (size, chunk, &fx->plan, &error));
  g_assert_no_error (error);
  fetch_token (fx);
  init_inbox_upload (fx);
}

static void
fixture_stop (Fixture *fx)
{
  emulator_pid = 0;
  wbps_test_emulator_stop (fx->emu);
  wbps_test_rmtree (fx->dir);
  g_clear_object (&fx->session);
  g_clear_object (&fx->cancellable);
  g_clear_error (&fx->error);
  g_free (fx->token);
  g_free (fx->publish_id);
  g_free (fx->upload_url);
  g_free (fx->dir);
  g_free (fx->path);
  g_free (fx->sha256);
}

/* ---- reconcile: what the publish job does with status/fetch ---- */

static void
status_fetched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *data;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), NULL));
  data = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "data");
  g_assert_nonnull (data);
  g_task_return_int (task, json_object_get_int_member (data, "uploaded_bytes"));
}

static void
reconcile_func (WbpsUploader *uploader,
                GTask        *task,
                gpointer      user_data)
{
  Fixture *fx = user_data;
  g_autofree char *json = g_strdup_printf ("{\"publish_id\":\"%s\"}", fx->publish_id);
  g_autoptr(SoupMessage) msg = api_message (fx, "/v2/post/publish/status/fetch/", json);

  fx->reconcile_count++;
  soup_session_send_and_read_async (fx->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), status_fetched_cb, task);
}

static gint64
server_uploaded_bytes (Fixture *fx)
{
  g_autofree char *json = g_strdup_printf ("{\"publish_id\":\"%s\"}", fx->publish_id);
  g_autoptr(SoupMessage) msg = api_message (fx, "/v2/post/publish/status/fetch/", json);
  g_autoptr(JsonObject) reply = send_json (fx, msg);

  return json_object_get_int_member (json_object_get_object_member (reply, "data"), "uploaded_bytes");
}

/* ---- running an upload ---- */

static void
progress_cb (WbpsUploader *uploader,
             guint64       sent,
             guint64       total,
             double        rate,
             gint64        eta,
             Fixture      *fx)
{
  fx->progress_count++;
  fx->max_bytes_sent = MAX (fx->max_bytes_sent, sent);
  if (sent > total)
    fx->progress_went_past_total = TRUE;
}

static void
chunk_done_cb (WbpsUploader *uploader,
               guint64       index,
               guint64       next_offset,
               Fixture      *fx)
{
  fx->chunk_done_count++;
  fx->last_chunk_index = index;
  fx->last_chunk_offset = next_offset;
  g_assert_cmpuint (next_offset, ==, wbps_uploader_get_next_offset (uploader));
  if (fx->cancel_after_first_chunk)
    {
      fx->cancel_time = g_get_monotonic_time ();
      g_cancellable_cancel (fx->cancellable);
    }
}

static void
retrying_cb (WbpsUploader *uploader,
             guint64       index,
             guint         attempt,
             guint         delay_ms,
             const char   *reason,
             Fixture      *fx)
{
  g_test_message ("retrying chunk %" G_GUINT64_FORMAT " (attempt %u, %u ms): %s",
                  index, attempt, delay_ms, reason);
  fx->retrying_count++;
}

static void
upload_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fixture *fx = user_data;

  wbps_uploader_upload_finish (WBPS_UPLOADER (source), result, &fx->error);
  fx->finished = TRUE;
  fx->finish_time = g_get_monotonic_time ();
}

static WbpsUploader *
new_uploader (Fixture *fx)
{
  g_autoptr(GFile) file = g_file_new_for_path (fx->path);
  WbpsUploader *uploader = wbps_uploader_new (file, fx->upload_url, "video/mp4", &fx->plan);
  /* A stalled connection must turn into a retry well within the test's time. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 3, NULL);

  wbps_uploader_set_session (uploader, session);

  wbps_uploader_set_retry_policy (uploader, 6, 20, 200);
  if (fx->use_reconcile)
    wbps_uploader_set_reconcile_func (uploader, reconcile_func, fx, NULL);
  g_signal_connect (uploader, "progress", G_CALLBACK (progress_cb), fx);
  g_signal_connect (uploader, "chunk-done", G_CALLBACK (chunk_done_cb), fx);
  g_signal_connect (uploader, "retrying", G_CALLBACK (retrying_cb), fx);
  return uploader;
}

static void
run_upload (Fixture      *fx,
            WbpsUploader *uploader,
            guint64       start_offset)
{
  fx->finished = FALSE;
  g_clear_error (&fx->error);
  wbps_uploader_upload_async (uploader, start_offset, fx->cancellable, upload_done_cb, fx);
  wbps_test_await_flag (&fx->finished, TEST_TIMEOUT_S);
}

static void
assert_uploaded_intact (Fixture      *fx,
                        WbpsUploader *uploader)
{
  g_autofree char *stored = NULL;

  g_assert_no_error (fx->error);
  stored = wbps_test_emulator_received_sha256 (fx->emu, fx->publish_id);
  g_assert_cmpstr (stored, ==, fx->sha256);
  g_assert_cmpuint (fx->last_chunk_offset, ==, fx->plan.video_size);
  g_assert_cmpuint (fx->last_chunk_index, ==, fx->plan.total_chunk_count - 1);
  g_assert_cmpuint (wbps_uploader_get_next_offset (uploader), ==, fx->plan.video_size);
  g_assert_cmpuint (wbps_uploader_get_bytes_sent (uploader), ==, fx->plan.video_size);
  g_assert_cmpuint (fx->max_bytes_sent, ==, fx->plan.video_size);
  g_assert_false (fx->progress_went_past_total);
  g_assert_cmpint (server_uploaded_bytes (fx), ==, fx->plan.video_size);
}

/* ---- tests ---- */

/* The usual run: an emulator with @extra_config, the 3-chunk file, one upload from @start_offset. */
static WbpsUploader *
start_and_upload (Fixture    *fx,
                  const char *extra_config,
                  guint64     start_offset)
{
  WbpsUploader *uploader;

  fixture_start (fx, extra_config, FILE_SIZE, CHUNK);
  uploader = new_uploader (fx);
  run_upload (fx, uploader, start_offset);
  return uploader;
}

/* An upload cancelled once its first chunk is in (Ctrl-C after a checkpoint). */
static WbpsUploader *
upload_first_chunk_only (Fixture *fx)
{
  WbpsUploader *uploader;

  fixture_start (fx, NULL, FILE_SIZE, CHUNK);
  fx->cancellable = g_cancellable_new ();
  fx->cancel_after_first_chunk = TRUE;
  uploader = new_uploader (fx);
  run_upload (fx, uploader, 0);
  g_assert_error (fx->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&fx->cancellable);
  fx->cancel_after_first_chunk = FALSE;
  return uploader;
}

static void
test_multi_chunk (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  uploader = start_and_upload (&fx, NULL, 0);
  g_assert_cmpuint (fx.plan.total_chunk_count, ==, 3);
  assert_uploaded_intact (&fx, uploader);
  g_assert_cmpuint (fx.chunk_done_count, ==, 3);
  g_assert_cmpuint (fx.retrying_count, ==, 0);
  g_assert_cmpuint (fx.reconcile_count, ==, 0);
  g_assert_cmpuint (fx.progress_count, >=, 3);
  fixture_stop (&fx);
}

static void
test_server_error_retried (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  uploader = start_and_upload (&fx, "[faults]\nfail-request-n=2\nfail-path=/upload/\nfail-status=503\n", 0);
  assert_uploaded_intact (&fx, uploader);
  g_assert_cmpuint (fx.retrying_count, ==, 1);
  g_assert_cmpuint (fx.chunk_done_count, ==, 3);
  fixture_stop (&fx);
}

static void
test_server_errors_exhaust_attempts (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  fixture_start (&fx, "[faults]\nfail-request-n=2,3,4,5,6,7,8\nfail-path=/upload/\nfail-status=500\n",
                 FILE_SIZE, CHUNK);
  uploader = new_uploader (&fx);
  wbps_uploader_set_retry_policy (uploader, 3, 10, 50);
  run_upload (&fx, uploader, 0);
  g_assert_error (fx.error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_TOO_MANY_RETRIES);
  g_assert_nonnull (strstr (fx.error->message, "500"));
  g_assert_cmpuint (fx.retrying_count, ==, 2);
  g_assert_cmpuint (fx.chunk_done_count, ==, 1);
  g_assert_cmpuint (wbps_uploader_get_next_offset (uploader), ==, CHUNK);
  fixture_stop (&fx);
}

static void
test_dropped_connection (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  uploader = start_and_upload (&fx, "[faults]\ndrop-upload-chunk=2\ndrop-upload-after-bytes=1048576\n", 0);
  assert_uploaded_intact (&fx, uploader);
  g_assert_cmpuint (fx.retrying_count + fx.reconcile_count, >=, 1);
  g_assert_cmpuint (fx.chunk_done_count, ==, 3);
  fixture_stop (&fx);
}

static void
test_slow_reply (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  uploader = start_and_upload (&fx, "[faults]\nslow-ms=400\n", 0);
  assert_uploaded_intact (&fx, uploader);
  g_assert_cmpuint (fx.retrying_count, ==, 0);
  fixture_stop (&fx);
}

/* Resuming from a checkpoint that is ahead of TikTok: 416, reconcile, resend. */
static void
test_range_mismatch_reconciled (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  uploader = start_and_upload (&fx, NULL, CHUNK);
  assert_uploaded_intact (&fx, uploader);
  g_assert_cmpuint (fx.reconcile_count, ==, 1);
  g_assert_cmpuint (fx.chunk_done_count, ==, 3);
  fixture_stop (&fx);
}

/* Replaying a chunk TikTok already has (a checkpoint behind TikTok): 416, skip ahead. */
static void
test_replayed_chunk_reconciled (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) first = NULL;
  g_autoptr(WbpsUploader) second = NULL;

  first = upload_first_chunk_only (&fx);
  g_assert_cmpuint (wbps_uploader_get_next_offset (first), ==, CHUNK);

  fx.chunk_done_count = 0;
  second = new_uploader (&fx);
  run_upload (&fx, second, 0);
  assert_uploaded_intact (&fx, second);
  g_assert_cmpuint (fx.reconcile_count, ==, 1);
  /* Chunk 0 is reported once reconciled (so a checkpoint follows), then 1 and 2 are sent. */
  g_assert_cmpuint (fx.chunk_done_count, ==, 3);
  fixture_stop (&fx);
}

/* Ctrl-C after a chunk, then resume from the "chunk-done" checkpoint. */
static void
test_resume_from_checkpoint (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) first = NULL;
  g_autoptr(WbpsUploader) second = NULL;
  guint64 checkpoint;

  first = upload_first_chunk_only (&fx);
  checkpoint = fx.last_chunk_offset;
  g_assert_cmpuint (checkpoint, ==, CHUNK);
  g_assert_cmpint (server_uploaded_bytes (&fx), ==, CHUNK);

  second = new_uploader (&fx);
  run_upload (&fx, second, checkpoint);
  assert_uploaded_intact (&fx, second);
  g_assert_cmpuint (fx.reconcile_count, ==, 0);
  fixture_stop (&fx);
}

static gboolean
cancel_now_cb (gpointer user_data)
{
  Fixture *fx = user_data;

  fx->cancel_time = g_get_monotonic_time ();
  g_cancellable_cancel (fx->cancellable);
  return G_SOURCE_REMOVE;
}

/* Cancel while a chunk's reply is pending (replies are slowed): stops at once. */
static void
test_cancel_promptly (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;
  gint64 held;

  fixture_start (&fx, "[faults]\nslow-ms=1500\n", FILE_SIZE, CHUNK);
  fx.cancellable = g_cancellable_new ();
  uploader = new_uploader (&fx);
  g_timeout_add (300, cancel_now_cb, &fx);
  run_upload (&fx, uploader, 0);
  g_assert_error (fx.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (fx.cancel_time, >, 0);
  g_assert_cmpint (fx.finish_time - fx.cancel_time, <, 250 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (fx.chunk_done_count, ==, 0);
  held = server_uploaded_bytes (&fx);
  g_assert_cmpint (held, <=, (gint64) CHUNK);      /* nothing after the chunk in flight */
  fixture_stop (&fx);
}

static void
retrying_cancel_soon_cb (WbpsUploader *uploader,
                         guint64       index,
                         guint         attempt,
                         guint         delay_ms,
                         const char   *reason,
                         Fixture      *fx)
{
  g_timeout_add (200, cancel_now_cb, fx);
}

/* Cancel while waiting a minute before a retry: ends at once, not when the wait is over. */
static void
test_cancel_during_retry_wait (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  fixture_start (&fx, "[faults]\nfail-request-n=2\nfail-path=/upload/\nfail-status=503\n", FILE_SIZE, CHUNK);
  fx.cancellable = g_cancellable_new ();
  uploader = new_uploader (&fx);
  wbps_uploader_set_retry_policy (uploader, 6, 60000, 60000);
  g_signal_connect (uploader, "retrying", G_CALLBACK (retrying_cancel_soon_cb), &fx);
  run_upload (&fx, uploader, 0);
  g_assert_error (fx.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fx.retrying_count, ==, 1);
  g_assert_cmpint (fx.cancel_time, >, 0);
  /* The wait was at least 45 s (60 s less jitter); 10 s is "at once" on a loaded machine. */
  g_assert_cmpint (fx.finish_time - fx.cancel_time, <, 10 * G_TIME_SPAN_SECOND);
  g_assert_cmpuint (fx.chunk_done_count, ==, 1);
  fixture_stop (&fx);
}

/* What a later `wbps resume` can overcome, and what ends the upload for good. */
static void
test_resumable_errors (void)
{
  const struct {
    GQuark   domain;
    int      code;
    gboolean resumable;
  } cases[] = {
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, TRUE },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, TRUE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_FAILED, TRUE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_TOO_MANY_RETRIES, TRUE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_RANGE_MISMATCH, TRUE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_URL_EXPIRED, FALSE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_URL_UNKNOWN, FALSE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_REJECTED, FALSE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_FILE_CHANGED, FALSE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE, FALSE },
    { WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_PROTOCOL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "x");

      g_assert_cmpint (wbps_upload_error_is_resumable (error), ==, cases[i].resumable);
    }
}

static void
test_expired_url (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  fixture_start (&fx, "clock-scale=1000\nupload-url-lifetime=2\ncode-lifetime=100000000\n"
                      "access-lifetime=100000000\n", FILE_SIZE, CHUNK);
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);  /* 100 emulated s: the URL's 2 s lifetime passing is under test */
  uploader = new_uploader (&fx);
  run_upload (&fx, uploader, 0);
  g_assert_error (fx.error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_URL_EXPIRED);
  g_assert_nonnull (strstr (fx.error->message, "expired"));
  g_assert_cmpuint (fx.retrying_count, ==, 0);
  g_assert_cmpuint (fx.chunk_done_count, ==, 0);
  fixture_stop (&fx);
}

static void
test_unknown_url (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;
  g_autoptr(GUri) uri = NULL;

  fixture_start (&fx, NULL, FILE_SIZE, CHUNK);
  uri = g_uri_parse (fx.upload_url, G_URI_FLAGS_ENCODED, NULL);
  g_free (fx.upload_url);
  fx.upload_url = g_strconcat (fx.emu->base_url, g_uri_get_path (uri),
                               "?upload_id=no-such-upload&upload_token=no-such-token", NULL);
  uploader = new_uploader (&fx);
  run_upload (&fx, uploader, 0);
  g_assert_error (fx.error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_URL_UNKNOWN);
  g_assert_cmpuint (fx.retrying_count, ==, 0);
  fixture_stop (&fx);
}

static void
test_file_changed (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;

  fixture_start (&fx, NULL, FILE_SIZE, CHUNK);
  g_assert_true (g_file_set_contents (fx.path, "shorter", -1, NULL));
  uploader = new_uploader (&fx);
  run_upload (&fx, uploader, 0);
  g_assert_error (fx.error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_FILE_CHANGED);
  g_assert_cmpint (server_uploaded_bytes (&fx), ==, 0);
  fixture_stop (&fx);
}

static guint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* A 60 MB file in one 60 MB chunk: the body is streamed, memory stays flat. */
static void
test_memory_bounded (void)
{
  Fixture fx;
  g_autoptr(WbpsUploader) uploader = NULL;
  guint64 before, grown;

  fixture_start (&fx, NULL, 60000000, 0);
  g_assert_cmpuint (fx.plan.total_chunk_count, ==, 1);
  uploader = new_uploader (&fx);
  before = peak_rss_kib ();
  run_upload (&fx, uploader, 0);
  grown = peak_rss_kib () - before;       /* before checksumming maps the stored copy */
  assert_uploaded_intact (&fx, uploader);
  g_test_message ("peak RSS grew by %" G_GUINT64_FORMAT " KiB", grown);
  g_assert_cmpuint (grown, <, 8 * 1024);
  fixture_stop (&fx);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  signal (SIGABRT, kill_emulator_on_crash);
  signal (SIGTRAP, kill_emulator_on_crash);

  g_test_add_func ("/upload/uploader/multi-chunk", test_multi_chunk);
  g_test_add_func ("/upload/uploader/server-error-retried", test_server_error_retried);
  g_test_add_func ("/upload/uploader/server-errors-exhaust-attempts", test_server_errors_exhaust_attempts);
  g_test_add_func ("/upload/uploader/dropped-connection", test_dropped_connection);
  g_test_add_func ("/upload/uploader/slow-reply", test_slow_reply);
  g_test_add_func ("/upload/uploader/range-mismatch-reconciled", test_range_mismatch_reconciled);
  g_test_add_func ("/upload/uploader/replayed-chunk-reconciled", test_replayed_chunk_reconciled);
  g_test_add_func ("/upload/uploader/resume-from-checkpoint", test_resume_from_checkpoint);
  g_test_add_func ("/upload/uploader/cancel-promptly", test_cancel_promptly);
  g_test_add_func ("/upload/uploader/cancel-during-retry-wait", test_cancel_during_retry_wait);
  g_test_add_func ("/upload/uploader/resumable-errors", test_resumable_errors);
  g_test_add_func ("/upload/uploader/expired-url", test_expired_url);
  g_test_add_func ("/upload/uploader/unknown-url", test_unknown_url);
  g_test_add_func ("/upload/uploader/file-changed", test_file_changed);
  g_test_add_func ("/upload/uploader/memory-bounded", test_memory_bounded);

  return g_test_run ();
}
