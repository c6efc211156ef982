/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-test-oauth.h"

#include <string.h>
#include <sys/random.h>

char *
wbps_test_oauth_verifier (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  guint8 bytes[64];
  char *verifier = g_new0 (char, sizeof bytes + 1);

  g_assert_cmpint (getrandom (bytes, sizeof bytes, 0), ==, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    verifier[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
  return verifier;
}

char *
wbps_test_oauth_challenge (const char *verifier)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, verifier, -1);
}

static void
append_param (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (url, "%s%s=%s", strchr (url->str, '?') != NULL ? "&" : "?", name, escaped);
}

char *
wbps_test_oauth_authorize_url (WbpsTestEmulator *emu,
                               const char       *client_key,
                               const char       *scope,
                               const char       *redirect_uri,
                               const char       *state,
                               const char       *challenge)
{
  g_autofree char *base = wbps_test_emulator_url (emu, "/v2/auth/authorize/");
  GString *url = g_string_new (base);

  append_param (url, "client_key", client_key);
  append_param (url, "scope", scope);
  append_param (url, "response_type", "code");
  append_param (url, "redirect_uri", redirect_uri);
  append_param (url, "state", state);
  append_param (url, "code_challenge", challenge);
  if (challenge != NULL)
    append_param (url, "code_challenge_method", "S256");
  return g_string_free (url, FALSE);
}

char *
wbps_test_oauth_consent_request_id (const char *html)
{
  g_autoptr(GRegex) regex = g_regex_new ("name=\"request_id\" value=\"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (regex, html, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

char *
wbps_test_oauth_location_param (const char *location,
                                const char *name)
{
  g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (uri);
  if (g_uri_get_query (uri) == NULL)
    return NULL;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  return g_strdup (g_hash_table_lookup (params, name));
}

char *
wbps_test_oauth_obtain_code (WbpsTestEmulator *emu,
                             const char       *client_key,
                             const char       *scope,
                             const char       *redirect_uri,
                             const char       *challenge)
{
  g_autofree char *url = wbps_test_oauth_authorize_url (emu, client_key, scope, redirect_uri, "st", challenge);
  g_autoptr(EmuReply) page = emu_get (url, NULL);
  g_autoptr(EmuReply) decided = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *decide_url = NULL;
  EmuReply *redirect = page;

  if (page->status == 200)
    {
      request_id = wbps_test_oauth_consent_request_id (page->body);
      g_assert_nonnull (request_id);
      decide_url = wbps_test_emulator_url (emu, "/v2/auth/authorize/decide");
      decided = emu_post_form (decide_url, "request_id", request_id, "decision", "authorize", NULL);
      redirect = decided;
    }
  g_assert_cmpuint (redirect->status, ==, 302);
  g_assert_nonnull (redirect->location);
  return wbps_test_oauth_location_param (redirect->location, "code");
}

EmuReply *
wbps_test_oauth_exchange_code (const char *token_url,
                               const char *client_key,
                               const char *client_secret,
                               const char *code,
                               const char *redirect_uri,
                               const char *verifier)
{
  return emu_post_form (token_url,
                        "client_key", client_key,
                        "client_secret", client_secret,
                        "code", code,
                        "grant_type", "authorization_code",
                        "redirect_uri", redirect_uri,
                        "code_verifier", verifier,
                        NULL);
}

static void
switch_user (WbpsTestEmulator *emu,
             const char       *open_id)
{
  g_autofree char *escaped = g_uri_escape_string (open_id, NULL, TRUE);
  g_autofree char *path = g_strconcat ("/emulator/sign-in?user=", escaped, NULL);
  g_autofree char *url = wbps_test_emulator_url (emu, path);
  g_autoptr(EmuReply) reply = emu_request ("POST", url, NULL, NULL, NULL, 0);

  g_assert_cmpuint (reply->status, ==, SOUP_STATUS_OK);
}

JsonObject *
wbps_test_emulator_sign_in (WbpsTestEmulator *emu,
                            const char       *client_key,
                            const char       *client_secret,
                            const char       *scope,
                            const char       *open_id)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/oauth/token/");

  return wbps_test_emulator_sign_in_at (emu, url, client_key, client_secret, scope, open_id);
}

JsonObject *
wbps_test_emulator_sign_in_at (WbpsTestEmulator *emu,
                               const char       *token_url,
                               const char       *client_key,
                               const char       *client_secret,
                               const char       *scope,
                               const char       *open_id)
{
  g_autofree char *verifier = wbps_test_oauth_verifier ();
  g_autofree char *challenge = wbps_test_oauth_challenge (verifier);
  g_autofree char *code = NULL;
  g_autoptr(EmuReply) reply = NULL;
  JsonObject *tokens;

  if (open_id != NULL)
    switch_user (emu, open_id);
  code = wbps_test_oauth_obtain_code (emu, client_key, scope, WBPS_TEST_REDIRECT_URI, challenge);
  g_assert_nonnull (code);
  reply = wbps_test_oauth_exchange_code (token_url, client_key, client_secret, code, WBPS_TEST_REDIRECT_URI,
                                         verifier);
  tokens = emu_reply_object (reply);
  g_assert_true (json_object_has_member (tokens, "access_token"));
  return json_object_ref (tokens);
}
