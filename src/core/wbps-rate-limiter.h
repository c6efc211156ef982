/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WBPS_TYPE_RATE_LIMITER (wbps_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRateLimiter, wbps_rate_limiter, WBPS, RATE_LIMITER, GObject)

/* Length of TikTok's sliding rate window. */
#define WBPS_RATE_LIMITER_WINDOW_USEC (60 * G_USEC_PER_SEC)

/*
 * Client-side spacing for TikTok's per-token limits: each (key, bucket) pair
 * grants at most @per_minute slots in any sliding window, plus a safety margin
 * so that our clock and TikTok's never disagree about a slot. A 429 pauses the
 * bucket (Retry-After when given, else exponential backoff with jitter) until
 * wbps_rate_limiter_report_success() clears the backoff. Waiters are served in
 * order. @key identifies the token (pass a digest, never the token itself).
 * Returns: (transfer full)
 */
WbpsRateLimiter *wbps_rate_limiter_new             (void);

/* For tests: a shorter window (and margin) than TikTok's minute. */
void             wbps_rate_limiter_set_window      (WbpsRateLimiter     *self,
                                                    gint64               window_usec,
                                                    gint64               margin_usec);

/* Waits for a slot; the slot is taken when the task completes successfully. */
void             wbps_rate_limiter_acquire_async   (WbpsRateLimiter     *self,
                                                    const char          *key,
                                                    const char          *bucket,
                                                    guint                per_minute,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean         wbps_rate_limiter_acquire_finish  (WbpsRateLimiter     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/*
 * TikTok said 429: no slot of (key, bucket) before @retry_after_usec from now,
 * or, when it is negative, before an exponential backoff with jitter that grows
 * with each consecutive 429. Returns the pause chosen, in microseconds.
 */
gint64           wbps_rate_limiter_pause           (WbpsRateLimiter     *self,
                                                    const char          *key,
                                                    const char          *bucket,
                                                    gint64               retry_after_usec);

/* A request of (key, bucket) went through: the next 429 backs off from the start. */
void             wbps_rate_limiter_report_success  (WbpsRateLimiter     *self,
                                                    const char          *key,
                                                    const char          *bucket);

/* Microseconds until (key, bucket) could grant a slot (0 = at once). */
gint64           wbps_rate_limiter_get_delay       (WbpsRateLimiter     *self,
                                                    const char          *key,
                                                    const char          *bucket,
                                                    guint                per_minute);

G_END_DECLS
