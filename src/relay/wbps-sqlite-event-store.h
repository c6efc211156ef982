/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "wbps-event-store.h"

G_BEGIN_DECLS

#define WBPS_SQLITE_EVENT_STORE_ERROR (wbps_sqlite_event_store_error_quark ())
typedef enum {
  WBPS_SQLITE_EVENT_STORE_ERROR_FAILED,   /* SQLite said no; the message says why */
} WbpsSqliteEventStoreError;
GQuark wbps_sqlite_event_store_error_quark (void);

#define WBPS_TYPE_SQLITE_EVENT_STORE (wbps_sqlite_event_store_get_type ())
G_DECLARE_FINAL_TYPE (WbpsSqliteEventStore, wbps_sqlite_event_store, WBPS, SQLITE_EVENT_STORE, GObject)

/*
 * The relay's events in one SQLite file (WAL, synchronous=NORMAL: a commit is
 * in the WAL file before append returns, so it survives the relay being killed;
 * ids come from AUTOINCREMENT, so a cursor is never reused after a purge).
 * Creates the file and its directory. One connection behind a mutex.
 */
WbpsSqliteEventStore *wbps_sqlite_event_store_new (const char  *path,
                                                   GError     **error);

G_END_DECLS
