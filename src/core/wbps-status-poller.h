/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-api-client.h"
#include "wbps-database.h"
#include "wbps-relay-client.h"

G_BEGIN_DECLS

/* TikTok allows 30 status requests a minute: never poll more often than this. */
#define WBPS_STATUS_POLL_MIN_INTERVAL_MS 2000
#define WBPS_STATUS_POLL_MAX_INTERVAL_MS 30000
/* While a relay delivers the post's events, a status request is only a safety net. */
#define WBPS_STATUS_POLL_RELAY_INTERVAL_MS 60000

#define WBPS_TYPE_STATUS_POLLER (wbps_status_poller_get_type ())
G_DECLARE_FINAL_TYPE (WbpsStatusPoller, wbps_status_poller, WBPS, STATUS_POLLER, GObject)

/*
 * What TikTok says about one publish_id: asked once (`wbps status`, a history
 * refresh) or followed until a final status, polling with growing spacing
 * (2 s, then x1.5 up to 30 s) inside the status endpoint's limit. A status
 * that arrives another way (a relayed webhook) is handed in with
 * wbps_status_poller_push() and counts as if polled.
 *
 * Signals:
 *   "status"   (WbpsPublishStatus *status) every status received or pushed
 *   "retrying" (const char *reason) a status request failed in a way worth retrying
 * Returns: (transfer full)
 */
WbpsStatusPoller  *wbps_status_poller_new           (WbpsApiClient       *api,
                                                     const char          *open_id,
                                                     const char          *publish_id);
/* (transfer none) */
const char        *wbps_status_poller_get_publish_id (WbpsStatusPoller   *self);
/* (nullable): the latest status, NULL before any. */
const WbpsPublishStatus *wbps_status_poller_get_status (WbpsStatusPoller *self);

/* One status request. */
void               wbps_status_poller_fetch_async   (WbpsStatusPoller    *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
/* (transfer full) (nullable) */
WbpsPublishStatus *wbps_status_poller_fetch_finish  (WbpsStatusPoller    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/*
 * How many bytes of the upload TikTok holds, asked once (the uploader goes on
 * from there after a 416 or a lost reply); WBPS_ERROR_MALFORMED_REPLY when the
 * reply does not say. Emits no "status".
 */
void               wbps_status_poller_uploaded_bytes_async  (WbpsStatusPoller    *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
/* The byte count, or -1 with @error set. */
gint64             wbps_status_poller_uploaded_bytes_finish (WbpsStatusPoller    *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
/*
 * Polls until a final status or @give_up_seconds have passed. Transient
 * failures (network, TikTok busy) are retried with "retrying"; anything else
 * ends the follow. The time out is WBPS_ERROR_TIMEOUT; a cancel ends at once.
 */
void               wbps_status_poller_follow_async  (WbpsStatusPoller    *self,
                                                     guint                give_up_seconds,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
/* (transfer full) (nullable): the final status. */
WbpsPublishStatus *wbps_status_poller_follow_finish (WbpsStatusPoller    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/*
 * Takes this post's statuses from @relay's events (nullable: none). While the
 * relay is connected, a follow asks TikTok only every
 * WBPS_STATUS_POLL_RELAY_INTERVAL_MS; when it drops, polling resumes from the
 * shortest spacing.
 */
void               wbps_status_poller_set_relay     (WbpsStatusPoller        *self,
                                                     WbpsRelayClient         *relay);

/* A status learnt another way; a final one ends a running follow at once. */
void               wbps_status_poller_push          (WbpsStatusPoller        *self,
                                                     const WbpsPublishStatus *status);

/* Copies TikTok's status, fail_reason and post ids into a history row (not its state). */
void               wbps_publish_status_apply_to_record (const WbpsPublishStatus *status,
                                                        WbpsPostRecord          *record);

G_END_DECLS
