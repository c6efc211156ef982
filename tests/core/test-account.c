/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-account-private.h"
#include "wbps-test-util.h"

static WbpsToken *
make_token (void)
{
  WbpsToken *token = wbps_token_new ();

  token->client_key = g_strdup ("ck");
  token->open_id = g_strdup ("oid-1");
  token->access_token = g_strdup ("act.secret-access");
  token->refresh_token = g_strdup ("rft.secret-refresh");
  token->scope = g_strdup ("user.info.basic,video.publish");
  token->display_name = g_strdup ("Creator");
  token->avatar_url = g_strdup ("https://example.invalid/a.jpg");
  token->access_expires_at = 7200;
  token->refresh_expires_at = 15552000;
  return token;
}

/* The profile, never a token, and only what changed is notified. */
static void
test_update_notifies_changes (void)
{
  g_autoptr(WbpsToken) token = make_token ();
  g_autoptr(WbpsAccount) account = wbps_account_new ("oid-1");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpstr (wbps_account_get_name (account), ==, "oid-1");
  wbps_account_update (account, token, FALSE);
  g_assert_cmpstr (wbps_account_get_display_name (account), ==, "Creator");
  g_assert_cmpstr (wbps_account_get_name (account), ==, "Creator");
  g_assert_cmpstr (wbps_account_get_avatar_url (account), ==, "https://example.invalid/a.jpg");
  g_assert_true (wbps_account_has_scope (account, "video.publish"));
  g_assert_false (wbps_account_has_scope (account, "video.upload"));
  g_assert_cmpuint (g_strv_length ((GStrv) wbps_account_get_scopes (account)), ==, 2);
  g_assert_cmpint (wbps_account_get_access_expires_at (account), ==, 7200);
  g_assert_cmpint (wbps_account_get_refresh_expires_at (account), ==, 15552000);
  g_assert_false (wbps_account_get_needs_sign_in (account));

  g_signal_connect (account, "notify", G_CALLBACK (wbps_test_record_notify), names);
  wbps_account_update (account, token, FALSE);
  g_assert_cmpuint (names->len, ==, 0);

  g_free (token->display_name);
  token->display_name = g_strdup ("Renamed");
  wbps_account_update (account, token, TRUE);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "display-name", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "name", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "needs-sign-in", g_str_equal, NULL));
  g_assert_true (wbps_account_get_needs_sign_in (account));

  g_assert_null (wbps_account_get_username (account));
  token->username = g_strdup ("creator");
  wbps_account_update (account, token, TRUE);
  g_assert_cmpstr (wbps_account_get_username (account), ==, "creator");
  g_assert_cmpuint (names->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (names, 3), ==, "username");
}

static void
test_json_has_no_tokens (void)
{
  g_autoptr(WbpsToken) token = make_token ();
  g_autoptr(WbpsAccount) account = wbps_account_new ("oid-1");
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  token->username = g_strdup ("creator.name");
  wbps_account_update (account, token, FALSE);
  node = wbps_account_to_json (account);
  text = json_to_string (node, FALSE);
  g_assert_null (strstr (text, token->access_token));
  g_assert_null (strstr (text, token->refresh_token));
  g_assert_cmpstr (text, ==,
                   "{\"open_id\":\"oid-1\",\"display_name\":\"Creator\",\"username\":\"creator.name\","
                   "\"avatar_url\":\"https://example.invalid/a.jpg\","
                   "\"scope\":\"user.info.basic,video.publish\","
                   "\"access_expires_at\":\"1970-01-01T02:00:00Z\","
                   "\"refresh_expires_at\":\"1970-06-30T00:00:00Z\"}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/account/update-notifies-changes", test_update_notifies_changes);
  g_test_add_func ("/core/account/json-has-no-tokens", test_json_has_no_tokens);
  return g_test_run ();
}
