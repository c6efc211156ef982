/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "wbps-pkce.h"
#include "wbps-redact.h"

#define UNRESERVED "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

static void
test_verifier_shape (void)
{
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *verifier = wbps_pkce_new_verifier ();

      g_assert_cmpuint (strlen (verifier), ==, WBPS_PKCE_VERIFIER_LENGTH);
      g_assert_cmpuint (strspn (verifier, UNRESERVED), ==, strlen (verifier));
    }
}

static void
test_verifier_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    g_assert_true (g_hash_table_add (seen, wbps_pkce_new_verifier ()));
}

/* Every character of the alphabet shows up and none dominates (no modulo bias). */
static void
test_verifier_distribution (void)
{
  guint counts[256] = { 0 };
  guint total = 0;
  const guint n = 2000;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *verifier = wbps_pkce_new_verifier ();

      for (const char *p = verifier; *p != '\0'; p++, total++)
        counts[(guint8) *p]++;
    }
  /* 128000 draws over 66 symbols: ~1939 each; bias of the naive modulo would push 8 of them down to ~77%. */
  for (const char *p = UNRESERVED; *p != '\0'; p++)
    {
      g_assert_cmpuint (counts[(guint8) *p], >, total / 66 * 85 / 100);
      g_assert_cmpuint (counts[(guint8) *p], <, total / 66 * 115 / 100);
    }
}

/* Known answers: lowercase hex SHA-256 (TikTok's desktop PKCE), not base64url. */
static void
test_challenge_known_answer (void)
{
  g_autofree char *abc = wbps_pkce_challenge ("abc");
  /* RFC 7636 appendix B's verifier; its base64url challenge is E9Melhoa2Owv... */
  g_autofree char *rfc = wbps_pkce_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (rfc, ==, "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3");
}

static void
test_challenge_shape (void)
{
  g_autofree char *verifier = wbps_pkce_new_verifier ();
  g_autofree char *challenge = wbps_pkce_challenge (verifier);
  g_autofree char *again = wbps_pkce_challenge (verifier);

  g_assert_cmpuint (strlen (challenge), ==, 64);
  g_assert_cmpuint (strspn (challenge, "0123456789abcdef"), ==, 64);
  g_assert_cmpstr (challenge, ==, again);
}

static void
test_state (void)
{
  g_autofree char *a = wbps_pkce_new_state ();
  g_autofree char *b = wbps_pkce_new_state ();
  g_autofree char *escaped = g_uri_escape_string (a, NULL, FALSE);

  /* 32 bytes in unpadded base64url: 43 characters, safe in a URL as they are. */
  g_assert_cmpuint (strlen (a), ==, 43);
  g_assert_cmpuint (strspn (a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), ==, 43);
  g_assert_cmpstr (escaped, ==, a);
  g_assert_cmpstr (a, !=, b);
}

static void
test_secrets_are_redacted (void)
{
  g_autofree char *verifier = wbps_pkce_new_verifier ();
  g_autofree char *state = wbps_pkce_new_state ();
  g_autofree char *line = g_strdup_printf ("verifier=%s state=%s", verifier, state);
  g_autofree char *redacted = wbps_redact (line);

  g_assert_null (strstr (redacted, verifier));
  g_assert_null (strstr (redacted, state));
}

static void
test_secret_equal (void)
{
  g_assert_true (wbps_pkce_secret_equal ("abcdef", "abcdef"));
  g_assert_true (wbps_pkce_secret_equal ("", ""));
  g_assert_false (wbps_pkce_secret_equal ("abcdef", "abcdeg"));
  g_assert_false (wbps_pkce_secret_equal ("abcdef", "Xbcdef"));
  g_assert_false (wbps_pkce_secret_equal ("abcdef", "abcde"));
  g_assert_false (wbps_pkce_secret_equal ("abcde", "abcdef"));
  g_assert_false (wbps_pkce_secret_equal ("abc", ""));
  g_assert_false (wbps_pkce_secret_equal (NULL, "abc"));
  g_assert_false (wbps_pkce_secret_equal ("abc", NULL));
  g_assert_false (wbps_pkce_secret_equal (NULL, NULL));
  /* Bytes differing only in high bits must not compare equal. */
  g_assert_false (wbps_pkce_secret_equal ("a\xc3\xa9", "a\xc3\xa8"));
}

static double
time_compares (const char *a,
               const char *b,
               guint       rounds)
{
  gint64 start = g_get_monotonic_time ();
  guint equal = 0;

  for (guint i = 0; i < rounds; i++)
    equal += wbps_pkce_secret_equal (a, b);
  g_assert_cmpuint (equal, ==, 0);
  return (double) (g_get_monotonic_time () - start);
}

/*
 * A mismatch in the first byte must cost about as much as one in the last:
 * an early-exit comparison over 64 KiB differs by orders of magnitude.
 */
static void
test_secret_equal_timing (void)
{
  const gsize length = 65536;
  g_autofree char *secret = g_malloc (length + 1);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  double t_first = G_MAXDOUBLE, t_last = G_MAXDOUBLE;

  memset (secret, 'k', length);
  secret[length] = '\0';
  first = g_strdup (secret);
  last = g_strdup (secret);
  first[0] = 'x';
  last[length - 1] = 'x';
  /* Best of several runs, so a busy machine does not decide the result. */
  for (guint run = 0; run < 5; run++)
    {
      t_first = MIN (t_first, time_compares (secret, first, 200));
      t_last = MIN (t_last, time_compares (secret, last, 200));
    }
  g_test_message ("first-byte mismatch %.0f us, last-byte mismatch %.0f us", t_first, t_last);
  g_assert_cmpfloat (t_first * 4, >, t_last);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pkce/verifier/shape", test_verifier_shape);
  g_test_add_func ("/pkce/verifier/unique", test_verifier_unique);
  g_test_add_func ("/pkce/verifier/distribution", test_verifier_distribution);
  g_test_add_func ("/pkce/challenge/known-answer", test_challenge_known_answer);
  g_test_add_func ("/pkce/challenge/shape", test_challenge_shape);
  g_test_add_func ("/pkce/state", test_state);
  g_test_add_func ("/pkce/redacted", test_secrets_are_redacted);
  g_test_add_func ("/pkce/secret-equal/results", test_secret_equal);
  g_test_add_func ("/pkce/secret-equal/timing", test_secret_equal_timing);

  return g_test_run ();
}
