/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsTokenStore against a real gnome-keyring in a private D-Bus session
 * (run through tests/with-keyring).
 */

#include "config.h"

#include "wbps-error.h"
#include "wbps-token-store.h"

#include "wbps-test-util.h"

#define CLIENT_KEY "wbps-test-client"
#define OTHER_CLIENT_KEY "another-client"

static WbpsToken *
make_token (const char *client_key,
            const char *open_id,
            const char *display_name,
            const char *tag)
{
  WbpsToken *token = wbps_token_new ();

  token->client_key = g_strdup (client_key);
  token->open_id = g_strdup (open_id);
  token->access_token = g_strdup_printf ("act.%s-%s-access-9f8e7d", open_id, tag);
  token->refresh_token = g_strdup_printf ("rft.%s-%s-refresh-1a2b3c", open_id, tag);
  token->scope = g_strdup ("user.info.basic,video.publish");
  token->display_name = g_strdup (display_name);
  token->avatar_url = g_strdup ("https://example.com/avatar.jpg");
  token->access_expires_at = 1900000000;
  token->refresh_expires_at = 1950000000;
  return token;
}

static void
store_token (WbpsTokenStore  *store,
             const WbpsToken *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_token_store_store_async (store, token, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  g_assert_true (wbps_token_store_store_finish (store, result, &error));
  g_assert_no_error (error);
}

static WbpsToken *
lookup_token (WbpsTokenStore  *store,
              const char      *client_key,
              const char      *open_id,
              GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  wbps_token_store_lookup_async (store, client_key, open_id, NULL,
                                 wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  return wbps_token_store_lookup_finish (store, result, error);
}

static GPtrArray *
list_tokens (WbpsTokenStore *store,
             const char     *client_key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *tokens;

  wbps_token_store_list_async (store, client_key, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  tokens = wbps_token_store_list_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  return tokens;
}

static gboolean
delete_token (WbpsTokenStore *store,
              const char     *client_key,
              const char     *open_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean removed = FALSE;

  wbps_token_store_delete_async (store, client_key, open_id, NULL,
                                 wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  g_assert_true (wbps_token_store_delete_finish (store, result, &removed, &error));
  g_assert_no_error (error);
  return removed;
}

static void
assert_tokens_equal (const WbpsToken *a,
                     const WbpsToken *b)
{
  g_assert_cmpstr (a->client_key, ==, b->client_key);
  g_assert_cmpstr (a->open_id, ==, b->open_id);
  g_assert_cmpstr (a->access_token, ==, b->access_token);
  g_assert_cmpstr (a->refresh_token, ==, b->refresh_token);
  g_assert_cmpstr (a->scope, ==, b->scope);
  g_assert_cmpstr (a->display_name, ==, b->display_name);
  g_assert_cmpstr (a->avatar_url, ==, b->avatar_url);
  g_assert_cmpint (a->access_expires_at, ==, b->access_expires_at);
  g_assert_cmpint (a->refresh_expires_at, ==, b->refresh_expires_at);
}

/* Every item of the wbps schema, whatever its client key, straight from libsecret. */
static GList *
search_all_items (void)
{
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_sync (wbps_token_store_get_schema (),
                                       SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                                       NULL, &error, NULL);
  g_assert_no_error (error);
  return items;
}

static void
test_round_trip (void)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(WbpsToken) alice = make_token (CLIENT_KEY, "oid-alice", "Alice Example", "1");
  g_autoptr(WbpsToken) found = NULL;
  g_autoptr(GError) error = NULL;

  store_token (store, alice);
  found = lookup_token (store, CLIENT_KEY, "oid-alice", &error);
  g_assert_no_error (error);
  assert_tokens_equal (found, alice);

  g_assert_true (delete_token (store, CLIENT_KEY, "oid-alice"));
  g_assert_null (lookup_token (store, CLIENT_KEY, "oid-alice", &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN);
  /* Deleting what is gone succeeds and says nothing was removed. */
  g_assert_false (delete_token (store, CLIENT_KEY, "oid-alice"));
}

static void
test_list_by_client_key (void)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(WbpsToken) bob = make_token (CLIENT_KEY, "oid-bob", "Bob", "1");
  g_autoptr(WbpsToken) ann = make_token (CLIENT_KEY, "oid-ann", "Ann", "1");
  g_autoptr(WbpsToken) stranger = make_token (OTHER_CLIENT_KEY, "oid-bob", "Bob elsewhere", "1");
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(WbpsToken) still_there = NULL;
  g_autoptr(GError) error = NULL;

  store_token (store, bob);
  store_token (store, ann);
  store_token (store, stranger);

  /* Sorted by display name; the other client's item (same open_id!) is not listed. */
  mine = list_tokens (store, CLIENT_KEY);
  g_assert_cmpuint (mine->len, ==, 2);
  assert_tokens_equal (g_ptr_array_index (mine, 0), ann);
  assert_tokens_equal (g_ptr_array_index (mine, 1), bob);

  theirs = list_tokens (store, OTHER_CLIENT_KEY);
  g_assert_cmpuint (theirs->len, ==, 1);
  assert_tokens_equal (g_ptr_array_index (theirs, 0), stranger);

  /* Deleting Bob of this client leaves Bob of the other client alone. */
  g_assert_true (delete_token (store, CLIENT_KEY, "oid-bob"));
  still_there = lookup_token (store, OTHER_CLIENT_KEY, "oid-bob", &error);
  g_assert_no_error (error);
  assert_tokens_equal (still_there, stranger);

  g_assert_true (delete_token (store, CLIENT_KEY, "oid-ann"));
  g_assert_true (delete_token (store, OTHER_CLIENT_KEY, "oid-bob"));
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = list_tokens (store, CLIENT_KEY);
  g_assert_cmpuint (mine->len, ==, 0);
}

static void
test_replace_keeps_one_item (void)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(WbpsToken) first = make_token (CLIENT_KEY, "oid-carol", "Carol", "first");
  g_autoptr(WbpsToken) second = make_token (CLIENT_KEY, "oid-carol", "Carol Renamed", "second");
  g_autoptr(WbpsToken) found = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  store_token (store, first);
  store_token (store, second);

  items = search_all_items ();
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_list_free_full (items, g_object_unref);

  listed = list_tokens (store, CLIENT_KEY);
  g_assert_cmpuint (listed->len, ==, 1);
  found = lookup_token (store, CLIENT_KEY, "oid-carol", &error);
  g_assert_no_error (error);
  assert_tokens_equal (found, second);

  g_assert_true (delete_token (store, CLIENT_KEY, "oid-carol"));
}

static void
assert_no_secret_in (const char      *text,
                     const WbpsToken *token)
{
  g_assert_null (strstr (text, token->access_token));
  g_assert_null (strstr (text, token->refresh_token));
  g_assert_null (strstr (text, "act."));
  g_assert_null (strstr (text, "rft."));
}

static void
test_secret_only_in_secret (void)
{
  g_autoptr(WbpsTokenStore) store = wbps_token_store_new ();
  g_autoptr(WbpsToken) dave = make_token (CLIENT_KEY, "oid-dave", "Dave", "1");
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(JsonNode) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  SecretRetrievable *item;
  GHashTableIter iter;
  gpointer key, attr_value;
  GList *items;

  store_token (store, dave);

  items = search_all_items ();
  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = items->data;

  label = secret_retrievable_get_label (item);
  g_assert_cmpstr (label, ==, "wbps: TikTok account Dave");
  assert_no_secret_in (label, dave);

  /* Exactly the documented attributes, none holding a token. */
  attributes = secret_retrievable_get_attributes (item);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "client_key"), ==, CLIENT_KEY);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "open_id"), ==, "oid-dave");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, "ai.fvz.Wbps.Token");
  g_assert_cmpuint (g_hash_table_size (attributes), ==, 3);
  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &attr_value))
    assert_no_secret_in (attr_value, dave);

  /* The secret itself is the JSON bundle (gnome-keyring does not keep the
   * application/json content type we send, so the content is checked). */
  value = secret_retrievable_retrieve_secret_sync (item, NULL, &error);
  g_assert_no_error (error);
  secret = json_from_string (secret_value_get_text (value), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (secret));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (secret), "refresh_token"),
                   ==, dave->refresh_token);

  g_list_free_full (items, g_object_unref);
  g_assert_true (delete_token (store, CLIENT_KEY, "oid-dave"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-store/round-trip", test_round_trip);
  g_test_add_func ("/token-store/list-by-client-key", test_list_by_client_key);
  g_test_add_func ("/token-store/replace-keeps-one-item", test_replace_keeps_one_item);
  g_test_add_func ("/token-store/secret-only-in-secret", test_secret_only_in_secret);

  return g_test_run ();
}
