/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checklist rules 1-7 (GET /v2/auth/authorize/) and the consent page, against a real emulator. */
#include <string.h>

#include "emu-oauth-util.h"

static WbpsTestEmulator *demo;   /* the built-in demo world, consent page on */

static char *
challenge_for_test (void)
{
  g_autofree char *verifier = wbps_test_oauth_verifier ();

  return wbps_test_oauth_challenge (verifier);
}

/* An error page: no redirect, and the page names the faulty parameter. */
static void
assert_error_page (EmuReply   *reply,
                   const char *param_name)
{
  g_autofree char *marker = g_strdup_printf ("<code>%s</code>", param_name);

  g_assert_cmpuint (reply->status, ==, 400);
  g_assert_null (reply->location);
  g_assert_cmpstr (reply->content_type, ==, "text/html");
  g_assert_nonnull (strstr (reply->body, "We couldn't log in with TikTok"));
  g_assert_nonnull (strstr (reply->body, marker));
}

static void
assert_consent_page (EmuReply *reply)
{
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_null (reply->location);
  g_assert_nonnull (strstr (reply->body, "id=\"authorize\""));
}

static EmuReply *
authorize (WbpsTestEmulator *emu,
           const char       *client_key,
           const char       *scope,
           const char       *redirect_uri,
           const char       *state,
           const char       *challenge)
{
  g_autofree char *url = wbps_test_oauth_authorize_url (emu, client_key, scope, redirect_uri, state, challenge);

  return emu_get (url, NULL);
}

static void
test_rule_01_unknown_client_key (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(EmuReply) unknown = authorize (demo, "no-such-client", "user.info.basic", DEMO_REDIRECT, "s", challenge);
  g_autoptr(EmuReply) missing = authorize (demo, NULL, "user.info.basic", DEMO_REDIRECT, "s", challenge);

  assert_error_page (unknown, "client_key");
  assert_error_page (missing, "client_key");
}

static void
test_rule_02_redirect_uri (void)
{
  const char *rejected[] = {
    "http://127.0.0.1:5555/other/",            /* path not registered */
    "http://127.0.0.1:5555/callback/?x=1",     /* query never allowed */
    "http://127.0.0.1:5555/callback/#frag",    /* fragment never allowed */
    "http://127.0.0.1/callback/",              /* port is mandatory */
    "http://192.168.1.10:5555/callback/",      /* host only localhost / 127.0.0.1 */
    "http://[::1]:5555/callback/",
    "http://example.com:5555/callback/",
    "ftp://127.0.0.1:5555/callback/",
    "http://127.0.0.1:5555/callback",          /* exact match: trailing slash matters */
  };
  const char *accepted[] = {
    "http://127.0.0.1:5555/callback/",         /* '*' port wildcard: any port */
    "http://127.0.0.1:49152/callback/",
    "http://localhost:1/callback/",
  };
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(WbpsTestEmulator) exact = wbps_test_emulator_start (
    "[client:exact]\nsecret=s\nredirect-uris=http://127.0.0.1:3455/callback/\nscopes=user.info.basic\n");
  g_autoptr(EmuReply) missing = authorize (demo, DEMO_KEY, "user.info.basic", NULL, "s", challenge);
  g_autoptr(EmuReply) exact_ok = authorize (exact, "exact", "user.info.basic",
                                            "http://127.0.0.1:3455/callback/", "s", challenge);
  g_autoptr(EmuReply) exact_wrong_port = authorize (exact, "exact", "user.info.basic",
                                                    "http://127.0.0.1:3456/callback/", "s", challenge);

  for (guint i = 0; i < G_N_ELEMENTS (rejected); i++)
    {
      g_autoptr(EmuReply) reply = authorize (demo, DEMO_KEY, "user.info.basic", rejected[i], "s", challenge);

      assert_error_page (reply, "redirect_uri");
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(EmuReply) reply = authorize (demo, DEMO_KEY, "user.info.basic", accepted[i], "s", challenge);

      assert_consent_page (reply);
    }
  assert_error_page (missing, "redirect_uri");
  assert_consent_page (exact_ok);
  assert_error_page (exact_wrong_port, "redirect_uri");
}

static void
test_rule_03_response_type (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autofree char *url = wbps_test_oauth_authorize_url (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, "st-3", challenge);
  g_autofree char *token_url = NULL;
  g_autoptr(GString) edited = g_string_new (url);
  g_autoptr(EmuReply) reply = NULL;
  g_autofree char *error = NULL;
  g_autofree char *state = NULL;

  g_string_replace (edited, "response_type=code", "response_type=token", 1);
  reply = emu_get (edited->str, NULL);
  g_assert_cmpuint (reply->status, ==, 302);
  g_assert_true (g_str_has_prefix (reply->location, DEMO_REDIRECT "?"));
  error = wbps_test_oauth_location_param (reply->location, "error");
  state = wbps_test_oauth_location_param (reply->location, "state");
  g_assert_cmpstr (error, ==, "unsupported_response_type");
  g_assert_cmpstr (state, ==, "st-3");
}

static void
test_rule_04_code_challenge (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autofree char *url = wbps_test_oauth_authorize_url (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, "s", challenge);
  g_autoptr(GString) plain = g_string_new (url);
  g_autoptr(GString) no_method = g_string_new (url);
  g_autoptr(EmuReply) missing = authorize (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, "s", NULL);
  g_autoptr(EmuReply) plain_reply = NULL;
  g_autoptr(EmuReply) no_method_reply = NULL;

  g_string_replace (plain, "code_challenge_method=S256", "code_challenge_method=plain", 1);
  g_string_replace (no_method, "&code_challenge_method=S256", "", 1);
  plain_reply = emu_get (plain->str, NULL);
  no_method_reply = emu_get (no_method->str, NULL);
  assert_error_page (missing, "code_challenge");
  assert_error_page (plain_reply, "code_challenge");
  assert_error_page (no_method_reply, "code_challenge");
}

static void
assert_redirect_error (EmuReply   *reply,
                       const char *error,
                       const char *error_type,
                       const char *state)
{
  g_autofree char *got_error = NULL;
  g_autofree char *got_type = NULL;
  g_autofree char *got_state = NULL;
  g_autofree char *got_code = NULL;

  g_assert_cmpuint (reply->status, ==, 302);
  g_assert_true (g_str_has_prefix (reply->location, DEMO_REDIRECT "?"));
  got_error = wbps_test_oauth_location_param (reply->location, "error");
  got_type = wbps_test_oauth_location_param (reply->location, "error_type");
  got_state = wbps_test_oauth_location_param (reply->location, "state");
  got_code = wbps_test_oauth_location_param (reply->location, "code");
  g_assert_cmpstr (got_error, ==, error);
  g_assert_cmpstr (got_type, ==, error_type);
  g_assert_cmpstr (got_state, ==, state);
  g_assert_null (got_code);
}

static void
test_rule_05_invalid_scope (void)
{
  g_autofree char *challenge = challenge_for_test ();
  /* video.list is a real scope, but not approved for the demo app. */
  g_autoptr(EmuReply) unapproved = authorize (demo, DEMO_KEY, "user.info.basic,video.list", DEMO_REDIRECT,
                                              "s5", challenge);
  g_autoptr(EmuReply) unknown = authorize (demo, DEMO_KEY, "no.such.scope", DEMO_REDIRECT, "s5", challenge);

  assert_redirect_error (unapproved, "invalid_scope", NULL, "s5");
  assert_redirect_error (unknown, "invalid_scope", NULL, "s5");
}

static EmuReply *
decide (WbpsTestEmulator *emu,
        EmuReply         *page,
        const char       *decision)
{
  g_autofree char *request_id = wbps_test_oauth_consent_request_id (page->body);
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/auth/authorize/decide");

  g_assert_nonnull (request_id);
  return emu_post_form (url, "request_id", request_id, "decision", decision, NULL);
}

static void
test_rule_05_user_denies (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(EmuReply) page = authorize (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, "deny-me", challenge);
  g_autoptr(EmuReply) reply = decide (demo, page, "deny");

  assert_redirect_error (reply, "access_denied", NULL, "deny-me");
}

static void
test_rule_06_sandbox_non_target (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start (
    "[client:sbx]\nsecret=s\nredirect-uris=http://127.0.0.1:*/callback/\nscopes=user.info.basic\n"
    "sandbox=true\ntarget-users=demo-private\n"
    "[user:demo-creator]\ndisplay-name=Demo Creator\n"
    "[user:demo-private]\ndisplay-name=Private Demo\nprivate=true\n");
  g_autoptr(EmuReply) outsider = authorize (emu, "sbx", "user.info.basic", DEMO_REDIRECT, "sb", challenge);
  g_autofree char *switch_url = wbps_test_emulator_url (emu, "/emulator/sign-in?user=demo-private");
  g_autoptr(EmuReply) switched = emu_post_form (switch_url, NULL);
  g_autoptr(EmuReply) target = authorize (emu, "sbx", "user.info.basic", DEMO_REDIRECT, "sb", challenge);

  assert_redirect_error (outsider, "access_denied", "non_sandbox_target", "sb");
  g_assert_cmpuint (switched->status, ==, 200);
  assert_consent_page (target);
}

static void
test_rule_07_success_redirect (void)
{
  const char *state = "a b&c=d/é?%+*!";
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(EmuReply) page = authorize (demo, DEMO_KEY, "user.info.basic,video.publish", DEMO_REDIRECT, state,
                                        challenge);
  g_autoptr(EmuReply) reply = decide (demo, page, "authorize");
  g_autofree char *code = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *echoed = NULL;
  const char *query;
  g_autofree char *raw_code = NULL;

  g_assert_cmpuint (reply->status, ==, 302);
  g_assert_true (g_str_has_prefix (reply->location, DEMO_REDIRECT "?code="));
  code = wbps_test_oauth_location_param (reply->location, "code");
  scopes = wbps_test_oauth_location_param (reply->location, "scopes");
  echoed = wbps_test_oauth_location_param (reply->location, "state");
  g_assert_nonnull (strchr (code, '*'));
  g_assert_nonnull (strchr (code, '!'));
  /* The raw query carries them percent-encoded, exactly once. */
  query = strchr (reply->location, '?');
  g_assert_null (strchr (query, '*'));
  g_assert_null (strchr (query, '!'));
  raw_code = g_strndup (query + strlen ("?code="), strcspn (query, "&") - strlen ("?code="));
  g_assert_nonnull (strstr (raw_code, "%2A"));
  g_assert_nonnull (strstr (raw_code, "%21"));
  g_assert_null (strstr (raw_code, "%25"));
  g_assert_cmpstr (scopes, ==, "user.info.basic,video.publish");
  g_assert_cmpstr (echoed, ==, state);
}

static void
test_consent_page_content (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(EmuReply) page = authorize (demo, DEMO_KEY, "user.info.basic,video.publish,video.upload",
                                        DEMO_REDIRECT, "s", challenge);

  assert_consent_page (page);
  g_assert_cmpstr (page->content_type, ==, "text/html");
  g_assert_nonnull (strstr (page->body, "<button type=\"submit\" id=\"authorize\""));
  g_assert_nonnull (strstr (page->body, "<button type=\"submit\" id=\"deny\""));
  g_assert_nonnull (strstr (page->body, ">Authorize</button>"));
  g_assert_nonnull (strstr (page->body, ">Deny</button>"));
  g_assert_nonnull (strstr (page->body, "<form method=\"post\" action=\"/v2/auth/authorize/decide\">"));
  g_assert_nonnull (strstr (page->body, "wbps (demo)"));
  g_assert_nonnull (strstr (page->body, "Demo Creator"));
  g_assert_nonnull (strstr (page->body, "video.publish"));
  g_assert_nonnull (strstr (page->body, "video.upload"));
  g_assert_null (strstr (page->body, challenge));
}

static void
test_consent_approve_gives_working_code (void)
{
  g_autofree char *verifier = wbps_test_oauth_verifier ();
  g_autofree char *challenge = wbps_test_oauth_challenge (verifier);
  g_autoptr(EmuReply) page = authorize (demo, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, "ok", challenge);
  g_autoptr(EmuReply) reply = decide (demo, page, "authorize");
  g_autofree char *code = wbps_test_oauth_location_param (reply->location, "code");
  g_autoptr(EmuReply) tokens = emu_exchange_code (demo, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, verifier);
  g_autoptr(EmuReply) again = decide (demo, page, "authorize");

  g_assert_cmpuint (tokens->status, ==, 200);
  g_assert_true (g_str_has_prefix (emu_reply_string (tokens, "access_token"), "act."));
  /* The consent request is single use. */
  assert_error_page (again, "request_id");
}

static void
test_consent_deselect_scope (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(EmuReply) page = authorize (demo, DEMO_KEY, "user.info.basic,video.publish", DEMO_REDIRECT, "s",
                                        challenge);
  g_autofree char *request_id = wbps_test_oauth_consent_request_id (page->body);
  g_autofree char *url = wbps_test_emulator_url (demo, "/v2/auth/authorize/decide");
  /* What a browser submits with the video.publish box unticked. */
  g_autoptr(EmuReply) reply = emu_post_form (url, "request_id", request_id, "scope:user.info.basic", "on",
                                             "decision", "authorize", NULL);
  g_autofree char *scopes = wbps_test_oauth_location_param (reply->location, "scopes");

  g_assert_cmpstr (scopes, ==, "user.info.basic");
}

static void
test_auto_approve (void)
{
  g_autofree char *challenge = challenge_for_test ();
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start ("[emulator]\nauto-approve=true\n");
  g_autoptr(EmuReply) reply = authorize (emu, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, "auto", challenge);
  g_autofree char *code = NULL;
  g_autofree char *state = NULL;

  g_assert_cmpuint (reply->status, ==, 302);
  code = wbps_test_oauth_location_param (reply->location, "code");
  state = wbps_test_oauth_location_param (reply->location, "state");
  g_assert_nonnull (code);
  g_assert_cmpstr (state, ==, "auto");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/emulator/oauth/rule-01-unknown-client-key", test_rule_01_unknown_client_key);
  g_test_add_func ("/emulator/oauth/rule-02-redirect-uri", test_rule_02_redirect_uri);
  g_test_add_func ("/emulator/oauth/rule-03-response-type", test_rule_03_response_type);
  g_test_add_func ("/emulator/oauth/rule-04-code-challenge", test_rule_04_code_challenge);
  g_test_add_func ("/emulator/oauth/rule-05-invalid-scope", test_rule_05_invalid_scope);
  g_test_add_func ("/emulator/oauth/rule-05-user-denies", test_rule_05_user_denies);
  g_test_add_func ("/emulator/oauth/rule-06-sandbox-non-target", test_rule_06_sandbox_non_target);
  g_test_add_func ("/emulator/oauth/rule-07-success-redirect", test_rule_07_success_redirect);
  g_test_add_func ("/emulator/oauth/consent-page-content", test_consent_page_content);
  g_test_add_func ("/emulator/oauth/consent-approve", test_consent_approve_gives_working_code);
  g_test_add_func ("/emulator/oauth/consent-deselect-scope", test_consent_deselect_scope);
  g_test_add_func ("/emulator/oauth/auto-approve", test_auto_approve);

  return emu_run_tests_with (&demo, NULL);
}
