/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the relay keeps of a webhook envelope besides its raw body. */
typedef struct {
  char   *name;          /* TikTok's event name, never empty */
  char   *user_openid;   /* NULL when the envelope has none */
  gint64  create_time;   /* seconds */
} WbpsWebhookEnvelope;

/*
 * Checks that @data (@length bytes) is TikTok's webhook envelope, by the same
 * rule as wbps_webhook_event_new_from_data() (a JSON object with the strings
 * client_key and event, a create_time in whole seconds, `content` a string
 * holding a JSON object, user_openid a string if present), without building
 * a JSON tree: the relay checks every webhook it receives, and json-glib's two
 * parses were a fifth of its work per request. Strict RFC 8259 JSON, bounded
 * like wbps_json_parse_bounded(); whatever it accepts, json-glib parses too.
 * On failure, WBPS_WEBHOOK_EVENT_ERROR_INVALID and @envelope is left empty.
 */
gboolean wbps_webhook_envelope_check (const char           *data,
                                      gsize                 length,
                                      WbpsWebhookEnvelope  *envelope,
                                      GError              **error);

void     wbps_webhook_envelope_clear (WbpsWebhookEnvelope *envelope);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WbpsWebhookEnvelope, wbps_webhook_envelope_clear)

G_END_DECLS
