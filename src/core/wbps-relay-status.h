/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "wbps-api-client.h"
#include "wbps-webhook-event.h"

G_BEGIN_DECLS

/*
 * What a relayed webhook says about a post, as the status TikTok's
 * status/fetch would give: post.publish.complete → PUBLISH_COMPLETE,
 * publicly_available → PUBLISH_COMPLETE with its post id, inbox_delivered →
 * SEND_TO_USER_INBOX, failed → FAILED with the reason. NULL for any other
 * event (no status in it).
 * Returns: (transfer full) (nullable)
 */
WbpsPublishStatus *wbps_publish_status_new_from_event (WbpsWebhookEvent *event);

G_END_DECLS
