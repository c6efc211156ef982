/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-redact.h"

#include <gio/gio.h>

static void
test_registered_secret (void)
{
  g_autofree char *out = NULL;

  wbps_redact_register ("Zq8-opaque-secret-value");
  out = wbps_redact ("sending Zq8-opaque-secret-value twice: Zq8-opaque-secret-value.");
  g_assert_cmpstr (out, ==, "sending [redacted] twice: [redacted].");
}

static void
test_patterns (void)
{
  g_autofree char *tokens = wbps_redact ("Bearer act.abc123XYZ!*0 and rft.QQQ.zz");
  g_autofree char *form = wbps_redact ("client_key=k&client_secret=hunter22&code=AB*12!x&code_verifier=vvv&grant_type=authorization_code");
  g_autofree char *json = wbps_redact ("{\"access_token\":\"opaque1\",\"open_id\":\"o1\",\"refresh_token\": \"opaque2\"}");
  g_autofree char *query = wbps_redact ("GET /callback/?code=xyz&state=abc&scopes=user.info.basic");

  g_assert_cmpstr (tokens, ==, "Bearer [redacted] and [redacted]");
  g_assert_cmpstr (form, ==, "client_key=k&client_secret=[redacted]&code=[redacted]&code_verifier=[redacted]&grant_type=authorization_code");
  g_assert_cmpstr (json, ==, "{\"access_token\":\"[redacted]\",\"open_id\":\"o1\",\"refresh_token\": \"[redacted]\"}");
  g_assert_cmpstr (query, ==, "GET /callback/?code=[redacted]&state=[redacted]&scopes=user.info.basic");
}

/* An upload error once read `"code": "[redacted]"`: TikTok's error codes are what a user needs. */
static void
test_error_code_kept (void)
{
  g_autofree char *reply = wbps_redact ("HTTP 400 Bad Request: {\"error\": {\"code\": \"invalid_file_upload\", "
                                        "\"message\": \"bad\"}, \"code_verifier\": \"vvvvvv\"}");

  g_assert_cmpstr (reply, ==, "HTTP 400 Bad Request: {\"error\": {\"code\": \"invalid_file_upload\", "
                              "\"message\": \"bad\"}, \"code_verifier\": \"[redacted]\"}");
}

static void
test_short_values_ignored (void)
{
  g_autofree char *out = NULL;

  wbps_redact_register ("ab");
  out = wbps_redact ("a table about abc");
  g_assert_cmpstr (out, ==, "a table about abc");
}

/* The installed writer redacts what reaches stderr: checked in a subprocess. */
static void
test_log_writer (void)
{
  if (g_test_subprocess ())
    {
      wbps_redact_install_log_writer ();
      wbps_redact_register ("very-secret-refresh-9");
      g_message ("refreshing with very-secret-refresh-9 now");
      g_message ("token act.leaky1234 in a message");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*refreshing with [redacted] now*");
  g_test_trap_assert_stderr_unmatched ("*very-secret-refresh-9*");
  g_test_trap_assert_stderr_unmatched ("*act.leaky1234*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/redact/registered-secret", test_registered_secret);
  g_test_add_func ("/core/redact/patterns", test_patterns);
  g_test_add_func ("/core/redact/error-code-kept", test_error_code_kept);
  g_test_add_func ("/core/redact/short-values-ignored", test_short_values_ignored);
  g_test_add_func ("/core/redact/log-writer", test_log_writer);
  return g_test_run ();
}
