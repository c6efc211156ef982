/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Length of a PKCE code verifier wbps makes (TikTok allows 43-128). */
#define WBPS_PKCE_VERIFIER_LENGTH 64
/* Random bytes behind a state value (encoded url-safe, without padding). */
#define WBPS_PKCE_STATE_BYTES 32

/*
 * Desktop PKCE as TikTok does it: the challenge is the LOWERCASE HEX SHA-256 of
 * the verifier (not RFC 7636's base64url). All randomness comes from getrandom(2);
 * if the kernel CSPRNG is unusable the process aborts rather than fall back.
 * The returned secrets are registered with wbps_redact_register(); free them
 * with wbps_secret_free().
 * Returns: (transfer full)
 */
char     *wbps_pkce_new_verifier   (void);
/* (transfer full) */
char     *wbps_pkce_challenge      (const char *verifier);
/* (transfer full) */
char     *wbps_pkce_new_state      (void);

/* Fills @buffer from the kernel CSPRNG (getrandom, retrying on EINTR). */
void      wbps_pkce_random_bytes   (guint8     *buffer,
                                    gsize       length);

/*
 * Compares two secrets in time independent of where they differ (only the
 * length may leak). NULL equals nothing, not even NULL.
 */
gboolean  wbps_pkce_secret_equal   (const char *a,
                                    const char *b);

G_END_DECLS
