/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "wbps-config.h"
#include "wbps-error.h"
#include "wbps-redact.h"

struct _WbpsConfig
{
  GObject           parent_instance;

  char             *auth_url;
  char             *api_url;
  char             *client_key;
  char             *client_secret;
  char             *relay_url;
  gboolean          sandbox;
  guint             give_up_seconds;
  WbpsConfigSource  sources[4];
};

enum { KEY_AUTH_URL, KEY_API_URL, KEY_CLIENT_KEY, KEY_CLIENT_SECRET };

G_DEFINE_FINAL_TYPE (WbpsConfig, wbps_config, G_TYPE_OBJECT)

static void
wbps_config_finalize (GObject *object)
{
  WbpsConfig *self = (WbpsConfig *) object;

  g_free (self->auth_url);
  g_free (self->api_url);
  g_free (self->client_key);
  wbps_secret_free (self->client_secret);
  g_free (self->relay_url);

  G_OBJECT_CLASS (wbps_config_parent_class)->finalize (object);
}

static void
wbps_config_class_init (WbpsConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_config_finalize;
}

static void
wbps_config_init (WbpsConfig *self)
{
}

GSettings *
wbps_config_get_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static char *
settings_string (GSettings  *settings,
                 const char *key)
{
  g_autofree char *value = NULL;

  if (settings == NULL)
    return NULL;
  value = g_settings_get_string (settings, key);
  return (value != NULL && *value != '\0') ? g_steal_pointer (&value) : NULL;
}

/* The first non-empty of option, environment, GSettings, default; records which one won. */
static char *
resolve (const char       *option,
         const char       *env_name,
         GSettings        *settings,
         const char       *settings_key,
         const char       *fallback,
         WbpsConfigSource *source)
{
  const char *env = env_name != NULL ? g_getenv (env_name) : NULL;
  char *from_settings;

  if (option != NULL && *option != '\0')
    return (*source = WBPS_CONFIG_SOURCE_OPTION, g_strdup (option));
  if (env != NULL && *env != '\0')
    return (*source = WBPS_CONFIG_SOURCE_ENVIRONMENT, g_strdup (env));
  from_settings = settings_key != NULL ? settings_string (settings, settings_key) : NULL;
  if (from_settings != NULL)
    return (*source = WBPS_CONFIG_SOURCE_SETTINGS, from_settings);
  *source = WBPS_CONFIG_SOURCE_DEFAULT;
  return g_strdup (fallback);
}

static gboolean
env_flag (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && (g_str_equal (value, "1") || g_ascii_strcasecmp (value, "true") == 0 ||
                           g_ascii_strcasecmp (value, "yes") == 0);
}

/* WBPS_STATUS_GIVE_UP (tests), else GSettings status-give-up-seconds, else 600. */
static guint
resolve_give_up_seconds (GSettings *settings)
{
  const char *env = g_getenv ("WBPS_STATUS_GIVE_UP");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT, &value, NULL))
    return value;
  return settings != NULL ? g_settings_get_uint (settings, "status-give-up-seconds")
                          : WBPS_CONFIG_DEFAULT_GIVE_UP_SECONDS;
}

WbpsConfig *
wbps_config_new (const char *auth_url_option,
                 const char *api_url_option,
                 const char *client_key_option)
{
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  WbpsConfig *self = g_object_new (WBPS_TYPE_CONFIG, NULL);
  WbpsConfigSource relay_source;

  self->auth_url = resolve (auth_url_option, "WBPS_AUTH_URL", settings, "auth-url",
                            WBPS_DEFAULT_AUTH_URL, &self->sources[KEY_AUTH_URL]);
  self->api_url = resolve (api_url_option, "WBPS_API_URL", settings, "api-url",
                           WBPS_DEFAULT_API_URL, &self->sources[KEY_API_URL]);
  self->client_key = resolve (client_key_option, "WBPS_CLIENT_KEY", settings, "client-key",
                              WBPS_DEFAULT_CLIENT_KEY, &self->sources[KEY_CLIENT_KEY]);
  /* The secret never comes from argv (visible in ps) nor from GSettings (a plain file). */
  self->client_secret = resolve (NULL, "WBPS_CLIENT_SECRET", NULL, NULL,
                                 WBPS_DEFAULT_CLIENT_SECRET, &self->sources[KEY_CLIENT_SECRET]);
  wbps_redact_register (self->client_secret);
  self->relay_url = resolve (NULL, "WBPS_RELAY_URL", settings, "relay-url", "", &relay_source);
  self->sandbox = env_flag ("WBPS_SANDBOX") ||
                  (settings != NULL && g_settings_get_boolean (settings, "sandbox"));
  self->give_up_seconds = resolve_give_up_seconds (settings);
  return self;
}

WbpsConfig *
wbps_config_new_explicit (const char *auth_url,
                          const char *api_url,
                          const char *client_key,
                          const char *client_secret)
{
  g_autoptr(GSettings) settings = wbps_config_get_settings ();
  WbpsConfig *self = g_object_new (WBPS_TYPE_CONFIG, NULL);

  self->auth_url = g_strdup (auth_url);
  self->api_url = g_strdup (api_url);
  self->client_key = g_strdup (client_key);
  self->client_secret = g_strdup (client_secret);
  wbps_redact_register (self->client_secret);
  self->sandbox = env_flag ("WBPS_SANDBOX");
  self->give_up_seconds = resolve_give_up_seconds (settings);
  for (guint i = 0; i < G_N_ELEMENTS (self->sources); i++)
    self->sources[i] = WBPS_CONFIG_SOURCE_OPTION;
  return self;
}

const char *
wbps_config_get_auth_url (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), NULL);
  return self->auth_url;
}

const char *
wbps_config_get_api_url (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), NULL);
  return self->api_url;
}

const char *
wbps_config_get_client_key (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), NULL);
  return self->client_key;
}

const char *
wbps_config_get_client_secret (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), NULL);
  return self->client_secret;
}

gboolean
wbps_config_get_sandbox (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), FALSE);
  return self->sandbox;
}

void
wbps_config_set_sandbox (WbpsConfig *self,
                         gboolean    sandbox)
{
  g_return_if_fail (WBPS_IS_CONFIG (self));
  self->sandbox = !!sandbox;
}

guint
wbps_config_get_give_up_seconds (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), WBPS_CONFIG_DEFAULT_GIVE_UP_SECONDS);
  return self->give_up_seconds;
}

void
wbps_config_set_give_up_seconds (WbpsConfig *self,
                                 guint       seconds)
{
  g_return_if_fail (WBPS_IS_CONFIG (self));
  g_return_if_fail (seconds > 0);
  self->give_up_seconds = seconds;
}

WbpsConfigSource
wbps_config_get_source (WbpsConfig *self,
                        const char *key)
{
  static const char *keys[] = { "auth-url", "api-url", "client-key", "client-secret" };

  g_return_val_if_fail (WBPS_IS_CONFIG (self), WBPS_CONFIG_SOURCE_DEFAULT);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_strcmp0 (key, keys[i]) == 0)
      return self->sources[i];
  return WBPS_CONFIG_SOURCE_DEFAULT;
}

char *
wbps_config_api_endpoint (WbpsConfig *self,
                          const char *path)
{
  gsize len;

  g_return_val_if_fail (WBPS_IS_CONFIG (self), NULL);
  len = strlen (self->api_url);
  while (len > 0 && self->api_url[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s%s%s", (int) len, self->api_url,
                          g_str_has_prefix (path, "/") ? "" : "/", path);
}

static gboolean
check_url (const char  *url,
           const char  *what,
           GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_CONFIG,
                   _("The %s \"%s\" is not a valid http(s) address."), what, url != NULL ? url : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
wbps_config_validate (WbpsConfig  *self,
                      GError     **error)
{
  const char *relay_url;

  g_return_val_if_fail (WBPS_IS_CONFIG (self), FALSE);
  relay_url = wbps_config_get_relay_url (self);

  if (!check_url (self->auth_url, _("authorize address"), error) ||
      !check_url (self->api_url, _("API address"), error))
    return FALSE;
  if (self->client_key == NULL || *self->client_key == '\0')
    {
      g_set_error_literal (error, WBPS_ERROR, WBPS_ERROR_CONFIG,
                           _("No TikTok client key is configured: use --client-key, WBPS_CLIENT_KEY or the client-key setting (or try --demo)."));
      return FALSE;
    }
  if (relay_url != NULL && !check_url (relay_url, _("relay address"), error))
    return FALSE;
  if ((self->client_secret == NULL || *self->client_secret == '\0') && relay_url == NULL)
    {
      g_set_error_literal (error, WBPS_ERROR, WBPS_ERROR_CONFIG,
                           _("No TikTok client secret is configured: set WBPS_CLIENT_SECRET in the environment (it is never accepted on the command line), use a wbps relay that brokers sign-in (--relay-url, WBPS_RELAY_URL), or try --demo."));
      return FALSE;
    }
  return TRUE;
}

const char *
wbps_config_get_relay_url (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), NULL);
  return self->relay_url != NULL && *self->relay_url != '\0' ? self->relay_url : NULL;
}

void
wbps_config_set_relay_url (WbpsConfig *self,
                           const char *relay_url)
{
  g_return_if_fail (WBPS_IS_CONFIG (self));
  g_free (self->relay_url);
  self->relay_url = g_strdup (relay_url);
}

gboolean
wbps_config_uses_broker (WbpsConfig *self)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (self), FALSE);
  return wbps_config_get_relay_url (self) != NULL &&
         (self->client_secret == NULL || *self->client_secret == '\0');
}

char *
wbps_config_relay_endpoint (WbpsConfig *self,
                            const char *path)
{
  const char *base = wbps_config_get_relay_url (self);
  gsize len;

  g_return_val_if_fail (base != NULL, NULL);
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s%s", (int) len, base, path);
}
