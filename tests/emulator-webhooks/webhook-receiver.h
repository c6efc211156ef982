/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A webhook receiver for the emulator's tests: a real SoupServer on 127.0.0.1
 * (port 0; the shared wbps-test-server fixture) in a thread of its own, so it
 * answers while the test thread makes
 * blocking requests. It records every request and answers 200, or 500 for the
 * first fail_first requests, or nothing at all for the first stall_first.
 */

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  char   *method;
  char   *path;
  char   *content_type;
  char   *signature;     /* the TikTok-Signature header, or NULL */
  char   *body;
  gint64  received_us;   /* monotonic clock */
  guint   answered;      /* HTTP status sent back; 0 = none */
} WebhookRequest;

typedef struct _WebhookReceiver WebhookReceiver;

WebhookReceiver      *webhook_receiver_start (guint            fail_first,
                                              guint            stall_first);
void                  webhook_receiver_stop  (WebhookReceiver *receiver);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WebhookReceiver, webhook_receiver_stop)

/* http://127.0.0.1:PORT/webhook */
const char           *webhook_receiver_url   (WebhookReceiver *receiver);
/* Waits until @count requests arrived (fails the test after @timeout_ms); returns request @count - 1. */
const WebhookRequest *webhook_receiver_wait  (WebhookReceiver *receiver,
                                              guint            count,
                                              guint            timeout_ms);
/* How many requests arrived so far. */
guint                 webhook_receiver_count (WebhookReceiver *receiver);
/* Request @index (0-based); it must have arrived. */
const WebhookRequest *webhook_receiver_get   (WebhookReceiver *receiver,
                                              guint            index);

/*
 * Checks "t=T,s=HEX" (keys in any order) against @secret the way a receiver
 * must: HMAC-SHA256 over T + "." + body, lowercase hex. Returns FALSE on any
 * mismatch; stores T in @timestamp.
 */
gboolean              webhook_signature_valid (const WebhookRequest *request,
                                               const char           *secret,
                                               gint64               *timestamp);

G_END_DECLS
