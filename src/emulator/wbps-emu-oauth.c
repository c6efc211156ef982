/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-emu-oauth.h"

#include <string.h>

#define PENDING_LIFETIME_US (15 * G_TIME_SPAN_MINUTE)
#define MAX_REDIRECT_URI_LENGTH 512

typedef struct {
  WbpsEmuState *state;
  GHashTable   *pending;   /* consent request id -> PendingAuth */
} OAuth;

/* An authorize request waiting on the consent page. */
typedef struct {
  char   *client_key;
  char   *open_id;
  char   *scope_csv;
  char   *redirect_uri;
  char   *state;
  char   *code_challenge;
  gint64  created_us;
} PendingAuth;

static const struct {
  const char *name;
  const char *description;
} known_scopes[] = {
  { "user.info.basic", "Read your profile info (avatar and display name)" },
  { "user.info.profile", "Read your profile details (username, bio, verified badge)" },
  { "user.info.stats", "Read your statistics (followers, likes, video count)" },
  { "video.publish", "Post content directly to your TikTok account" },
  { "video.upload", "Send drafts to your TikTok inbox" },
  { "video.list", "Read your public videos" },
};

/* The user/info field table of spec section 3. */
static const struct {
  const char *name;
  const char *scope;
} user_fields[] = {
  { "open_id", "user.info.basic" },
  { "union_id", "user.info.basic" },
  { "avatar_url", "user.info.basic" },
  { "avatar_url_100", "user.info.basic" },
  { "avatar_large_url", "user.info.basic" },
  { "display_name", "user.info.basic" },
  { "bio_description", "user.info.profile" },
  { "profile_deep_link", "user.info.profile" },
  { "is_verified", "user.info.profile" },
  { "username", "user.info.profile" },
  { "follower_count", "user.info.stats" },
  { "following_count", "user.info.stats" },
  { "likes_count", "user.info.stats" },
  { "video_count", "user.info.stats" },
};

static void
pending_auth_free (PendingAuth *pending)
{
  g_free (pending->client_key);
  g_free (pending->open_id);
  g_free (pending->scope_csv);
  g_free (pending->redirect_uri);
  g_free (pending->state);
  g_free (pending->code_challenge);
  g_free (pending);
}

static void
oauth_free (OAuth *oauth)
{
  g_object_unref (oauth->state);
  g_hash_table_unref (oauth->pending);
  g_free (oauth);
}

/* ---- small helpers ---- */

static gboolean
list_contains (GPtrArray  *list,
               const char *item)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (g_ptr_array_index (list, i), item))
      return TRUE;
  return FALSE;
}

static GPtrArray *
split_csv (const char *csv)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = g_strsplit (csv != NULL ? csv : "", ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);

      if (*item != '\0' && !list_contains (list, item))
        g_ptr_array_add (list, g_strdup (item));
    }
  return list;
}

static char *
join_csv (GPtrArray *list)
{
  g_ptr_array_add (list, NULL);
  g_autofree char *csv = g_strjoinv (",", (char **) list->pdata);
  g_ptr_array_remove_index (list, list->len - 1);
  return g_steal_pointer (&csv);
}

static const char *
param (GHashTable *table,
       const char *name)
{
  return table != NULL ? g_hash_table_lookup (table, name) : NULL;
}

static gboolean
is_empty (const char *value)
{
  return value == NULL || *value == '\0';
}

/* ---- redirect URI rules (spec 1.1) ---- */

static gboolean
redirect_uri_shape_ok (const char *redirect_uri,
                       GUri       *uri)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);

  return strlen (redirect_uri) < MAX_REDIRECT_URI_LENGTH
         && strpbrk (redirect_uri, "?#") == NULL
         && (g_str_equal (scheme, "http") || g_str_equal (scheme, "https"))
         && host != NULL && (g_str_equal (host, "localhost") || g_str_equal (host, "127.0.0.1"))
         && g_uri_get_userinfo (uri) == NULL
         && g_uri_get_port (uri) > 0;
}

/* A registered pattern matches exactly, or with its ":*" standing for the request's port. */
static gboolean
pattern_matches (const char *pattern,
                 const char *redirect_uri,
                 int         port)
{
  const char *star = strstr (pattern, ":*");
  g_autofree char *expanded = NULL;

  if (g_str_equal (pattern, redirect_uri))
    return TRUE;
  if (star == NULL || (star[2] != '/' && star[2] != '\0'))
    return FALSE;
  expanded = g_strdup_printf ("%.*s:%d%s", (int) (star - pattern), pattern, port, star + 2);
  return g_str_equal (expanded, redirect_uri);
}

static gboolean
redirect_uri_registered (WbpsEmuClient *client,
                         const char    *redirect_uri)
{
  g_autoptr(GUri) uri = NULL;

  if (is_empty (redirect_uri))
    return FALSE;
  uri = g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || !redirect_uri_shape_ok (redirect_uri, uri))
    return FALSE;
  for (guint i = 0; i < client->redirect_uris->len; i++)
    if (pattern_matches (g_ptr_array_index (client->redirect_uris, i), redirect_uri, g_uri_get_port (uri)))
      return TRUE;
  return FALSE;
}

/* ---- pages and redirects ---- */

static void
set_html (SoupServerMessage *msg,
          guint              status,
          GString           *html)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize length = html->len;

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=UTF-8", SOUP_MEMORY_TAKE,
                                    g_string_free (html, FALSE), length);
}

static GString *
page_start (const char *title)
{
  GString *html = g_string_new (NULL);
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  g_string_append_printf (html,
                          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<title>%s</title><style>"
                          "body{font-family:sans-serif;max-width:28em;margin:3em auto;padding:0 1em;color:#161823}"
                          "h1{font-size:1.4em}ul{padding-left:1.2em}li{margin:.4em 0}"
                          "button{font-size:1em;padding:.6em 1.6em;margin:.3em;border-radius:4px;border:1px solid #ccc}"
                          "#authorize{background:#fe2c55;color:#fff;border-color:#fe2c55}"
                          ".note{color:#666;font-size:.9em}</style></head><body>\n",
                          escaped);
  return html;
}

/* Invalid client_key / redirect_uri / code_challenge never redirect (spec 1.3). */
static void
error_page (SoupServerMessage *msg,
            const char        *param_name)
{
  GString *html = page_start ("TikTok — login error");

  g_string_append_printf (html,
                          "<h1>We couldn't log in with TikTok</h1>\n"
                          "<p>This may be due to specific app settings. If you're a developer, "
                          "correct the following and try again:</p>\n"
                          "<p id=\"error-param\"><code>%s</code></p>\n</body></html>\n",
                          param_name);
  set_html (msg, SOUP_STATUS_BAD_REQUEST, html);
}

static void
append_query_param (GString    *uri,
                    const char *name,
                    const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  /* Reserved characters such as '*' and '!' in codes are percent-encoded. */
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (uri, "%s%s=%s", strchr (uri->str, '?') != NULL ? "&" : "?", name, escaped);
}

static void
redirect_error (SoupServerMessage *msg,
                const char        *redirect_uri,
                const char        *error,
                const char        *error_type,
                const char        *description,
                const char        *state)
{
  g_autoptr(GString) uri = g_string_new (redirect_uri);

  append_query_param (uri, "error", error);
  append_query_param (uri, "error_type", error_type);
  append_query_param (uri, "error_description", description);
  append_query_param (uri, "state", state);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, uri->str);
}

static void
redirect_code (OAuth             *oauth,
               SoupServerMessage *msg,
               PendingAuth       *request,
               const char        *granted_csv)
{
  WbpsEmuAuthCode *code = wbps_emu_state_issue_code (oauth->state, request->client_key, request->open_id,
                                                     granted_csv, request->redirect_uri,
                                                     request->code_challenge);
  g_autoptr(GString) uri = g_string_new (request->redirect_uri);

  append_query_param (uri, "code", code->code);
  append_query_param (uri, "scopes", granted_csv);
  append_query_param (uri, "state", request->state);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, uri->str);
  wbps_emu_state_persist (oauth->state, msg);
}

/* ---- the consent page ---- */

static const char *
scope_description (const char *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (g_str_equal (known_scopes[i].name, scope))
      return known_scopes[i].description;
  return scope;
}

static char *
app_name (OAuth      *oauth,
          const char *client_key)
{
  g_autofree char *group = g_strconcat ("client:", client_key, NULL);
  char *name = g_key_file_get_string (wbps_emu_state_get_config (oauth->state), group, "name", NULL);

  if (name == NULL && g_str_equal (client_key, "wbps-demo"))
    return g_strdup ("wbps (demo)");
  return name != NULL ? name : g_strdup (client_key);
}

static void
append_scope_items (GString    *html,
                    const char *scope_csv)
{
  g_autoptr(GPtrArray) scopes = split_csv (scope_csv);

  g_string_append (html, "<ul id=\"scopes\">\n");
  for (guint i = 0; i < scopes->len; i++)
    {
      const char *scope = g_ptr_array_index (scopes, i);
      g_autofree char *item = NULL;

      /* user.info.basic cannot be deselected: it travels as a hidden field. */
      if (g_str_equal (scope, "user.info.basic"))
        item = g_markup_printf_escaped ("<li><input type=\"hidden\" name=\"scope:%s\" value=\"on\">"
                                        "<input type=\"checkbox\" checked disabled> %s "
                                        "<span class=\"note\">(%s)</span></li>\n",
                                        scope, scope_description (scope), scope);
      else
        item = g_markup_printf_escaped ("<li><label><input type=\"checkbox\" name=\"scope:%s\" "
                                        "value=\"on\" checked> %s <span class=\"note\">(%s)</span>"
                                        "</label></li>\n",
                                        scope, scope_description (scope), scope);
      g_string_append (html, item);
    }
  g_string_append (html, "</ul>\n");
}

static void
consent_page (OAuth             *oauth,
              SoupServerMessage *msg,
              const char        *request_id,
              PendingAuth       *request)
{
  WbpsEmuUser *user = wbps_emu_state_get_user (oauth->state, request->open_id);
  g_autofree char *name = app_name (oauth, request->client_key);
  GString *html = page_start ("TikTok — authorize app");
  g_autofree char *intro = g_markup_printf_escaped (
    "<h1><span id=\"app-name\">%s</span> would like to access your TikTok account</h1>\n"
    "<p>Signed in as <strong id=\"signed-in-user\">%s</strong> (@%s)</p>\n"
    "<form method=\"post\" action=\"/v2/auth/authorize/decide\">\n"
    "<input type=\"hidden\" name=\"request_id\" value=\"%s\">\n"
    "<p>This app will be able to:</p>\n",
    name, user->display_name, user->username, request_id);

  g_string_append (html, intro);
  append_scope_items (html, request->scope_csv);
  g_string_append (html,
                   "<p><button type=\"submit\" id=\"deny\" name=\"decision\" value=\"deny\">Deny</button>"
                   "<button type=\"submit\" id=\"authorize\" name=\"decision\" value=\"authorize\">"
                   "Authorize</button></p>\n</form>\n"
                   "<p class=\"note\">wbps-emulator: a local stand-in for TikTok.</p>\n</body></html>\n");
  set_html (msg, SOUP_STATUS_OK, html);
}

/* ---- GET /v2/auth/authorize/ ---- */

static void
prune_pending (OAuth *oauth)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, oauth->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now - ((PendingAuth *) value)->created_us > PENDING_LIFETIME_US)
      g_hash_table_iter_remove (&iter);
}

/* Checks whose failure renders an error page naming the parameter; returns the client. */
static WbpsEmuClient *
check_page_params (OAuth             *oauth,
                   SoupServerMessage *msg,
                   GHashTable        *query)
{
  WbpsEmuClient *client = wbps_emu_state_get_client (oauth->state, param (query, "client_key"));
  const char *method = param (query, "code_challenge_method");

  if (client == NULL)
    error_page (msg, "client_key");
  else if (!redirect_uri_registered (client, param (query, "redirect_uri")))
    error_page (msg, "redirect_uri");
  else if (client->desktop && (is_empty (param (query, "code_challenge")) || g_strcmp0 (method, "S256") != 0))
    error_page (msg, "code_challenge");
  else
    return client;
  return NULL;
}

static gboolean
scopes_approved (WbpsEmuClient *client,
                 const char    *scope_csv)
{
  g_autoptr(GPtrArray) scopes = split_csv (scope_csv);

  for (guint i = 0; i < scopes->len; i++)
    if (!list_contains (client->scopes, g_ptr_array_index (scopes, i)))
      return FALSE;
  return scopes->len > 0;
}

static PendingAuth *
pending_from_query (GHashTable *query,
                    const char *open_id)
{
  PendingAuth *request = g_new0 (PendingAuth, 1);
  g_autoptr(GPtrArray) scopes = split_csv (param (query, "scope"));

  request->client_key = g_strdup (param (query, "client_key"));
  request->open_id = g_strdup (open_id);
  request->scope_csv = join_csv (scopes);
  request->redirect_uri = g_strdup (param (query, "redirect_uri"));
  request->state = g_strdup (param (query, "state"));
  request->code_challenge = g_strdup (param (query, "code_challenge"));
  request->created_us = g_get_monotonic_time ();
  return request;
}

static void
authorize (OAuth             *oauth,
           SoupServerMessage *msg,
           GHashTable        *query)
{
  WbpsEmuClient *client = check_page_params (oauth, msg, query);
  const char *redirect_uri = param (query, "redirect_uri");
  const char *state = param (query, "state");
  WbpsEmuUser *user = wbps_emu_state_get_user (oauth->state, wbps_emu_state_get_signed_in_user (oauth->state));
  PendingAuth *request;
  char *request_id;

  if (client == NULL)
    return;
  if (g_strcmp0 (param (query, "response_type"), "code") != 0)
    {
      redirect_error (msg, redirect_uri, "unsupported_response_type", NULL,
                      "The response type must be code.", state);
      return;
    }
  if (!scopes_approved (client, param (query, "scope")))
    {
      redirect_error (msg, redirect_uri, "invalid_scope", NULL,
                      "The scope is not authorized for this app.", state);
      return;
    }
  if (user == NULL)
    {
      error_page (msg, "signed-in-user");
      return;
    }
  if (client->sandbox && !list_contains (client->target_users, user->open_id))
    {
      redirect_error (msg, redirect_uri, "access_denied", "non_sandbox_target",
                      "This account is not a target user of the sandbox app.", state);
      return;
    }

  request = pending_from_query (query, user->open_id);
  if (wbps_emu_state_get_bool (oauth->state, "auto-approve", FALSE))
    {
      redirect_code (oauth, msg, request, request->scope_csv);
      pending_auth_free (request);
      return;
    }
  prune_pending (oauth);
  request_id = wbps_emu_state_new_secret (oauth->state, "req.");
  g_hash_table_insert (oauth->pending, request_id, request);
  consent_page (oauth, msg, request_id, request);
}

/* ---- POST /v2/auth/authorize/decide ---- */

/* The scopes left ticked; a bare form post (no scope fields) keeps all requested. */
static char *
granted_scopes (PendingAuth *request,
                GHashTable  *form)
{
  g_autoptr(GPtrArray) requested = split_csv (request->scope_csv);
  g_autoptr(GPtrArray) granted = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  gboolean any_field = FALSE;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    any_field |= g_str_has_prefix (key, "scope:");
  for (guint i = 0; i < requested->len; i++)
    {
      const char *scope = g_ptr_array_index (requested, i);
      g_autofree char *field = g_strconcat ("scope:", scope, NULL);

      if (!any_field || g_hash_table_contains (form, field))
        g_ptr_array_add (granted, g_strdup (scope));
    }
  return join_csv (granted);
}

static void
decide (OAuth             *oauth,
        SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = wbps_emu_read_form (msg);
  const char *request_id = param (form, "request_id");
  PendingAuth *request;
  g_autofree char *granted = NULL;

  if (!wbps_emu_require_method (oauth->state, msg, "POST"))
    return;
  request = is_empty (request_id) ? NULL : g_hash_table_lookup (oauth->pending, request_id);
  if (request == NULL)
    {
      error_page (msg, "request_id");
      return;
    }
  if (g_strcmp0 (param (form, "decision"), "authorize") == 0)
    {
      granted = granted_scopes (request, form);
      redirect_code (oauth, msg, request, granted);
    }
  else
    redirect_error (msg, request->redirect_uri, "access_denied", NULL,
                    "The user denied the authorization request.", request->state);
  g_hash_table_remove (oauth->pending, request_id);
}

static void
authorize_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  if (g_str_equal (path, "/v2/auth/authorize/decide"))
    decide (user_data, msg);
  else if (!g_str_equal (path, "/v2/auth/authorize/") && !g_str_equal (path, "/v2/auth/authorize"))
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  else if (wbps_emu_require_method (((OAuth *) user_data)->state, msg, "GET"))
    authorize (user_data, msg, query);
}

/* ---- POST /v2/oauth/token/ and /v2/oauth/revoke/ ---- */

/* Rules 8-9: every OAuth call names a known client and its secret. */
static WbpsEmuClient *
check_client (OAuth             *oauth,
              SoupServerMessage *msg,
              GHashTable        *form)
{
  WbpsEmuClient *client = wbps_emu_state_get_client (oauth->state, param (form, "client_key"));
  const char *secret = param (form, "client_secret");

  if (client == NULL)
    wbps_emu_reply_oauth_error (oauth->state, msg, "invalid_client", "Client key is invalid or missing.");
  else if (is_empty (secret))
    wbps_emu_reply_oauth_error (oauth->state, msg, "invalid_request", "Client secret is missed in request.");
  else if (client->secret == NULL || !wbps_emu_secure_equal (secret, client->secret))
    wbps_emu_reply_oauth_error (oauth->state, msg, "invalid_client", "Client key and secret do not match.");
  else
    return client;
  return NULL;
}

/* TikTok's token reply; a client token (@refresh NULL) has no user, refresh token or scope. */
static void
reply_tokens (OAuth               *oauth,
              SoupServerMessage   *msg,
              WbpsEmuAccessToken  *access,
              WbpsEmuRefreshToken *refresh)
{
  WbpsEmuState *state = oauth->state;
  gint64 lifetime = refresh != NULL ? wbps_emu_state_get_int (state, "access-lifetime", 86400)
                                    : wbps_emu_state_get_int (state, "client-token-lifetime", 7200);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access->token);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, wbps_emu_state_to_real_seconds (state, lifetime));
  if (refresh != NULL)
    {
      gint64 refresh_left_ms = refresh->expires_at_ms - wbps_emu_state_now_ms (state);

      json_builder_set_member_name (builder, "open_id");
      json_builder_add_string_value (builder, access->open_id);
      json_builder_set_member_name (builder, "refresh_expires_in");
      json_builder_add_int_value (builder, wbps_emu_state_to_real_seconds (state, (refresh_left_ms + 999) / 1000));
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, refresh->token);
      json_builder_set_member_name (builder, "scope");
      json_builder_add_string_value (builder, refresh->scope_csv);
    }
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_end_object (builder);
  wbps_emu_reply_json (state, msg, SOUP_STATUS_OK, json_builder_get_root (builder));
  wbps_emu_state_persist (state, msg);
}

static const char *
code_problem (OAuth           *oauth,
              WbpsEmuAuthCode *code,
              WbpsEmuClient   *client)
{
  if (code == NULL)
    return "Authorization code is invalid.";
  if (code->used)
    return "Authorization code has already been used.";
  if (code->expires_at_ms <= wbps_emu_state_now_ms (oauth->state))
    return "Authorization code is expired.";
  if (!g_str_equal (code->client_key, client->key))
    return "Authorization code was issued to another client.";
  return NULL;
}

static gboolean
verifier_well_formed (const char *verifier)
{
  gsize length = strlen (verifier);

  if (length < 43 || length > 128)
    return FALSE;
  for (const char *p = verifier; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* RFC 7636's encoding, which TikTok's desktop flow does not use (spec 1.2). */
static char *
base64url_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char *encoded;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  encoded = g_base64_encode (digest, length);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  *strchrnul (encoded, '=') = '\0';
  return encoded;
}

static gboolean
challenge_matches (OAuth      *oauth,
                   const char *verifier,
                   const char *challenge)
{
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, verifier, -1);
  g_autofree char *b64 = NULL;

  if (wbps_emu_secure_equal (hex, challenge))
    return TRUE;
  if (!wbps_emu_state_get_bool (oauth->state, "accept-base64url-challenge", FALSE))
    return FALSE;
  b64 = base64url_challenge (verifier);
  return wbps_emu_secure_equal (b64, challenge);
}

/* Rules 13-14: desktop codes need the verifier whose lowercase hex SHA-256 is the challenge. */
static gboolean
check_verifier (OAuth             *oauth,
                SoupServerMessage *msg,
                WbpsEmuAuthCode   *code,
                const char        *verifier)
{
  if (code->code_challenge == NULL)
    return TRUE;
  if (is_empty (verifier))
    wbps_emu_reply_oauth_error (oauth->state, msg, "invalid_request", "Code verifier or code challenge is invalid.");
  else if (!verifier_well_formed (verifier))
    wbps_emu_reply_oauth_error (oauth->state, msg, "invalid_request",
                                "The request parameters are malformed: the code verifier must be 43-128 "
                                "characters of A-Z, a-z, 0-9, '-', '.', '_', '~'.");
  else if (!challenge_matches (oauth, verifier, code->code_challenge))
    wbps_emu_reply_oauth_error (oauth->state, msg, "invalid_request", "Code verifier or code challenge is invalid.");
  else
    return TRUE;
  return FALSE;
}

static void
grant_authorization_code (OAuth             *oauth,
                          SoupServerMessage *msg,
                          WbpsEmuClient     *client,
                          GHashTable        *form)
{
  WbpsEmuState *state = oauth->state;
  WbpsEmuAuthCode *code = wbps_emu_state_lookup_code (state, param (form, "code"));
  const char *problem = code_problem (oauth, code, client);
  g_autofree char *grant_id = NULL;
  WbpsEmuAccessToken *access;
  WbpsEmuRefreshToken *refresh;
  gint64 refresh_lifetime = wbps_emu_state_get_int (state, "refresh-lifetime", 31536000);

  if (is_empty (param (form, "code")))
    {
      wbps_emu_reply_oauth_error (state, msg, "invalid_request", "The request parameters are malformed.");
      return;
    }
  if (problem != NULL)
    {
      wbps_emu_reply_oauth_error (state, msg, "invalid_grant", problem);
      return;
    }
  if (g_strcmp0 (param (form, "redirect_uri"), code->redirect_uri) != 0)
    {
      wbps_emu_reply_oauth_error (state, msg, "invalid_request",
                                  "Redirect_uri is not matched with the uri when requesting code.");
      return;
    }
  if (!check_verifier (oauth, msg, code, param (form, "code_verifier")))
    return;

  code->used = TRUE;
  grant_id = wbps_emu_state_new_secret (state, "grant.");
  access = wbps_emu_state_issue_access_token (state, client->key, code->open_id, code->scope_csv);
  wbps_emu_state_bind_grant (state, access->token, grant_id);
  refresh = wbps_emu_state_issue_refresh_token (state, grant_id, client->key, code->open_id, code->scope_csv,
                                                wbps_emu_state_now_ms (state) + refresh_lifetime * 1000);
  reply_tokens (oauth, msg, access, refresh);
}

/* Rule 16: a new access token; with rotation a new refresh token and the old one dies. */
static void
grant_refresh_token (OAuth             *oauth,
                     SoupServerMessage *msg,
                     WbpsEmuClient     *client,
                     GHashTable        *form)
{
  WbpsEmuState *state = oauth->state;
  WbpsEmuRefreshToken *old = wbps_emu_state_lookup_refresh_token (state, param (form, "refresh_token"));
  gboolean rotate = wbps_emu_state_get_bool (state, "rotate-refresh-tokens", TRUE);
  gint64 now = wbps_emu_state_now_ms (state);
  gint64 expires_at_ms;
  WbpsEmuAccessToken *access;
  WbpsEmuRefreshToken *refresh = old;

  if (is_empty (param (form, "refresh_token")))
    {
      wbps_emu_reply_oauth_error (state, msg, "invalid_request", "The request parameters are malformed.");
      return;
    }
  if (old == NULL || old->revoked || old->expires_at_ms <= now || !g_str_equal (old->client_key, client->key))
    {
      wbps_emu_reply_oauth_error (state, msg, "invalid_grant", "Refresh token is invalid or expired.");
      return;
    }

  /* Docs are silent on both; flags let tests choose. */
  if (wbps_emu_state_get_bool (state, "refresh-revokes-access", FALSE))
    {
      wbps_emu_state_revoke_grant (state, old->grant_id);
      old->revoked = FALSE;
    }
  expires_at_ms = wbps_emu_state_get_bool (state, "refresh-lifetime-resets", FALSE)
    ? now + wbps_emu_state_get_int (state, "refresh-lifetime", 31536000) * 1000
    : old->expires_at_ms;

  access = wbps_emu_state_issue_access_token (state, client->key, old->open_id, old->scope_csv);
  wbps_emu_state_bind_grant (state, access->token, old->grant_id);
  if (rotate)
    {
      refresh = wbps_emu_state_issue_refresh_token (state, old->grant_id, client->key, old->open_id,
                                                    old->scope_csv, expires_at_ms);
      old->revoked = TRUE;
    }
  refresh->expires_at_ms = expires_at_ms;
  reply_tokens (oauth, msg, access, refresh);
}

/* Rule 17: a client token, useless on user endpoints. */
static void
grant_client_credentials (OAuth             *oauth,
                          SoupServerMessage *msg,
                          WbpsEmuClient     *client)
{
  reply_tokens (oauth, msg, wbps_emu_state_issue_access_token (oauth->state, client->key, NULL, ""), NULL);
}

static void
token_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  OAuth *oauth = user_data;
  g_autoptr(GHashTable) form = NULL;
  WbpsEmuClient *client;
  const char *grant_type;

  if (!wbps_emu_require_method (oauth->state, msg, "POST"))
    return;
  form = wbps_emu_read_form (msg);
  if ((client = check_client (oauth, msg, form)) == NULL)
    return;
  grant_type = param (form, "grant_type");
  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    grant_authorization_code (oauth, msg, client, form);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    grant_refresh_token (oauth, msg, client, form);
  else if (g_strcmp0 (grant_type, "client_credentials") == 0)
    grant_client_credentials (oauth, msg, client);
  else
    wbps_emu_reply_oauth_error (oauth->state, msg, "unsupported_grant_type", "The grant type is not supported.");
}

static void
record_removed (OAuth      *oauth,
                const char *client_key,
                const char *open_id)
{
  if (open_id != NULL)
    wbps_emu_state_add_event (oauth->state, client_key, "authorization.removed", open_id, "{\"reason\":5}");
}

/*
 * Rule 18: revoking removes the app from the user's "Manage app permissions"
 * (TikTok's docs), so every grant of that user to this app dies, not just this token's.
 */
static void
revoke_token (OAuth         *oauth,
              WbpsEmuClient *client,
              const char    *value)
{
  WbpsEmuState *state = oauth->state;
  WbpsEmuAccessToken *access = wbps_emu_state_lookup_token (state, value);
  WbpsEmuRefreshToken *refresh = wbps_emu_state_lookup_refresh_token (state, value);
  const char *open_id = NULL;
  g_autoptr(GPtrArray) clients = NULL;

  if (access != NULL && g_str_equal (access->client_key, client->key) && !access->revoked)
    {
      access->revoked = TRUE;
      open_id = access->open_id;
    }
  else if (refresh != NULL && g_str_equal (refresh->client_key, client->key) && !refresh->revoked)
    open_id = refresh->open_id;
  if (open_id == NULL)
    return;
  clients = wbps_emu_state_revoke_user (state, client->key, open_id);
  record_removed (oauth, client->key, open_id);
}

static void
revoke_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  OAuth *oauth = user_data;
  g_autoptr(GHashTable) form = NULL;
  WbpsEmuClient *client;

  if (!wbps_emu_require_method (oauth->state, msg, "POST"))
    return;
  form = wbps_emu_read_form (msg);
  if ((client = check_client (oauth, msg, form)) == NULL)
    return;
  if (is_empty (param (form, "token")))
    {
      wbps_emu_reply_oauth_error (oauth->state, msg, "invalid_request", "The request parameters are malformed.");
      return;
    }
  /* Unknown or already revoked tokens succeed too (RFC 7009): revoke is idempotent. */
  revoke_token (oauth, client, param (form, "token"));
  wbps_emu_reply_json (oauth->state, msg, SOUP_STATUS_OK, wbps_emu_json_empty_object ());
  wbps_emu_state_persist (oauth->state, msg);
}

/* ---- GET /v2/user/info/ ---- */

static const char *
field_scope (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (user_fields); i++)
    if (g_str_equal (user_fields[i].name, field))
      return user_fields[i].scope;
  return NULL;
}

static gint64
user_count (OAuth      *oauth,
            WbpsEmuUser *user,
            const char *key)
{
  const char *value = wbps_emu_state_get_user_option (oauth->state, user->open_id, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static void
add_user_field (OAuth       *oauth,
                JsonBuilder *builder,
                WbpsEmuUser *user,
                const char  *field)
{
  g_autofree char *key = g_strdelimit (g_strdup (field), "_", '-');
  g_autofree char *deep_link = g_strdup_printf ("https://www.tiktok.com/@%s", user->username);
  const char *verified = wbps_emu_state_get_user_option (oauth->state, user->open_id, "verified");

  json_builder_set_member_name (builder, field);
  if (g_str_equal (field, "open_id"))
    json_builder_add_string_value (builder, user->open_id);
  else if (g_str_equal (field, "union_id"))
    json_builder_add_string_value (builder, user->union_id);
  else if (g_str_has_prefix (field, "avatar_"))
    json_builder_add_string_value (builder, user->avatar_url != NULL ? user->avatar_url : "");
  else if (g_str_equal (field, "display_name"))
    json_builder_add_string_value (builder, user->display_name);
  else if (g_str_equal (field, "bio_description"))
    json_builder_add_string_value (builder, user->bio_description);
  else if (g_str_equal (field, "profile_deep_link"))
    json_builder_add_string_value (builder, deep_link);
  else if (g_str_equal (field, "is_verified"))
    json_builder_add_boolean_value (builder, g_strcmp0 (verified, "true") == 0);
  else if (g_str_equal (field, "username"))
    json_builder_add_string_value (builder, user->username);
  else
    json_builder_add_int_value (builder, user_count (oauth, user, key));
}

/* Rules 23-24: the fields parameter is required, known, and covered by granted scopes. */
static gboolean
check_fields (OAuth              *oauth,
              SoupServerMessage  *msg,
              WbpsEmuAccessToken *token,
              GPtrArray          *fields)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *message = NULL;
  g_autofree char *missing_csv = NULL;
  gboolean as_401 = wbps_emu_state_get_int (oauth->state, "user-info-scope-error", 400) == 401;

  if (fields->len == 0)
    {
      wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_BAD_REQUEST, NULL, "invalid_params",
                         "The fields parameter is required.");
      return FALSE;
    }
  for (guint i = 0; i < fields->len; i++)
    {
      const char *scope = field_scope (g_ptr_array_index (fields, i));

      if (scope == NULL)
        {
          /* The name comes from the query: never echo invalid UTF-8 into JSON. */
          g_autofree char *name = g_utf8_make_valid (g_ptr_array_index (fields, i), -1);

          message = g_strdup_printf ("Unknown field: %s.", name);
          wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_BAD_REQUEST, NULL, "invalid_params", message);
          return FALSE;
        }
      if (!list_contains (token->scopes, scope) && !list_contains (missing, scope))
        g_ptr_array_add (missing, g_strdup (scope));
    }
  if (missing->len == 0)
    return TRUE;
  missing_csv = join_csv (missing);
  message = g_strdup_printf ("Some fields need additional scopes: %s.", missing_csv);
  wbps_emu_reply_v2 (oauth->state, msg, as_401 ? SOUP_STATUS_UNAUTHORIZED : SOUP_STATUS_BAD_REQUEST, NULL,
                     as_401 ? "scope_not_authorized" : "scope_permission_missed", message);
  return FALSE;
}

static void
user_info_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  OAuth *oauth = user_data;
  WbpsEmuAccessToken *token;
  WbpsEmuUser *user;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!wbps_emu_require_method (oauth->state, msg, "GET"))
    return;
  if ((token = wbps_emu_authenticate (oauth->state, msg, "user.info.basic")) == NULL)
    return;
  if (!wbps_emu_rate_limit (oauth->state, msg, "user.info", token->token, 600))
    return;
  fields = split_csv (param (query, "fields"));
  if (!check_fields (oauth, msg, token, fields))
    return;
  if ((user = wbps_emu_state_get_user (oauth->state, token->open_id)) == NULL)
    {
      wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL, "internal_error",
                         "The user of this token no longer exists.");
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  for (guint i = 0; i < fields->len; i++)
    add_user_field (oauth, builder, user, g_ptr_array_index (fields, i));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_OK, json_builder_get_root (builder), "ok", "");
}

/* ---- emulator conveniences ---- */

/* A generated avatar so demo mode shows a picture without any network. */
static void
avatar_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  OAuth *oauth = user_data;
  g_autofree char *name = g_uri_unescape_string (path + strlen ("/emulator/avatar/"), NULL);
  WbpsEmuUser *user = NULL;
  g_autofree char *initial = NULL;
  char *svg;

  if (name != NULL && g_str_has_suffix (name, ".svg"))
    {
      name[strlen (name) - strlen (".svg")] = '\0';
      user = wbps_emu_state_get_user (oauth->state, name);
    }
  if (user == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  initial = g_utf8_strup (user->display_name, g_utf8_next_char (user->display_name) - user->display_name);
  svg = g_markup_printf_escaped ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"168\" height=\"168\">"
                                 "<circle cx=\"84\" cy=\"84\" r=\"84\" fill=\"#25f4ee\"/>"
                                 "<text x=\"84\" y=\"108\" font-size=\"72\" text-anchor=\"middle\" "
                                 "font-family=\"sans-serif\" fill=\"#161823\">%s</text></svg>\n",
                                 initial);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "image/svg+xml", SOUP_MEMORY_TAKE, svg, strlen (svg));
}

/* Switches the browser's signed-in TikTok user, for multi-account tests. */
static void
sign_in_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  OAuth *oauth = user_data;
  g_autoptr(GHashTable) form = NULL;
  const char *open_id;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!wbps_emu_require_method (oauth->state, msg, "POST"))
    return;
  form = wbps_emu_read_form (msg);
  open_id = param (query, "user") != NULL ? param (query, "user") : param (form, "user");
  if (wbps_emu_state_get_user (oauth->state, open_id) == NULL)
    {
      wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_NOT_FOUND, NULL, "invalid_params", "Unknown user.");
      return;
    }
  wbps_emu_state_set_signed_in_user (oauth->state, open_id);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "signed_in_user");
  json_builder_add_string_value (builder, open_id);
  json_builder_end_object (builder);
  wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_OK, json_builder_get_root (builder), "ok", "");
  wbps_emu_state_persist (oauth->state, msg);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/*
 * Test helper: the creator removes the app's access in TikTok (reason 0-4 of
 * authorization.removed; 5, developer revoked, is /v2/oauth/revoke/). Form or
 * query: user=OPEN_ID, reason=N, client=KEY (optional: every app).
 */
static void
deauthorize_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  OAuth *oauth = user_data;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GPtrArray) clients = NULL;
  g_autofree char *content = NULL;
  const char *user;
  const char *reason_text;
  const char *client;
  gint64 reason;

  if (!wbps_emu_require_method (oauth->state, msg, "POST"))
    return;
  form = wbps_emu_read_form (msg);
  user = param (form, "user") != NULL ? param (form, "user") : param (query, "user");
  reason_text = param (form, "reason") != NULL ? param (form, "reason") : param (query, "reason");
  if (is_empty (user) || reason_text == NULL ||
      !g_ascii_string_to_signed (reason_text, 10, 0, 4, &reason, NULL))
    {
      wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_BAD_REQUEST, NULL, "invalid_params",
                         "Give user=OPEN_ID and reason=0..4.");
      return;
    }
  client = param (form, "client") != NULL ? param (form, "client") : param (query, "client");
  clients = wbps_emu_state_revoke_user (oauth->state, client, user);
  g_ptr_array_sort (clients, compare_strings);
  content = g_strdup_printf ("{\"reason\":%" G_GINT64_FORMAT "}", reason);
  for (guint i = 0; i < clients->len; i++)
    wbps_emu_state_add_event (oauth->state, g_ptr_array_index (clients, i), "authorization.removed", user, content);
  wbps_emu_reply_v2 (oauth->state, msg, SOUP_STATUS_OK, NULL, "ok", "");
  wbps_emu_state_persist (oauth->state, msg);
}

void
wbps_emu_oauth_register (SoupServer   *server,
                         WbpsEmuState *state)
{
  OAuth *oauth = g_new0 (OAuth, 1);

  oauth->state = g_object_ref (state);
  oauth->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pending_auth_free);
  g_object_set_data_full (G_OBJECT (server), "wbps-emu-oauth", oauth, (GDestroyNotify) oauth_free);

  soup_server_add_handler (server, "/v2/auth/authorize", authorize_cb, oauth, NULL);
  soup_server_add_handler (server, "/v2/oauth/token/", token_cb, oauth, NULL);
  soup_server_add_handler (server, "/v2/oauth/revoke/", revoke_cb, oauth, NULL);
  soup_server_add_handler (server, "/v2/user/info/", user_info_cb, oauth, NULL);
  soup_server_add_handler (server, "/emulator/avatar/", avatar_cb, oauth, NULL);
  soup_server_add_handler (server, "/emulator/sign-in", sign_in_cb, oauth, NULL);
  soup_server_add_handler (server, "/emulator/deauthorize", deauthorize_cb, oauth, NULL);
}
