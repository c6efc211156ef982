/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-database.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>

G_DEFINE_QUARK (wbps-database-error-quark, wbps_database_error)

/* ---- schema ------------------------------------------------------------- */

/* migrations[i] takes a database from user_version i to i + 1. */
static const char * const migrations[WBPS_DATABASE_SCHEMA_VERSION] = {
  "CREATE TABLE posts ("
  "  id            INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  file_path     TEXT NOT NULL,"
  "  file_size     INTEGER NOT NULL DEFAULT 0,"
  "  file_mtime    INTEGER NOT NULL DEFAULT 0,"
  "  file_identity TEXT,"
  "  title         TEXT,"
  "  open_id       TEXT,"
  "  mode          TEXT NOT NULL,"
  "  privacy       TEXT,"
  "  publish_id    TEXT UNIQUE,"
  "  upload_url    TEXT,"
  "  next_offset   INTEGER NOT NULL DEFAULT 0,"
  "  chunk_size    INTEGER NOT NULL DEFAULT 0,"
  "  chunk_count   INTEGER NOT NULL DEFAULT 0,"
  "  state         TEXT NOT NULL,"
  "  fail_reason   TEXT,"
  "  post_ids      TEXT NOT NULL DEFAULT '',"
  "  created_at    INTEGER NOT NULL,"
  "  updated_at    INTEGER NOT NULL);",

  /* v2: what resume needs without probing again, TikTok's last status, history order. */
  "ALTER TABLE posts ADD COLUMN content_type TEXT;"
  "ALTER TABLE posts ADD COLUMN upload_expires_at INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE posts ADD COLUMN status TEXT;"
  "CREATE INDEX posts_by_created ON posts (created_at DESC, id DESC);",
};

/* Column order shared by bind_record() and read_record(); id comes last. */
#define POST_COLUMNS \
  "file_path, file_size, file_mtime, file_identity, content_type, title, open_id, mode," \
  " privacy, publish_id, upload_url, upload_expires_at, next_offset, chunk_size," \
  " chunk_count, state, status, fail_reason, post_ids, created_at, updated_at, id"
#define POST_BIND_COUNT 21

/* ---- the object ---------------------------------------------------------- */

struct _WbpsDatabase
{
  GObject      parent_instance;

  char        *path;
  sqlite3     *db;       /* touched only on the worker thread */
  GThreadPool *worker;   /* one thread: statements run in call order */
  gint64       listed_version;  /* worker thread: PRAGMA data_version at the last list */
};

G_DEFINE_FINAL_TYPE (WbpsDatabase, wbps_database, G_TYPE_OBJECT)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  OP_OPEN,
  OP_INSERT,
  OP_UPDATE,
  OP_LOOKUP,
  OP_LIST,
  OP_LIST_CHANGED,
  OP_LATEST_INTERRUPTED,
  OP_FIND_UNFINISHED,
  OP_FORGET_UPLOAD_URLS,
} OpKind;

typedef struct {
  OpKind          kind;
  WbpsPostRecord *record;
  char           *arg;      /* publish_id, file identity or open_id, as the kind needs */
} Op;

static void
op_free (Op *op)
{
  wbps_post_record_free (op->record);
  g_free (op->arg);
  g_free (op);
}

static GError *
sqlite_error (sqlite3    *db,
              const char *what)
{
  return g_error_new (WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_FAILED,
                      /* Translators: the first %s is an action such as “saving the post”,
                       * the second SQLite's reason */
                      _("Local database: %s failed: %s"), what,
                      db != NULL ? sqlite3_errmsg (db) : _("out of memory"));
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;
  g_set_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_FAILED,
               /* Translators: %s is SQLite's reason */
               _("Local database: %s"), message != NULL ? message : _("unknown error"));
  sqlite3_free (message);
  return FALSE;
}

static gint64
query_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Runs one migration and bumps user_version (inside the caller's transaction). */
static gboolean
apply_migration (sqlite3  *db,
                 guint     from,
                 GError  **error)
{
  g_autofree char *sql = g_strdup_printf ("%s PRAGMA user_version = %u;", migrations[from], from + 1);

  return exec_sql (db, sql, error);
}

static gboolean
check_version (sqlite3  *db,
               gint64    version,
               GError  **error)
{
  if (version < 0)
    {
      g_propagate_error (error, sqlite_error (db, _("reading the schema version")));
      return FALSE;
    }
  if (version > WBPS_DATABASE_SCHEMA_VERSION)
    {
      g_set_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_TOO_NEW,
                   /* Translators: the number is the database's schema version */
                   _("The local database was written by a newer wbps (schema %" PRId64 ")"),
                   version);
      return FALSE;
    }
  return TRUE;
}

/* Another wbps process (a `wbps history` beside a `wbps post`) may open the database at the
 * same moment: the version is read and migrated under one write lock. */
static gboolean
migrate (sqlite3  *db,
         GError  **error)
{
  gint64 version;

  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  version = query_user_version (db);
  if (!check_version (db, version, error))
    goto fail;
  for (guint v = version; v < WBPS_DATABASE_SCHEMA_VERSION; v++)
    if (!apply_migration (db, v, error))
      goto fail;
  return exec_sql (db, "COMMIT", error);

fail:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

#define BUSY_TIMEOUT_MS 5000

/*
 * WAL mode and the schema. Beside another wbps opening the same new file, SQLite
 * answers "database is locked" at once (its busy handler is not called for the
 * journal-mode change): try again until the busy timeout has passed.
 */
static gboolean
set_up_schema (sqlite3  *db,
               GError  **error)
{
  gint64 deadline = g_get_monotonic_time () + BUSY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;

      if (exec_sql (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", &local_error) &&
          migrate (db, &local_error))
        return TRUE;
      if (sqlite3_errcode (db) != SQLITE_BUSY || g_get_monotonic_time () >= deadline)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* The database's own worker thread: no caller waits on this pause but through the queue. */
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }
}

/* Upload URLs are capabilities: keep the file (and its WAL, which inherits the mode) private. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   /* Translators: a folder, then the system's reason */
                   _("Cannot create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   /* Translators: a file, then the system's reason */
                   _("Cannot open %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return g_close (fd, error);
}

static gboolean
is_damaged (sqlite3 *db)
{
  int code = sqlite3_errcode (db);

  return code == SQLITE_NOTADB || code == SQLITE_CORRUPT;
}

/* "file is not a database" alone left users stuck: name the file and the way out. */
static void
explain_damaged (WbpsDatabase  *self,
                 GError       **error)
{
  g_autofree char *aside = g_strconcat (self->path, ".damaged", NULL);
  g_autofree char *quoted_path = g_shell_quote (self->path);
  g_autofree char *quoted_aside = g_shell_quote (aside);
  g_autofree char *reason = g_strdup (sqlite3_errmsg (self->db));

  g_clear_error (error);
  g_set_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_FAILED,
               /* Translators: %1$s is the file, %2$s SQLite's reason, then a shell command */
               _("The post history %s is damaged (%s). Move it aside with “mv %s %s” and run wbps "
                 "again: a new history is started, and posts already made stay on TikTok."),
               self->path, reason, quoted_path, quoted_aside);
}

static gboolean
do_open (WbpsDatabase  *self,
         GError       **error)
{
  if (self->db != NULL)
    return TRUE;
  if (!create_private_file (self->path, error))
    return FALSE;
  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      g_propagate_error (error, sqlite_error (self->db, _("opening")));
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }
  /* Another wbps (e.g. `wbps history` during a post) may hold the lock briefly. */
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  if (!set_up_schema (self->db, error))
    {
      if (is_damaged (self->db))
        explain_damaged (self, error);
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }
  return TRUE;
}

/* ---- rows ----------------------------------------------------------------- */

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/*
 * The upload URL carries TikTok's upload token: it is kept only while the upload
 * may still need it (under way or interrupted), never once it has ended.
 */
static gboolean
upload_may_continue (const char *state)
{
  const char * const upload_states[] = { "NEW", "PREFLIGHT", "CREATOR_INFO", "INIT", "UPLOAD",
                                         "INTERRUPTED", NULL };

  return state == NULL || g_strv_contains (upload_states, state);
}

static void
bind_record (sqlite3_stmt         *stmt,
             const WbpsPostRecord *r)
{
  g_autofree char *post_ids = r->post_ids != NULL ? g_strjoinv (",", r->post_ids) : g_strdup ("");

  bind_text (stmt, 1, r->file_path != NULL ? r->file_path : "");
  sqlite3_bind_int64 (stmt, 2, r->file_size);
  sqlite3_bind_int64 (stmt, 3, r->file_mtime);
  bind_text (stmt, 4, r->file_identity);
  bind_text (stmt, 5, r->content_type);
  bind_text (stmt, 6, r->title);
  bind_text (stmt, 7, r->open_id);
  bind_text (stmt, 8, r->mode != NULL ? r->mode : "direct");
  bind_text (stmt, 9, r->privacy);
  bind_text (stmt, 10, r->publish_id);
  bind_text (stmt, 11, upload_may_continue (r->state) ? r->upload_url : NULL);
  sqlite3_bind_int64 (stmt, 12, r->upload_expires_at);
  sqlite3_bind_int64 (stmt, 13, r->next_offset);
  sqlite3_bind_int64 (stmt, 14, r->chunk_size);
  sqlite3_bind_int64 (stmt, 15, r->chunk_count);
  bind_text (stmt, 16, r->state != NULL ? r->state : "PREFLIGHT");
  bind_text (stmt, 17, r->status);
  bind_text (stmt, 18, r->fail_reason);
  bind_text (stmt, 19, post_ids);
  sqlite3_bind_int64 (stmt, 20, r->created_at);
  sqlite3_bind_int64 (stmt, 21, r->updated_at);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static GStrv
split_post_ids (const char *text)
{
  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, ",", -1);
}

static WbpsPostRecord *
read_record (sqlite3_stmt *stmt)
{
  WbpsPostRecord *r = g_new0 (WbpsPostRecord, 1);

  r->file_path = column_text (stmt, 0);
  r->file_size = sqlite3_column_int64 (stmt, 1);
  r->file_mtime = sqlite3_column_int64 (stmt, 2);
  r->file_identity = column_text (stmt, 3);
  r->content_type = column_text (stmt, 4);
  r->title = column_text (stmt, 5);
  r->open_id = column_text (stmt, 6);
  r->mode = column_text (stmt, 7);
  r->privacy = column_text (stmt, 8);
  r->publish_id = column_text (stmt, 9);
  r->upload_url = column_text (stmt, 10);
  r->upload_expires_at = sqlite3_column_int64 (stmt, 11);
  r->next_offset = sqlite3_column_int64 (stmt, 12);
  r->chunk_size = sqlite3_column_int64 (stmt, 13);
  r->chunk_count = sqlite3_column_int64 (stmt, 14);
  r->state = column_text (stmt, 15);
  r->status = column_text (stmt, 16);
  r->fail_reason = column_text (stmt, 17);
  r->post_ids = split_post_ids ((const char *) sqlite3_column_text (stmt, 18));
  r->created_at = sqlite3_column_int64 (stmt, 19);
  r->updated_at = sqlite3_column_int64 (stmt, 20);
  r->id = sqlite3_column_int64 (stmt, 21);
  return r;
}

static sqlite3_stmt *
prepare (WbpsDatabase  *self,
         const char    *sql,
         GError       **error)
{
  sqlite3_stmt *stmt = NULL;

  if (!do_open (self, error))
    return NULL;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_propagate_error (error, sqlite_error (self->db, _("preparing a statement")));
      return NULL;
    }
  return stmt;
}

static gint64
do_insert (WbpsDatabase    *self,
           WbpsPostRecord  *record,
           GError         **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO posts (" POST_COLUMNS ") VALUES "
                                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)", error);
  gint64 id = 0;

  if (stmt == NULL)
    return 0;
  record->created_at = record->updated_at = g_get_real_time ();
  bind_record (stmt, record);
  if (sqlite3_step (stmt) == SQLITE_DONE)
    id = sqlite3_last_insert_rowid (self->db);
  else
    g_propagate_error (error, sqlite_error (self->db, _("saving the post")));
  sqlite3_finalize (stmt);
  return id;
}

static gboolean
do_update (WbpsDatabase    *self,
           WbpsPostRecord  *record,
           GError         **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE posts SET file_path=?1, file_size=?2, file_mtime=?3,"
                                " file_identity=?4, content_type=?5, title=?6, open_id=?7, mode=?8,"
                                " privacy=?9, publish_id=?10,"
                                /* Once forgotten (sign-out), a running job cannot write the URL back. */
                                " upload_url=CASE WHEN publish_id IS NULL OR upload_url IS NOT NULL THEN ?11 END,"
                                " upload_expires_at=?12,"
                                " next_offset=?13, chunk_size=?14, chunk_count=?15, state=?16,"
                                " status=?17, fail_reason=?18, post_ids=?19, updated_at=?21"
                                " WHERE id=?22", error);
  gboolean ok = FALSE;

  if (stmt == NULL)
    return FALSE;
  record->updated_at = g_get_real_time ();
  bind_record (stmt, record);
  sqlite3_bind_int64 (stmt, POST_BIND_COUNT + 1, record->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_propagate_error (error, sqlite_error (self->db, _("saving the post")));
  else if (sqlite3_changes (self->db) == 0)
    g_set_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_NOT_FOUND,
                 /* Translators: the number identifies a post in the local history */
                 _("Post %" PRId64 " is not in the local history"), record->id);
  else
    ok = TRUE;
  sqlite3_finalize (stmt);
  return ok;
}

/* Runs a SELECT of POST_COLUMNS; @arg (optional) binds ?1. */
static GPtrArray *
do_select (WbpsDatabase  *self,
           const char    *where_and_order,
           const char    *arg,
           GError       **error)
{
  g_autofree char *sql = g_strconcat ("SELECT " POST_COLUMNS " FROM posts ", where_and_order, NULL);
  sqlite3_stmt *stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) rows = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  if (arg != NULL)
    bind_text (stmt, 1, arg);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_post_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_record (stmt));
  if (rc != SQLITE_DONE)
    g_propagate_error (error, sqlite_error (self->db, _("reading the history")));
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

static WbpsPostRecord *
first_or_not_found (GPtrArray   *rows,
                    const char  *what,
                    GError     **error)
{
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, WBPS_DATABASE_ERROR, WBPS_DATABASE_ERROR_NOT_FOUND, "%s", what);
      return NULL;
    }
  return g_ptr_array_steal_index (rows, 0);
}

/*
 * The newest row of the same file that a new post would duplicate: an upload that
 * can still be resumed, or a whole one whose final status nobody saw (a day at most).
 */
static void
run_find_unfinished (WbpsDatabase *self,
                     GTask        *task,
                     Op           *op)
{
  GError *error = NULL;
  g_autoptr(GPtrArray) rows =
    do_select (self, "WHERE file_identity = ?1 AND publish_id IS NOT NULL AND ("
                     " (state IN ('UPLOAD', 'INTERRUPTED') AND upload_url IS NOT NULL"
                     "  AND upload_expires_at > CAST(strftime('%s', 'now') AS INTEGER))"
                     " OR (state IN ('PROCESSING', 'UNCONFIRMED') AND file_size > 0 AND next_offset >= file_size"
                     "  AND created_at > (CAST(strftime('%s', 'now') AS INTEGER) - 86400) * 1000000))"
                     " ORDER BY updated_at DESC, id DESC LIMIT 1", op->arg, &error);

  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows->len > 0 ? g_ptr_array_steal_index (rows, 0) : NULL,
                           (GDestroyNotify) wbps_post_record_free);
}

/* Drops the upload URLs (capabilities) of one account's posts; returns how many. */
static void
run_forget_upload_urls (WbpsDatabase *self,
                        GTask        *task,
                        Op           *op)
{
  GError *error = NULL;
  sqlite3_stmt *stmt = prepare (self, "UPDATE posts SET upload_url = NULL"
                                      " WHERE open_id = ?1 AND upload_url IS NOT NULL", &error);

  if (stmt == NULL)
    return g_task_return_error (task, error);
  bind_text (stmt, 1, op->arg);
  if (sqlite3_step (stmt) == SQLITE_DONE)
    g_task_return_int (task, sqlite3_changes (self->db));
  else
    g_task_return_error (task, sqlite_error (self->db, _("forgetting the upload addresses")));
  sqlite3_finalize (stmt);
}

/* ---- the worker -------------------------------------------------------------- */

static void
run_lookup (WbpsDatabase *self,
            GTask        *task,
            Op           *op)
{
  GError *error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *what = NULL;
  WbpsPostRecord *record;

  if (op->kind == OP_LOOKUP)
    {
      rows = do_select (self, "WHERE publish_id = ?1", op->arg, &error);
      /* Translators: %s is a publish ID given by TikTok */
      what = g_strdup_printf (_("%s is not in the local history"), op->arg);
    }
  else
    {
      /* An upload to finish, or a whole one whose final status nobody saw. */
      rows = do_select (self, "WHERE publish_id IS NOT NULL AND (state IN ('UPLOAD', 'INTERRUPTED')"
                              " OR (state IN ('PROCESSING', 'UNCONFIRMED') AND file_size > 0 AND next_offset >= file_size))"
                              " ORDER BY updated_at DESC, id DESC LIMIT 1", NULL, &error);
      what = g_strdup (_("There is no interrupted upload to resume"));
    }
  record = first_or_not_found (rows, what, &error);
  if (record != NULL)
    g_task_return_pointer (task, record, (GDestroyNotify) wbps_post_record_free);
  else
    g_task_return_error (task, error);
}

typedef struct {
  WbpsDatabase   *self;
  WbpsPostRecord *record;
} Saved;

static void
saved_free (Saved *saved)
{
  g_object_unref (saved->self);
  wbps_post_record_free (saved->record);
  g_free (saved);
}

static gboolean
emit_saved (gpointer user_data)
{
  Saved *saved = user_data;

  g_signal_emit (saved->self, signals[SIGNAL_SAVED], 0, saved->record);
  return G_SOURCE_REMOVE;
}

/* Tells the caller's thread about a written row, before the write's own callback runs. */
static void
announce_saved (WbpsDatabase         *self,
                GTask                *task,
                const WbpsPostRecord *record)
{
  Saved *saved = g_new0 (Saved, 1);

  saved->self = g_object_ref (self);
  saved->record = wbps_post_record_copy (record);
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, emit_saved, saved,
                              (GDestroyNotify) saved_free);
}

/*
 * PRAGMA data_version: changes when another connection (another wbps) commits,
 * never for this connection's own writes; -1 when it cannot be read.
 */
static gint64
data_version (WbpsDatabase *self)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* Every row; with @if_changed, none (NULL, no error) when no one else wrote since the last list. */
static void
run_list (WbpsDatabase *self,
          GTask        *task,
          gboolean      if_changed)
{
  gint64 version = data_version (self);
  GPtrArray *rows;
  GError *error = NULL;

  if (if_changed && version >= 0 && version == self->listed_version)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  rows = do_select (self, "ORDER BY created_at DESC, id DESC", NULL, &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  self->listed_version = version;
  g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
run_op (WbpsDatabase *self,
        GTask        *task,
        Op           *op)
{
  GError *error = NULL;
  gint64 id;

  switch (op->kind)
    {
    case OP_OPEN:
      if (do_open (self, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      break;
    case OP_INSERT:
      id = do_insert (self, op->record, &error);
      if (id > 0)
        {
          op->record->id = id;
          announce_saved (self, task, op->record);
          g_task_return_int (task, id);
        }
      else
        g_task_return_error (task, error);
      break;
    case OP_UPDATE:
      if (do_update (self, op->record, &error))
        {
          announce_saved (self, task, op->record);
          g_task_return_boolean (task, TRUE);
        }
      else
        g_task_return_error (task, error);
      break;
    case OP_LIST:
    case OP_LIST_CHANGED:
      run_list (self, task, op->kind == OP_LIST_CHANGED);
      break;
    case OP_LOOKUP:
    case OP_LATEST_INTERRUPTED:
      run_lookup (self, task, op);
      break;
    case OP_FIND_UNFINISHED:
      run_find_unfinished (self, task, op);
      break;
    case OP_FORGET_UPLOAD_URLS:
      run_forget_upload_urls (self, task, op);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  g_autoptr(GTask) task = data;
  WbpsDatabase *self = g_task_get_source_object (task);

  if (!g_task_return_error_if_cancelled (task))
    run_op (self, task, g_task_get_task_data (task));
}

static void
queue_op (WbpsDatabase        *self,
          Op                  *op,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_thread_pool_push (self->worker, task, NULL);
}

static Op *
op_new (OpKind                kind,
        const WbpsPostRecord *record,
        const char           *arg)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->record = record != NULL ? wbps_post_record_copy (record) : NULL;
  op->arg = g_strdup (arg);
  return op;
}

/* ---- GObject ------------------------------------------------------------------ */

static void
wbps_database_finalize (GObject *object)
{
  WbpsDatabase *self = WBPS_DATABASE (object);

  /* Pending tasks hold a reference, so the queue is empty; this may run on the worker itself. */
  g_thread_pool_free (self->worker, FALSE, FALSE);
  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);
  G_OBJECT_CLASS (wbps_database_parent_class)->finalize (object);
}

static void
wbps_database_class_init (WbpsDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_database_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  WBPS_TYPE_POST_RECORD | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
wbps_database_init (WbpsDatabase *self)
{
  self->worker = g_thread_pool_new (worker_func, NULL, 1, FALSE, NULL);
}

WbpsDatabase *
wbps_database_new (const char *path)
{
  WbpsDatabase *self = g_object_new (WBPS_TYPE_DATABASE, NULL);

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_data_dir (), "wbps", "wbps.db", NULL);
  return self;
}

const char *
wbps_database_get_path (WbpsDatabase *self)
{
  g_return_val_if_fail (WBPS_IS_DATABASE (self), NULL);
  return self->path;
}

/* ---- public async API ------------------------------------------------------------ */

void
wbps_database_open_async (WbpsDatabase        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  queue_op (self, op_new (OP_OPEN, NULL, NULL), wbps_database_open_async,
            cancellable, callback, user_data);
}

gboolean
wbps_database_open_finish (WbpsDatabase  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
wbps_database_insert_async (WbpsDatabase         *self,
                            const WbpsPostRecord *record,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  g_return_if_fail (record != NULL);
  queue_op (self, op_new (OP_INSERT, record, NULL), wbps_database_insert_async,
            cancellable, callback, user_data);
}

gint64
wbps_database_insert_finish (WbpsDatabase  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  gint64 id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? id : 0;
}

void
wbps_database_update_async (WbpsDatabase         *self,
                            const WbpsPostRecord *record,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  g_return_if_fail (record != NULL && record->id > 0);
  queue_op (self, op_new (OP_UPDATE, record, NULL), wbps_database_update_async,
            cancellable, callback, user_data);
}

gboolean
wbps_database_update_finish (WbpsDatabase  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
wbps_database_lookup_async (WbpsDatabase        *self,
                            const char          *publish_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  g_return_if_fail (publish_id != NULL);
  queue_op (self, op_new (OP_LOOKUP, NULL, publish_id), wbps_database_lookup_async,
            cancellable, callback, user_data);
}

WbpsPostRecord *
wbps_database_lookup_finish (WbpsDatabase  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_database_list_async (WbpsDatabase        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  queue_op (self, op_new (OP_LIST, NULL, NULL), wbps_database_list_async,
            cancellable, callback, user_data);
}

GPtrArray *
wbps_database_list_finish (WbpsDatabase  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_database_list_changed_async (WbpsDatabase        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  queue_op (self, op_new (OP_LIST_CHANGED, NULL, NULL), wbps_database_list_changed_async,
            cancellable, callback, user_data);
}

GPtrArray *
wbps_database_list_changed_finish (WbpsDatabase  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_database_latest_interrupted_async (WbpsDatabase        *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  queue_op (self, op_new (OP_LATEST_INTERRUPTED, NULL, NULL),
            wbps_database_latest_interrupted_async, cancellable, callback, user_data);
}

WbpsPostRecord *
wbps_database_latest_interrupted_finish (WbpsDatabase  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_database_find_unfinished_async (WbpsDatabase        *self,
                                     const char          *file_identity,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  g_return_if_fail (file_identity != NULL);
  queue_op (self, op_new (OP_FIND_UNFINISHED, NULL, file_identity),
            wbps_database_find_unfinished_async, cancellable, callback, user_data);
}

WbpsPostRecord *
wbps_database_find_unfinished_finish (WbpsDatabase  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_database_forget_upload_urls_async (WbpsDatabase        *self,
                                        const char          *open_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_DATABASE (self));
  g_return_if_fail (open_id != NULL);
  queue_op (self, op_new (OP_FORGET_UPLOAD_URLS, NULL, open_id),
            wbps_database_forget_upload_urls_async, cancellable, callback, user_data);
}

gssize
wbps_database_forget_upload_urls_finish (WbpsDatabase  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}
