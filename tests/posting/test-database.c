/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The history/checkpoint database on a real SQLite file in a temporary directory. */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "wbps-database.h"
#include "wbps-test-util.h"

typedef struct {
  char         *dir;
  char         *path;
  WbpsDatabase *db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = wbps_test_mkdtemp ();
  /* A directory that does not exist yet: open must create it. */
  f->path = g_build_filename (f->dir, "nested", "wbps.db", NULL);
  f->db = wbps_database_new (f->path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->db);
  wbps_test_rmtree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gboolean
db_open (WbpsDatabase  *db,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_database_open_async (db, NULL, wbps_test_store_result, &result);
  return wbps_database_open_finish (db, wbps_test_await (&result, 10), error);
}

static gint64
db_insert (WbpsDatabase         *db,
           const WbpsPostRecord *record,
           GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_database_insert_async (db, record, NULL, wbps_test_store_result, &result);
  return wbps_database_insert_finish (db, wbps_test_await (&result, 10), error);
}

static gboolean
db_update (WbpsDatabase         *db,
           const WbpsPostRecord *record,
           GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_database_update_async (db, record, NULL, wbps_test_store_result, &result);
  return wbps_database_update_finish (db, wbps_test_await (&result, 10), error);
}

static WbpsPostRecord *
db_lookup (WbpsDatabase  *db,
           const char    *publish_id,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_database_lookup_async (db, publish_id, NULL, wbps_test_store_result, &result);
  return wbps_database_lookup_finish (db, wbps_test_await (&result, 10), error);
}

static GPtrArray *
db_list (WbpsDatabase  *db,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_database_list_async (db, NULL, wbps_test_store_result, &result);
  return wbps_database_list_finish (db, wbps_test_await (&result, 10), error);
}

static GPtrArray *
db_list_changed (WbpsDatabase  *db,
                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_database_list_changed_async (db, NULL, wbps_test_store_result, &result);
  return wbps_database_list_changed_finish (db, wbps_test_await (&result, 10), error);
}

static char *
sqlite_query_text (const char *path,
                   const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static void
sqlite_exec (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static WbpsPostRecord *
sample_record (const char *title)
{
  WbpsPostRecord *r = wbps_post_record_new ();

  r->file_path = g_strdup ("/videos/clip.mp4");
  r->file_size = 12582912;
  r->file_mtime = 1700000000;
  r->file_identity = g_strdup ("2049:1234:abcdef");
  r->content_type = g_strdup ("video/mp4");
  r->title = g_strdup (title);
  r->open_id = g_strdup ("open-id-1");
  r->mode = g_strdup ("direct");
  r->privacy = g_strdup ("SELF_ONLY");
  r->state = g_strdup ("PREFLIGHT");
  return r;
}

static void
test_fresh_schema (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *mode = NULL;
  GStatBuf st;

  g_assert_true (db_open (f->db, &error));
  g_assert_no_error (error);
  version = sqlite_query_text (f->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (WBPS_DATABASE_SCHEMA_VERSION));
  mode = sqlite_query_text (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  /* Upload URLs are capabilities: the file is private to the user. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
}

static void
test_migrates_v1 (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPostRecord) row = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *version = NULL;

  /* A database as the first schema left it, with one finished post. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sqlite_exec (f->path,
               "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, file_path TEXT NOT NULL,"
               " file_size INTEGER NOT NULL DEFAULT 0, file_mtime INTEGER NOT NULL DEFAULT 0,"
               " file_identity TEXT, title TEXT, open_id TEXT, mode TEXT NOT NULL, privacy TEXT,"
               " publish_id TEXT UNIQUE, upload_url TEXT, next_offset INTEGER NOT NULL DEFAULT 0,"
               " chunk_size INTEGER NOT NULL DEFAULT 0, chunk_count INTEGER NOT NULL DEFAULT 0,"
               " state TEXT NOT NULL, fail_reason TEXT, post_ids TEXT NOT NULL DEFAULT '',"
               " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
               "INSERT INTO posts (file_path, file_size, mode, publish_id, state, post_ids, created_at, updated_at)"
               " VALUES ('/old.mp4', 10, 'direct', 'v_pub_file~v2-1.1', 'DONE', '7300000000000000001', 1, 1);"
               "PRAGMA user_version = 1;");

  g_assert_true (db_open (f->db, &error));
  g_assert_no_error (error);
  version = sqlite_query_text (f->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (WBPS_DATABASE_SCHEMA_VERSION));
  row = db_lookup (f->db, "v_pub_file~v2-1.1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (row->file_path, ==, "/old.mp4");
  g_assert_cmpstr (row->post_ids[0], ==, "7300000000000000001");
  g_assert_null (row->content_type);
  g_assert_cmpint (row->upload_expires_at, ==, 0);
}

static void
test_refuses_newer (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sqlite_exec (f->path, "PRAGMA user_version = 99;");
  g_assert_false (db_open (f->db, &error));
  g_assert_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_TOO_NEW);
}

/* The upload URL (with its upload token) stayed in the database after the post was done. */
static void
test_upload_url_cleared_when_upload_ends (Fixture       *f,
                                          gconstpointer  data)
{
  const char *ended[] = { "PROCESSING", "DONE", "FAILED", "UNCONFIRMED" };
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPostRecord) r = sample_record ("url");
  g_autofree char *interrupted = NULL;

  r->id = db_insert (f->db, r, &error);
  g_assert_no_error (error);
  g_free (r->state);
  r->state = g_strdup ("INTERRUPTED");
  r->publish_id = g_strdup ("v_pub_file~v2-1.7300000000000000001");
  r->upload_url = g_strdup ("http://127.0.0.1:1/upload/?upload_id=1&upload_token=secret-upload-token");
  g_assert_true (db_update (f->db, r, &error));
  /* Resumable: the URL is still needed. */
  interrupted = sqlite_query_text (f->path, "SELECT upload_url FROM posts");
  g_assert_cmpstr (interrupted, ==, r->upload_url);
  for (guint i = 0; i < G_N_ELEMENTS (ended); i++)
    {
      g_autofree char *url = NULL;

      g_free (r->state);
      r->state = g_strdup (ended[i]);
      g_assert_true (db_update (f->db, r, &error));
      g_assert_no_error (error);
      url = sqlite_query_text (f->path, "SELECT upload_url FROM posts");
      g_assert_null (url);
    }
}

/* A damaged file once gave only "Local database: file is not a database". */
static void
test_damaged_explained (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *expected = NULL;
  g_autofree char *quoted = g_shell_quote (f->path);
  g_autofree char *aside = g_strconcat (f->path, ".damaged", NULL);
  g_autofree char *quoted_aside = g_shell_quote (aside);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, "this is not an SQLite database, not at all, really", -1, NULL));
  g_assert_false (db_open (f->db, &error));
  expected = g_strdup_printf ("The post history %s is damaged (file is not a database). Move it aside with "
                              "“mv %s %s” and run wbps again: a new history is started, and posts already "
                              "made stay on TikTok.", f->path, quoted, quoted_aside);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_checkpoint_round_trip (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPostRecord) r = sample_record ("caption #tag");
  g_autoptr(WbpsPostRecord) back = NULL;
  g_autoptr(WbpsDatabase) reopened = NULL;
  const char * const ids[] = { "7311111111111111111", "7322222222222222222", NULL };

  r->id = db_insert (f->db, r, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->id, >, 0);

  g_free (r->state);
  r->state = g_strdup ("UPLOAD");
  r->publish_id = g_strdup ("v_pub_file~v2-1.7312345678901234567");
  r->upload_url = g_strdup ("http://127.0.0.1:1/upload/?upload_id=1&upload_token=t");
  r->upload_expires_at = 1700003600;
  r->chunk_size = 5242880;
  r->chunk_count = 2;
  r->next_offset = 5242880;
  g_strfreev (r->post_ids);
  r->post_ids = g_strdupv ((char **) ids);
  g_assert_true (db_update (f->db, r, &error));
  g_assert_no_error (error);

  /* A second process (new object, new connection) sees the checkpoint. */
  reopened = wbps_database_new (f->path);
  back = db_lookup (reopened, r->publish_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->id, ==, r->id);
  g_assert_cmpstr (back->file_identity, ==, r->file_identity);
  g_assert_cmpstr (back->upload_url, ==, r->upload_url);
  g_assert_cmpint (back->upload_expires_at, ==, 1700003600);
  g_assert_cmpint (back->next_offset, ==, 5242880);
  g_assert_cmpint (back->chunk_size, ==, 5242880);
  g_assert_cmpint (back->chunk_count, ==, 2);
  g_assert_cmpint (back->file_size, ==, 12582912);
  g_assert_cmpstr (back->title, ==, "caption #tag");
  g_assert_cmpstr (back->state, ==, "UPLOAD");
  g_assert_cmpstrv (back->post_ids, ids);
  g_assert_cmpint (back->created_at, <=, back->updated_at);
}

static void
test_unique_publish_id (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPostRecord) a = sample_record ("a");
  g_autoptr(WbpsPostRecord) b = sample_record ("b");

  a->publish_id = g_strdup ("v_inbox_file~v2.42");
  b->publish_id = g_strdup ("v_inbox_file~v2.42");
  g_assert_cmpint (db_insert (f->db, a, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (db_insert (f->db, b, &error), ==, 0);
  g_assert_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_FAILED);
}

static void
test_history_order (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *titles[] = { "first", "second", "third" };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(WbpsPostRecord) r = sample_record (titles[i]);

      g_assert_cmpint (db_insert (f->db, r, &error), >, 0);
      g_assert_no_error (error);
    }
  rows = db_list (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (((WbpsPostRecord *) rows->pdata[0])->title, ==, "third");
  g_assert_cmpstr (((WbpsPostRecord *) rows->pdata[1])->title, ==, "second");
  g_assert_cmpstr (((WbpsPostRecord *) rows->pdata[2])->title, ==, "first");
}

/* Updates queued back to back without waiting land in call order. */
static void
test_updates_in_order (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPostRecord) r = sample_record ("ordered");
  g_autoptr(WbpsPostRecord) back = NULL;
  GAsyncResult *results[50] = { NULL, };

  r->publish_id = g_strdup ("v_pub_file~v2-1.99");
  r->id = db_insert (f->db, r, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      r->next_offset = (i + 1) * 1000;
      wbps_database_update_async (f->db, r, NULL, wbps_test_store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_true (wbps_database_update_finish (f->db, wbps_test_await (&results[i], 10), &error));
      g_assert_no_error (error);
      g_object_unref (results[i]);
    }
  back = db_lookup (f->db, r->publish_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->next_offset, ==, 50000);
}

static void
test_latest_interrupted (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(WbpsPostRecord) found = NULL;
  g_autoptr(WbpsPostRecord) none = NULL;
  const char *states[] = { "INTERRUPTED", "DONE", "FAILED" };

  wbps_database_latest_interrupted_async (f->db, NULL, wbps_test_store_result, &result2);
  none = wbps_database_latest_interrupted_finish (f->db, wbps_test_await (&result2, 10), &error);
  g_assert_null (none);
  g_assert_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(WbpsPostRecord) r = sample_record (states[i]);

      r->state = (g_free (r->state), g_strdup (states[i]));
      r->publish_id = g_strdup_printf ("v_pub_file~v2-1.%u", i);
      g_assert_cmpint (db_insert (f->db, r, &error), >, 0);
    }
  wbps_database_latest_interrupted_async (f->db, NULL, wbps_test_store_result, &result);
  found = wbps_database_latest_interrupted_finish (f->db, wbps_test_await (&result, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->publish_id, ==, "v_pub_file~v2-1.0");
}

static void
test_lookup_missing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPostRecord) r = db_lookup (f->db, "v_pub_file~v2-1.404", &error);

  g_assert_null (r);
  g_assert_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_NOT_FOUND);
}

/* The window's history follows other processes' writes; its own need no second read. */
static void
test_list_changed_by_others (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(WbpsPostRecord) mine = sample_record ("mine");
  g_autoptr(WbpsPostRecord) theirs = sample_record ("theirs");
  g_autoptr(WbpsDatabase) other = wbps_database_new (f->path);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) unchanged = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (db_open (f->db, &error));
  mine->id = db_insert (f->db, mine, &error);
  g_assert_cmpint (mine->id, >, 0);
  listed = db_list (f->db, &error);
  g_assert_cmpuint (listed->len, ==, 1);

  /* This connection's own write: nothing to read again. */
  g_free (mine->state);
  mine->state = g_strdup ("UPLOAD");
  g_assert_true (db_update (f->db, mine, &error));
  unchanged = db_list_changed (f->db, &error);
  g_assert_no_error (error);
  g_assert_null (unchanged);

  /* Another connection's (another wbps process): every row, its new one first. */
  g_assert_true (db_open (other, &error));
  g_assert_cmpint (db_insert (other, theirs, &error), >, 0);
  changed = db_list_changed (f->db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (changed);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpstr (((WbpsPostRecord *) changed->pdata[0])->title, ==, "theirs");
  g_assert_cmpstr (((WbpsPostRecord *) changed->pdata[1])->state, ==, "UPLOAD");

  again = db_list_changed (f->db, &error);
  g_assert_no_error (error);
  g_assert_null (again);
}

/* `wbps history` beside a running `wbps post`: two processes create the schema at once. */
static void
test_concurrent_first_open (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) dbs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  GAsyncResult *slots[6] = { NULL, };

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      WbpsDatabase *db = wbps_database_new (f->path);

      g_ptr_array_add (dbs, db);
      wbps_database_open_async (db, NULL, wbps_test_store_result, &slots[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autoptr(GError) error = NULL;

      wbps_test_await (&slots[i], 10);
      g_ptr_array_add (results, slots[i]);
      wbps_database_open_finish (dbs->pdata[i], slots[i], &error);
      g_assert_no_error (error);
    }
}

#define ADD(name, func) \
  g_test_add ("/database/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ADD ("fresh-schema", test_fresh_schema);
  ADD ("migrates-v1", test_migrates_v1);
  ADD ("refuses-newer", test_refuses_newer);
  ADD ("damaged-explained", test_damaged_explained);
  ADD ("upload-url-cleared-when-upload-ends", test_upload_url_cleared_when_upload_ends);
  ADD ("checkpoint-round-trip", test_checkpoint_round_trip);
  ADD ("unique-publish-id", test_unique_publish_id);
  ADD ("history-order", test_history_order);
  ADD ("updates-in-order", test_updates_in_order);
  ADD ("latest-interrupted", test_latest_interrupted);
  ADD ("lookup-missing", test_lookup_missing);
  ADD ("concurrent-first-open", test_concurrent_first_open);
  ADD ("list-changed-by-others", test_list_changed_by_others);
  return g_test_run ();
}
