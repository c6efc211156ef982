/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Waits @ms milliseconds in the thread-default main context, or less: a cancel
 * of @cancellable ends the wait at once with G_IO_ERROR_CANCELLED. The one
 * cancellable wait of the project (retry backoff, status polling, rate spacing).
 * @source_object (nullable) is handed to @callback.
 */
void      wbps_timeout_async  (gpointer             source_object,
                               guint                ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* TRUE when the time ran out; FALSE with G_IO_ERROR_CANCELLED when cancelled first. */
gboolean  wbps_timeout_finish (GAsyncResult        *result,
                               GError             **error);

G_END_DECLS
