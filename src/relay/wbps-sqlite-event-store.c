/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "wbps-sqlite-event-store.h"

/* Rows deleted per purge transaction: intake never waits long behind a purge. */
#define PURGE_STEP 500

struct _WbpsSqliteEventStore
{
  GObject       parent_instance;

  GMutex        lock;
  sqlite3      *db;
  sqlite3_stmt *begin;     /* prepared once: compiling BEGIN and COMMIT on every group commit cost more than the inserts */
  sqlite3_stmt *commit;
  sqlite3_stmt *rollback;
  sqlite3_stmt *exists;
  sqlite3_stmt *insert;
  sqlite3_stmt *list;
};

static void event_store_iface_init (WbpsEventStoreInterface *iface);

G_DEFINE_QUARK (wbps-sqlite-event-store-error-quark, wbps_sqlite_event_store_error)
G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsSqliteEventStore, wbps_sqlite_event_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_EVENT_STORE, event_store_iface_init))

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS events ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  body_sha256 BLOB NOT NULL UNIQUE,"
  "  open_id TEXT,"
  "  event TEXT NOT NULL,"
  "  create_time INTEGER NOT NULL,"
  "  received_at INTEGER NOT NULL,"
  "  body TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS events_by_user ON events (open_id, id);"
  "CREATE INDEX IF NOT EXISTS events_by_age ON events (received_at);";

static gboolean
sqlite_failed (sqlite3     *db,
               const char  *what,
               GError     **error)
{
  g_set_error (error, WBPS_SQLITE_EVENT_STORE_ERROR, WBPS_SQLITE_EVENT_STORE_ERROR_FAILED,
               "%s: %s", what, db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sqlite_failed (db, "Event database", error);
  return TRUE;
}

static void
wbps_sqlite_event_store_finalize (GObject *object)
{
  WbpsSqliteEventStore *self = (WbpsSqliteEventStore *) object;

  sqlite3_finalize (self->begin);
  sqlite3_finalize (self->commit);
  sqlite3_finalize (self->rollback);
  sqlite3_finalize (self->exists);
  sqlite3_finalize (self->insert);
  sqlite3_finalize (self->list);
  sqlite3_close (self->db);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (wbps_sqlite_event_store_parent_class)->finalize (object);
}

static void
wbps_sqlite_event_store_class_init (WbpsSqliteEventStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_sqlite_event_store_finalize;
}

static void
wbps_sqlite_event_store_init (WbpsSqliteEventStore *self)
{
  g_mutex_init (&self->lock);
}

static gboolean
make_parent_directory (const char  *path,
                       GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) == 0)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
               "Cannot create %s: %s", dir, g_strerror (errno));
  return FALSE;
}

static gboolean
open_database (WbpsSqliteEventStore  *self,
               const char            *path,
               GError               **error)
{
  if (!make_parent_directory (path, error))
    return FALSE;
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    return sqlite_failed (self->db, path, error);
  sqlite3_busy_timeout (self->db, 5000);
  return exec_sql (self->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", error) &&
         exec_sql (self->db, schema_sql, error) &&
         sqlite3_prepare_v2 (self->db, "BEGIN IMMEDIATE", -1, &self->begin, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2 (self->db, "COMMIT", -1, &self->commit, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2 (self->db, "ROLLBACK", -1, &self->rollback, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2 (self->db, "SELECT 1 FROM events WHERE body_sha256 = ?", -1, &self->exists, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2 (self->db,
                             "INSERT INTO events (body_sha256, open_id, event, create_time, received_at, body) "
                             "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (body_sha256) DO NOTHING",
                             -1, &self->insert, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2 (self->db,
                             "SELECT id, body_sha256, open_id, event, create_time, received_at, body "
                             "FROM events WHERE open_id = ? AND id > ? ORDER BY id LIMIT ?",
                             -1, &self->list, NULL) == SQLITE_OK;
}

WbpsSqliteEventStore *
wbps_sqlite_event_store_new (const char  *path,
                             GError     **error)
{
  g_autoptr(WbpsSqliteEventStore) self = g_object_new (WBPS_TYPE_SQLITE_EVENT_STORE, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!open_database (self, path, &local_error))
    {
      if (local_error == NULL)
        sqlite_failed (self->db, path, &local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* Whether an event with @digest is stored: -1 on error. */
static int
is_stored (WbpsSqliteEventStore *self,
           WbpsStoredEvent      *event)
{
  int rc;

  sqlite3_bind_blob (self->exists, 1, event->digest, sizeof event->digest, SQLITE_STATIC);
  rc = sqlite3_step (self->exists);
  sqlite3_reset (self->exists);
  sqlite3_clear_bindings (self->exists);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A duplicate is looked up before anything is inserted: an INSERT that its
 * conflict clause turns into nothing still advances AUTOINCREMENT's counter,
 * which wrote a page to the WAL on every commit of duplicates alone.
 */
static gboolean
insert_one (WbpsSqliteEventStore *self,
            WbpsStoredEvent      *event)
{
  sqlite3_stmt *stmt = self->insert;
  int stored = is_stored (self, event);
  int rc;

  if (stored < 0)
    return FALSE;
  event->duplicate = stored;
  event->id = 0;
  if (event->duplicate)
    return TRUE;
  sqlite3_reset (stmt);
  sqlite3_bind_blob (stmt, 1, event->digest, sizeof event->digest, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, event->open_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, event->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, event->create_time);
  sqlite3_bind_int64 (stmt, 5, event->received_at);
  sqlite3_bind_text (stmt, 6, event->body, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;
  /* The conflict clause stays the last word on uniqueness. */
  event->duplicate = sqlite3_changes (self->db) == 0;
  event->id = event->duplicate ? 0 : sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/* Runs a prepared statement that returns no rows. */
static gboolean
step_once (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
append_locked (WbpsSqliteEventStore  *self,
               GPtrArray             *events,
               GError               **error)
{
  if (!step_once (self->begin))
    return sqlite_failed (self->db, "Event database", error);
  for (guint i = 0; i < events->len; i++)
    if (!insert_one (self, g_ptr_array_index (events, i)))
      {
        sqlite_failed (self->db, "Storing an event", error);
        sqlite3_reset (self->insert);
        step_once (self->rollback);
        return FALSE;
      }
  if (step_once (self->commit))
    return TRUE;
  sqlite_failed (self->db, "Event database", error);
  step_once (self->rollback);
  return FALSE;
}

static gboolean
sqlite_append (WbpsEventStore  *store,
               GPtrArray       *events,
               GError         **error)
{
  WbpsSqliteEventStore *self = WBPS_SQLITE_EVENT_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return append_locked (self, events, error);
}

static WbpsStoredEvent *
read_row (sqlite3_stmt *stmt)
{
  WbpsStoredEvent *event = wbps_stored_event_new ();
  const void *digest = sqlite3_column_blob (stmt, 1);

  event->id = sqlite3_column_int64 (stmt, 0);
  if (digest != NULL && sqlite3_column_bytes (stmt, 1) == sizeof event->digest)
    memcpy (event->digest, digest, sizeof event->digest);
  event->open_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  event->name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  event->create_time = sqlite3_column_int64 (stmt, 4);
  event->received_at = sqlite3_column_int64 (stmt, 5);
  event->body = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  return event;
}

static GPtrArray *
sqlite_list_after (WbpsEventStore  *store,
                   const char      *open_id,
                   gint64           after,
                   guint            limit,
                   GError         **error)
{
  WbpsSqliteEventStore *self = WBPS_SQLITE_EVENT_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_stored_event_free);
  int rc;

  sqlite3_reset (self->list);
  sqlite3_bind_text (self->list, 1, open_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (self->list, 2, after);
  sqlite3_bind_int64 (self->list, 3, limit);
  while ((rc = sqlite3_step (self->list)) == SQLITE_ROW)
    g_ptr_array_add (events, read_row (self->list));
  sqlite3_reset (self->list);
  if (rc != SQLITE_DONE)
    {
      sqlite_failed (self->db, "Reading events", error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

static gint64
query_int (sqlite3     *db,
           const char  *sql,
           gint64       parameter,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite_failed (db, "Event database", error);
      return -1;
    }
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, parameter);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    value = sqlite3_changes (db);
  else
    sqlite_failed (db, "Event database", error);
  sqlite3_finalize (stmt);
  return value;
}

static gint64
sqlite_count (WbpsEventStore  *store,
              GError         **error)
{
  WbpsSqliteEventStore *self = WBPS_SQLITE_EVENT_STORE (store);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return query_int (self->db, "SELECT count(*) FROM events", 0, error);
}

/* One short transaction per step, so appends interleave with a long purge. */
static gint64
sqlite_purge (WbpsEventStore  *store,
              gint64           received_before,
              GError         **error)
{
  WbpsSqliteEventStore *self = WBPS_SQLITE_EVENT_STORE (store);
  gint64 total = 0, removed;

  do
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

      removed = query_int (self->db,
                           "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < ?1 "
                           "ORDER BY received_at LIMIT " G_STRINGIFY (PURGE_STEP) ")",
                           received_before, error);
      if (removed < 0)
        return -1;
      total += removed;
    }
  while (removed == PURGE_STEP);
  return total;
}

static void
event_store_iface_init (WbpsEventStoreInterface *iface)
{
  iface->append = sqlite_append;
  iface->list_after = sqlite_list_after;
  iface->count = sqlite_count;
  iface->purge = sqlite_purge;
}
