/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <libsoup/soup.h>

#include "wbps-error.h"
#include "wbps-loopback-server.h"
#include "wbps-oauth-client.h"
#include "wbps-pkce.h"
#include "wbps-redact.h"
#include "wbps-test-emulator.h"
#include "wbps-test-oauth.h"
#include "wbps-test-server.h"
#include "wbps-test-util.h"

#define CLIENT_KEY     "wbps-test"
#define CLIENT_SECRET  "wbps-test-secret-value"
#define REDIRECT_URI   "http://127.0.0.1:45678/callback/"
#define ACCESS_LIFE    7200
#define REFRESH_LIFE   15552000
#define STEP_DEADLINE_S 20

/* Lifetimes other than TikTok's documented ones, so only expires_in can explain them. */
static const char emulator_ini[] =
  "[emulator]\n"
  "auto-approve=true\n"
  "signed-in-user=test-creator\n"
  "access-lifetime=7200\n"
  "refresh-lifetime=15552000\n"
  "rotate-refresh-tokens=true\n"
  "%s\n"
  "[client:" CLIENT_KEY "]\n"
  "secret=" CLIENT_SECRET "\n"
  "redirect-uris=http://127.0.0.1:*/callback/\n"
  "scopes=user.info.basic,user.info.profile,user.info.stats,video.publish,video.upload\n"
  "desktop=true\n"
  "audited=true\n"
  "[user:test-creator]\n"
  "display-name=Test Creator\n"
  "username=testcreator\n";

typedef struct {
  WbpsTestEmulator *emu;
  WbpsOAuthClient  *client;
} Fixture;

/* ---- helpers --------------------------------------------------------------- */

static WbpsOAuthClient *
client_for (const char *auth_url,
            const char *api_url,
            const char *secret)
{
  g_autoptr(WbpsConfig) config = wbps_config_new_explicit (auth_url, api_url, CLIENT_KEY, secret);

  return wbps_oauth_client_new (config, NULL);
}

static WbpsOAuthClient *
emulator_client (WbpsTestEmulator *emu,
                 const char       *secret)
{
  g_autofree char *auth_url = wbps_test_emulator_url (emu, "/v2/auth/authorize/");

  return client_for (auth_url, emu->base_url, secret);
}

static WbpsToken *
do_exchange (WbpsOAuthClient  *client,
          const char       *code,
          const char       *redirect_uri,
          const char       *verifier,
          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_oauth_client_exchange_code_async (client, code, redirect_uri, verifier, NULL,
                                         wbps_test_store_result, &result);
  return wbps_oauth_client_exchange_code_finish (client, wbps_test_await (&result, STEP_DEADLINE_S), error);
}

static WbpsToken *
do_refresh (WbpsOAuthClient  *client,
         const char       *refresh_token,
         GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_oauth_client_refresh_async (client, refresh_token, NULL, wbps_test_store_result, &result);
  return wbps_oauth_client_refresh_finish (client, wbps_test_await (&result, STEP_DEADLINE_S), error);
}

static gboolean
do_revoke (WbpsOAuthClient  *client,
        const char       *access_token,
        GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_oauth_client_revoke_async (client, access_token, NULL, wbps_test_store_result, &result);
  return wbps_oauth_client_revoke_finish (client, wbps_test_await (&result, STEP_DEADLINE_S), error);
}

/*
 * Plays the browser with auto-approve: GET the authorize URL without following
 * the redirect and take the code from Location, decoded once as the loopback
 * server's query parser does.
 */
static char *
authorize (WbpsOAuthClient *client,
           const char      *verifier)
{
  g_autofree char *state = wbps_pkce_new_state ();
  g_autofree char *challenge = wbps_pkce_challenge (verifier);
  g_autofree char *url = wbps_oauth_client_build_authorize_url (client, REDIRECT_URI, NULL,
                                                                state, challenge);
  g_autofree char *location = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) query = NULL;
  guint status = wbps_test_http_get (url, &location, NULL);

  g_assert_cmpuint (status, >=, 300);
  g_assert_cmpuint (status, <, 400);
  g_assert_true (g_str_has_prefix (location, REDIRECT_URI "?"));
  uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (uri);
  query = soup_form_decode (g_uri_get_query (uri));
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==, state);
  g_assert_nonnull (g_hash_table_lookup (query, "code"));
  return g_strdup (g_hash_table_lookup (query, "code"));
}

/* A fresh sign-in's token. */
static WbpsToken *
sign_in (Fixture *f)
{
  g_autofree char *verifier = wbps_pkce_new_verifier ();
  g_autofree char *code = authorize (f->client, verifier);
  g_autoptr(GError) error = NULL;
  WbpsToken *token = do_exchange (f->client, code, REDIRECT_URI, verifier, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return token;
}

/* TikTok's error code and log_id survive into the GError. */
static void
assert_tiktok_error (const GError *error,
                     gint          expected,
                     const char   *expected_code,
                     guint         expected_status)
{
  g_assert_error (error, WBPS_TIKTOK_ERROR, expected);
  g_assert_cmpstr (wbps_tiktok_error_get_code (error), ==, expected_code);
  g_assert_nonnull (wbps_tiktok_error_get_log_id (error));
  g_assert_cmpuint (strlen (wbps_tiktok_error_get_log_id (error)), ==, 34);
  g_assert_cmpuint (wbps_tiktok_error_get_http_status (error), ==, expected_status);
  g_assert_nonnull (wbps_tiktok_error_get_message (error));
}

static void
assert_redacted (const char *secret)
{
  g_autofree char *redacted = wbps_redact (secret);

  g_assert_nonnull (secret);
  g_assert_null (strstr (redacted, secret));
}

static gint64
unix_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- emulator fixture -------------------------------------------------------- */

static void
emulator_set_up (Fixture       *f,
                 gconstpointer  extra_emulator_keys)
{
  g_autofree char *ini = g_strdup_printf (emulator_ini,
                                          extra_emulator_keys != NULL ? (const char *) extra_emulator_keys : "");

  f->emu = wbps_test_emulator_start (ini);
  f->client = emulator_client (f->emu, CLIENT_SECRET);
}

static void
emulator_tear_down (Fixture       *f,
                    gconstpointer  data)
{
  g_clear_object (&f->client);
  g_clear_pointer (&f->emu, wbps_test_emulator_stop);
}

/* ---- tests ----------------------------------------------------------------------- */

static void
test_authorize_url (void)
{
  g_autoptr(WbpsOAuthClient) client = client_for ("https://auth.example/v2/auth/authorize/",
                                                  "https://api.example", CLIENT_SECRET);
  g_autofree char *url = wbps_oauth_client_build_authorize_url (client, REDIRECT_URI,
                                                                "user.info.basic,video.publish",
                                                                "st4te-value", "c0ffee");
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *default_url = wbps_oauth_client_build_authorize_url (client, REDIRECT_URI, NULL,
                                                                        "st4te-value", "c0ffee");

  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "auth.example");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/v2/auth/authorize/");
  query = soup_form_decode (g_uri_get_query (uri));
  g_assert_cmpuint (g_hash_table_size (query), ==, 7);
  g_assert_cmpstr (g_hash_table_lookup (query, "client_key"), ==, CLIENT_KEY);
  g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, "user.info.basic,video.publish");
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "redirect_uri"), ==, REDIRECT_URI);
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==, "st4te-value");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge"), ==, "c0ffee");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  /* The client id is client_key, never client_id; scopes are comma-separated. */
  g_assert_null (strstr (url, "client_id"));
  g_assert_nonnull (strstr (default_url, "scope=user.info.basic%2Cuser.info.profile%2Cvideo.publish%2Cvideo.upload"));
}

static void
test_exchange (Fixture       *f,
               gconstpointer  data)
{
  gint64 before = unix_now ();
  g_autoptr(WbpsToken) token = sign_in (f);
  gint64 after = unix_now ();

  g_assert_cmpstr (token->open_id, ==, "test-creator");
  g_assert_cmpstr (token->client_key, ==, CLIENT_KEY);
  g_assert_nonnull (token->access_token);
  g_assert_nonnull (token->refresh_token);
  g_assert_cmpstr (token->access_token, !=, token->refresh_token);
  g_assert_true (wbps_token_has_scope (token, "user.info.basic"));
  g_assert_true (wbps_token_has_scope (token, "video.publish"));
  /* Expiry comes from expires_in / refresh_expires_in, counted from the reply. */
  g_assert_cmpint (token->access_expires_at, >=, before + ACCESS_LIFE);
  g_assert_cmpint (token->access_expires_at, <=, after + ACCESS_LIFE);
  g_assert_cmpint (token->refresh_expires_at, >=, before + REFRESH_LIFE);
  g_assert_cmpint (token->refresh_expires_at, <=, after + REFRESH_LIFE);
  g_assert_null (token->display_name);
  assert_redacted (token->access_token);
  assert_redacted (token->refresh_token);
  assert_redacted (CLIENT_SECRET);
}

/* The decoded code goes out form-encoded exactly once, whatever it contains. */
static void
test_exchange_code_redacted (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *verifier = wbps_pkce_new_verifier ();
  g_autofree char *code = authorize (f->client, verifier);
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = do_exchange (f->client, code, REDIRECT_URI, verifier, &error);

  g_assert_no_error (error);
  assert_redacted (code);
  assert_redacted (verifier);
}

static void
test_refresh_rotation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(WbpsToken) first = sign_in (f);
  g_autoptr(WbpsToken) second = NULL;
  g_autoptr(WbpsToken) third = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = unix_now ();

  second = do_refresh (f->client, first->refresh_token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->open_id, ==, first->open_id);
  g_assert_cmpstr (second->access_token, !=, first->access_token);
  g_assert_cmpstr (second->refresh_token, !=, first->refresh_token);
  g_assert_cmpint (second->access_expires_at, >=, before + ACCESS_LIFE);
  g_assert_cmpint (second->access_expires_at, <=, unix_now () + ACCESS_LIFE);
  g_assert_null (second->display_name);
  assert_redacted (second->refresh_token);

  /* Rotation: the old refresh token stopped working, the new one works. */
  third = do_refresh (f->client, first->refresh_token, &error);
  g_assert_null (third);
  assert_tiktok_error (error, WBPS_TIKTOK_ERROR_INVALID_GRANT, "invalid_grant", 200);
  g_clear_error (&error);
  third = do_refresh (f->client, second->refresh_token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (third->refresh_token, !=, second->refresh_token);
}

static gboolean
user_info_accepts (Fixture    *f,
                   const char *access_token)
{
  g_autofree char *url = wbps_test_emulator_url (f->emu, "/v2/user/info/?fields=open_id");
  g_autoptr(EmuReply) reply = emu_get (url, access_token);

  return reply->status == 200;
}

static void
test_revoke (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(WbpsToken) token = sign_in (f);
  g_autoptr(GError) error = NULL;

  g_assert_true (user_info_accepts (f, token->access_token));
  g_assert_true (do_revoke (f->client, token->access_token, &error));
  g_assert_no_error (error);
  g_assert_false (user_info_accepts (f, token->access_token));
}

/* An authorization code is single-use: the second exchange fails with invalid_grant, sent with @http_status. */
static void
assert_reused_code_refused (Fixture *f,
                            guint    http_status)
{
  g_autofree char *verifier = wbps_pkce_new_verifier ();
  g_autofree char *code = authorize (f->client, verifier);
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) first = do_exchange (f->client, code, REDIRECT_URI, verifier, &error);
  g_autoptr(WbpsToken) second = NULL;

  g_assert_no_error (error);
  second = do_exchange (f->client, code, REDIRECT_URI, verifier, &error);
  g_assert_null (second);
  assert_tiktok_error (error, WBPS_TIKTOK_ERROR_INVALID_GRANT, "invalid_grant", http_status);
}

/* TikTok answers HTTP 200 with an error body. */
static void
test_error_reused_code (Fixture       *f,
                        gconstpointer  data)
{
  assert_reused_code_refused (f, 200);
}

/* The same mapping when the emulator sends flat OAuth errors as HTTP 400. */
static void
test_error_reused_code_400 (Fixture       *f,
                            gconstpointer  data)
{
  assert_reused_code_refused (f, 400);
}

static void
test_error_wrong_secret (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(WbpsOAuthClient) wrong = emulator_client (f->emu, "not-the-secret");
  g_autofree char *verifier = wbps_pkce_new_verifier ();
  g_autofree char *code = authorize (f->client, verifier);
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = do_exchange (wrong, code, REDIRECT_URI, verifier, &error);

  g_assert_null (token);
  assert_tiktok_error (error, WBPS_TIKTOK_ERROR_INVALID_CLIENT, "invalid_client", 200);
}

static void
test_error_wrong_verifier (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *verifier = wbps_pkce_new_verifier ();
  g_autofree char *other = wbps_pkce_new_verifier ();
  g_autofree char *code = authorize (f->client, verifier);
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = do_exchange (f->client, code, REDIRECT_URI, other, &error);
  g_autofree char *described = NULL;

  g_assert_null (token);
  assert_tiktok_error (error, WBPS_TIKTOK_ERROR_INVALID_REQUEST, "invalid_request", 200);
  /* The user-facing line carries the log ID for support. */
  described = wbps_error_describe (error);
  g_assert_nonnull (strstr (described, wbps_tiktok_error_get_log_id (error)));
}

/* Injected 503s are TikTok's trouble: a transient error, not a malformed reply. */
static void
test_error_server_fault (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(WbpsToken) token = sign_in (f);
  g_autoptr(WbpsToken) refreshed = NULL;
  g_autoptr(GError) error = NULL;

  refreshed = do_refresh (f->client, token->refresh_token, &error);
  g_assert_null (refreshed);
  g_assert_true (wbps_tiktok_error_is_transient (error));
  g_assert_cmpuint (wbps_tiktok_error_get_http_status (error), ==, 503);
}

/* Nothing listens at the API address: the transport error is kept as it is. */
static void
test_error_unreachable (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsOAuthClient) client = NULL;
  g_autofree char *api_url = NULL;
  g_autoptr(WbpsToken) token = NULL;
  guint16 port;

  /* Reserve a free port, then release it so that connecting is refused. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  api_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = client_for ("http://127.0.0.1:1/v2/auth/authorize/", api_url, CLIENT_SECRET);
  token = do_refresh (client, "rft.some-refresh-token", &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_error_no_secret (void)
{
  g_autoptr(WbpsOAuthClient) client = client_for ("https://auth.example/", "https://api.example", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (do_revoke (client, "act.some-access-token", &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_CONFIG);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = NULL;

  g_cancellable_cancel (cancellable);
  wbps_oauth_client_refresh_async (f->client, "rft.whatever-token", cancellable, wbps_test_store_result, &result);
  token = wbps_oauth_client_refresh_finish (f->client, wbps_test_await (&result, STEP_DEADLINE_S), &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- replies the emulator never sends: a canned in-process server --------------- */

typedef struct {
  WbpsTestServer *server;
  guint           status;
  const char     *content_type;
  const char     *body;
  char           *last_form;
} Canned;

static void
canned_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Canned *canned = user_data;
  SoupMessageBody *request = soup_server_message_get_request_body (msg);

  g_free (canned->last_form);
  canned->last_form = g_strndup (request->data, request->length);
  wbps_test_server_reply (msg, canned->status, canned->content_type, canned->body);
}

static WbpsOAuthClient *
canned_client (Canned *canned)
{
  canned->server = wbps_test_server_new (WBPS_TEST_SERVER_DEFAULT, canned_handler, canned);
  return client_for ("https://auth.example/", wbps_test_server_get_url (canned->server), CLIENT_SECRET);
}

static void
canned_clear (Canned *canned)
{
  g_clear_pointer (&canned->server, wbps_test_server_free);
  g_clear_pointer (&canned->last_form, g_free);
}

static WbpsToken *
canned_refresh (guint        status,
                const char  *content_type,
                const char  *body,
                GError     **error)
{
  Canned canned = { NULL, status, content_type, body, NULL };
  g_autoptr(WbpsOAuthClient) client = canned_client (&canned);
  WbpsToken *token = do_refresh (client, "rft.canned-refresh-token", error);

  canned_clear (&canned);
  return token;
}

/* A refresh answered with @body is refused as a malformed reply, not taken for tokens. */
static void
assert_refresh_malformed (const char *content_type,
                          const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = canned_refresh (200, content_type, body, &error);

  g_assert_null (token);
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY);
}

static void
test_malformed_not_json (void)
{
  assert_refresh_malformed ("text/html", "<html>oops</html>");
}

static void
test_malformed_missing_fields (void)
{
  assert_refresh_malformed ("application/json", "{\"access_token\":\"act.only-this-one\",\"expires_in\":86400}");
}

static void
test_malformed_array (void)
{
  assert_refresh_malformed ("application/json", "[1,2,3]");
}

static void
test_server_error_page (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = canned_refresh (502, "text/html", "<h1>Bad Gateway</h1>", &error);

  g_assert_null (token);
  g_assert_true (wbps_tiktok_error_is_transient (error));
  g_assert_cmpuint (wbps_tiktok_error_get_http_status (error), ==, 502);
}

/* A flat error with HTTP 200 is an error, not a token reply. */
static void
test_error_with_200 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token =
    canned_refresh (200, "application/json",
                    "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token is invalid or expired.\","
                    "\"log_id\":\"202210112248442CB9319E1FB30C1073F3\"}",
                    &error);

  g_assert_null (token);
  assert_tiktok_error (error, WBPS_TIKTOK_ERROR_INVALID_GRANT, "invalid_grant", 200);
  g_assert_cmpstr (wbps_tiktok_error_get_log_id (error), ==, "202210112248442CB9319E1FB30C1073F3");
  g_assert_cmpstr (wbps_tiktok_error_get_message (error), ==, "Refresh token is invalid or expired.");
}

/* What goes over the wire: a form, the code encoded once, the right grant fields. */
static void
test_form_encoding (void)
{
  Canned canned = { NULL, 200, "application/json", "{}", NULL };
  g_autoptr(WbpsOAuthClient) client = canned_client (&canned);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = NULL;
  const char *code = "Qx3abc*0!6410.u1 %2F&=+";

  token = do_exchange (client, code, REDIRECT_URI, "verifier-value-0123456789", &error);
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY);
  form = soup_form_decode (canned.last_form);
  g_assert_cmpuint (g_hash_table_size (form), ==, 6);
  g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, code);
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_key"), ==, CLIENT_KEY);
  g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, CLIENT_SECRET);
  g_assert_cmpstr (g_hash_table_lookup (form, "redirect_uri"), ==, REDIRECT_URI);
  g_assert_cmpstr (g_hash_table_lookup (form, "code_verifier"), ==, "verifier-value-0123456789");
  canned_clear (&canned);
}

/* Revoke: TikTok's empty success body, and "{}", both count as success. */
static void
test_revoke_empty_body (void)
{
  const char *bodies[] = { "", "{}" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      Canned canned = { NULL, 200, "application/json", bodies[i], NULL };
      g_autoptr(WbpsOAuthClient) client = canned_client (&canned);
      g_autoptr(GHashTable) form = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (do_revoke (client, "act.revoke-me-please", &error));
      g_assert_no_error (error);
      form = soup_form_decode (canned.last_form);
      g_assert_cmpstr (g_hash_table_lookup (form, "token"), ==, "act.revoke-me-please");
      canned_clear (&canned);
    }
}

/* ---- a browser following TikTok's redirect into the loopback server ------------ */

typedef struct {
  guint  status;
  char  *body;
} Page;

static void
page_free (Page *page)
{
  g_free (page->body);
  g_free (page);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

/* Loads @url like a browser (redirects followed) while the loopback server runs here. */
static Page *
browse (SoupSession *session,
        const char  *method,
        const char  *url,
        char        *form)
{
  g_autoptr(SoupMessage) msg = form != NULL ? soup_message_new_from_encoded_form (method, url, form)
                                            : soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  Page *page = g_new0 (Page, 1);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, wbps_test_store_result, &result);
  bytes = soup_session_send_and_read_finish (session, wbps_test_await (&result, STEP_DEADLINE_S), &error);
  g_assert_no_error (error);
  page->status = soup_message_get_status (msg);
  page->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return page;
}

typedef struct {
  WbpsLoopbackServer *server;
  SoupSession        *session;
  char               *state;
  char               *verifier;
  char               *authorize_url;
  GAsyncResult       *wait_result;
} Browser;

static Browser *
browser_start (Fixture    *f,
               const char *scope_csv)
{
  Browser *b = g_new0 (Browser, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *challenge = NULL;

  b->server = wbps_loopback_server_new (&error);
  g_assert_no_error (error);
  b->session = soup_session_new ();
  b->state = wbps_pkce_new_state ();
  b->verifier = wbps_pkce_new_verifier ();
  challenge = wbps_pkce_challenge (b->verifier);
  b->authorize_url = wbps_oauth_client_build_authorize_url (f->client,
                                                            wbps_loopback_server_get_redirect_uri (b->server),
                                                            scope_csv, b->state, challenge);
  wbps_loopback_server_wait_async (b->server, b->state, 15, NULL, wbps_test_store_result, &b->wait_result);
  return b;
}

static char *
browser_finish (Browser  *b,
                char    **scopes,
                GError  **error)
{
  return wbps_loopback_server_wait_finish (b->server, wbps_test_await (&b->wait_result, STEP_DEADLINE_S), scopes, error);
}

static void
browser_free (Browser *b)
{
  g_clear_object (&b->wait_result);
  g_clear_object (&b->server);
  g_clear_object (&b->session);
  g_free (b->state);
  g_free (b->verifier);
  g_free (b->authorize_url);
  g_free (b);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Browser, browser_free)

/* The whole desktop flow: authorize, redirect to 127.0.0.1, exchange the decoded code. */
static void
test_redirect_sign_in (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Browser) b = browser_start (f, NULL);
  g_autoptr(Page) page = browse (b->session, "GET", b->authorize_url, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *code = NULL;
  g_autoptr(WbpsToken) token = NULL;

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "You can close this tab and return to wbps"));
  code = browser_finish (b, &scopes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scopes, ==, WBPS_OAUTH_DEFAULT_SCOPES);
  token = do_exchange (f->client, code, wbps_loopback_server_get_redirect_uri (b->server), b->verifier, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->open_id, ==, "test-creator");
  g_assert_false (wbps_loopback_server_is_listening (b->server));
}

/*
 * The browser opens the authorize URL, the consent page, and sends the person's
 * choice: @decision, with the boxes of @scopes (NULL-terminated, may be NULL) ticked.
 */
static Page *
decide_consent (Fixture            *f,
                Browser            *b,
                const char         *decision,
                const char * const *scopes)
{
  g_autoptr(Page) consent = browse (b->session, "GET", b->authorize_url, NULL);
  g_autofree char *request_id = wbps_test_oauth_consent_request_id (consent->body);
  g_autofree char *decide_url = wbps_test_emulator_url (f->emu, "/v2/auth/authorize/decide");
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_nonnull (request_id);
  g_hash_table_insert (form, g_strdup ("request_id"), request_id);
  g_hash_table_insert (form, g_strdup ("decision"), (char *) decision);
  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    g_hash_table_insert (form, g_strconcat ("scope:", scopes[i], NULL), "on");
  return browse (b->session, "POST", decide_url, soup_form_encode_hash (form));
}

/* The consent page: the user unticks video.upload, then authorizes. */
static void
test_redirect_partial_consent (Fixture       *f,
                               gconstpointer  data)
{
  const char * const ticked[] = { "user.info.basic", "user.info.profile", "video.publish", NULL };
  g_autoptr(Browser) b = browser_start (f, NULL);
  g_autoptr(Page) done = decide_consent (f, b, "authorize", ticked);
  g_autoptr(GError) error = NULL;
  g_autofree char *scopes = NULL;
  g_autofree char *code = NULL;
  g_autoptr(WbpsToken) token = NULL;

  g_assert_cmpuint (done->status, ==, 200);
  code = browser_finish (b, &scopes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scopes, ==, "user.info.basic,user.info.profile,video.publish");
  token = do_exchange (f->client, code, wbps_loopback_server_get_redirect_uri (b->server), b->verifier, &error);
  g_assert_no_error (error);
  g_assert_true (wbps_token_has_scope (token, "video.publish"));
  g_assert_false (wbps_token_has_scope (token, "video.upload"));
}

static void
test_redirect_deny (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Browser) b = browser_start (f, NULL);
  g_autoptr(Page) done = decide_consent (f, b, "deny", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;

  g_assert_nonnull (strstr (done->body, "Sign-in failed"));
  code = browser_finish (b, NULL, &error);
  g_assert_null (code);
  g_assert_error (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_ACCESS_DENIED);
  g_assert_false (wbps_loopback_server_is_listening (b->server));
}

static void
check_redirect_refusal (Fixture    *f,
                        const char *scope_csv,
                        gint        expected,
                        const char *expected_code)
{
  g_autoptr(Browser) b = browser_start (f, scope_csv);
  g_autoptr(Page) page = browse (b->session, "GET", b->authorize_url, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = browser_finish (b, NULL, &error);

  g_assert_nonnull (strstr (page->body, "Sign-in failed"));
  g_assert_null (code);
  g_assert_error (error, WBPS_TIKTOK_ERROR, expected);
  g_assert_cmpstr (wbps_tiktok_error_get_code (error), ==, expected_code);
}

static void
test_redirect_non_sandbox_target (Fixture       *f,
                                  gconstpointer  data)
{
  check_redirect_refusal (f, NULL, WBPS_TIKTOK_ERROR_NON_SANDBOX_TARGET, "non_sandbox_target");
}

static void
test_redirect_invalid_scope (Fixture       *f,
                             gconstpointer  data)
{
  check_redirect_refusal (f, "user.info.basic,video.list", WBPS_TIKTOK_ERROR_INVALID_SCOPE, "invalid_scope");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_EMU(path, func, extra) \
  g_test_add ("/oauth-client/emulator/" path, Fixture, extra, emulator_set_up, func, emulator_tear_down)
  ADD_EMU ("exchange", test_exchange, NULL);
  ADD_EMU ("exchange-secrets-redacted", test_exchange_code_redacted, NULL);
  ADD_EMU ("refresh-rotation", test_refresh_rotation, NULL);
  ADD_EMU ("revoke", test_revoke, NULL);
  ADD_EMU ("error/reused-code-http-200", test_error_reused_code, NULL);
  ADD_EMU ("error/reused-code-http-400", test_error_reused_code_400, "oauth-error-status=400");
  ADD_EMU ("error/wrong-secret", test_error_wrong_secret, NULL);
  ADD_EMU ("error/wrong-verifier", test_error_wrong_verifier, NULL);
  ADD_EMU ("error/server-fault", test_error_server_fault,
           "[faults]\nfail-path=/v2/oauth/token/\nfail-request-n=2\nfail-status=503");
  ADD_EMU ("cancelled", test_cancelled, NULL);
  ADD_EMU ("redirect/sign-in", test_redirect_sign_in, NULL);
  ADD_EMU ("redirect/partial-consent", test_redirect_partial_consent, "auto-approve=false");
  ADD_EMU ("redirect/deny", test_redirect_deny, "auto-approve=false");
  ADD_EMU ("redirect/non-sandbox-target", test_redirect_non_sandbox_target, "[client:" CLIENT_KEY "]\nsandbox=true\ntarget-users=someone-else");
  ADD_EMU ("redirect/invalid-scope", test_redirect_invalid_scope, NULL);
#undef ADD_EMU
  g_test_add_func ("/oauth-client/authorize-url", test_authorize_url);
  g_test_add_func ("/oauth-client/form-encoding", test_form_encoding);
  g_test_add_func ("/oauth-client/error/with-http-200", test_error_with_200);
  g_test_add_func ("/oauth-client/error/unreachable", test_error_unreachable);
  g_test_add_func ("/oauth-client/error/no-secret", test_error_no_secret);
  g_test_add_func ("/oauth-client/malformed/not-json", test_malformed_not_json);
  g_test_add_func ("/oauth-client/malformed/missing-fields", test_malformed_missing_fields);
  g_test_add_func ("/oauth-client/malformed/array", test_malformed_array);
  g_test_add_func ("/oauth-client/malformed/server-error-page", test_server_error_page);
  g_test_add_func ("/oauth-client/revoke-empty-body", test_revoke_empty_body);

  return g_test_run ();
}
