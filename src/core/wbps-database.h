/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-post-record.h"

G_BEGIN_DECLS

#define WBPS_DATABASE_ERROR (wbps_database_error_quark ())
typedef enum {
  WBPS_DATABASE_ERROR_FAILED,     /* SQLite said no (the message names why) */
  WBPS_DATABASE_ERROR_NOT_FOUND,
  WBPS_DATABASE_ERROR_TOO_NEW,    /* written by a newer wbps */
} WbpsDatabaseError;
GQuark          wbps_database_error_quark (void);

/* Latest schema version (PRAGMA user_version). */
#define WBPS_DATABASE_SCHEMA_VERSION 2

#define WBPS_TYPE_DATABASE (wbps_database_get_type ())
G_DECLARE_FINAL_TYPE (WbpsDatabase, wbps_database, WBPS, DATABASE, GObject)

/*
 * The local SQLite database (history and upload checkpoints). Every statement
 * runs on one worker thread with one connection, in the order the calls were
 * made, so a later checkpoint never lands before an earlier one.
 * @path NULL = $XDG_DATA_HOME/wbps/wbps.db.
 *
 * Signal "saved" (WbpsPostRecord *record): a row was inserted or updated by
 * this object (emitted in the caller's main context, before the write's own
 * callback); the history model follows the jobs through it.
 * Returns: (transfer full)
 */
WbpsDatabase   *wbps_database_new            (const char          *path);
/* (transfer none) */
const char     *wbps_database_get_path       (WbpsDatabase        *self);

/* Creates the directory and the file, enables WAL, migrates the schema. */
void            wbps_database_open_async     (WbpsDatabase        *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean        wbps_database_open_finish    (WbpsDatabase        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Inserts @record (id ignored); returns the new row id (0 on error). */
void            wbps_database_insert_async   (WbpsDatabase         *self,
                                              const WbpsPostRecord *record,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gint64          wbps_database_insert_finish  (WbpsDatabase        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Writes every field of the row @record->id (updated_at = now). */
void            wbps_database_update_async   (WbpsDatabase         *self,
                                              const WbpsPostRecord *record,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean        wbps_database_update_finish  (WbpsDatabase        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* The row of @publish_id; WBPS_DATABASE_ERROR_NOT_FOUND when there is none. */
void            wbps_database_lookup_async   (WbpsDatabase        *self,
                                              const char          *publish_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* (transfer full) */
WbpsPostRecord *wbps_database_lookup_finish  (WbpsDatabase        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Every row, newest first (WbpsPostRecord*, owned by the array). */
void            wbps_database_list_async     (WbpsDatabase        *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* (transfer full) */
GPtrArray      *wbps_database_list_finish    (WbpsDatabase        *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/*
 * The same, but only when another connection (another wbps process) wrote
 * since this database was last listed: this one's own writes are announced by
 * "saved" already. (transfer full) (nullable): NULL with no error when nobody
 * else wrote.
 */
void            wbps_database_list_changed_async  (WbpsDatabase        *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GPtrArray      *wbps_database_list_changed_finish (WbpsDatabase        *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/*
 * The newest row `resume` can take up: an upload that stopped midway (UPLOAD or
 * INTERRUPTED, with a publish_id), or a whole upload whose final status was
 * never seen (PROCESSING or UNCONFIRMED with every byte sent).
 */
void            wbps_database_latest_interrupted_async  (WbpsDatabase        *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* (transfer full) (nullable): NULL when no upload stopped midway (no error then) */
WbpsPostRecord *wbps_database_latest_interrupted_finish (WbpsDatabase        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/*
 * The newest post of the file with @file_identity that posting it again would
 * duplicate: an upload that can still be resumed (UPLOAD or INTERRUPTED with
 * its address, within its hour), or one sent whole whose final status nobody
 * saw (PROCESSING or UNCONFIRMED, less than a day old). NULL, with no error,
 * when there is none.
 */
void            wbps_database_find_unfinished_async     (WbpsDatabase        *self,
                                                         const char          *file_identity,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* (transfer full) (nullable): NULL with no error when the file has no unfinished post. */
WbpsPostRecord *wbps_database_find_unfinished_finish    (WbpsDatabase        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/*
 * Forgets the upload URLs (each one a capability) of @open_id's posts, at
 * sign-out: those uploads can no longer be resumed. Returns how many, or -1.
 */
void            wbps_database_forget_upload_urls_async  (WbpsDatabase        *self,
                                                         const char          *open_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gssize          wbps_database_forget_upload_urls_finish (WbpsDatabase        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
