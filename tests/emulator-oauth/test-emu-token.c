/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checklist rules 8-18: POST /v2/oauth/token/ and /v2/oauth/revoke/, against a real emulator. */
#include <string.h>

#include "emu-oauth-util.h"

static WbpsTestEmulator *demo;   /* demo world with auto-approve, for speed */

static EmuReply *
post_token (WbpsTestEmulator *emu,
            const char       *client_key,
            const char       *secret,
            const char       *grant_type,
            const char       *refresh_token)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/oauth/token/");

  return emu_post_form (url, "client_key", client_key, "client_secret", secret, "grant_type", grant_type,
                        "refresh_token", refresh_token, NULL);
}

static EmuReply *
post_revoke (WbpsTestEmulator *emu,
        const char       *secret,
        const char       *token)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/oauth/revoke/");

  return emu_post_form (url, "client_key", DEMO_KEY, "client_secret", secret, "token", token, NULL);
}

static void
test_rule_08_invalid_client (void)
{
  g_autoptr(EmuReply) unknown = post_token (demo, "nope", DEMO_SECRET, "client_credentials", NULL);
  g_autoptr(EmuReply) missing = post_token (demo, NULL, DEMO_SECRET, "client_credentials", NULL);
  g_autoptr(EmuReply) wrong = post_token (demo, DEMO_KEY, "not-the-secret", "client_credentials", NULL);
  g_autoptr(WbpsTestEmulator) strict = wbps_test_emulator_start ("[emulator]\noauth-error-status=401\n");
  g_autoptr(EmuReply) strict_wrong = post_token (strict, DEMO_KEY, "not-the-secret", "client_credentials", NULL);

  /* TikTok answers OAuth errors with HTTP 200 by default ([obs]); the status is configurable. */
  g_assert_cmpuint (unknown->status, ==, 200);
  emu_assert_oauth_error (unknown, "invalid_client", NULL);
  emu_assert_oauth_error (missing, "invalid_client", NULL);
  emu_assert_oauth_error (wrong, "invalid_client", "Client key and secret do not match.");
  g_assert_cmpuint (strict_wrong->status, ==, 401);
  emu_assert_oauth_error (strict_wrong, "invalid_client", NULL);
}

static void
test_rule_09_missing_secret (void)
{
  g_autoptr(EmuReply) reply = post_token (demo, DEMO_KEY, NULL, "client_credentials", NULL);
  g_autoptr(EmuReply) empty = post_token (demo, DEMO_KEY, "", "client_credentials", NULL);

  emu_assert_oauth_error (reply, "invalid_request", "Client secret is missed in request.");
  emu_assert_oauth_error (empty, "invalid_request", "Client secret is missed in request.");
}

static void
test_rule_10_unsupported_grant_type (void)
{
  g_autoptr(EmuReply) password = post_token (demo, DEMO_KEY, DEMO_SECRET, "password", NULL);
  g_autoptr(EmuReply) missing = post_token (demo, DEMO_KEY, DEMO_SECRET, NULL, NULL);

  emu_assert_oauth_error (password, "unsupported_grant_type", NULL);
  emu_assert_oauth_error (missing, "unsupported_grant_type", NULL);
}

static void
test_rule_11_invalid_grant (void)
{
  g_autofree char *verifier = wbps_test_oauth_verifier ();
  g_autofree char *challenge = wbps_test_oauth_challenge (verifier);
  g_autofree char *code = wbps_test_oauth_obtain_code (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, challenge);
  g_autoptr(EmuReply) unknown = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, "abc*0!6410", DEMO_REDIRECT,
                                                   verifier);
  g_autoptr(EmuReply) first = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, verifier);
  g_autoptr(EmuReply) reused = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, verifier);
  /* code-lifetime 600 emulated s at 600x passes in one real second. */
  g_autoptr(WbpsTestEmulator) fast = wbps_test_emulator_start (
    "[emulator]\nauto-approve=true\nclock-scale=600\ncode-lifetime=600\n"
    "[client:other]\nsecret=other-secret\nredirect-uris=http://127.0.0.1:*/callback/\nscopes=user.info.basic\n"
    "[client:" DEMO_KEY "]\nsecret=" DEMO_SECRET "\nredirect-uris=http://127.0.0.1:*/callback/\n"
    "scopes=user.info.basic\n");
  g_autofree char *late_code = wbps_test_oauth_obtain_code (fast, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, challenge);
  g_autofree char *foreign_code = wbps_test_oauth_obtain_code (fast, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, challenge);
  g_autoptr(EmuReply) foreign = emu_exchange_code (fast, "other", "other-secret", foreign_code, DEMO_REDIRECT,
                                                   verifier);
  g_autoptr(EmuReply) expired = NULL;

  g_usleep (1300 * 1000);  /* the code's lifetime passing: the thing under test */
  expired = emu_exchange_code (fast, DEMO_KEY, DEMO_SECRET, late_code, DEMO_REDIRECT, verifier);

  emu_assert_oauth_error (unknown, "invalid_grant", NULL);
  g_assert_nonnull (emu_reply_string (first, "access_token"));
  emu_assert_oauth_error (reused, "invalid_grant", NULL);
  emu_assert_oauth_error (foreign, "invalid_grant", "Authorization code was issued to another client.");
  emu_assert_oauth_error (expired, "invalid_grant", "Authorization code is expired.");
}

static void
test_rule_12_redirect_uri_mismatch (void)
{
  g_autofree char *verifier = wbps_test_oauth_verifier ();
  g_autofree char *challenge = wbps_test_oauth_challenge (verifier);
  g_autofree char *code = wbps_test_oauth_obtain_code (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, challenge);
  g_autoptr(EmuReply) other_port = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code,
                                                      "http://127.0.0.1:5556/callback/", verifier);
  g_autoptr(EmuReply) missing = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, NULL, verifier);
  g_autoptr(EmuReply) right = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, verifier);
  const char *text = "Redirect_uri is not matched with the uri when requesting code.";

  emu_assert_oauth_error (other_port, "invalid_request", text);
  emu_assert_oauth_error (missing, "invalid_request", text);
  g_assert_nonnull (emu_reply_string (right, "access_token"));
}

static void
test_rule_13_pkce_hex (void)
{
  const char *text = "Code verifier or code challenge is invalid.";
  g_autofree char *verifier = wbps_test_oauth_verifier ();
  g_autofree char *other = wbps_test_oauth_verifier ();
  g_autofree char *hex = wbps_test_oauth_challenge (verifier);
  g_autofree char *b64 = emu_base64url_challenge (verifier);
  g_autofree char *code = wbps_test_oauth_obtain_code (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, hex);
  g_autoptr(EmuReply) missing = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, NULL);
  g_autoptr(EmuReply) wrong = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, other);
  g_autofree char *b64_code = wbps_test_oauth_obtain_code (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, b64);
  g_autoptr(EmuReply) rfc_style = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, b64_code, DEMO_REDIRECT,
                                                     verifier);
  g_autoptr(EmuReply) good = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, verifier);
  g_autoptr(WbpsTestEmulator) lenient = wbps_test_emulator_start (
    "[emulator]\nauto-approve=true\naccept-base64url-challenge=true\n");
  g_autofree char *lenient_code = wbps_test_oauth_obtain_code (lenient, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, b64);
  g_autoptr(EmuReply) accepted = emu_exchange_code (lenient, DEMO_KEY, DEMO_SECRET, lenient_code, DEMO_REDIRECT,
                                                    verifier);

  g_assert_cmpuint (strlen (hex), ==, 64);
  emu_assert_oauth_error (missing, "invalid_request", text);
  emu_assert_oauth_error (wrong, "invalid_request", text);
  emu_assert_oauth_error (rfc_style, "invalid_request", text);
  g_assert_nonnull (emu_reply_string (good, "access_token"));
  g_assert_nonnull (emu_reply_string (accepted, "access_token"));
}

static void
assert_verifier_rejected (const char *verifier)
{
  g_autofree char *challenge = wbps_test_oauth_challenge (verifier);
  g_autofree char *code = wbps_test_oauth_obtain_code (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, challenge);
  g_autoptr(EmuReply) reply = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, verifier);

  emu_assert_oauth_error (reply, "invalid_request", NULL);
}

static void
test_rule_14_verifier_format (void)
{
  g_autofree char *short_one = g_strnfill (42, 'a');
  g_autofree char *long_one = g_strnfill (129, 'b');
  const char *bad_char = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG+/=";
  g_autofree char *shortest = g_strnfill (43, 'c');
  g_autofree char *longest = g_strnfill (128, 'd');
  g_autofree char *shortest_challenge = wbps_test_oauth_challenge (shortest);
  g_autofree char *longest_challenge = wbps_test_oauth_challenge (longest);
  g_autofree char *code_a = wbps_test_oauth_obtain_code (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, shortest_challenge);
  g_autofree char *code_b = wbps_test_oauth_obtain_code (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, longest_challenge);
  g_autoptr(EmuReply) ok_a = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code_a, DEMO_REDIRECT, shortest);
  g_autoptr(EmuReply) ok_b = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code_b, DEMO_REDIRECT, longest);

  /* Each challenge matches its verifier: only the verifier's shape is wrong. */
  assert_verifier_rejected (short_one);
  assert_verifier_rejected (long_one);
  assert_verifier_rejected (bad_char);
  g_assert_nonnull (emu_reply_string (ok_a, "access_token"));
  g_assert_nonnull (emu_reply_string (ok_b, "access_token"));
}

static void
test_rule_15_token_success (void)
{
  g_autoptr(EmuReply) reply = emu_sign_in (demo, "user.info.basic,video.publish");
  JsonObject *object = emu_reply_object (reply);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpuint (json_object_get_size (object), ==, 7);
  g_assert_true (g_str_has_prefix (emu_reply_string (reply, "access_token"), "act."));
  g_assert_true (g_str_has_prefix (emu_reply_string (reply, "refresh_token"), "rft."));
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 86400);
  g_assert_cmpint (json_object_get_int_member (object, "refresh_expires_in"), ==, 31536000);
  g_assert_cmpstr (emu_reply_string (reply, "open_id"), ==, "demo-creator");
  g_assert_cmpstr (emu_reply_string (reply, "scope"), ==, "user.info.basic,video.publish");
  g_assert_cmpstr (emu_reply_string (reply, "token_type"), ==, "Bearer");
  g_assert_false (json_object_has_member (object, "data"));
}

static void
test_rule_16_refresh_rotation (void)
{
  g_autoptr(EmuReply) signed_in = emu_sign_in (demo, "user.info.basic");
  const char *old_access = emu_reply_string (signed_in, "access_token");
  const char *old_refresh = emu_reply_string (signed_in, "refresh_token");
  g_autoptr(EmuReply) refreshed = post_token (demo, DEMO_KEY, DEMO_SECRET, "refresh_token", old_refresh);
  g_autoptr(EmuReply) replay = post_token (demo, DEMO_KEY, DEMO_SECRET, "refresh_token", old_refresh);
  g_autoptr(EmuReply) unknown = post_token (demo, DEMO_KEY, DEMO_SECRET, "refresh_token", "rft.unknown");
  g_autoptr(EmuReply) old_still_valid = emu_user_info (demo, old_access, "open_id");
  g_autoptr(EmuReply) new_valid = NULL;
  g_autoptr(EmuReply) again = NULL;

  g_assert_cmpuint (json_object_get_size (emu_reply_object (refreshed)), ==, 7);
  g_assert_cmpstr (emu_reply_string (refreshed, "access_token"), !=, old_access);
  g_assert_cmpstr (emu_reply_string (refreshed, "refresh_token"), !=, old_refresh);
  g_assert_cmpstr (emu_reply_string (refreshed, "scope"), ==, "user.info.basic");
  emu_assert_oauth_error (replay, "invalid_grant", NULL);
  emu_assert_oauth_error (unknown, "invalid_grant", NULL);
  /* Docs are silent; the emulator keeps the old access token until it expires. */
  g_assert_cmpuint (old_still_valid->status, ==, 200);
  new_valid = emu_user_info (demo, emu_reply_string (refreshed, "access_token"), "open_id");
  g_assert_cmpuint (new_valid->status, ==, 200);
  again = post_token (demo, DEMO_KEY, DEMO_SECRET, "refresh_token", emu_reply_string (refreshed, "refresh_token"));
  g_assert_nonnull (emu_reply_string (again, "access_token"));
}

static void
test_rule_16_refresh_without_rotation (void)
{
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start (
    "[emulator]\nauto-approve=true\nrotate-refresh-tokens=false\n");
  g_autoptr(EmuReply) signed_in = emu_sign_in (emu, "user.info.basic");
  const char *refresh = emu_reply_string (signed_in, "refresh_token");
  g_autoptr(EmuReply) first = post_token (emu, DEMO_KEY, DEMO_SECRET, "refresh_token", refresh);
  g_autoptr(EmuReply) second = post_token (emu, DEMO_KEY, DEMO_SECRET, "refresh_token", refresh);

  g_assert_cmpstr (emu_reply_string (first, "refresh_token"), ==, refresh);
  g_assert_nonnull (emu_reply_string (second, "access_token"));
}

static void
test_rule_16_refresh_expired (void)
{
  /* refresh-lifetime 3600 emulated s at 3600x: dead after one real second. */
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start (
    "[emulator]\nauto-approve=true\nclock-scale=3600\nrefresh-lifetime=3600\naccess-lifetime=3600\n");
  g_autoptr(EmuReply) signed_in = emu_sign_in (emu, "user.info.basic");
  g_autoptr(EmuReply) expired = NULL;

  g_assert_cmpint (json_object_get_int_member (emu_reply_object (signed_in), "refresh_expires_in"), ==, 1);
  g_usleep (1500 * 1000);  /* the refresh token's lifetime passing: the thing under test */
  expired = post_token (emu, DEMO_KEY, DEMO_SECRET, "refresh_token", emu_reply_string (signed_in, "refresh_token"));
  emu_assert_oauth_error (expired, "invalid_grant", NULL);
}

static void
test_rule_17_client_credentials (void)
{
  g_autoptr(EmuReply) reply = post_token (demo, DEMO_KEY, DEMO_SECRET, "client_credentials", NULL);
  JsonObject *object = emu_reply_object (reply);
  g_autoptr(EmuReply) used = NULL;

  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  g_assert_true (g_str_has_prefix (emu_reply_string (reply, "access_token"), "clt."));
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 7200);
  g_assert_cmpstr (emu_reply_string (reply, "token_type"), ==, "Bearer");
  used = emu_user_info (demo, emu_reply_string (reply, "access_token"), "open_id");
  emu_assert_v2_error (used, 401, "access_token_invalid");
}

static gboolean
has_removed_event (WbpsTestEmulator *emu)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/emulator/events");
  g_autoptr(EmuReply) reply = emu_get (url, NULL);
  JsonObject *data = json_object_get_object_member (emu_reply_object (reply), "data");
  JsonArray *events = json_object_get_array_member (data, "events");

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (g_str_equal (json_object_get_string_member (event, "event"), "authorization.removed")
          && g_str_equal (json_object_get_string_member (event, "user_openid"), "demo-creator")
          && g_str_equal (json_object_get_string_member (event, "content"), "{\"reason\":5}"))
        return TRUE;
    }
  return FALSE;
}

static void
test_rule_18_revoke (void)
{
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start ("[emulator]\nauto-approve=true\n");
  g_autoptr(EmuReply) signed_in = emu_sign_in (emu, "user.info.basic");
  g_autoptr(EmuReply) again = emu_sign_in (emu, "user.info.basic");
  const char *access = emu_reply_string (signed_in, "access_token");
  const char *refresh = emu_reply_string (signed_in, "refresh_token");
  g_autoptr(EmuReply) no_secret = post_revoke (emu, NULL, access);
  g_autoptr(EmuReply) before = emu_user_info (emu, access, "open_id");
  gboolean event_before = has_removed_event (emu);
  g_autofree char *switch_url = wbps_test_emulator_url (emu, "/emulator/sign-in?user=demo-private");
  g_autoptr(EmuReply) switched = emu_post_form (switch_url, NULL);
  g_autoptr(EmuReply) other_user = emu_sign_in (emu, "user.info.basic");
  g_autoptr(EmuReply) revoked = post_revoke (emu, DEMO_SECRET, access);
  g_autoptr(EmuReply) after = emu_user_info (emu, access, "open_id");
  g_autoptr(EmuReply) refresh_after = post_token (emu, DEMO_KEY, DEMO_SECRET, "refresh_token", refresh);
  g_autoptr(EmuReply) again_after = emu_user_info (emu, emu_reply_string (again, "access_token"), "open_id");
  g_autoptr(EmuReply) again_refresh = post_token (emu, DEMO_KEY, DEMO_SECRET, "refresh_token",
                                                  emu_reply_string (again, "refresh_token"));
  g_autoptr(EmuReply) other_after = emu_user_info (emu, emu_reply_string (other_user, "access_token"), "open_id");

  emu_assert_oauth_error (no_secret, "invalid_request", "Client secret is missed in request.");
  g_assert_cmpuint (before->status, ==, 200);
  g_assert_false (event_before);
  g_assert_cmpuint (switched->status, ==, 200);
  g_assert_cmpuint (revoked->status, ==, 200);
  g_assert_cmpstr (revoked->body, ==, "{}");
  emu_assert_v2_error (after, 401, "access_token_invalid");
  emu_assert_oauth_error (refresh_after, "invalid_grant", NULL);
  /* The app's access for the user is gone: the user's other grant with it; another user's stays. */
  emu_assert_v2_error (again_after, 401, "access_token_invalid");
  emu_assert_oauth_error (again_refresh, "invalid_grant", NULL);
  g_assert_cmpuint (other_after->status, ==, 200);
  g_assert_true (has_removed_event (emu));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/emulator/oauth/rule-08-invalid-client", test_rule_08_invalid_client);
  g_test_add_func ("/emulator/oauth/rule-09-missing-secret", test_rule_09_missing_secret);
  g_test_add_func ("/emulator/oauth/rule-10-unsupported-grant-type", test_rule_10_unsupported_grant_type);
  g_test_add_func ("/emulator/oauth/rule-11-invalid-grant", test_rule_11_invalid_grant);
  g_test_add_func ("/emulator/oauth/rule-12-redirect-uri-mismatch", test_rule_12_redirect_uri_mismatch);
  g_test_add_func ("/emulator/oauth/rule-13-pkce-hex", test_rule_13_pkce_hex);
  g_test_add_func ("/emulator/oauth/rule-14-verifier-format", test_rule_14_verifier_format);
  g_test_add_func ("/emulator/oauth/rule-15-token-success", test_rule_15_token_success);
  g_test_add_func ("/emulator/oauth/rule-16-refresh-rotation", test_rule_16_refresh_rotation);
  g_test_add_func ("/emulator/oauth/rule-16-refresh-without-rotation", test_rule_16_refresh_without_rotation);
  g_test_add_func ("/emulator/oauth/rule-16-refresh-expired", test_rule_16_refresh_expired);
  g_test_add_func ("/emulator/oauth/rule-17-client-credentials", test_rule_17_client_credentials);
  g_test_add_func ("/emulator/oauth/rule-18-revoke", test_rule_18_revoke);

  return emu_run_tests_with (&demo, "[emulator]\nauto-approve=true\n");
}
