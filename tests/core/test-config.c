/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-config.h"
#include "wbps-error.h"

static void
clear_env (void)
{
  g_unsetenv ("WBPS_AUTH_URL");
  g_unsetenv ("WBPS_API_URL");
  g_unsetenv ("WBPS_CLIENT_KEY");
  g_unsetenv ("WBPS_CLIENT_SECRET");
  g_unsetenv ("WBPS_SANDBOX");
  g_unsetenv ("WBPS_STATUS_GIVE_UP");
}

/* README: the environment beats GSettings (which beats the build default). */
static void
test_env_beats_settings (void)
{
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  g_autoptr(WbpsConfig) config = NULL;

  clear_env ();
  g_assert_nonnull (settings);
  g_settings_set_string (settings, "client-key", "settings-key");
  g_settings_set_string (settings, "api-url", "http://127.0.0.1:3");
  g_setenv ("WBPS_CLIENT_KEY", "env-key", TRUE);
  g_setenv ("WBPS_API_URL", "http://127.0.0.1:4", TRUE);
  config = wbps_config_new (NULL, NULL, NULL);
  g_assert_cmpstr (wbps_config_get_client_key (config), ==, "env-key");
  g_assert_cmpint (wbps_config_get_source (config, "client-key"), ==, WBPS_CONFIG_SOURCE_ENVIRONMENT);
  g_assert_cmpstr (wbps_config_get_api_url (config), ==, "http://127.0.0.1:4");
  g_settings_reset (settings, "client-key");
  g_settings_reset (settings, "api-url");
  clear_env ();
}

/* README: the status-give-up-seconds key sets how long a post waits for TikTok (default 600). */
static void
test_give_up_seconds_key (void)
{
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  g_autoptr(WbpsConfig) by_default = NULL;
  g_autoptr(WbpsConfig) by_key = NULL;

  clear_env ();
  g_assert_nonnull (settings);
  by_default = wbps_config_new (NULL, NULL, NULL);
  g_assert_cmpuint (wbps_config_get_give_up_seconds (by_default), ==, 600);
  g_settings_set_uint (settings, "status-give-up-seconds", 42);
  by_key = wbps_config_new (NULL, NULL, NULL);
  g_assert_cmpuint (wbps_config_get_give_up_seconds (by_key), ==, 42);
  g_settings_reset (settings, "status-give-up-seconds");
}

/* README: the client secret is never stored in GSettings (a plain file): the schema has no key for it. */
static void
test_no_secret_in_settings (void)
{
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_assert_nonnull (settings);
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_null (strstr (keys[i], "secret"));
  g_assert_true (g_strv_contains ((const char * const *) keys, "client-key"));
}

static void
test_option_beats_env (void)
{
  g_autoptr(WbpsConfig) config = NULL;

  clear_env ();
  g_setenv ("WBPS_API_URL", "http://127.0.0.1:1/", TRUE);
  g_setenv ("WBPS_CLIENT_KEY", "env-key", TRUE);
  config = wbps_config_new (NULL, "http://127.0.0.1:2", NULL);
  g_assert_cmpstr (wbps_config_get_api_url (config), ==, "http://127.0.0.1:2");
  g_assert_cmpint (wbps_config_get_source (config, "api-url"), ==, WBPS_CONFIG_SOURCE_OPTION);
  g_assert_cmpstr (wbps_config_get_client_key (config), ==, "env-key");
  g_assert_cmpint (wbps_config_get_source (config, "client-key"), ==, WBPS_CONFIG_SOURCE_ENVIRONMENT);
}

static void
test_settings_beat_default (void)
{
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  g_autoptr(WbpsConfig) config = NULL;

  clear_env ();
  g_assert_nonnull (settings);
  g_settings_set_string (settings, "client-key", "settings-key");
  g_settings_set_boolean (settings, "sandbox", TRUE);
  config = wbps_config_new (NULL, NULL, NULL);
  g_assert_cmpstr (wbps_config_get_client_key (config), ==, "settings-key");
  g_assert_cmpint (wbps_config_get_source (config, "client-key"), ==, WBPS_CONFIG_SOURCE_SETTINGS);
  g_assert_cmpint (wbps_config_get_source (config, "auth-url"), ==, WBPS_CONFIG_SOURCE_DEFAULT);
  g_assert_cmpstr (wbps_config_get_auth_url (config), ==, "https://www.tiktok.com/v2/auth/authorize/");
  g_assert_true (wbps_config_get_sandbox (config));
  g_settings_reset (settings, "client-key");
  g_settings_reset (settings, "sandbox");
}

static void
test_secret_only_from_env (void)
{
  g_autoptr(WbpsConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  clear_env ();
  config = wbps_config_new ("http://127.0.0.1:3/a", "http://127.0.0.1:3", "key");
  g_assert_false (wbps_config_validate (config, &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_CONFIG);
  g_assert_true (strstr (error->message, "WBPS_CLIENT_SECRET") != NULL);
  g_clear_object (&config);
  g_clear_error (&error);

  g_setenv ("WBPS_CLIENT_SECRET", "s3cret-value", TRUE);
  config = wbps_config_new ("http://127.0.0.1:3/a", "http://127.0.0.1:3", "key");
  g_assert_true (wbps_config_validate (config, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (wbps_config_get_client_secret (config), ==, "s3cret-value");
}

static void
test_invalid_url (void)
{
  g_autoptr(WbpsConfig) config = wbps_config_new_explicit ("not a url", "http://127.0.0.1:3", "k", "secret");
  g_autoptr(GError) error = NULL;

  g_assert_false (wbps_config_validate (config, &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_CONFIG);
  g_assert_true (strstr (error->message, "not a url") != NULL);
}

static void
test_endpoint_join (void)
{
  g_autoptr(WbpsConfig) a = wbps_config_new_explicit ("http://x/", "http://127.0.0.1:9/", "k", "s");
  g_autoptr(WbpsConfig) b = wbps_config_new_explicit ("http://x/", "http://127.0.0.1:9", "k", "s");
  g_autofree char *ua = wbps_config_api_endpoint (a, "/v2/oauth/token/");
  g_autofree char *ub = wbps_config_api_endpoint (b, "v2/user/info/");

  g_assert_cmpstr (ua, ==, "http://127.0.0.1:9/v2/oauth/token/");
  g_assert_cmpstr (ub, ==, "http://127.0.0.1:9/v2/user/info/");
}

static void
test_sandbox_env (void)
{
  g_autoptr(WbpsConfig) config = NULL;

  clear_env ();
  g_setenv ("WBPS_SANDBOX", "1", TRUE);
  config = wbps_config_new (NULL, NULL, NULL);
  g_assert_true (wbps_config_get_sandbox (config));
  clear_env ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/config/option-beats-env", test_option_beats_env);
  g_test_add_func ("/core/config/settings-beat-default", test_settings_beat_default);
  g_test_add_func ("/core/config/env-beats-settings", test_env_beats_settings);
  g_test_add_func ("/core/config/give-up-seconds-key", test_give_up_seconds_key);
  g_test_add_func ("/core/config/no-secret-in-settings", test_no_secret_in_settings);
  g_test_add_func ("/core/config/secret-only-from-env", test_secret_only_from_env);
  g_test_add_func ("/core/config/invalid-url", test_invalid_url);
  g_test_add_func ("/core/config/endpoint-join", test_endpoint_join);
  g_test_add_func ("/core/config/sandbox-env", test_sandbox_env);
  return g_test_run ();
}
