/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-api-client.h"
#include "wbps-database.h"
#include "wbps-post.h"

G_BEGIN_DECLS

#define WBPS_TYPE_HISTORY (wbps_history_get_type ())
G_DECLARE_FINAL_TYPE (WbpsHistory, wbps_history, WBPS, HISTORY, GObject)

/*
 * The posts made from this computer, newest first: a GListModel of WbpsPost
 * over the database. Every row the database writes (a job's checkpoints and
 * states, `wbps status`, a refresh) updates its WbpsPost in place and emits
 * items-changed for it; a new post appears at the top.
 * Returns: (transfer full)
 */
WbpsHistory  *wbps_history_new            (WbpsDatabase        *database);

/* Reads every row (the database must be open); replaces what the model held. */
void          wbps_history_load_async     (WbpsHistory         *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      wbps_history_load_finish    (WbpsHistory         *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/*
 * Follows the writes of other processes too (`wbps post` in a terminal while
 * the window is open): when the database file or its WAL changes, the rows
 * are read again and new or changed posts update the model as above.
 */
gboolean      wbps_history_watch          (WbpsHistory         *self,
                                           GError             **error);

/* (transfer none) (nullable) */
WbpsPost     *wbps_history_lookup         (WbpsHistory         *self,
                                           const char          *publish_id);

/*
 * Asks TikTok once for the status of every post still waiting for one
 * (PROCESSING or UNCONFIRMED) and records the answers; a post TikTok cannot
 * answer for (an account signed out since) is skipped. When another question
 * fails (TikTok unreachable), the others are still asked, then it fails with
 * the first such error.
 */
void          wbps_history_refresh_async  (WbpsHistory         *self,
                                           WbpsApiClient       *api,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean      wbps_history_refresh_finish (WbpsHistory         *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* A row's state once TikTok gave @status: DONE or FAILED for a final status, else unchanged. */
void          wbps_history_record_status  (WbpsPostRecord          *record,
                                           const WbpsPublishStatus *status);

G_END_DECLS
