/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsPublishJob driven in-process, as the GUI will drive it: its states and
 * signals, the checkpoint being on disk before the publish_id is announced,
 * and a cancelled job resumed by a second job without a second init.
 */
#include <sqlite3.h>

#include "wbps-test-posting.h"
#include "wbps-account-manager.h"
#include "wbps-api-client.h"
#include "wbps-media-preflight.h"
#include "wbps-publish-job.h"
#include "wbps-token-store.h"

#define CHUNK 5242880

static char *video;   /* ~17.5 MB: three chunks */

typedef struct {
  WbpsTestPosting    *world;
  WbpsConfig         *config;
  WbpsAccountManager *accounts;
  WbpsApiClient      *api;
  WbpsDatabase       *database;
  char               *db_path;
} Core;

/* The same objects the command line builds, signed in through the CLI beforehand. */
static void
core_set_up (Core *core)
{
  g_autofree char *auth_url = NULL;
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  core->world = wbps_test_posting_new_wbps ("processing-delay-ms=500\n[faults]\nslow-ms=300\n");
  auth_url = wbps_test_emulator_url (core->world->emu, "/v2/auth/authorize/");
  core->config = wbps_config_new_explicit (auth_url, core->world->emu->base_url, "wbps-demo", "wbps-demo-secret");
  core->accounts = wbps_account_manager_new (core->config, store);
  wbps_account_manager_load_async (core->accounts, NULL, wbps_test_store_result, &result);
  g_assert_true (wbps_account_manager_load_finish (core->accounts, wbps_test_await (&result, 60), &error));
  g_assert_no_error (error);
  g_assert_nonnull (wbps_account_manager_get_current (core->accounts));
  core->api = wbps_api_client_new (core->config, core->accounts);
  core->db_path = g_build_filename (core->world->data_home, "job.db", NULL);
  core->database = wbps_database_new (core->db_path);
}

static void
core_tear_down (Core *core)
{
  g_clear_object (&core->database);
  g_clear_object (&core->api);
  g_clear_object (&core->accounts);
  g_clear_object (&core->config);
  g_clear_pointer (&core->world, wbps_test_posting_free);
  g_free (core->db_path);
}

static WbpsPublishJob *
new_job (Core *core)
{
  g_autoptr(WbpsMediaPreflight) preflight = wbps_media_preflight_new ();
  g_autoptr(GFile) file = g_file_new_for_path (video);
  g_autoptr(WbpsPostOptions) options = g_object_new (WBPS_TYPE_POST_OPTIONS,
                                                    "file", file,
                                                    "open-id", wbps_account_manager_get_current (core->accounts),
                                                    "privacy-level", "SELF_ONLY",
                                                    "title", "from the job test",
                                                    "chunk-size", (guint64) CHUNK,
                                                    NULL);
  WbpsPublishJob *job = wbps_publish_job_new (core->config, core->api, core->database,
                                              WBPS_PREFLIGHT (preflight));

  wbps_publish_job_set_options (job, options);
  return job;
}

typedef struct {
  Core         *core;
  GString      *states;
  GString      *notices;
  guint64       last_sent;
  guint64       total;
  guint         progress_count;
  gboolean      checkpoint_seen;
  GCancellable *cancel_on_progress;
} Watch;

static void
state_cb (WbpsPublishJob *job,
          GParamSpec     *pspec,
          Watch          *watch)
{
  const char *name = wbps_publish_state_to_string (wbps_publish_job_get_state (job));

  /* Notified again when the final state is on disk: record each state once. */
  if (!g_str_has_suffix (watch->states->str, name))
    g_string_append_printf (watch->states, "%s%s", watch->states->len > 0 ? " " : "", name);
}

static void
notice_cb (WbpsPublishJob *job,
           const char     *text,
           Watch          *watch)
{
  g_string_append_printf (watch->notices, "%s\n", text);
}

static void
progress_cb (WbpsPublishJob *job,
             guint64         sent,
             guint64         total,
             double          rate,
             gint64          eta,
             Watch          *watch)
{
  g_assert_cmpuint (sent, <=, total);
  watch->last_sent = sent;
  watch->total = total;
  watch->progress_count++;
  if (watch->cancel_on_progress != NULL && sent > CHUNK)
    g_cancellable_cancel (watch->cancel_on_progress);
}

/* When the publish_id is announced, another reader of the database already sees the checkpoint. */
static void
publish_id_cb (WbpsPost   *post,
               GParamSpec *pspec,
               Watch      *watch)
{
  const char *publish_id = wbps_post_get_publish_id (post);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (publish_id == NULL || watch->checkpoint_seen)
    return;
  g_assert_cmpint (sqlite3_open_v2 (watch->core->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT upload_url, chunk_size, file_identity FROM posts WHERE publish_id = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, publish_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_true (g_str_has_prefix ((const char *) sqlite3_column_text (stmt, 0), "http"));
  g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, CHUNK);
  g_assert_nonnull (sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  watch->checkpoint_seen = TRUE;
}

static void
watch_job (WbpsPublishJob *job,
           Watch          *watch)
{
  g_signal_connect (job, "notify::state", G_CALLBACK (state_cb), watch);
  g_signal_connect (wbps_publish_job_get_post (job), "notify::publish-id", G_CALLBACK (publish_id_cb), watch);
  g_signal_connect (job, "notice", G_CALLBACK (notice_cb), watch);
  g_signal_connect (job, "progress", G_CALLBACK (progress_cb), watch);
}

static gboolean
run_job (WbpsPublishJob  *job,
         GCancellable    *cancellable,
         GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_publish_job_run_async (job, cancellable, wbps_test_store_result, &result);
  return wbps_publish_job_run_finish (job, wbps_test_await (&result, 60), error);
}

static void
test_states_and_signals (void)
{
  Core core = { 0 };
  g_autoptr(WbpsPublishJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) states = g_string_new (NULL);
  g_autoptr(GString) notices = g_string_new (NULL);
  Watch watch = { &core, states, notices, 0, 0, 0, FALSE, NULL };
  g_autofree char *sent = wbps_test_sha256_file (video);
  g_autofree char *received = NULL;

  core_set_up (&core);
  job = new_job (&core);
  watch_job (job, &watch);
  g_assert_true (run_job (job, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (states->str, ==, "PREFLIGHT CREATOR_INFO INIT UPLOAD PROCESSING DONE");
  g_assert_true (watch.checkpoint_seen);
  g_assert_cmpuint (watch.progress_count, >=, 3);
  g_assert_cmpuint (watch.last_sent, ==, watch.total);
  g_assert_cmpstr (wbps_creator_info_get_nickname (wbps_publish_job_get_creator_info (job)), ==, "Demo Creator");
  g_assert_nonnull (strstr (notices->str, "Demo Creator"));
  g_assert_cmpstr (wbps_post_get_status (wbps_publish_job_get_post (job)), ==, "PUBLISH_COMPLETE");
  /* The job's post is its history row as last written. */
  g_assert_cmpint (wbps_post_get_id (wbps_publish_job_get_post (job)), >, 0);
  g_assert_cmpstr (wbps_post_get_state (wbps_publish_job_get_post (job)), ==, "DONE");
  g_assert_cmpint (wbps_post_get_uploaded_bytes (wbps_publish_job_get_post (job)), ==, watch.total);
  received = wbps_test_emulator_received_sha256 (core.world->emu, wbps_post_get_publish_id (wbps_publish_job_get_post (job)));
  g_assert_cmpstr (received, ==, sent);
  core_tear_down (&core);
}

static WbpsPostRecord *
lookup (Core       *core,
        const char *publish_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  WbpsPostRecord *record;

  wbps_database_lookup_async (core->database, publish_id, NULL, wbps_test_store_result, &result);
  record = wbps_database_lookup_finish (core->database, wbps_test_await (&result, 60), &error);
  g_assert_no_error (error);
  return record;
}

/* A resume cancelled before it got anywhere leaves the checkpoint resumable. */
static void
assert_cancelled_resume_keeps_checkpoint (Core                 *core,
                                          const WbpsPostRecord *checkpoint)
{
  g_autoptr(WbpsPublishJob) job = wbps_publish_job_new (core->config, core->api, core->database, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(WbpsPostRecord) row = NULL;
  g_autoptr(GError) error = NULL;

  wbps_publish_job_set_checkpoint (job, checkpoint);
  g_cancellable_cancel (cancellable);
  g_assert_false (run_job (job, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  row = lookup (core, checkpoint->publish_id);
  g_assert_cmpstr (row->state, ==, "INTERRUPTED");
}

/* Cancelling mid-upload leaves INTERRUPTED; a new job resumes it, same publish_id. */
static void
test_cancel_then_resume (void)
{
  Core core = { 0 };
  g_autoptr(WbpsPublishJob) job = NULL;
  g_autoptr(WbpsPublishJob) resumed = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GString) states = g_string_new (NULL);
  g_autoptr(GString) notices = g_string_new (NULL);
  g_autoptr(GString) states2 = g_string_new (NULL);
  g_autoptr(GString) notices2 = g_string_new (NULL);
  Watch watch = { &core, states, notices, 0, 0, 0, FALSE, cancellable };
  Watch watch2 = { &core, states2, notices2, 0, 0, 0, TRUE, NULL };
  g_autoptr(WbpsPostRecord) checkpoint = NULL;
  g_autoptr(WbpsPostRecord) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sent = wbps_test_sha256_file (video);
  g_autofree char *received = NULL;

  core_set_up (&core);
  job = new_job (&core);
  watch_job (job, &watch);
  g_assert_false (run_job (job, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (wbps_publish_job_get_state (job), ==, WBPS_PUBLISH_STATE_INTERRUPTED);
  checkpoint = lookup (&core, wbps_post_get_publish_id (wbps_publish_job_get_post (job)));
  g_assert_cmpstr (checkpoint->state, ==, "INTERRUPTED");
  g_assert_cmpint (checkpoint->next_offset, <, checkpoint->file_size);
  assert_cancelled_resume_keeps_checkpoint (&core, checkpoint);

  resumed = wbps_publish_job_new (core.config, core.api, core.database, NULL);
  wbps_publish_job_set_checkpoint (resumed, checkpoint);
  watch_job (resumed, &watch2);
  g_assert_true (run_job (resumed, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wbps_post_get_publish_id (wbps_publish_job_get_post (resumed)), ==, checkpoint->publish_id);
  /* No pre-flight, creator info or init the second time. */
  g_assert_null (strstr (states2->str, "INIT"));
  g_assert_cmpstr (wbps_post_get_status (wbps_publish_job_get_post (resumed)), ==, "PUBLISH_COMPLETE");
  done = lookup (&core, checkpoint->publish_id);
  g_assert_cmpstr (done->state, ==, "DONE");
  g_assert_cmpuint (wbps_test_posting_upload_count (core.world), ==, 1);
  received = wbps_test_emulator_received_sha256 (core.world->emu, checkpoint->publish_id);
  g_assert_cmpstr (received, ==, sent);
  core_tear_down (&core);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  wbps_media_init ();
  video = wbps_test_posting_make_mp4 ("video.mp4", 80);

  g_test_add_func ("/publish-job/states-and-signals", test_states_and_signals);
  g_test_add_func ("/publish-job/cancel-then-resume", test_cancel_then_resume);
  return wbps_test_posting_run_tests ();
}
