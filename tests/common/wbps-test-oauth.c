/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-test-oauth.h"

#include <libsoup/soup.h>

/* Bounded, so a broken emulator fails the test instead of hanging it. */
static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", 20, NULL);
}

static GBytes *
send_checked (SoupSession *session,
              SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  GBytes *body;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return body;
}

static void
switch_user (SoupSession      *session,
             WbpsTestEmulator *emu,
             const char       *open_id)
{
  g_autofree char *escaped = g_uri_escape_string (open_id, NULL, TRUE);
  g_autofree char *path = g_strconcat ("/emulator/sign-in?user=", escaped, NULL);
  g_autofree char *url = wbps_test_emulator_url (emu, path);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = send_checked (session, msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
}

/* The consent page's hidden request id, then a click on Authorize; returns the redirect. */
static SoupMessage *
approve_consent (SoupSession      *session,
                 WbpsTestEmulator *emu,
                 GBytes           *page)
{
  g_autofree char *html = g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
  g_autoptr(GRegex) regex = g_regex_new ("name=\"request_id\" value=\"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/auth/authorize/decide");
  SoupMessage *msg;

  g_assert_true (g_regex_match (regex, html, 0, &match));
  request_id = g_match_info_fetch (match, 1);
  msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url,
                                            soup_form_encode ("request_id", request_id,
                                                              "decision", "authorize", NULL));
  g_bytes_unref (send_checked (session, msg));
  return msg;
}

static char *
authorize_code (SoupSession      *session,
                WbpsTestEmulator *emu,
                const char       *client_key,
                const char       *scope,
                const char       *challenge)
{
  g_autofree char *base = wbps_test_emulator_url (emu, "/v2/auth/authorize/");
  g_autofree char *query = soup_form_encode ("client_key", client_key, "scope", scope,
                                             "response_type", "code",
                                             "redirect_uri", WBPS_TEST_REDIRECT_URI,
                                             "state", "test-state", "code_challenge", challenge,
                                             "code_challenge_method", "S256", NULL);
  g_autofree char *url = g_strconcat (base, "?", query, NULL);
  g_autoptr(SoupMessage) page = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) html = send_checked (session, page);
  g_autoptr(SoupMessage) decided = NULL;
  SoupMessage *redirect = page;
  g_autoptr(GUri) location = NULL;
  g_autoptr(GHashTable) params = NULL;

  if (soup_message_get_status (page) == SOUP_STATUS_OK)
    redirect = decided = approve_consent (session, emu, html);
  g_assert_cmpuint (soup_message_get_status (redirect), ==, SOUP_STATUS_FOUND);
  location = g_uri_parse (soup_message_headers_get_one (soup_message_get_response_headers (redirect),
                                                        "Location"),
                          G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (location);
  g_assert_nonnull (g_uri_get_query (location));
  params = g_uri_parse_params (g_uri_get_query (location), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  return g_strdup (g_hash_table_lookup (params, "code"));
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
  g_autoptr(SoupSession) session = new_session ();
  g_autofree char *verifier = g_strdup_printf ("%08x%08x%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                               g_random_int (), g_random_int (), g_random_int (),
                                               g_random_int ());
  g_autofree char *challenge = g_compute_checksum_for_string (G_CHECKSUM_SHA256, verifier, -1);
  g_autofree char *code = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (open_id != NULL)
    switch_user (session, emu, open_id);
  code = authorize_code (session, emu, client_key, scope, challenge);
  g_hash_table_insert (form, "client_key", (char *) client_key);
  if (client_secret != NULL)
    g_hash_table_insert (form, "client_secret", (char *) client_secret);
  g_hash_table_insert (form, "code", code);
  g_hash_table_insert (form, "grant_type", "authorization_code");
  g_hash_table_insert (form, "redirect_uri", WBPS_TEST_REDIRECT_URI);
  g_hash_table_insert (form, "code_verifier", verifier);
  msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, token_url, soup_form_encode_hash (form));
  reply = send_checked (session, msg);
  json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_true (json_object_has_member (json_node_get_object (root), "access_token"));
  return json_object_ref (json_node_get_object (root));
}
