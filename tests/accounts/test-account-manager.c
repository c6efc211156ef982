/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsAccountManager against a real wbps-emulator process and a real
 * gnome-keyring (run through tests/with-keyring): refresh with rotation under a
 * compressed clock, one refresh for concurrent callers, expired sign-ins,
 * sign-out online and offline, and switching the current account.
 */

#include "config.h"

#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "wbps-account-manager.h"
#include "wbps-error.h"
#include "wbps-test-emulator.h"
#include "wbps-test-oauth.h"
#include "wbps-test-util.h"

#define CLIENT_KEY    "wbps-accounts-test"
#define CLIENT_SECRET "accounts-test-secret"
#define CREATOR_ID    "oid-test-creator"
#define SECOND_ID     "oid-test-second"

/* The emulator world of these tests; @emulator_section sets clock and lifetimes. */
static WbpsTestEmulator *
start_emulator (const char *signed_in_user,
                const char *emulator_section)
{
  g_autofree char *ini = g_strdup_printf (
    "[emulator]\n"
    "auto-approve=true\n"
    "signed-in-user=%s\n"
    "rotate-refresh-tokens=true\n"
    "%s\n"
    "[client:" CLIENT_KEY "]\n"
    "secret=" CLIENT_SECRET "\n"
    "redirect-uris=http://127.0.0.1:*/callback/\n"
    "scopes=user.info.basic,user.info.profile,video.publish,video.upload\n"
    "desktop=true\n"
    "sandbox=false\n"
    "audited=true\n"
    "[user:" CREATOR_ID "]\n"
    "display-name=Test Creator\n"
    "username=testcreator\n"
    "[user:" SECOND_ID "]\n"
    "display-name=Second Account\n"
    "username=secondaccount\n",
    signed_in_user, emulator_section ? emulator_section : "");

  return wbps_test_emulator_start (ini);
}

static WbpsConfig *
config_for (WbpsTestEmulator *emu)
{
  g_autofree char *auth_url = wbps_test_emulator_url (emu, "/v2/auth/authorize/");

  return wbps_config_new_explicit (auth_url, emu->base_url, CLIENT_KEY, CLIENT_SECRET);
}

/* raw HTTP against the emulator, independent of the code under test */

static JsonObject *
post_form (WbpsTestEmulator *emu,
           const char       *path,
           GHashTable       *form,
           guint            *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = wbps_test_emulator_url (emu, path);
  g_autoptr(SoupMessage) msg = soup_message_new_from_encoded_form ("POST", url, soup_form_encode_hash (form));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = soup_message_get_status (msg);
  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static GHashTable *
client_form (void)
{
  GHashTable *form = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (form, (char *) "client_key", (char *) CLIENT_KEY);
  g_hash_table_insert (form, (char *) "client_secret", (char *) CLIENT_SECRET);
  return form;
}

/* A first token bundle: authorize + code exchange with TikTok's hex PKCE. */
static WbpsToken *
sign_in_raw (WbpsTestEmulator *emu,
             const char       *display_name)
{
  g_autoptr(JsonObject) reply = wbps_test_emulator_sign_in (emu, CLIENT_KEY, CLIENT_SECRET,
                                                            "user.info.basic,user.info.profile", NULL);
  g_autoptr(GError) error = NULL;
  WbpsToken *token;

  token = wbps_token_new_from_response (reply, CLIENT_KEY, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  token->display_name = g_strdup (display_name);
  return token;
}

/* TikTok's `error` field of a refresh with @refresh_token ("" when it worked). */
static char *
raw_refresh_error (WbpsTestEmulator *emu,
                   const char       *refresh_token)
{
  g_autoptr(GHashTable) form = client_form ();
  g_autoptr(JsonObject) reply = NULL;

  g_hash_table_insert (form, (char *) "grant_type", (char *) "refresh_token");
  g_hash_table_insert (form, (char *) "refresh_token", (char *) refresh_token);
  reply = post_form (emu, "/v2/oauth/token/", form, NULL);
  return g_strdup (json_object_has_member (reply, "access_token")
                     ? "" : json_object_get_string_member_with_default (reply, "error", "?"));
}

/* HTTP status of GET /v2/user/info/ with @access_token. */
static guint
user_info_status (WbpsTestEmulator *emu,
                  const char       *access_token)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/user/info/?fields=open_id,display_name");
  g_autoptr(EmuReply) reply = emu_get (url, access_token);

  return reply->status;
}

typedef struct {
  WbpsTestEmulator *emu;
  const char       *access_token;
} AccessToken;

static gboolean
access_token_refused (gpointer data)
{
  AccessToken *token = data;

  return user_info_status (token->emu, token->access_token) == 401;
}

/* Waits (on the emulator's compressed clock) until TikTok no longer takes @access_token. */
static void
wait_until_expired (WbpsTestEmulator *emu,
                    const char       *access_token)
{
  AccessToken token = { emu, access_token };

  wbps_test_await_until (access_token_refused, &token, 30, "TikTok to refuse the expired access token");
}

/* the code under test, driven to completion */

static WbpsAccountManager *
new_manager (WbpsConfig *config)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  WbpsAccountManager *manager = wbps_account_manager_new (config, store);

  wbps_account_manager_load_async (manager, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  g_assert_true (wbps_account_manager_load_finish (manager, result, &error));
  g_assert_no_error (error);
  return manager;
}

static void
add_account (WbpsAccountManager *manager,
             const WbpsToken    *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_account_manager_add_async (manager, token, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  g_assert_true (wbps_account_manager_add_finish (manager, result, &error));
  g_assert_no_error (error);
}

static WbpsToken *
get_token (WbpsAccountManager  *manager,
           const char          *open_id,
           gboolean             force,
           GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_account_manager_get_token_async (manager, open_id, force, NULL,
                                        wbps_test_store_result, &result);
  wbps_test_await (&result, 30);
  return wbps_account_manager_get_token_finish (manager, result, error);
}

static gboolean
sign_out (WbpsAccountManager  *manager,
          const char          *open_id,
          gboolean            *revoked,
          GError             **revoke_error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  wbps_account_manager_sign_out_async (manager, open_id, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 30);
  ok = wbps_account_manager_sign_out_finish (manager, result, revoked, revoke_error, &error);
  g_assert_no_error (error);
  return ok;
}

/* What the keyring holds for @open_id, or NULL (with the error) when nothing. */
static WbpsToken *
keyring_token (const char  *open_id,
               GError     **error)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;

  wbps_token_store_lookup_async (store, CLIENT_KEY, open_id, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  return wbps_token_store_lookup_finish (store, result, error);
}

static void
assert_not_in_keyring (const char *open_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = keyring_token (open_id, &error);

  g_assert_null (token);
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *counter)
{
  (*counter)++;
}

static guint
n_accounts (WbpsAccountManager *manager)
{
  return g_list_model_get_n_items (wbps_account_manager_get_accounts (manager));
}

/* Each test starts with no account of this client in the keyring, nobody current. */
static void
reset_world (void)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;

  wbps_token_store_list_async (store, CLIENT_KEY, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  tokens = wbps_token_store_list_finish (store, result, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < tokens->len; i++)
    {
      WbpsToken *token = g_ptr_array_index (tokens, i);

      g_clear_object (&result);
      wbps_token_store_delete_async (store, CLIENT_KEY, token->open_id, NULL,
                                     wbps_test_store_result, &result);
      wbps_test_await (&result, 20);
      g_assert_true (wbps_token_store_delete_finish (store, result, NULL, &error));
      g_assert_no_error (error);
    }

  if (settings != NULL)
    g_settings_reset (settings, "current-account");
}

/* Runs a test body on a clean slate. */
static void
run_clean (gconstpointer data)
{
  void (*test_func) (void) = (void (*) (void)) data;

  reset_world ();
  test_func ();
}

static void
add_test (const char *path,
          void      (*test_func) (void))
{
  g_test_add_data_func (path, (gconstpointer) test_func, run_clean);
}

/* One emulator with Test Creator signed in through it and added to a new manager. */
typedef struct {
  WbpsTestEmulator   *emu;
  WbpsConfig         *config;
  WbpsAccountManager *manager;
  WbpsToken          *signed_in;
} SignedIn;

static void
signed_in_start (SignedIn   *world,
                 const char *emulator_section)
{
  world->emu = start_emulator (CREATOR_ID, emulator_section);
  world->config = config_for (world->emu);
  world->manager = new_manager (world->config);
  world->signed_in = sign_in_raw (world->emu, "Test Creator");
  add_account (world->manager, world->signed_in);
}

static void
signed_in_clear (SignedIn *world)
{
  g_clear_pointer (&world->signed_in, wbps_token_free);
  g_clear_object (&world->manager);
  g_clear_object (&world->config);
  g_clear_pointer (&world->emu, wbps_test_emulator_stop);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SignedIn, signed_in_clear)

/* tests */

static void
test_fresh_token_not_refreshed (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_refresh_error = NULL;

  signed_in_start (&w, "access-lifetime=3600");
  token = get_token (w.manager, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->access_token, ==, w.signed_in->access_token);
  g_assert_cmpstr (token->refresh_token, ==, w.signed_in->refresh_token);
  g_assert_cmpstr (token->display_name, ==, "Test Creator");

  /* Nothing was refreshed: the original refresh token still works at the emulator. */
  old_refresh_error = raw_refresh_error (w.emu, w.signed_in->refresh_token);
  g_assert_cmpstr (old_refresh_error, ==, "");
}

static void
test_refresh_with_rotation (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(WbpsToken) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_refresh_error = NULL;

  /* Compressed clock: 30 emulated seconds of access-token life are 3 real seconds
   * (the emulator reports expires_in=3), well within wbps's refresh margin. */
  signed_in_start (&w, "clock-scale=10\naccess-lifetime=30");
  g_assert_cmpuint (user_info_status (w.emu, w.signed_in->access_token), ==, 200);
  wait_until_expired (w.emu, w.signed_in->access_token);

  token = get_token (w.manager, CREATOR_ID, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->access_token, !=, w.signed_in->access_token);
  g_assert_cmpstr (token->refresh_token, !=, w.signed_in->refresh_token);
  g_assert_cmpstr (token->display_name, ==, "Test Creator");
  /* Expiry computed from the reply's expires_in, never assumed. */
  g_assert_cmpint (token->access_expires_at - g_get_real_time () / G_USEC_PER_SEC, >=, 0);
  g_assert_cmpint (token->access_expires_at - g_get_real_time () / G_USEC_PER_SEC, <=, 4);
  g_assert_cmpuint (user_info_status (w.emu, token->access_token), ==, 200);

  /* The rotated refresh token is in the keyring; the old one is refused. */
  stored = keyring_token (CREATOR_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->refresh_token, ==, token->refresh_token);
  g_assert_cmpstr (stored->access_token, ==, token->access_token);
  g_assert_cmpstr (stored->display_name, ==, "Test Creator");
  old_refresh_error = raw_refresh_error (w.emu, w.signed_in->refresh_token);
  g_assert_cmpstr (old_refresh_error, ==, "invalid_grant");
}

/*
 * The keyring's secret for @open_id read right now with libsecret's sync API,
 * which runs its own main context: nothing still pending on ours can finish
 * meanwhile, so what it returns is what was stored before this call.
 */
static char *
keyring_secret_now (const char *open_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value = secret_password_lookup_binary_sync (wbps_token_store_get_schema (), NULL, &error,
                                                                     "client_key", CLIENT_KEY,
                                                                     "open_id", open_id, NULL);
  gsize length = 0;
  const char *bytes;

  g_assert_no_error (error);
  g_assert_nonnull (value);
  bytes = secret_value_get (value, &length);
  return g_strndup (bytes, length);
}

/*
 * README: "When TikTok rotates the refresh token, the new one is stored before
 * the new access token is used." Nothing can use the new access token before
 * get_token hands it out, so at that moment the keyring must already hold the
 * new refresh token (handing it out first and storing after fails here).
 */
static void
test_rotated_refresh_stored_before_use (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *old_refresh_error = NULL;
  g_autofree char *new_refresh_error = NULL;

  signed_in_start (&w, "clock-scale=10\naccess-lifetime=30");
  wait_until_expired (w.emu, w.signed_in->access_token);
  token = get_token (w.manager, CREATOR_ID, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->refresh_token, !=, w.signed_in->refresh_token);

  /* Before any use of the new access token: the rotated refresh token is stored, the old one gone. */
  secret = keyring_secret_now (CREATOR_ID);
  g_assert_nonnull (strstr (secret, token->refresh_token));
  g_assert_null (strstr (secret, w.signed_in->refresh_token));
  g_assert_nonnull (strstr (secret, token->access_token));

  /* TikTok refuses the old refresh token and takes the new one. */
  old_refresh_error = raw_refresh_error (w.emu, w.signed_in->refresh_token);
  g_assert_cmpstr (old_refresh_error, ==, "invalid_grant");
  new_refresh_error = raw_refresh_error (w.emu, token->refresh_token);
  g_assert_cmpstr (new_refresh_error, ==, "");
}

static void
test_concurrent_callers_share_one_refresh (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) third = NULL;
  g_autoptr(WbpsToken) a = NULL;
  g_autoptr(WbpsToken) b = NULL;
  g_autoptr(WbpsToken) c = NULL;
  g_autoptr(WbpsToken) stored = NULL;
  g_autoptr(GError) error = NULL;

  signed_in_start (&w, "access-lifetime=4");

  /* Three callers at once (one forcing); with rotation, a second refresh with the
   * same old refresh token would fail with invalid_grant. */
  wbps_account_manager_get_token_async (w.manager, NULL, FALSE, NULL, wbps_test_store_result, &first);
  wbps_account_manager_get_token_async (w.manager, CREATOR_ID, FALSE, NULL, wbps_test_store_result, &second);
  wbps_account_manager_get_token_async (w.manager, CREATOR_ID, TRUE, NULL, wbps_test_store_result, &third);
  wbps_test_await (&first, 30);
  wbps_test_await (&second, 30);
  wbps_test_await (&third, 30);

  a = wbps_account_manager_get_token_finish (w.manager, first, &error);
  g_assert_no_error (error);
  b = wbps_account_manager_get_token_finish (w.manager, second, &error);
  g_assert_no_error (error);
  c = wbps_account_manager_get_token_finish (w.manager, third, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (a->access_token, !=, w.signed_in->access_token);
  g_assert_cmpstr (a->access_token, ==, b->access_token);
  g_assert_cmpstr (a->access_token, ==, c->access_token);
  g_assert_cmpstr (a->refresh_token, ==, b->refresh_token);
  g_assert_cmpstr (a->refresh_token, ==, c->refresh_token);

  stored = keyring_token (CREATOR_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->refresh_token, ==, a->refresh_token);
  g_assert_cmpuint (user_info_status (w.emu, a->access_token), ==, 200);
}

/* Both "processes" (two managers on one keyring) ask for a token at once; returns both. */
static void
two_processes_get_token (SignedIn            *w,
                         WbpsAccountManager  *other,
                         gboolean             force,
                         WbpsToken          **a,
                         WbpsToken          **b)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  wbps_account_manager_get_token_async (w->manager, CREATOR_ID, force, NULL, wbps_test_store_result, &first);
  wbps_account_manager_get_token_async (other, CREATOR_ID, force, NULL, wbps_test_store_result, &second);
  wbps_test_await (&first, 30);
  wbps_test_await (&second, 30);
  *a = wbps_account_manager_get_token_finish (w->manager, first, &error);
  g_assert_no_error (error);
  *b = wbps_account_manager_get_token_finish (other, second, &error);
  g_assert_no_error (error);
}

/*
 * Two wbps processes refreshing the same account at once. With rotating refresh
 * tokens the loser used to present the refresh token the winner had just
 * rotated away and was told to sign in again. Now a lock every wbps of the user
 * shares orders them, and the second reads the keyring again: here (TikTok
 * refused the access token both held, as after an early revocation) it uses the
 * token the first stored, so TikTok sees one refresh.
 */
static void
test_two_processes_share_one_refresh (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsAccountManager) other = NULL;
  g_autoptr(WbpsToken) a = NULL;
  g_autoptr(WbpsToken) b = NULL;
  g_autoptr(WbpsToken) stored = NULL;
  g_autoptr(GError) error = NULL;

  signed_in_start (&w, "access-lifetime=3600");
  other = new_manager (w.config);
  two_processes_get_token (&w, other, TRUE, &a, &b);
  g_assert_cmpstr (a->access_token, !=, w.signed_in->access_token);
  g_assert_cmpstr (a->access_token, ==, b->access_token);
  g_assert_cmpstr (a->refresh_token, ==, b->refresh_token);
  stored = keyring_token (CREATOR_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->refresh_token, ==, a->refresh_token);
  g_assert_cmpuint (user_info_status (w.emu, a->access_token), ==, 200);
}

/* The same with tokens that are due anyway: each refreshes in turn, from the latest refresh token. */
static void
test_two_processes_refresh_in_turn (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsAccountManager) other = NULL;
  g_autoptr(WbpsToken) a = NULL;
  g_autoptr(WbpsToken) b = NULL;
  g_autoptr(WbpsToken) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_autofree char *refresh_error = NULL;

  signed_in_start (&w, "access-lifetime=4");
  other = new_manager (w.config);
  two_processes_get_token (&w, other, FALSE, &a, &b);
  stored = keyring_token (CREATOR_ID, &error);
  g_assert_no_error (error);
  g_assert_true (g_strcmp0 (stored->refresh_token, a->refresh_token) == 0 ||
                 g_strcmp0 (stored->refresh_token, b->refresh_token) == 0);
  g_assert_cmpuint (user_info_status (w.emu, a->access_token), ==, 200);
  g_assert_cmpuint (user_info_status (w.emu, b->access_token), ==, 200);
  refresh_error = raw_refresh_error (w.emu, stored->refresh_token);
  g_assert_cmpstr (refresh_error, ==, "");
}

static void
assert_sign_in_again (GError *error)
{
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN);
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_assert_nonnull (strstr (error->message, "Test Creator"));
}

static void
test_refresh_token_refused_by_tiktok (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_refresh = NULL;
  WbpsAccount *account;
  guint flagged = 0;

  signed_in_start (&w, NULL);
  account = wbps_account_manager_get_current_account (w.manager);
  g_assert_false (wbps_account_get_needs_sign_in (account));
  g_signal_connect (account, "notify::needs-sign-in", G_CALLBACK (wbps_test_count_notify), &flagged);
  /* Someone else used the refresh token: rotation killed the copy wbps holds,
   * which wbps cannot know before TikTok says invalid_grant. */
  other_refresh = raw_refresh_error (w.emu, w.signed_in->refresh_token);
  g_assert_cmpstr (other_refresh, ==, "");

  token = get_token (w.manager, NULL, TRUE, &error);
  g_assert_null (token);
  assert_sign_in_again (error);
  /* The account stays listed, marked for a new sign-in. */
  g_assert_true (wbps_account_manager_get_current_account (w.manager) == account);
  g_assert_true (wbps_account_get_needs_sign_in (account));
  g_assert_cmpuint (flagged, ==, 1);
}

/* At start the app renews what is due: a sign-in TikTok rejects is marked at once, no token handed out. */
static void
test_renew_due_marks_rejected_sign_in (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autofree char *other_refresh = NULL;
  WbpsAccount *account;
  guint flagged = 0;

  signed_in_start (&w, "access-lifetime=1");
  account = wbps_account_manager_get_current_account (w.manager);
  g_assert_false (wbps_account_get_needs_sign_in (account));
  g_signal_connect (account, "notify::needs-sign-in", G_CALLBACK (wbps_test_count_notify), &flagged);
  other_refresh = raw_refresh_error (w.emu, w.signed_in->refresh_token);
  g_assert_cmpstr (other_refresh, ==, "");

  wbps_account_manager_renew_due (w.manager, NULL);
  wbps_test_await_count (&flagged, 1, 20, "needs-sign-in to be notified");
  g_assert_true (wbps_account_get_needs_sign_in (account));
  /* Marked, still listed and current: the menu offers to sign in again. */
  g_assert_true (wbps_account_manager_get_current_account (w.manager) == account);
  g_assert_cmpuint (g_list_model_get_n_items (wbps_account_manager_get_accounts (w.manager)), ==, 1);
}

static void
test_refresh_token_expired_locally (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(GError) error = NULL;

  signed_in_start (&w, "access-lifetime=1\nrefresh-lifetime=1");
  /* With TikTok gone, any attempt to refresh would fail with a connection error. */
  g_clear_pointer (&w.emu, wbps_test_emulator_stop);
  /* The condition is time itself: wait until the refresh token's expiry has passed. */
  while (g_get_real_time () / G_USEC_PER_SEC <= w.signed_in->refresh_expires_at)
    g_usleep (100 * 1000);
  token = get_token (w.manager, NULL, FALSE, &error);
  g_assert_null (token);
  assert_sign_in_again (error);
}

static void
test_sign_out_revokes (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(GError) revoke_error = NULL;
  gboolean revoked = FALSE;
  guint accounts_changed = 0, current_changed = 0;

  signed_in_start (&w, NULL);
  g_assert_cmpstr (wbps_account_manager_get_current (w.manager), ==, CREATOR_ID);
  g_signal_connect (wbps_account_manager_get_accounts (w.manager), "items-changed",
                    G_CALLBACK (count_items_changed), &accounts_changed);
  g_signal_connect (w.manager, "notify::current-account", G_CALLBACK (wbps_test_count_notify), &current_changed);

  g_assert_true (sign_out (w.manager, NULL, &revoked, &revoke_error));
  g_assert_no_error (revoke_error);
  g_assert_true (revoked);

  g_assert_cmpuint (user_info_status (w.emu, w.signed_in->access_token), ==, 401);
  assert_not_in_keyring (CREATOR_ID);
  g_assert_cmpuint (n_accounts (w.manager), ==, 0);
  g_assert_null (wbps_account_manager_get_current (w.manager));
  g_assert_null (wbps_account_manager_lookup (w.manager, CREATOR_ID));
  g_assert_cmpuint (accounts_changed, ==, 1);
  g_assert_cmpuint (current_changed, ==, 1);
}

static void
test_sign_out_offline (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(GError) revoke_error = NULL;
  g_autoptr(GError) error = NULL;
  gboolean revoked = TRUE;

  signed_in_start (&w, NULL);
  g_clear_pointer (&w.emu, wbps_test_emulator_stop);

  g_assert_true (sign_out (w.manager, CREATOR_ID, &revoked, &revoke_error));
  g_assert_false (revoked);
  g_assert_nonnull (revoke_error);
  g_test_message ("offline revoke said: %s", revoke_error->message);

  assert_not_in_keyring (CREATOR_ID);
  g_assert_cmpuint (n_accounts (w.manager), ==, 0);
  token = get_token (w.manager, NULL, FALSE, &error);
  g_assert_null (token);
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN);
}

/* Current account of a new manager, as a new process (e.g. `wbps whoami`) would see it. */
static char *
current_after_reload (WbpsConfig *config)
{
  g_autoptr(WbpsAccountManager) manager = new_manager (config);

  return g_strdup (wbps_account_manager_get_current (manager));
}

static void
test_current_switching (void)
{
  g_autoptr(WbpsTestEmulator) emu_a = start_emulator (CREATOR_ID, NULL);
  g_autoptr(WbpsTestEmulator) emu_b = start_emulator (SECOND_ID, NULL);
  g_autoptr(WbpsConfig) config = config_for (emu_a);
  g_autoptr(WbpsAccountManager) manager = new_manager (config);
  g_autoptr(WbpsToken) creator = sign_in_raw (emu_a, "Test Creator");
  g_autoptr(WbpsToken) second = sign_in_raw (emu_b, "Second Account");
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) revoke_error = NULL;
  g_autofree char *reloaded = NULL;
  gboolean persisted = settings != NULL;
  gboolean revoked;
  guint current_changed = 0;

  /* Guards the two registrations of this test: with and without the schema. */
  g_assert_cmpint (persisted, ==, g_getenv ("WBPS_TEST_NO_SCHEMA") == NULL);
  g_assert_cmpstr (creator->open_id, ==, CREATOR_ID);
  g_assert_cmpstr (second->open_id, ==, SECOND_ID);
  g_assert_null (wbps_account_manager_get_current (manager));
  g_signal_connect (manager, "notify::current-account", G_CALLBACK (wbps_test_count_notify), &current_changed);

  /* A new sign-in becomes current. */
  add_account (manager, creator);
  add_account (manager, second);
  g_assert_cmpuint (n_accounts (manager), ==, 2);
  g_assert_cmpstr (wbps_account_manager_get_current (manager), ==, SECOND_ID);
  g_assert_cmpuint (current_changed, ==, 2);
  g_assert_cmpstr (wbps_account_get_open_id (wbps_account_manager_get_current_account (manager)), ==, SECOND_ID);
  g_assert_cmpstr (wbps_account_get_name (wbps_account_manager_get_current_account (manager)), ==, "Second Account");

  g_assert_true (wbps_account_manager_set_current (manager, CREATOR_ID, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wbps_account_manager_get_current (manager), ==, CREATOR_ID);
  g_assert_cmpuint (current_changed, ==, 3);

  g_assert_false (wbps_account_manager_set_current (manager, "oid-nobody", &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);
  g_assert_cmpstr (wbps_account_manager_get_current (manager), ==, CREATOR_ID);

  /* Without the GSettings schema the choice lives in memory; a new process falls
   * back to the first account (sorted by display name: Second Account < Test Creator). */
  reloaded = current_after_reload (config);
  g_assert_cmpstr (reloaded, ==, persisted ? CREATOR_ID : SECOND_ID);
  g_clear_pointer (&reloaded, g_free);

  /* Signing out the current account makes the other one current. */
  g_assert_true (sign_out (manager, CREATOR_ID, &revoked, &revoke_error));
  g_assert_true (revoked);
  g_assert_cmpstr (wbps_account_manager_get_current (manager), ==, SECOND_ID);
  g_assert_cmpuint (current_changed, ==, 4);
  reloaded = current_after_reload (config);
  g_assert_cmpstr (reloaded, ==, SECOND_ID);
  if (persisted)
    {
      g_autofree char *value = g_settings_get_string (settings, "current-account");

      g_assert_cmpstr (value, ==, SECOND_ID);
    }

  /* The last account goes, and nobody is current any more. */
  g_assert_true (sign_out (manager, NULL, NULL, NULL));
  g_assert_null (wbps_account_manager_get_current (manager));
  assert_not_in_keyring (SECOND_ID);
}

/* Locks every collection of the real gnome-keyring: with no display to prompt on, writes fail. */
static void
lock_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  GList *collections;
  int locked;

  g_assert_no_error (error);
  collections = secret_service_get_collections (service);
  g_assert_nonnull (collections);
  locked = secret_service_lock_sync (service, collections, NULL, NULL, &error);
  g_list_free_full (collections, g_object_unref);
  g_assert_no_error (error);
  g_assert_cmpint (locked, >, 0);
}

static void
on_sign_in_unsaved (WbpsAccountManager *manager,
                    WbpsAccount        *account,
                    const char         *text,
                    GPtrArray          *notices)
{
  g_ptr_array_add (notices, g_strdup (text));
}

/*
 * The keyring refuses the renewed sign-in (its collection locked, nobody to
 * unlock it): after the retries the new tokens stay in memory and the user is
 * told once that the next start needs a new sign-in. Before, the refresh failed
 * with "The renewed sign-in could not be saved" and, the old refresh token
 * being rotated away, the account was lost at once.
 */
static void
test_keyring_refuses_renewed_sign_in (void)
{
  g_auto(SignedIn) w = { 0 };
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(WbpsToken) renewed = NULL;
  g_autoptr(WbpsToken) again = NULL;
  g_autoptr(GError) error = NULL;

  /* A prompt would open on a display and wait forever: this test runs without one. */
  g_assert_null (g_getenv ("DISPLAY"));
  signed_in_start (&w, "clock-scale=10\naccess-lifetime=30");
  g_signal_connect (w.manager, "sign-in-unsaved", G_CALLBACK (on_sign_in_unsaved), notices);
  wait_until_expired (w.emu, w.signed_in->access_token);
  lock_keyring ();

  renewed = get_token (w.manager, CREATOR_ID, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renewed->refresh_token, !=, w.signed_in->refresh_token);
  g_assert_cmpuint (user_info_status (w.emu, renewed->access_token), ==, 200);
  g_assert_cmpuint (notices->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (notices, 0),
                            "The renewed sign-in of Test Creator could not be saved in the keyring"));
  g_assert_nonnull (strstr (g_ptr_array_index (notices, 0), "after that, sign in again"));

  /* The next renewal uses the rotated token from memory, and says nothing more. */
  again = get_token (w.manager, CREATOR_ID, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->refresh_token, !=, renewed->refresh_token);
  g_assert_cmpuint (user_info_status (w.emu, again->access_token), ==, 200);
  g_assert_cmpuint (notices->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/accounts/fresh-token-not-refreshed", test_fresh_token_not_refreshed);
  add_test ("/accounts/refresh-with-rotation", test_refresh_with_rotation);
  add_test ("/accounts/rotated-refresh-stored-before-use", test_rotated_refresh_stored_before_use);
  add_test ("/accounts/two-processes-share-one-refresh", test_two_processes_share_one_refresh);
  add_test ("/accounts/two-processes-refresh-in-turn", test_two_processes_refresh_in_turn);
  add_test ("/accounts/concurrent-callers-share-one-refresh",
            test_concurrent_callers_share_one_refresh);
  add_test ("/accounts/refresh-token-refused-by-tiktok", test_refresh_token_refused_by_tiktok);
  add_test ("/accounts/renew-due-marks-rejected-sign-in", test_renew_due_marks_rejected_sign_in);
  add_test ("/accounts/refresh-token-expired-locally", test_refresh_token_expired_locally);
  add_test ("/accounts/sign-out-revokes", test_sign_out_revokes);
  add_test ("/accounts/sign-out-offline", test_sign_out_offline);
  add_test ("/accounts/current-switching", test_current_switching);
  /* Only in its own run (meson test test-account-manager-keyring-locked): it locks the keyring. */
  if (g_getenv ("WBPS_TEST_LOCK_KEYRING") != NULL)
    add_test ("/accounts/keyring-refuses-renewed-sign-in", test_keyring_refuses_renewed_sign_in);

  return g_test_run ();
}
