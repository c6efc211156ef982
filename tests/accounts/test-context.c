/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsContext against a real gnome-keyring (with-keyring): what a front end
 * holds, how the keyring accounts load without blocking the main context, and
 * the demo mode's emulator living and dying with the context.
 */
#include "config.h"

#include "wbps-context.h"
#include "wbps-error.h"

#include "wbps-test-util.h"

#define CLIENT_KEY "wbps-context-test"

static WbpsConfig *
test_config (void)
{
  return wbps_config_new_explicit ("http://127.0.0.1:9/auth", "http://127.0.0.1:9",
                                   CLIENT_KEY, "context-secret");
}

static void
store_token (WbpsTokenStore *store,
             const char     *open_id,
             const char     *display_name)
{
  g_autoptr(WbpsToken) token = wbps_token_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  token->client_key = g_strdup (CLIENT_KEY);
  token->open_id = g_strdup (open_id);
  token->access_token = g_strdup ("act.context-test");
  token->refresh_token = g_strdup ("rft.context-test");
  token->scope = g_strdup ("user.info.basic,video.publish");
  token->display_name = g_strdup (display_name);
  token->access_expires_at = now + 7200;
  token->refresh_expires_at = now + 86400;
  wbps_token_store_store_async (store, token, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 20);
  g_assert_true (wbps_token_store_store_finish (store, result, &error));
  g_assert_no_error (error);
}

static gboolean
count_tick (gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static void
test_owns_the_core (void)
{
  g_autoptr(WbpsConfig) config = test_config ();
  g_autoptr(WbpsContext) context = wbps_context_new (config);
  WbpsAccountManager *accounts = wbps_context_get_account_manager (context);

  g_assert_true (wbps_context_get_config (context) == config);
  g_assert_true (WBPS_IS_TOKEN_STORE (wbps_context_get_token_store (context)));
  g_assert_true (wbps_account_manager_get_config (accounts) == config);
  g_assert_true (WBPS_IS_API_CLIENT (wbps_context_get_api_client (context)));
  g_assert_true (WBPS_IS_DATABASE (wbps_context_get_database (context)));
  g_assert_null (wbps_context_get_demo (context));
  /* Nothing read before asked. */
  g_assert_false (wbps_account_manager_get_loaded (accounts));
  g_assert_cmpuint (g_list_model_get_n_items (wbps_account_manager_get_accounts (accounts)), ==, 0);
}

/* The keyring is read while the main context keeps dispatching; the models then notify. */
static void
test_load_accounts (void)
{
  g_autoptr(WbpsConfig) config = test_config ();
  g_autoptr(WbpsContext) context = wbps_context_new (config);
  WbpsAccountManager *accounts = wbps_context_get_account_manager (context);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint ticks = 0, loaded = 0, current = 0, tick_id;
  WbpsAccount *account;

  store_token (wbps_context_get_token_store (context), "oid-ctx", "Context Creator");
  g_signal_connect (accounts, "notify::loaded", G_CALLBACK (wbps_test_count_notify), &loaded);
  g_signal_connect (accounts, "notify::current-account", G_CALLBACK (wbps_test_count_notify), &current);

  tick_id = g_timeout_add (1, count_tick, &ticks);
  wbps_context_load_accounts_async (context, NULL, wbps_test_store_result, &result);
  g_assert_null (result);
  wbps_test_await (&result, 20);
  g_source_remove (tick_id);
  g_assert_true (wbps_context_load_accounts_finish (context, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ticks, >, 0);

  g_assert_true (wbps_account_manager_get_loaded (accounts));
  g_assert_cmpuint (loaded, ==, 1);
  g_assert_cmpuint (current, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (wbps_account_manager_get_accounts (accounts)), ==, 1);
  account = wbps_account_manager_get_current_account (accounts);
  g_assert_cmpstr (wbps_account_get_open_id (account), ==, "oid-ctx");
  g_assert_cmpstr (wbps_account_get_display_name (account), ==, "Context Creator");
  g_assert_true (wbps_account_has_scope (account, "video.publish"));

  /* A second load is answered at once and changes nothing. */
  g_clear_object (&result);
  wbps_context_load_accounts_async (context, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 5);
  g_assert_true (wbps_context_load_accounts_finish (context, result, &error));
  g_assert_true (wbps_account_manager_get_current_account (accounts) == account);
  g_assert_cmpuint (loaded, ==, 1);
  g_assert_cmpuint (current, ==, 1);
}

static void
test_load_refuses_incomplete_config (void)
{
  g_autoptr(WbpsConfig) config = wbps_config_new_explicit ("http://127.0.0.1:9/auth", "http://127.0.0.1:9",
                                                           "", NULL);
  g_autoptr(WbpsContext) context = wbps_context_new (config);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_context_load_accounts_async (context, NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 5);
  g_assert_false (wbps_context_load_accounts_finish (context, result, &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_CONFIG);
  g_assert_false (wbps_account_manager_get_loaded (wbps_context_get_account_manager (context)));
}

static void
test_open_database (void)
{
  g_autoptr(WbpsConfig) config = test_config ();
  g_autoptr(WbpsContext) context = wbps_context_new (config);
  WbpsDatabase *db = wbps_context_get_database (context);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      wbps_context_open_database_async (context, NULL, wbps_test_store_result, &result);
      wbps_test_await (&result, 20);
      g_assert_true (wbps_context_open_database_finish (context, result, &error));
      g_assert_no_error (error);
      g_assert_true (wbps_context_get_database (context) == db);
    }
  g_assert_true (g_file_test (wbps_database_get_path (db), G_FILE_TEST_IS_REGULAR));
}

/* The demo context talks to its own emulator, which stops with the context. */
static void
test_demo_context (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsContext) context = NULL;
  g_autofree char *base_url = NULL;
  WbpsDemo *demo;

  wbps_context_new_demo_async (NULL, wbps_test_store_result, &result);
  wbps_test_await (&result, 40);
  context = wbps_context_new_demo_finish (result, &error);
  g_assert_no_error (error);
  demo = wbps_context_get_demo (context);
  g_assert_nonnull (demo);
  base_url = g_strdup (wbps_demo_get_base_url (demo));
  g_assert_true (g_str_has_prefix (base_url, "http://127.0.0.1:"));
  g_assert_cmpstr (wbps_config_get_api_url (wbps_context_get_config (context)), ==, base_url);

  g_clear_object (&context);
  {
    g_autoptr(GSocketClient) client = g_socket_client_new ();
    g_autoptr(GSocketConnection) connection = NULL;
    g_autoptr(GError) connect_error = NULL;

    connection = g_socket_client_connect_to_uri (client, base_url, 80, NULL, &connect_error);
    g_assert_null (connection);
    g_assert_error (connect_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/context/owns-the-core", test_owns_the_core);
  g_test_add_func ("/context/load-accounts", test_load_accounts);
  g_test_add_func ("/context/load-refuses-incomplete-config", test_load_refuses_incomplete_config);
  g_test_add_func ("/context/open-database", test_open_database);
  g_test_add_func ("/context/demo", test_demo_context);

  return g_test_run ();
}
