/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * TikTok's webhook signature: header `TikTok-Signature: t=<unix seconds>,s=<hex>`
 * where s = lowercase hex HMAC-SHA256(client secret, t + "." + raw body).
 */
#define WBPS_WEBHOOK_SIGNATURE_HEADER "TikTok-Signature"

/* Seconds |now − t| may differ by, unless configured otherwise. */
#define WBPS_WEBHOOK_SIGNATURE_DEFAULT_TOLERANCE 300

#define WBPS_WEBHOOK_SIGNATURE_ERROR (wbps_webhook_signature_error_quark ())
typedef enum {
  WBPS_WEBHOOK_SIGNATURE_ERROR_MISSING,    /* no header */
  WBPS_WEBHOOK_SIGNATURE_ERROR_MALFORMED,  /* not t=DIGITS,s=64 lowercase hex */
  WBPS_WEBHOOK_SIGNATURE_ERROR_MISMATCH,   /* no configured secret produces it */
  WBPS_WEBHOOK_SIGNATURE_ERROR_TIMESTAMP,  /* t outside now ± tolerance */
} WbpsWebhookSignatureError;
GQuark    wbps_webhook_signature_error_quark (void);

/* (transfer full): The lowercase hex signature of @body at @timestamp with @secret (newly
 * allocated).
 */
char     *wbps_webhook_signature_compute     (const char          *secret,
                                              gint64               timestamp,
                                              const guint8        *body,
                                              gsize                body_len);

/* (transfer full): The header value TikTok would send: "t=T,s=HEX". */
char     *wbps_webhook_signature_header      (const char          *secret,
                                              gint64               timestamp,
                                              const guint8        *body,
                                              gsize                body_len);

/*
 * Checks @header (the value, NULL when absent) against @body with each of
 * @secrets (several during a rotation), comparing in constant time, then that
 * |@now − t| ≤ @tolerance seconds. The error code says which check failed; its
 * message never holds the secret or the expected value.
 */
gboolean  wbps_webhook_signature_verify      (const char          *header,
                                              const guint8        *body,
                                              gsize                body_len,
                                              const char * const  *secrets,
                                              gint64               now,
                                              guint                tolerance,
                                              GError             **error);

G_END_DECLS
