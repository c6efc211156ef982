/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "emu-oauth-util.h"

#include <string.h>
#include <sys/random.h>

static SoupSession *
session (void)
{
  static SoupSession *shared;

  /* Bounded so a broken emulator fails the test instead of hanging it. */
  if (shared == NULL)
    shared = soup_session_new_with_options ("timeout", 20, "idle-timeout", 20, NULL);
  return shared;
}

void
emu_reply_free (EmuReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->body);
  g_free (reply->location);
  g_free (reply->content_type);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

static EmuReply *
send_message (SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  EmuReply *reply = g_new0 (EmuReply, 1);
  SoupMessageHeaders *headers;
  gint64 start = g_get_monotonic_time ();
  gsize size;
  const char *data;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  bytes = soup_session_send_and_read (session (), msg, NULL, &error);
  g_assert_no_error (error);
  reply->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  data = g_bytes_get_data (bytes, &size);
  reply->body = g_strndup (data != NULL ? data : "", size);
  reply->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  reply->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  if (g_strcmp0 (reply->content_type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      json_parser_load_from_data (parser, reply->body, -1, &error);
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }
  return reply;
}

EmuReply *
emu_get_auth (const char *url,
              const char *authorization)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  g_assert_nonnull (msg);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  return send_message (msg);
}

EmuReply *
emu_get (const char *url,
         const char *bearer)
{
  g_autofree char *authorization = bearer != NULL ? g_strconcat ("Bearer ", bearer, NULL) : NULL;

  return emu_get_auth (url, authorization);
}

EmuReply *
emu_post_form (const char *url,
               ...)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = NULL;
  const char *name;
  va_list args;

  va_start (args, url);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = NULL;

      if (value == NULL)
        continue;
      escaped = g_uri_escape_string (value, NULL, FALSE);
      g_string_append_printf (body, "%s%s=%s", body->len > 0 ? "&" : "", name, escaped);
    }
  va_end (args);
  bytes = g_bytes_new (body->str, body->len);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  return send_message (msg);
}

JsonObject *
emu_reply_object (EmuReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

const char *
emu_reply_string (EmuReply   *reply,
                  const char *member)
{
  JsonObject *object = emu_reply_object (reply);

  return json_object_has_member (object, member) ? json_object_get_string_member (object, member) : NULL;
}

static JsonObject *
v2_error (EmuReply *reply)
{
  JsonObject *object = emu_reply_object (reply);

  g_assert_true (json_object_has_member (object, "error"));
  return json_object_get_object_member (object, "error");
}

const char *
emu_reply_v2_code (EmuReply *reply)
{
  return json_object_get_string_member (v2_error (reply), "code");
}

const char *
emu_reply_v2_log_id (EmuReply *reply)
{
  return json_object_get_string_member (v2_error (reply), "log_id");
}

void
emu_assert_log_id (const char *log_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y%m%d");

  g_assert_nonnull (log_id);
  g_assert_cmpuint (strlen (log_id), ==, 34);
  g_assert_true (g_regex_match_simple ("^[0-9]{14}[0-9A-F]{20}$", log_id, 0, 0));
  /* The timestamp part is the current UTC date (allow a midnight rollover). */
  if (!g_str_has_prefix (log_id, today))
    {
      g_autoptr(GDateTime) before = g_date_time_add_minutes (now, -5);
      g_autofree char *yesterday = g_date_time_format (before, "%Y%m%d");

      g_assert_true (g_str_has_prefix (log_id, yesterday));
    }
}

void
emu_assert_oauth_error (EmuReply   *reply,
                        const char *error,
                        const char *description)
{
  g_assert_cmpstr (emu_reply_string (reply, "error"), ==, error);
  if (description != NULL)
    g_assert_cmpstr (emu_reply_string (reply, "error_description"), ==, description);
  emu_assert_log_id (emu_reply_string (reply, "log_id"));
  g_assert_false (json_object_has_member (emu_reply_object (reply), "access_token"));
}

void
emu_assert_v2_error (EmuReply   *reply,
                     guint       status,
                     const char *code)
{
  JsonObject *object;

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (emu_reply_v2_code (reply), ==, code);
  emu_assert_log_id (emu_reply_v2_log_id (reply));
  object = emu_reply_object (reply);
  g_assert_true (json_object_has_member (object, "data"));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "data")), ==, 0);
}

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
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  return g_strdup (g_checksum_get_string (checksum));
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
