/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-relay-status.h"

static WbpsPublishStatus *
status_new (const char *status,
            const char *fail_reason,
            char       *post_id)
{
  WbpsPublishStatus *result = g_new0 (WbpsPublishStatus, 1);
  g_autofree char *owned_post_id = post_id;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  if (post_id != NULL)
    g_strv_builder_add (ids, post_id);
  result->status = g_strdup (status);
  result->fail_reason = g_strdup (fail_reason);
  result->post_ids = g_strv_builder_end (ids);
  result->uploaded_bytes = -1;
  return result;
}

WbpsPublishStatus *
wbps_publish_status_new_from_event (WbpsWebhookEvent *event)
{
  const char *name;

  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (event), NULL);
  name = wbps_webhook_event_get_name (event);
  if (wbps_webhook_event_get_publish_id (event) == NULL)
    return NULL;
  if (g_str_equal (name, WBPS_WEBHOOK_POST_PUBLISH_COMPLETE))
    return status_new ("PUBLISH_COMPLETE", NULL, NULL);
  if (g_str_equal (name, WBPS_WEBHOOK_POST_PUBLISH_PUBLICLY_AVAILABLE))
    return status_new ("PUBLISH_COMPLETE", NULL, wbps_webhook_event_dup_post_id (event));
  if (g_str_equal (name, WBPS_WEBHOOK_POST_PUBLISH_INBOX_DELIVERED))
    return status_new ("SEND_TO_USER_INBOX", NULL, NULL);
  if (g_str_equal (name, WBPS_WEBHOOK_POST_PUBLISH_FAILED))
    return status_new ("FAILED", wbps_webhook_event_get_fail_reason (event), NULL);
  return NULL;
}
