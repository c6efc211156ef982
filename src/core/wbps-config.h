/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WBPS_CONFIG_DEFAULT_GIVE_UP_SECONDS 600

#define WBPS_TYPE_CONFIG (wbps_config_get_type ())
G_DECLARE_FINAL_TYPE (WbpsConfig, wbps_config, WBPS, CONFIG, GObject)

/* Where a configuration value came from (highest first). */
typedef enum {
  WBPS_CONFIG_SOURCE_OPTION,
  WBPS_CONFIG_SOURCE_ENVIRONMENT,
  WBPS_CONFIG_SOURCE_SETTINGS,
  WBPS_CONFIG_SOURCE_DEFAULT,
} WbpsConfigSource;

/*
 * Resolution order: command-line option (any non-NULL argument here), then the
 * environment (WBPS_AUTH_URL, WBPS_API_URL, WBPS_CLIENT_KEY, WBPS_CLIENT_SECRET,
 * WBPS_SANDBOX), then GSettings (ai.fvz.Wbps, when the schema is installed), then
 * build-time defaults. The client secret is never taken from an option.
 * Returns: (transfer full)
 */
WbpsConfig  *wbps_config_new                (const char  *auth_url_option,
                                             const char  *api_url_option,
                                             const char  *client_key_option);
/* (transfer full): For the demo mode and tests: every value given, nothing looked up. */
WbpsConfig  *wbps_config_new_explicit       (const char  *auth_url,
                                             const char  *api_url,
                                             const char  *client_key,
                                             const char  *client_secret);

/* (transfer none) */
const char  *wbps_config_get_auth_url       (WbpsConfig  *self);
/* (transfer none) */
const char  *wbps_config_get_api_url        (WbpsConfig  *self);
/* (transfer none) */
const char  *wbps_config_get_client_key     (WbpsConfig  *self);
/* (transfer none) (nullable): NULL when no secret is configured (a relay broker may hold it) */
const char  *wbps_config_get_client_secret  (WbpsConfig  *self);
gboolean     wbps_config_get_sandbox        (WbpsConfig  *self);
void         wbps_config_set_sandbox        (WbpsConfig  *self,
                                             gboolean     sandbox);
/*
 * How long a post waits for TikTok's final status before it is reported as
 * unconfirmed: WBPS_STATUS_GIVE_UP, else GSettings status-give-up-seconds,
 * else WBPS_CONFIG_DEFAULT_GIVE_UP_SECONDS.
 */
guint        wbps_config_get_give_up_seconds (WbpsConfig *self);
void         wbps_config_set_give_up_seconds (WbpsConfig *self,
                                              guint       seconds);
WbpsConfigSource wbps_config_get_source     (WbpsConfig  *self,
                                             const char  *key);

/*
 * The wbps relay (server mode) this desktop uses, or NULL: WBPS_RELAY_URL, then
 * GSettings relay-url; the --relay-url option sets it. With a relay and no client
 * secret, token calls go through the relay's broker, which holds the secret.
 * Returns: (transfer none) (nullable)
 */
const char  *wbps_config_get_relay_url      (WbpsConfig  *self);
void         wbps_config_set_relay_url      (WbpsConfig  *self,
                                             const char  *relay_url);
gboolean     wbps_config_uses_broker        (WbpsConfig  *self);
/* (transfer full): The relay URL + @path, e.g. "/events"; the relay must be set. */
char        *wbps_config_relay_endpoint     (WbpsConfig  *self,
                                             const char  *path);

/* (transfer full): Build an absolute URL under the API base, e.g. "/v2/oauth/token/". */
char        *wbps_config_api_endpoint       (WbpsConfig  *self,
                                             const char  *path);

/* Fails with WBPS_ERROR_CONFIG naming what is missing (client key, secret, URLs). */
gboolean     wbps_config_validate           (WbpsConfig  *self,
                                             GError     **error);

/* (transfer full) (nullable): GSettings of the app, or NULL when the schema is not installed
 * (e.g. uninstalled tests).
 */
GSettings   *wbps_config_get_settings       (void);

G_END_DECLS
