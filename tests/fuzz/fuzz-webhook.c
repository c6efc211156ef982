/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `wbps relay` receives from the internet: the TikTok-Signature header and
 * the webhook envelope (parsed twice: `content` is JSON in a string), by
 * json-glib and by the relay's own scan, which must agree. The input
 * is the header value, a newline, then the body.
 */
#include "config.h"

#include <string.h>

#include "wbps-webhook-envelope.h"
#include "wbps-webhook-event.h"
#include "wbps-webhook-signature.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char * const secrets[] = { "fuzz-client-secret", "fuzz-previous-secret", NULL };
  const guint8 *newline = memchr (data, '\n', size);
  g_autofree char *header = NULL;
  const guint8 *body;
  gsize body_len;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsWebhookEvent) event = NULL;
  g_autoptr(GError) event_error = NULL;
  g_auto(WbpsWebhookEnvelope) envelope = { NULL, NULL, 0 };

  if (newline == NULL)
    return 0;
  header = g_strndup ((const char *) data, newline - data);
  body = newline + 1;
  body_len = size - (body - data);
  if (wbps_webhook_signature_verify (header, body, body_len, secrets, 1700000000, 300, &error))
    g_assert_no_error (error);
  else
    g_assert_nonnull (error);
  event = wbps_webhook_event_new_from_data ((const char *) body, body_len, &event_error);
  g_assert ((event == NULL) != (event_error == NULL));
  /* The relay's scan accepts nothing json-glib refuses, and reads the same fields. */
  if (wbps_webhook_envelope_check ((const char *) body, body_len, &envelope, NULL))
    {
      g_assert_nonnull (event);
      g_assert_cmpstr (envelope.name, ==, wbps_webhook_event_get_name (event));
      g_assert_cmpstr (envelope.user_openid, ==, wbps_webhook_event_get_user_openid (event));
      g_assert_cmpint (envelope.create_time, ==, wbps_webhook_event_get_create_time (event));
    }
  if (event != NULL)
    {
      g_free (wbps_webhook_event_dup_post_id (event));
      (void) wbps_webhook_event_get_publish_id (event);
      (void) wbps_webhook_event_get_fail_reason (event);
      (void) wbps_webhook_event_get_removal_reason (event);
      (void) wbps_webhook_removal_reason_describe (wbps_webhook_event_get_removal_reason (event));
    }
  return 0;
}
