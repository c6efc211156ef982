/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsApiClient. TikTok's envelope corner cases that the emulator never sends
 * (unreadable bodies, a 19-digit post id, both invalid_param spellings, a 429
 * with Retry-After) come from a small in-process SoupServer; the rest runs
 * against a real wbps-emulator, signed in through WbpsSignIn with auto-approve.
 * Needs the Secret Service: run through with-keyring.
 */
#include "config.h"

#include "wbps-account-manager-private.h"
#include "wbps-api-client.h"
#include "wbps-creator-info.h"
#include "wbps-error.h"
#include "wbps-sign-in.h"
#include "wbps-status-poller.h"
#include "wbps-test-emulator.h"
#include "wbps-test-server.h"
#include "wbps-token-store.h"

/* ---- the in-process fake --------------------------------------------- */

typedef struct _Fake Fake;
typedef void (*FakeHandler) (Fake *fake, SoupServerMessage *msg, const char *path, const char *bearer);

struct _Fake {
  WbpsTestServer     *server;
  const char         *base_url;
  FakeHandler         handler;
  guint               api_requests;
  guint               token_requests;
  GPtrArray          *bearers;
  char               *last_path;
  char               *last_fields;   /* the "fields" query parameter of the last API request */
  char               *last_body;
  WbpsConfig         *config;
  WbpsAccountManager *accounts;
  WbpsApiClient      *api;
};

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *body)
{
  wbps_test_server_reply (msg, status, "application/json", body);
}

static void
reply_v2_error (SoupServerMessage *msg,
                guint              status,
                const char        *code)
{
  g_autofree char *body =
    g_strdup_printf ("{\"data\":{},\"error\":{\"code\":\"%s\",\"message\":\"Told by the fake.\","
                     "\"log_id\":\"20240101000000ABCDEF0123456789ABCDEF\"}}", code);

  reply (msg, status, body);
}

#define OK_ENVELOPE(data) "{\"data\":" data ",\"error\":{\"code\":\"ok\",\"message\":\"\",\"log_id\":\"L\"}}"

static void
fake_refresh_reply (SoupServerMessage *msg)
{
  reply (msg, 200, "{\"access_token\":\"act.fresh\",\"expires_in\":86400,\"open_id\":\"user-1\","
                   "\"refresh_expires_in\":31536000,\"refresh_token\":\"rft.fresh\","
                   "\"scope\":\"user.info.basic,video.publish,video.upload\",\"token_type\":\"Bearer\"}");
}

static void
fake_callback (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fake *fake = user_data;
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (g_str_equal (path, "/v2/oauth/token/"))
    {
      fake->token_requests++;
      fake_refresh_reply (msg);
      return;
    }
  if (g_str_equal (path, "/v2/oauth/revoke/"))
    {
      /* Signing in revokes the grant of user-1 an earlier test left in the keyring. */
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
      return;
    }
  fake->api_requests++;
  g_free (fake->last_path);
  fake->last_path = g_strdup (path);
  g_free (fake->last_fields);
  fake->last_fields = g_strdup (query != NULL ? g_hash_table_lookup (query, "fields") : NULL);
  g_free (fake->last_body);
  fake->last_body = g_strndup (body->data, body->length);
  g_ptr_array_add (fake->bearers, g_strdup (authorization != NULL && g_str_has_prefix (authorization, "Bearer ")
                                            ? authorization + 7 : ""));
  fake->handler (fake, msg, path, g_ptr_array_index (fake->bearers, fake->bearers->len - 1));
}

static void
on_account_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (wbps_account_manager_add_finish (WBPS_ACCOUNT_MANAGER (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* A signed-in account whose tokens the fake knows: act.stale / rft.stale, valid for a day. */
static void
fake_add_account (Fake *fake)
{
  g_autoptr(WbpsToken) token = wbps_token_new ();
  gboolean done = FALSE;

  token->client_key = g_strdup ("fake-client");
  token->open_id = g_strdup ("user-1");
  token->access_token = g_strdup ("act.stale");
  token->refresh_token = g_strdup ("rft.stale");
  token->scope = g_strdup ("user.info.basic,video.publish,video.upload");
  token->display_name = g_strdup ("Fake User");
  token->access_expires_at = g_get_real_time () / G_USEC_PER_SEC + 86400;
  token->refresh_expires_at = g_get_real_time () / G_USEC_PER_SEC + 31536000;
  wbps_account_manager_add_async (fake->accounts, token, NULL, on_account_added, &done);
  wbps_test_await_flag (&done, 30);
}

static void
fake_setup (Fake          *fake,
            gconstpointer  data)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autofree char *auth_url = NULL;

  fake->server = wbps_test_server_new (WBPS_TEST_SERVER_DEFAULT, fake_callback, fake);
  fake->base_url = wbps_test_server_get_url (fake->server);
  fake->bearers = g_ptr_array_new_with_free_func (g_free);

  auth_url = g_strconcat (fake->base_url, "/v2/auth/authorize/", NULL);
  fake->config = wbps_config_new_explicit (auth_url, fake->base_url, "fake-client", "fake-secret");
  fake->accounts = wbps_account_manager_new (fake->config, store);
  fake->api = wbps_api_client_new (fake->config, fake->accounts);
  fake_add_account (fake);
}

static void
fake_teardown (Fake          *fake,
               gconstpointer  data)
{
  g_clear_object (&fake->api);
  g_clear_object (&fake->accounts);
  g_clear_object (&fake->config);
  g_clear_pointer (&fake->server, wbps_test_server_free);
  g_ptr_array_unref (fake->bearers);
  g_free (fake->last_path);
  g_free (fake->last_fields);
  g_free (fake->last_body);
}

/* A raw request through the fake with access token "act.raw". */
static JsonObject *
fake_request (Fake        *fake,
              const char  *path,
              GError     **error)
{
  GAsyncResult *result = NULL;
  JsonObject *data;

  wbps_api_client_request_async (fake->api, "act.raw", "POST", path, NULL, NULL, wbps_test_store_result, &result);
  data = wbps_api_client_request_finish (fake->api, wbps_test_await (&result, 30), error);
  g_object_unref (result);
  return data;
}

/* Asks @fake for @path and asserts it fails with @domain and @code. Returns: (transfer full) the error. */
static GError *
fake_request_fails (Fake       *fake,
                    const char *path,
                    GQuark      domain,
                    gint        code)
{
  GError *error = NULL;
  g_autoptr(JsonObject) object = fake_request (fake, path, &error);

  g_assert_null (object);
  g_assert_error (error, domain, code);
  return error;
}

/* ---- envelope -------------------------------------------------------- */

static void
handle_by_path (Fake              *fake,
                SoupServerMessage *msg,
                const char        *path,
                const char        *bearer)
{
  if (g_str_equal (path, "/ok"))
    reply (msg, 200, OK_ENVELOPE ("{\"answer\":42}"));
  else if (g_str_equal (path, "/ok-without-data"))
    reply (msg, 200, "{\"error\":{\"code\":\"ok\",\"message\":\"\",\"log_id\":\"L\"}}");
  else if (g_str_equal (path, "/spam-at-200"))
    reply_v2_error (msg, 200, "spam_risk_too_many_posts");
  else if (g_str_equal (path, "/invalid-param"))
    reply_v2_error (msg, 400, "invalid_param");
  else if (g_str_equal (path, "/invalid-params"))
    reply_v2_error (msg, 400, "invalid_params");
  else if (g_str_equal (path, "/html"))
    reply (msg, 200, "<html><body>Hello</body></html>");
  else if (g_str_equal (path, "/not-envelope"))
    reply (msg, 200, "{\"access_token\":\"x\"}");
  else if (g_str_equal (path, "/array"))
    reply (msg, 200, "[1,2,3]");
  else if (g_str_equal (path, "/bare-503"))
    reply (msg, 503, "");
  else
    reply (msg, 404, "{}");
}

static void
test_envelope_ok (Fake          *fake,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  fake->handler = handle_by_path;
  object = fake_request (fake, "/ok", &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (object, "answer"), ==, 42);
  g_assert_cmpstr (g_ptr_array_index (fake->bearers, 0), ==, "act.raw");

  g_clear_pointer (&object, json_object_unref);
  object = fake_request (fake, "/ok-without-data", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (object), ==, 0);
}

/* creator_info's caps come with HTTP 200: still a failure, with code and log_id kept. */
static void
test_envelope_error_at_200 (Fake          *fake,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fake->handler = handle_by_path;
  error = fake_request_fails (fake, "/spam-at-200", WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_SPAM_RISK_TOO_MANY_POSTS);
  g_assert_cmpstr (wbps_tiktok_error_get_code (error), ==, "spam_risk_too_many_posts");
  g_assert_cmpstr (wbps_tiktok_error_get_log_id (error), ==, "20240101000000ABCDEF0123456789ABCDEF");
  g_assert_cmpuint (wbps_tiktok_error_get_http_status (error), ==, 200);
}

static void
test_envelope_invalid_param_spellings (Fake          *fake,
                                       gconstpointer  data)
{
  const char *paths[] = { "/invalid-param", "/invalid-params" };

  fake->handler = handle_by_path;
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_error_free (fake_request_fails (fake, paths[i], WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_INVALID_PARAMS));
}

static void
test_envelope_malformed (Fake          *fake,
                         gconstpointer  data)
{
  const char *paths[] = { "/html", "/not-envelope", "/array" };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  fake->handler = handle_by_path;
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_error_free (fake_request_fails (fake, paths[i], WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY));

  /* An empty 5xx is TikTok's trouble, worth a retry, not a malformed reply. */
  object = fake_request (fake, "/bare-503", &error);
  g_assert_null (object);
  g_assert_true (error->domain == WBPS_TIKTOK_ERROR);
  g_assert_cmpuint (wbps_tiktok_error_get_http_status (error), ==, 503);
  g_assert_true (wbps_tiktok_error_is_transient (error));
}

/* ---- hostile replies -------------------------------------------------- */

static gboolean
trickle_one_byte (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC, "[", 1);
  soup_server_message_unpause (msg);
  return G_SOURCE_CONTINUE;
}

static void
destroy_source (gpointer source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
handle_hostile (Fake              *fake,
                SoupServerMessage *msg,
                const char        *path,
                const char        *bearer)
{
  if (g_str_equal (path, "/deep"))
    {
      /* Was a SIGSEGV: json-glib recurses once per level. */
      g_autofree char *deep = g_strnfill (100000, '[');

      reply (msg, 200, deep);
    }
  else if (g_str_equal (path, "/huge") || g_str_equal (path, "/huge-chunked"))
    {
      gsize size = 64 * 1024 * 1024;
      char *body = g_malloc (size);

      memset (body, ' ', size);
      body[0] = '{';
      body[size - 1] = '}';
      soup_server_message_set_status (msg, 200, NULL);
      if (g_str_equal (path, "/huge-chunked"))
        soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                           SOUP_ENCODING_CHUNKED);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, size);
    }
  else if (g_str_equal (path, "/trickle"))
    {
      /* One byte a second: libsoup's own timeout is per read and never trips. */
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_server_message_pause (msg);
      GSource *source = g_timeout_source_new (1000);

      g_source_set_callback (source, trickle_one_byte, msg, NULL);
      g_source_attach (source, NULL);
      g_object_set_data_full (G_OBJECT (msg), "trickle", source, destroy_source);
    }
  else if (g_str_equal (path, "/v2/post/publish/status/fetch/"))
    {
      /* The connection closes before any reply: libsoup says only "Connection terminated unexpectedly". */
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      g_io_stream_close (stream, NULL, NULL);
    }
  else if (g_str_has_prefix (path, "/v2/user/info/"))
    {
      g_autofree char *name = g_strnfill (300000, 'x');
      g_autofree char *body = g_strdup_printf (OK_ENVELOPE ("{\"user\":{\"open_id\":\"user-1\","
                                                            "\"display_name\":\"\u00e9%s\","
                                                            "\"avatar_url\":\"javascript:alert(1)\"}}"),
                                               name);

      reply (msg, 200, body);
    }
}

static void
test_hostile_deep_nesting (Fake          *fake,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fake->handler = handle_hostile;
  error = fake_request_fails (fake, "/deep", WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY);
  g_assert_cmpstr (error->message, ==, "TikTok sent a reply wbps refuses to read (HTTP 200): "
                                       "The reply is nested deeper than the 32 levels wbps accepts, "
                                       "so it was not read.");
}

/* A 64 MB reply was read whole (205 MB RSS); now the read stops at 1 MiB, declared or not. */
static void
test_hostile_huge_reply (Fake          *fake,
                         gconstpointer  data)
{
  const char *paths[] = { "/huge", "/huge-chunked" };

  fake->handler = handle_hostile;
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = fake_request_fails (fake, paths[i], WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY);

      g_assert_cmpstr (error->message, ==, "The reply is larger than the 1024 KiB wbps accepts, "
                                           "so it was not read.");
    }
}

static void
test_hostile_trickle_deadline (Fake          *fake,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  fake->handler = handle_hostile;
  wbps_api_client_set_deadline (fake->api, 2);
  error = fake_request_fails (fake, "/trickle", WBPS_ERROR, WBPS_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "TikTok did not answer within 2 seconds.");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
}

/* A bare "Connection terminated unexpectedly" left users stuck: say what was under way. */
static void
test_hostile_connection_dropped (Fake          *fake,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  fake->handler = handle_hostile;
  object = fake_request (fake, "/v2/post/publish/status/fetch/", &error);
  g_assert_null (object);
  g_assert_true (error->domain == G_IO_ERROR);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The connection to TikTok was lost while asking TikTok "
                                                   "how the post is doing ("));
  g_assert_true (g_str_has_suffix (error->message, "). Nothing is lost: run the same command again."));
}

/* A 64 MB display name once made the stored sign-in unreadable: what is kept is bounded. */
static void
test_hostile_profile_bounded (Fake          *fake,
                              gconstpointer  data)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  const char *name;

  fake->handler = handle_hostile;
  wbps_api_client_user_info_async (fake->api, "act.raw", NULL, NULL, wbps_test_store_result, &result);
  user = wbps_api_client_user_info_finish (fake->api, wbps_test_await (&result, 30), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (user, "open_id"), ==, "user-1");
  name = json_object_get_string_member (user, "display_name");
  /* 256 bytes at most, cut at a character boundary: "é" (2 bytes) then 254 × "x". */
  g_assert_cmpuint (strlen (name), ==, 256);
  g_assert_true (g_str_has_prefix (name, "\u00e9xxx"));
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_false (json_object_has_member (user, "avatar_url"));
}

static void
handle_user_with_username (Fake              *fake,
                           SoupServerMessage *msg,
                           const char        *path,
                           const char        *bearer)
{
  reply (msg, 200, OK_ENVELOPE ("{\"user\":{\"open_id\":\"user-1\",\"display_name\":\"Fake User\","
                                "\"username\":\"fake.handle\"}}"));
}

static JsonObject *
fake_user_info (Fake       *fake,
                const char *granted_scopes)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *user;

  wbps_api_client_user_info_async (fake->api, "act.raw", granted_scopes, NULL, wbps_test_store_result, &result);
  user = wbps_api_client_user_info_finish (fake->api, wbps_test_await (&result, 30), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  return user;
}

/* username needs user.info.profile: asked for only when granted (else TikTok refuses the whole call). */
static void
test_user_info_fields_follow_scopes (Fake          *fake,
                                     gconstpointer  data)
{
  g_autoptr(JsonObject) basic = NULL;
  g_autoptr(JsonObject) profile = NULL;

  fake->handler = handle_user_with_username;
  basic = fake_user_info (fake, "user.info.basic,video.publish");
  g_assert_cmpstr (fake->last_path, ==, "/v2/user/info/");
  g_assert_cmpstr (fake->last_fields, ==, "open_id,union_id,avatar_url,display_name");
  profile = fake_user_info (fake, "user.info.basic,user.info.profile,video.publish");
  g_assert_cmpstr (fake->last_fields, ==, "open_id,union_id,avatar_url,display_name,username");
  g_assert_cmpstr (json_object_get_string_member (profile, "username"), ==, "fake.handle");
  g_assert_cmpstr (wbps_api_client_user_info_path (NULL), ==,
                   "/v2/user/info/?fields=open_id,union_id,avatar_url,display_name");
}

/* ---- 429 ------------------------------------------------------------- */

static void
handle_429_once (Fake              *fake,
                 SoupServerMessage *msg,
                 const char        *path,
                 const char        *bearer)
{
  if (fake->api_requests == 1)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      reply_v2_error (msg, 429, "rate_limit_exceeded");
    }
  else
    reply (msg, 200, OK_ENVELOPE ("{}"));
}

static void
remember_uint (guint *slot,
               guint  value)
{
  *slot = value;
}

static void
test_429_waited_out (Fake          *fake,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  gint64 start = g_get_monotonic_time ();
  guint announced = 0;

  fake->handler = handle_429_once;
  g_signal_connect_swapped (fake->api, "rate-limited", G_CALLBACK (remember_uint), &announced);
  object = fake_request (fake, "/v2/post/publish/status/fetch/", &error);
  g_assert_no_error (error);
  g_assert_nonnull (object);
  g_assert_cmpuint (fake->api_requests, ==, 2);
  /* Retry-After: 1 is honoured, and the wait is announced. */
  g_assert_cmpuint (announced, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
}

/* ---- access_token_invalid -> one forced refresh ---------------------- */

static void
handle_only_fresh_token (Fake              *fake,
                         SoupServerMessage *msg,
                         const char        *path,
                         const char        *bearer)
{
  if (g_str_equal (bearer, "act.fresh"))
    reply (msg, 200, OK_ENVELOPE ("{\"user\":{\"open_id\":\"user-1\"}}"));
  else
    reply_v2_error (msg, 401, "access_token_invalid");
}

static JsonObject *
fake_call (Fake        *fake,
           GError     **error)
{
  GAsyncResult *result = NULL;
  JsonObject *object;

  wbps_api_client_call_async (fake->api, NULL, "GET", "/v2/user/info/?fields=open_id", NULL, NULL,
                              wbps_test_store_result, &result);
  object = wbps_api_client_call_finish (fake->api, wbps_test_await (&result, 30), error);
  g_object_unref (result);
  return object;
}

static void
test_forced_refresh (Fake          *fake,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  const WbpsToken *account;

  fake->handler = handle_only_fresh_token;
  object = fake_call (fake, &error);
  g_assert_no_error (error);
  g_assert_nonnull (object);
  g_assert_cmpuint (fake->token_requests, ==, 1);
  g_assert_cmpuint (fake->api_requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fake->bearers, 0), ==, "act.stale");
  g_assert_cmpstr (g_ptr_array_index (fake->bearers, 1), ==, "act.fresh");
  account = wbps_account_manager_lookup_token (fake->accounts, "user-1");
  g_assert_cmpstr (account->refresh_token, ==, "rft.fresh");
}

static void
handle_always_invalid (Fake              *fake,
                       SoupServerMessage *msg,
                       const char        *path,
                       const char        *bearer)
{
  reply_v2_error (msg, 401, "access_token_invalid");
}

static void
test_refresh_only_once (Fake          *fake,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  fake->handler = handle_always_invalid;
  object = fake_call (fake, &error);
  g_assert_null (object);
  g_assert_error (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_ACCESS_TOKEN_INVALID);
  g_assert_cmpuint (fake->token_requests, ==, 1);
  g_assert_cmpuint (fake->api_requests, ==, 2);
}

/* ---- typed helpers --------------------------------------------------- */

static void
handle_status (Fake              *fake,
               SoupServerMessage *msg,
               const char        *path,
               const char        *bearer)
{
  /* 2^53 + 1 and a 19-digit id: a double would round both. */
  reply (msg, 200, OK_ENVELOPE ("{\"status\":\"PUBLISH_COMPLETE\",\"fail_reason\":\"\","
                                "\"publicaly_available_post_id\":[7261463769757501445,\"9007199254740993\"],"
                                "\"uploaded_bytes\":10000}"));
}

static void
test_status_post_ids_exact (Fake          *fake,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPublishStatus) status = NULL;
  GAsyncResult *result = NULL;

  fake->handler = handle_status;
  wbps_api_client_status_async (fake->api, NULL, "v_pub_file~v2-1.123", NULL, wbps_test_store_result, &result);
  status = wbps_api_client_status_finish (fake->api, wbps_test_await (&result, 30), &error);
  g_object_unref (result);

  g_assert_no_error (error);
  g_assert_cmpstr (fake->last_path, ==, "/v2/post/publish/status/fetch/");
  g_assert_cmpstr (fake->last_body, ==, "{\"publish_id\":\"v_pub_file~v2-1.123\"}");
  g_assert_cmpstr (status->status, ==, "PUBLISH_COMPLETE");
  g_assert_null (status->fail_reason);
  g_assert_cmpuint (g_strv_length (status->post_ids), ==, 2);
  g_assert_cmpstr (status->post_ids[0], ==, "7261463769757501445");
  g_assert_cmpstr (status->post_ids[1], ==, "9007199254740993");
  g_assert_cmpint (status->uploaded_bytes, ==, 10000);
}

static void
handle_status_without_bytes (Fake              *fake,
                             SoupServerMessage *msg,
                             const char        *path,
                             const char        *bearer)
{
  reply (msg, 200, OK_ENVELOPE ("{\"status\":\"PROCESSING_UPLOAD\"}"));
}

static gint64
fake_uploaded_bytes (Fake    *fake,
                     GError **error)
{
  g_autoptr(WbpsStatusPoller) poller = wbps_status_poller_new (fake->api, NULL, "v_pub_file~v2-1.123");
  g_autoptr(GAsyncResult) result = NULL;

  wbps_status_poller_uploaded_bytes_async (poller, NULL, wbps_test_store_result, &result);
  return wbps_status_poller_uploaded_bytes_finish (poller, wbps_test_await (&result, 30), error);
}

/* What the uploader goes on from after a 416: TikTok's count, and a reply without one refused. */
static void
test_status_uploaded_bytes (Fake          *fake,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fake->handler = handle_status;
  g_assert_cmpint (fake_uploaded_bytes (fake, &error), ==, 10000);
  g_assert_no_error (error);
  g_assert_cmpstr (fake->last_path, ==, "/v2/post/publish/status/fetch/");

  fake->handler = handle_status_without_bytes;
  g_assert_cmpint (fake_uploaded_bytes (fake, &error), ==, -1);
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY);
}

static void
handle_init (Fake              *fake,
             SoupServerMessage *msg,
             const char        *path,
             const char        *bearer)
{
  if (g_str_equal (path, "/v2/post/publish/inbox/video/init/"))
    reply (msg, 200, OK_ENVELOPE ("{\"publish_id\":\"v_inbox_file~v2.7\",\"upload_url\":\"http://u/?upload_id=1\"}"));
  else
    reply (msg, 200, OK_ENVELOPE ("{\"publish_id\":\"v_pub_file~v2-1.8\",\"upload_url\":\"http://u/?upload_id=2\"}"));
}

static void
test_video_init_paths (Fake          *fake,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) body = json_from_string ("{\"source_info\":{\"source\":\"FILE_UPLOAD\"}}", NULL);
  gboolean inbox_values[] = { FALSE, TRUE };

  fake->handler = handle_init;
  for (guint i = 0; i < G_N_ELEMENTS (inbox_values); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *publish_id = NULL;
      g_autofree char *upload_url = NULL;
      GAsyncResult *result = NULL;

      wbps_api_client_video_init_async (fake->api, "user-1", inbox_values[i], body, NULL, wbps_test_store_result, &result);
      g_assert_true (wbps_api_client_video_init_finish (fake->api, wbps_test_await (&result, 30),
                                                        &publish_id, &upload_url, &error));
      g_object_unref (result);
      g_assert_no_error (error);
      g_assert_cmpstr (fake->last_body, ==, "{\"source_info\":{\"source\":\"FILE_UPLOAD\"}}");
      g_assert_cmpstr (fake->last_path, ==, inbox_values[i] ? "/v2/post/publish/inbox/video/init/"
                                                            : "/v2/post/publish/video/init/");
      g_assert_cmpstr (publish_id, ==, inbox_values[i] ? "v_inbox_file~v2.7" : "v_pub_file~v2-1.8");
      g_assert_nonnull (upload_url);
    }
}

static void
test_fail_reasons (void)
{
  const char *reasons[] = {
    "file_format_check_failed", "duration_check_failed", "frame_rate_check_failed",
    "picture_size_check_failed", "internal", "video_pull_failed", "photo_pull_failed",
    "publish_cancelled", "auth_removed", "spam_risk_too_many_posts",
    "spam_risk_user_banned_from_posting", "spam_risk_text", "spam_risk",
  };
  const char *fallback = wbps_fail_reason_describe ("no_such_reason");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_nonnull (fallback);
  g_assert_true (wbps_fail_reason_describe (NULL) == fallback);
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      const char *text = wbps_fail_reason_describe (reasons[i]);

      g_assert_true (text != fallback);
      g_assert_false (g_hash_table_contains (seen, text));
      g_hash_table_add (seen, (gpointer) text);
    }
}

/* ---- against the real emulator --------------------------------------- */

typedef struct {
  WbpsTestEmulator   *emu;
  WbpsConfig         *config;
  WbpsAccountManager *accounts;
  WbpsApiClient      *api;
  SoupSession        *browser;
} Emu;

static void
emu_setup (Emu           *emu,
           gconstpointer  data)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autofree char *auth_url = NULL;

  emu->emu = wbps_test_emulator_start (data);
  auth_url = wbps_test_emulator_url (emu->emu, "/v2/auth/authorize/");
  emu->config = wbps_config_new_explicit (auth_url, emu->emu->base_url, "api-test", "api-test-secret");
  emu->accounts = wbps_account_manager_new (emu->config, store);
  emu->api = wbps_api_client_new (emu->config, emu->accounts);
  emu->browser = soup_session_new ();
}

static void
emu_teardown (Emu           *emu,
              gconstpointer  data)
{
  g_clear_object (&emu->browser);
  g_clear_object (&emu->api);
  g_clear_object (&emu->accounts);
  g_clear_object (&emu->config);
  wbps_test_emulator_stop (emu->emu);
}

static void
on_browser_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
}

/* Plays the browser: auto-approve redirects into the loopback server of the same process. */
static void
on_authorize_url (WbpsSignIn *sign_in,
                  const char *url,
                  gpointer    user_data)
{
  Emu *emu = user_data;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  soup_session_send_and_read_async (emu->browser, msg, G_PRIORITY_DEFAULT, NULL, on_browser_done, NULL);
}

static WbpsAccount *
emu_sign_in (Emu     *emu,
             GError **error)
{
  g_autoptr(WbpsSignIn) sign_in = wbps_sign_in_new (emu->accounts, emu->api);
  GAsyncResult *result = NULL;
  WbpsAccount *account;

  wbps_sign_in_set_open_browser (sign_in, FALSE);
  wbps_sign_in_set_timeout (sign_in, 20);
  g_signal_connect (sign_in, "authorize-url", G_CALLBACK (on_authorize_url), emu);
  wbps_sign_in_run_async (sign_in, NULL, wbps_test_store_result, &result);
  account = wbps_sign_in_run_finish (sign_in, wbps_test_await (&result, 30), error);
  g_object_unref (result);
  return account;
}

/* creator_info for @open_id (NULL: the current account) through the emulator. */
static WbpsCreatorInfo *
emu_creator_info (Emu         *emu,
                  const char  *open_id,
                  GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_creator_info_query_async (emu->api, open_id, NULL, wbps_test_store_result, &result);
  return wbps_creator_info_query_finish (wbps_test_await (&result, 30), error);
}

/* A world whose browser signs @user in at once to the api-test client; @user's group follows. */
#define EMU_WORLD(user) \
  "[emulator]\n" \
  "auto-approve=true\n" \
  "signed-in-user=" user "\n" \
  "[client:api-test]\n" \
  "secret=api-test-secret\n" \
  "redirect-uris=http://127.0.0.1:*/callback/\n" \
  "scopes=user.info.basic,user.info.profile,video.publish,video.upload\n" \
  "[user:" user "]\n"

static const char capped_world[] =
  EMU_WORLD ("capped")
  "display-name=Capped Creator\n"
  "cap-state=spam_risk_too_many_posts\n";

/* Sign-in stores the account as current; creator_info's HTTP-200 cap is an error. */
static void
test_emulator_sign_in_and_cap (Emu           *emu,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsAccount) account = emu_sign_in (emu, &error);
  g_autoptr(WbpsCreatorInfo) info = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (wbps_account_get_open_id (account), ==, "capped");
  g_assert_cmpstr (wbps_account_get_display_name (account), ==, "Capped Creator");
  g_assert_true (wbps_account_manager_get_current_account (emu->accounts) == account);

  info = emu_creator_info (emu, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_SPAM_RISK_TOO_MANY_POSTS);
  g_assert_cmpuint (wbps_tiktok_error_get_http_status (error), ==, 200);
  g_assert_cmpuint (strlen (wbps_tiktok_error_get_log_id (error)), ==, 34);
}

static const char handle_world[] =
  EMU_WORLD ("handle")
  "display-name=Handle Creator\n"
  "username=handle.creator\n";

/* The sign-in asks for the username (user.info.profile is granted) and the keyring keeps it. */
static void
test_emulator_username (Emu           *emu,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsAccount) account = emu_sign_in (emu, &error);
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(WbpsAccountManager) reloaded = wbps_account_manager_new (emu->config, store);
  GAsyncResult *result = NULL;
  WbpsAccount *again;

  g_assert_no_error (error);
  g_assert_true (wbps_account_has_scope (account, "user.info.profile"));
  g_assert_cmpstr (wbps_account_get_username (account), ==, "handle.creator");

  wbps_account_manager_load_async (reloaded, NULL, wbps_test_store_result, &result);
  g_assert_true (wbps_account_manager_load_finish (reloaded, wbps_test_await (&result, 30), &error));
  g_object_unref (result);
  g_assert_no_error (error);
  again = wbps_account_manager_lookup (reloaded, "handle");
  g_assert_nonnull (again);
  g_assert_cmpstr (wbps_account_get_username (again), ==, "handle.creator");
}

static const char private_world[] =
  EMU_WORLD ("shy")
  "display-name=Shy Creator\n"
  "username=shy\n"
  "private=true\n"
  "max-video-post-duration-sec=300\n";

static void
test_emulator_creator_info (Emu           *emu,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsAccount) account = emu_sign_in (emu, &error);
  g_autoptr(WbpsCreatorInfo) info = NULL;

  g_assert_no_error (error);
  info = emu_creator_info (emu, "shy", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wbps_creator_info_get_open_id (info), ==, "shy");
  g_assert_cmpstr (wbps_creator_info_get_nickname (info), ==, "Shy Creator");
  g_assert_cmpstr (wbps_creator_info_get_username (info), ==, "shy");
  g_assert_cmpuint (wbps_creator_info_get_max_video_post_duration_sec (info), ==, 300);
  g_assert_false (wbps_creator_info_get_comment_disabled (info));
  g_assert_true (wbps_creator_info_get_duet_disabled (info));
  g_assert_true (wbps_creator_info_get_stitch_disabled (info));
  g_assert_true (wbps_creator_info_offers_privacy_level (info, "FOLLOWER_OF_CREATOR"));
  g_assert_false (wbps_creator_info_offers_privacy_level (info, "PUBLIC_TO_EVERYONE"));
}

/* The server's clock runs 100x: a 400 s token lasts 4 real seconds, inside wbps's refresh margin. */
static const char fast_clock_world[] =
  EMU_WORLD ("busy")
  "display-name=Busy Creator\n"
  "[emulator]\n"
  "clock-scale=100\n"
  "access-lifetime=400\n";

static void
test_emulator_expiring_token_refreshed (Emu           *emu,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsAccount) signed_in = emu_sign_in (emu, &error);
  g_autofree char *old_access = NULL;
  g_autoptr(WbpsPublishStatus) status = NULL;
  const WbpsToken *account;
  GAsyncResult *result = NULL;

  g_assert_no_error (error);
  old_access = g_strdup (wbps_account_manager_lookup_token (emu->accounts, "busy")->access_token);

  /* Any authenticated call: an unknown publish_id is TikTok's answer once the token works. */
  wbps_api_client_status_async (emu->api, NULL, "v_pub_file~v2-1.999", NULL, wbps_test_store_result, &result);
  status = wbps_api_client_status_finish (emu->api, wbps_test_await (&result, 30), &error);
  g_object_unref (result);
  g_assert_null (status);
  g_assert_error (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_INVALID_PUBLISH_ID);
  account = wbps_account_manager_lookup_token (emu->accounts, "busy");
  g_assert_cmpstr (account->access_token, !=, old_access);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define FAKE_TEST(path, func) \
  g_test_add (path, Fake, NULL, fake_setup, func, fake_teardown)
  FAKE_TEST ("/api-client/envelope/ok", test_envelope_ok);
  FAKE_TEST ("/api-client/envelope/error-at-http-200", test_envelope_error_at_200);
  FAKE_TEST ("/api-client/envelope/invalid-param-spellings", test_envelope_invalid_param_spellings);
  FAKE_TEST ("/api-client/envelope/malformed", test_envelope_malformed);
  FAKE_TEST ("/api-client/hostile/deep-nesting", test_hostile_deep_nesting);
  FAKE_TEST ("/api-client/hostile/huge-reply", test_hostile_huge_reply);
  FAKE_TEST ("/api-client/hostile/trickle-deadline", test_hostile_trickle_deadline);
  FAKE_TEST ("/api-client/hostile/profile-bounded", test_hostile_profile_bounded);
  FAKE_TEST ("/api-client/hostile/connection-dropped", test_hostile_connection_dropped);
  FAKE_TEST ("/api-client/user-info/fields-follow-scopes", test_user_info_fields_follow_scopes);
  FAKE_TEST ("/api-client/rate/429-waited-out", test_429_waited_out);
  FAKE_TEST ("/api-client/call/forced-refresh", test_forced_refresh);
  FAKE_TEST ("/api-client/call/refresh-only-once", test_refresh_only_once);
  FAKE_TEST ("/api-client/status/post-ids-exact", test_status_post_ids_exact);
  FAKE_TEST ("/api-client/status/uploaded-bytes", test_status_uploaded_bytes);
  FAKE_TEST ("/api-client/video-init/paths", test_video_init_paths);
  g_test_add_func ("/api-client/fail-reasons", test_fail_reasons);
  g_test_add ("/api-client/emulator/sign-in-and-cap", Emu, capped_world,
              emu_setup, test_emulator_sign_in_and_cap, emu_teardown);
  g_test_add ("/api-client/emulator/username", Emu, handle_world,
              emu_setup, test_emulator_username, emu_teardown);
  g_test_add ("/api-client/emulator/creator-info", Emu, private_world,
              emu_setup, test_emulator_creator_info, emu_teardown);
  g_test_add ("/api-client/emulator/expiring-token-refreshed", Emu, fast_clock_world,
              emu_setup, test_emulator_expiring_token_refreshed, emu_teardown);

  return g_test_run ();
}
