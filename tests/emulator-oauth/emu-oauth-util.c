/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "emu-oauth-util.h"

#include <string.h>
#include <sys/random.h>

char *
emu_new_verifier (void)
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
emu_hex_challenge (const char *verifier)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, verifier, -1);
}

char *
emu_base64url_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GString) out = NULL;
  g_autofree char *b64 = NULL;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  b64 = g_base64_encode (digest, length);
  out = g_string_new (b64);
  g_string_replace (out, "+", "-", 0);
  g_string_replace (out, "/", "_", 0);
  g_string_replace (out, "=", "", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
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
emu_authorize_url (WbpsTestEmulator *emu,
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
emu_consent_request_id (const char *html)
{
  g_autoptr(GRegex) regex = g_regex_new ("name=\"request_id\" value=\"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (regex, html, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

char *
emu_location_param (const char *location,
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
emu_obtain_code (WbpsTestEmulator *emu,
                 const char       *client_key,
                 const char       *scope,
                 const char       *redirect_uri,
                 const char       *challenge)
{
  g_autofree char *url = emu_authorize_url (emu, client_key, scope, redirect_uri, "st", challenge);
  g_autoptr(EmuReply) page = emu_get (url, NULL);
  g_autoptr(EmuReply) decided = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *decide_url = NULL;
  EmuReply *redirect = page;

  if (page->status == 200)
    {
      request_id = emu_consent_request_id (page->body);
      g_assert_nonnull (request_id);
      decide_url = wbps_test_emulator_url (emu, "/v2/auth/authorize/decide");
      decided = emu_post_form (decide_url, "request_id", request_id, "decision", "authorize", NULL);
      redirect = decided;
    }
  g_assert_cmpuint (redirect->status, ==, 302);
  g_assert_nonnull (redirect->location);
  return emu_location_param (redirect->location, "code");
}

EmuReply *
emu_exchange_code (WbpsTestEmulator *emu,
                   const char       *client_key,
                   const char       *secret,
                   const char       *code,
                   const char       *redirect_uri,
                   const char       *verifier)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/oauth/token/");

  return emu_post_form (url,
                        "client_key", client_key,
                        "client_secret", secret,
                        "code", code,
                        "grant_type", "authorization_code",
                        "redirect_uri", redirect_uri,
                        "code_verifier", verifier,
                        NULL);
}

EmuReply *
emu_sign_in (WbpsTestEmulator *emu,
             const char       *scope)
{
  g_autoptr(JsonObject) tokens = wbps_test_emulator_sign_in (emu, DEMO_KEY, DEMO_SECRET, scope, NULL);
  EmuReply *reply = g_new0 (EmuReply, 1);

  reply->status = SOUP_STATUS_OK;
  reply->content_type = g_strdup ("application/json");
  reply->json = json_node_init_object (json_node_alloc (), tokens);
  reply->body = json_to_string (reply->json, FALSE);
  return reply;
}

EmuReply *
emu_user_info (WbpsTestEmulator *emu,
               const char       *token,
               const char       *fields)
{
  g_autofree char *escaped = fields != NULL ? g_uri_escape_string (fields, ",", FALSE) : NULL;
  g_autofree char *path = fields != NULL ? g_strconcat ("/v2/user/info/?fields=", escaped, NULL)
                                         : g_strdup ("/v2/user/info/");
  g_autofree char *url = wbps_test_emulator_url (emu, path);

  return emu_get (url, token);
}
