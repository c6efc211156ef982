/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "wbps-pkce.h"
#include "wbps-redact.h"

/* RFC 7636 "unreserved" characters, which TikTok's verifier rule repeats. */
static const char verifier_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

#define ALPHABET_SIZE (sizeof verifier_alphabet - 1)
/* Largest multiple of the alphabet size below 256: bytes above it are redrawn. */
#define ACCEPT_LIMIT ((256 / ALPHABET_SIZE) * ALPHABET_SIZE)

void
wbps_pkce_random_bytes (guint8 *buffer,
                        gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t got = getrandom (buffer + done, length - done, 0);

      if (got < 0 && errno == EINTR)
        continue;
      /* No safe fallback exists for a secret: refuse to go on. */
      if (got < 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      done += (gsize) got;
    }
}

/* One uniformly chosen alphabet character (rejection sampling, no modulo bias). */
static char
random_alphabet_char (void)
{
  guint8 byte;

  do
    wbps_pkce_random_bytes (&byte, 1);
  while (byte >= ACCEPT_LIMIT);
  return verifier_alphabet[byte % ALPHABET_SIZE];
}

char *
wbps_pkce_new_verifier (void)
{
  char *verifier = g_malloc (WBPS_PKCE_VERIFIER_LENGTH + 1);

  for (guint i = 0; i < WBPS_PKCE_VERIFIER_LENGTH; i++)
    verifier[i] = random_alphabet_char ();
  verifier[WBPS_PKCE_VERIFIER_LENGTH] = '\0';
  wbps_redact_register (verifier);
  return verifier;
}

char *
wbps_pkce_challenge (const char *verifier)
{
  g_return_val_if_fail (verifier != NULL, NULL);

  /* GChecksum's string form is already lowercase hex, as TikTok requires. */
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, verifier, -1);
}

char *
wbps_pkce_new_state (void)
{
  guint8 bytes[WBPS_PKCE_STATE_BYTES];
  char *state;

  wbps_pkce_random_bytes (bytes, sizeof bytes);
  state = g_base64_encode (bytes, sizeof bytes);
  memset (bytes, 0, sizeof bytes);
  /* base64url without padding: safe in a query string without escaping. */
  g_strdelimit (state, "+", '-');
  g_strdelimit (state, "/", '_');
  *strchrnul (state, '=') = '\0';
  wbps_redact_register (state);
  return state;
}

gboolean
wbps_pkce_secret_equal (const char *a,
                        const char *b)
{
  volatile guint8 diff = 0;
  gsize length;

  if (a == NULL || b == NULL)
    return FALSE;
  length = strlen (a);
  if (length != strlen (b))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];
  return diff == 0;
}
