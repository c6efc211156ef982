/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* TikTok's event names (spec: webhooks-events; the misspelling is TikTok's). */
#define WBPS_WEBHOOK_AUTHORIZATION_REMOVED        "authorization.removed"
#define WBPS_WEBHOOK_POST_PUBLISH_FAILED          "post.publish.failed"
#define WBPS_WEBHOOK_POST_PUBLISH_COMPLETE        "post.publish.complete"
#define WBPS_WEBHOOK_POST_PUBLISH_INBOX_DELIVERED "post.publish.inbox_delivered"
#define WBPS_WEBHOOK_POST_PUBLISH_PUBLICLY_AVAILABLE "post.publish.publicly_available"
#define WBPS_WEBHOOK_POST_PUBLISH_NO_LONGER_PUBLIC "post.publish.no_longer_publicaly_available"

#define WBPS_WEBHOOK_EVENT_ERROR (wbps_webhook_event_error_quark ())
typedef enum {
  WBPS_WEBHOOK_EVENT_ERROR_INVALID,   /* not TikTok's webhook envelope */
} WbpsWebhookEventError;
GQuark wbps_webhook_event_error_quark (void);

#define WBPS_TYPE_WEBHOOK_EVENT (wbps_webhook_event_get_type ())
G_DECLARE_FINAL_TYPE (WbpsWebhookEvent, wbps_webhook_event, WBPS, WEBHOOK_EVENT, GObject)

/*
 * One webhook event: TikTok's envelope {client_key, event, create_time,
 * user_openid (absent for some events), content (a JSON object serialized into
 * a string)}. Anything else, including a content string that is not a JSON
 * object, is WBPS_WEBHOOK_EVENT_ERROR_INVALID. Properties (read-only): "name",
 * "client-key", "create-time", "user-openid", "publish-id", "cursor".
 * Returns: (transfer full) (nullable): NULL with @error set
 */
WbpsWebhookEvent *wbps_webhook_event_new_from_data      (const char       *data,
                                                         gssize            length,
                                                         GError          **error);

/* (transfer none) */
const char       *wbps_webhook_event_get_name           (WbpsWebhookEvent *self);
/* (transfer none) */
const char       *wbps_webhook_event_get_client_key     (WbpsWebhookEvent *self);
gint64            wbps_webhook_event_get_create_time    (WbpsWebhookEvent *self);
/* (transfer none) (nullable): NULL when the envelope had none. */
const char       *wbps_webhook_event_get_user_openid    (WbpsWebhookEvent *self);
/* (transfer none): The parsed `content` object. */
JsonObject       *wbps_webhook_event_get_content        (WbpsWebhookEvent *self);
/* (transfer none): The envelope as received. */
const char       *wbps_webhook_event_get_data           (WbpsWebhookEvent *self);

/* (transfer none) (nullable): content.publish_id, or NULL. */
const char       *wbps_webhook_event_get_publish_id     (WbpsWebhookEvent *self);
/* (transfer full) (nullable): content.post_id as a decimal string whether TikTok sent a string or
 * a number, or NULL.
 */
char             *wbps_webhook_event_dup_post_id        (WbpsWebhookEvent *self);
/* (transfer none) (nullable): content.reason when it is a string (post.publish.failed's
 * fail_reason), or NULL.
 */
const char       *wbps_webhook_event_get_fail_reason    (WbpsWebhookEvent *self);
/* content.reason when it is an integer (authorization.removed), else -1. */
gint64            wbps_webhook_event_get_removal_reason (WbpsWebhookEvent *self);

/* The relay's position of this event (SSE `id:`), 0 when it came from elsewhere. */
gint64            wbps_webhook_event_get_cursor         (WbpsWebhookEvent *self);
void              wbps_webhook_event_set_cursor         (WbpsWebhookEvent *self,
                                                         gint64            cursor);

/* (transfer none): TikTok's authorization.removed reason 0–5 in words (translated). */
const char       *wbps_webhook_removal_reason_describe  (gint64            reason);

G_END_DECLS
