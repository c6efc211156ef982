/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history as a list binds to it: rows of a real SQLite file, following every write. */
#include "wbps-history.h"
#include "wbps-test-util.h"

typedef struct {
  char         *dir;
  WbpsDatabase *db;
  WbpsHistory  *history;
  GString      *changes;   /* "position,removed,added;" per items-changed */
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  g_string_append_printf (f->changes, "%u,%u,%u;", position, removed, added);
}

static WbpsPostRecord *
new_record (const char *file_path)
{
  WbpsPostRecord *record = wbps_post_record_new ();

  record->file_path = g_strdup (file_path);
  record->mode = g_strdup ("direct");
  record->privacy = g_strdup ("SELF_ONLY");
  record->state = g_strdup ("PREFLIGHT");
  return record;
}

static gint64
insert (Fixture        *f,
        WbpsPostRecord *record)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_database_insert_async (f->db, record, NULL, wbps_test_store_result, &result);
  record->id = wbps_database_insert_finish (f->db, wbps_test_await (&result, 10), &error);
  g_assert_no_error (error);
  return record->id;
}

static void
update (Fixture        *f,
        WbpsPostRecord *record)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_database_update_async (f->db, record, NULL, wbps_test_store_result, &result);
  g_assert_true (wbps_database_update_finish (f->db, wbps_test_await (&result, 10), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = wbps_test_mkdtemp ();
  path = g_build_filename (f->dir, "wbps.db", NULL);
  f->db = wbps_database_new (path);
  wbps_database_open_async (f->db, NULL, wbps_test_store_result, &result);
  g_assert_true (wbps_database_open_finish (f->db, wbps_test_await (&result, 10), &error));
  g_assert_no_error (error);
  f->history = wbps_history_new (f->db);
  f->changes = g_string_new (NULL);
  g_signal_connect (f->history, "items-changed", G_CALLBACK (on_items_changed), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->history);
  g_clear_object (&f->db);
  wbps_test_rmtree (f->dir);
  g_free (f->dir);
  g_string_free (f->changes, TRUE);
}

static void
load (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_history_load_async (f->history, NULL, wbps_test_store_result, &result);
  g_assert_true (wbps_history_load_finish (f->history, wbps_test_await (&result, 10), &error));
  g_assert_no_error (error);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GString    *names)
{
  g_string_append_printf (names, "%s;", pspec->name);
}

/* Loaded newest first; a job's writes update the same WbpsPost and emit items-changed. */
static void
test_follows_writes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(WbpsPostRecord) old = new_record ("/videos/old.mp4");
  g_autoptr(WbpsPostRecord) fresh = new_record ("/videos/new.mp4");
  g_autoptr(GString) notified = g_string_new (NULL);
  g_autoptr(WbpsPost) first = NULL;
  g_autoptr(WbpsPost) post = NULL;
  gint64 created_at;

  insert (f, old);
  g_string_truncate (f->changes, 0);
  /* A load replaces what the model held (the row it saw written). */
  load (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  g_assert_cmpstr (f->changes->str, ==, "0,1,1;");
  first = g_list_model_get_item (G_LIST_MODEL (f->history), 0);
  g_assert_cmpstr (wbps_post_get_file_path (first), ==, "/videos/old.mp4");

  /* A new post shows on top. */
  g_string_truncate (f->changes, 0);
  insert (f, fresh);
  g_assert_cmpstr (f->changes->str, ==, "0,0,1;");
  post = g_list_model_get_item (G_LIST_MODEL (f->history), 0);
  g_assert_cmpstr (wbps_post_get_file_path (post), ==, "/videos/new.mp4");
  g_assert_cmpint (wbps_post_get_id (post), ==, fresh->id);
  created_at = wbps_post_get_created_at (post);
  g_assert_cmpint (created_at, >, 0);

  /* Progress recorded on it changes the row in place, notifying what changed. */
  g_string_truncate (f->changes, 0);
  g_signal_connect (post, "notify", G_CALLBACK (count_notify), notified);
  g_free (fresh->state);
  fresh->state = g_strdup ("UPLOAD");
  fresh->publish_id = g_strdup ("v_pub_file~v2-1.42");
  fresh->next_offset = 5000000;
  update (f, fresh);
  g_assert_cmpstr (f->changes->str, ==, "0,1,1;");
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (f->history), 0) == (gpointer) post);
  g_object_unref (post);
  g_assert_cmpstr (wbps_post_get_state (post), ==, "UPLOAD");
  g_assert_cmpint (wbps_post_get_uploaded_bytes (post), ==, 5000000);
  /* A job's record never read created_at back: the post keeps when it was made. */
  g_assert_cmpint (wbps_post_get_created_at (post), ==, created_at);
  g_assert_nonnull (strstr (notified->str, "state;"));
  g_assert_nonnull (strstr (notified->str, "publish-id;"));
  g_assert_nonnull (strstr (notified->str, "uploaded-bytes;"));
  g_assert_null (strstr (notified->str, "file-path;"));
  g_assert_true (wbps_history_lookup (f->history, "v_pub_file~v2-1.42") == post);
  g_assert_null (wbps_history_lookup (f->history, "v_pub_file~v2-1.43"));

  /* The older row is untouched, at position 1. */
  g_string_truncate (f->changes, 0);
  g_free (old->state);
  old->state = g_strdup ("FAILED");
  update (f, old);
  g_assert_cmpstr (f->changes->str, ==, "1,1,1;");
  g_assert_cmpstr (wbps_post_get_state (first), ==, "FAILED");
}

/* The history holds @n rows and its newest is in @state (NULL: any). */
typedef struct {
  Fixture    *f;
  guint       n;
  const char *state;
} Awaited;

static gboolean
history_reached (gpointer data)
{
  Awaited *awaited = data;
  GListModel *model = G_LIST_MODEL (awaited->f->history);
  g_autoptr(WbpsPost) top = NULL;

  if (g_list_model_get_n_items (model) < awaited->n)
    return FALSE;
  top = g_list_model_get_item (model, 0);
  return awaited->state == NULL || g_strcmp0 (wbps_post_get_state (top), awaited->state) == 0;
}

static void
await_history (Fixture    *f,
               guint       n,
               const char *state)
{
  Awaited awaited = { f, n, state };

  wbps_test_await_until (history_reached, &awaited, 20, "the history to show the other writer's row");
}

/* Another process (here a second connection, which emits nothing to the history) writes the
 * same file: once watched, the history reads the new row and its progress from the file. */
static void
test_watch_follows_other_writers (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(WbpsDatabase) other = wbps_database_new (wbps_database_get_path (f->db));
  g_autoptr(WbpsPostRecord) mine = new_record ("/videos/mine.mp4");
  g_autoptr(WbpsPostRecord) theirs = new_record ("/videos/theirs.mp4");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPost) post = NULL;
  WbpsDatabase *own = f->db;

  wbps_database_open_async (other, NULL, wbps_test_store_result, &result);
  g_assert_true (wbps_database_open_finish (other, wbps_test_await (&result, 10), &error));
  g_assert_no_error (error);
  insert (f, mine);
  load (f);
  g_assert_true (wbps_history_watch (f->history, &error));
  g_assert_no_error (error);

  g_string_truncate (f->changes, 0);
  f->db = other;
  insert (f, theirs);
  await_history (f, 2, NULL);
  g_assert_cmpstr (f->changes->str, ==, "0,0,1;");
  post = g_list_model_get_item (G_LIST_MODEL (f->history), 0);
  g_assert_cmpstr (wbps_post_get_file_path (post), ==, "/videos/theirs.mp4");
  g_assert_cmpint (wbps_post_get_id (post), ==, theirs->id);

  /* Its progress updates the same WbpsPost in place. */
  g_string_truncate (f->changes, 0);
  g_free (theirs->state);
  theirs->state = g_strdup ("DONE");
  update (f, theirs);
  await_history (f, 2, "DONE");
  g_assert_cmpstr (f->changes->str, ==, "0,1,1;");
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (f->history), 0) == (gpointer) post);
  g_object_unref (post);
  f->db = own;
}

/* The JSON a `wbps history --json` line holds: everything but the upload URL. */
static void
test_json_keeps_the_upload_url_out (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(WbpsPostRecord) record = new_record ("/videos/a.mp4");
  g_autoptr(WbpsPost) post = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  record->upload_url = g_strdup ("https://upload.example.invalid/?upload_token=SECRET");
  g_strfreev (record->post_ids);
  record->post_ids = g_strsplit ("7300000000000000001", ",", -1);
  insert (f, record);
  post = g_list_model_get_item (G_LIST_MODEL (f->history), 0);
  node = wbps_post_to_json (post);
  text = json_to_string (node, FALSE);
  g_assert_null (strstr (text, "SECRET"));
  g_assert_nonnull (strstr (text, "\"post_ids\":[\"7300000000000000001\"]"));
  g_assert_nonnull (strstr (text, "\"file\":\"/videos/a.mp4\""));
}

static void
test_final_status_sets_state (void)
{
  g_autoptr(WbpsPostRecord) record = new_record ("/videos/a.mp4");
  WbpsPublishStatus processing = { (char *) "PROCESSING_UPLOAD", NULL, NULL, -1 };
  WbpsPublishStatus inbox = { (char *) "SEND_TO_USER_INBOX", NULL, NULL, -1 };
  WbpsPublishStatus failed = { (char *) "FAILED", (char *) "duration_check_failed", NULL, -1 };

  g_free (record->state);
  record->state = g_strdup ("INTERRUPTED");
  wbps_history_record_status (record, &processing);
  g_assert_cmpstr (record->state, ==, "INTERRUPTED");
  g_assert_cmpstr (record->status, ==, "PROCESSING_UPLOAD");
  wbps_history_record_status (record, &inbox);
  g_assert_cmpstr (record->state, ==, "DONE");
  wbps_history_record_status (record, &failed);
  g_assert_cmpstr (record->state, ==, "FAILED");
  g_assert_cmpstr (record->fail_reason, ==, "duration_check_failed");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/history/follows-writes", Fixture, NULL, fixture_set_up, test_follows_writes, fixture_tear_down);
  g_test_add ("/history/watch-follows-other-writers", Fixture, NULL, fixture_set_up,
              test_watch_follows_other_writers, fixture_tear_down);
  g_test_add ("/history/json-keeps-the-upload-url-out", Fixture, NULL, fixture_set_up,
              test_json_keeps_the_upload_url_out, fixture_tear_down);
  g_test_add_func ("/history/final-status-sets-state", test_final_status_sets_state);
  return g_test_run ();
}
