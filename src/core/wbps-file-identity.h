/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A file's identity for an upload checkpoint: "SIZE:MTIME:SHA256", where the
 * digest covers the first and the last MiB. Cheap on a 4 GiB file, and enough
 * to refuse resuming an upload with a file that was edited or replaced.
 */

/* (transfer full) (nullable): Blocking: call from a worker thread; NULL with @error set. */
char     *wbps_file_identity_compute       (GFile               *file,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* The same on a worker thread. */
void      wbps_file_identity_compute_async  (GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* (transfer full) (nullable) */
char     *wbps_file_identity_compute_finish (GAsyncResult        *result,
                                             GError             **error);

/* The size and modification time (Unix seconds) an identity records; FALSE when it is not one. */
gboolean  wbps_file_identity_parse          (const char          *identity,
                                             gint64              *size,
                                             gint64              *mtime);

G_END_DECLS
