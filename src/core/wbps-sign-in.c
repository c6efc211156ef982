/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "wbps-error.h"
#include "wbps-json.h"
#include "wbps-loopback-server.h"
#include "wbps-oauth-client.h"
#include "wbps-pkce.h"
#include "wbps-redact.h"
#include "wbps-sign-in.h"

struct _WbpsSignIn
{
  GObject             parent_instance;

  WbpsAccountManager *accounts;
  WbpsApiClient      *api;
  WbpsOAuthClient    *oauth;
  WbpsLoopbackServer *server;
  char               *authorize_url;
  guint               timeout;
  guint               open_browser : 1;
  guint               started : 1;
};

/* The secrets of one run, wiped when the run ends. */
typedef struct {
  char      *verifier;
  char      *state;
  WbpsToken *token;
} Run;

enum {
  PROP_0,
  PROP_OPEN_BROWSER,
  PROP_TIMEOUT,
  PROP_AUTHORIZE_URL,
  N_PROPS
};

enum {
  SIGNAL_AUTHORIZE_URL,
  SIGNAL_BROWSER_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WbpsSignIn, wbps_sign_in, G_TYPE_OBJECT)

static void
run_free (Run *run)
{
  wbps_secret_free (run->verifier);
  wbps_secret_free (run->state);
  g_clear_pointer (&run->token, wbps_token_free);
  g_free (run);
}

static void
wbps_sign_in_dispose (GObject *object)
{
  WbpsSignIn *self = WBPS_SIGN_IN (object);

  if (self->server != NULL)
    wbps_loopback_server_close (self->server);
  g_clear_object (&self->server);
  G_OBJECT_CLASS (wbps_sign_in_parent_class)->dispose (object);
}

static void
wbps_sign_in_finalize (GObject *object)
{
  WbpsSignIn *self = WBPS_SIGN_IN (object);

  g_clear_object (&self->accounts);
  g_clear_object (&self->api);
  g_clear_object (&self->oauth);
  /* It holds the state. */
  g_clear_pointer (&self->authorize_url, wbps_secret_free);
  G_OBJECT_CLASS (wbps_sign_in_parent_class)->finalize (object);
}

static void
wbps_sign_in_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  WbpsSignIn *self = WBPS_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_OPEN_BROWSER:
      g_value_set_boolean (value, self->open_browser);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_AUTHORIZE_URL:
      g_value_set_string (value, self->authorize_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_sign_in_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  WbpsSignIn *self = WBPS_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_OPEN_BROWSER:
      wbps_sign_in_set_open_browser (self, g_value_get_boolean (value));
      break;
    case PROP_TIMEOUT:
      wbps_sign_in_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_sign_in_class_init (WbpsSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_sign_in_dispose;
  object_class->finalize = wbps_sign_in_finalize;
  object_class->get_property = wbps_sign_in_get_property;
  object_class->set_property = wbps_sign_in_set_property;

  properties[PROP_OPEN_BROWSER] =
    g_param_spec_boolean ("open-browser", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHORIZE_URL] =
    g_param_spec_string ("authorize-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_AUTHORIZE_URL] =
    g_signal_new ("authorize-url", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_BROWSER_FAILED] =
    g_signal_new ("browser-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wbps_sign_in_init (WbpsSignIn *self)
{
  self->open_browser = TRUE;
}

WbpsSignIn *
wbps_sign_in_new (WbpsAccountManager *accounts,
                  WbpsApiClient      *api)
{
  WbpsSignIn *self;

  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (accounts), NULL);
  g_return_val_if_fail (WBPS_IS_API_CLIENT (api), NULL);

  self = g_object_new (WBPS_TYPE_SIGN_IN, NULL);
  self->accounts = g_object_ref (accounts);
  self->api = g_object_ref (api);
  self->oauth = wbps_oauth_client_new (wbps_account_manager_get_config (accounts),
                                       wbps_api_client_get_session (api));
  return self;
}

void
wbps_sign_in_set_open_browser (WbpsSignIn *self,
                               gboolean    open_browser)
{
  g_return_if_fail (WBPS_IS_SIGN_IN (self));

  if (self->open_browser == !!open_browser)
    return;
  self->open_browser = !!open_browser;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_BROWSER]);
}

gboolean
wbps_sign_in_get_open_browser (WbpsSignIn *self)
{
  g_return_val_if_fail (WBPS_IS_SIGN_IN (self), FALSE);

  return self->open_browser;
}

void
wbps_sign_in_set_timeout (WbpsSignIn *self,
                          guint       timeout_seconds)
{
  g_return_if_fail (WBPS_IS_SIGN_IN (self));

  if (self->timeout == timeout_seconds)
    return;
  self->timeout = timeout_seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
wbps_sign_in_get_timeout (WbpsSignIn *self)
{
  g_return_val_if_fail (WBPS_IS_SIGN_IN (self), 0);

  return self->timeout;
}

const char *
wbps_sign_in_get_authorize_url (WbpsSignIn *self)
{
  g_return_val_if_fail (WBPS_IS_SIGN_IN (self), NULL);

  return self->authorize_url;
}

/* ---- the run, one callback per step ---------------------------------- */

static void
on_account_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!wbps_account_manager_add_finish (WBPS_ACCOUNT_MANAGER (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_debug ("Signed in as %s", run->token->open_id);
  g_task_return_pointer (task,
                         g_object_ref (wbps_account_manager_lookup (WBPS_ACCOUNT_MANAGER (source),
                                                                    run->token->open_id)),
                         g_object_unref);
}

static void
on_user_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsSignIn *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonObject) user = NULL;
  GError *error = NULL;
  const char *display_name;

  user = wbps_api_client_user_info_finish (WBPS_API_CLIENT (source), result, &error);
  if (user == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  display_name = wbps_json_get_string (user, "display_name");
  g_free (run->token->display_name);
  run->token->display_name = g_strdup (display_name != NULL && *display_name != '\0'
                                       ? display_name : run->token->open_id);
  g_free (run->token->username);
  run->token->username = g_strdup (wbps_json_get_string (user, "username"));
  g_free (run->token->avatar_url);
  run->token->avatar_url = g_strdup (wbps_json_get_string (user, "avatar_url"));
  wbps_account_manager_add_async (self->accounts, run->token, g_task_get_cancellable (task),
                                  on_account_added, g_object_ref (task));
}

static void
on_code_exchanged (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsSignIn *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  run->token = wbps_oauth_client_exchange_code_finish (WBPS_OAUTH_CLIENT (source), result, &error);
  if (run->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  wbps_api_client_user_info_async (self->api, run->token->access_token, run->token->scope,
                                   g_task_get_cancellable (task),
                                   on_user_info, g_object_ref (task));
}

static void
on_callback (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsSignIn *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *granted = NULL;
  char *code;
  GError *error = NULL;

  code = wbps_loopback_server_wait_finish (WBPS_LOOPBACK_SERVER (source), result, &granted, &error);
  if (code == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_debug ("Browser returned; granted scopes: %s", granted != NULL ? granted : "(not listed)");
  wbps_oauth_client_exchange_code_async (self->oauth, code,
                                         wbps_loopback_server_get_redirect_uri (self->server),
                                         run->verifier, g_task_get_cancellable (task),
                                         on_code_exchanged, g_object_ref (task));
  wbps_secret_free (code);
}

static void
on_browser_launched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(WbpsSignIn) self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("No browser could be started: %s", error->message);
  g_signal_emit (self, signals[SIGNAL_BROWSER_FAILED], 0, error->message);
}

/* Opens the port and builds the URL; FALSE with @error when no port could be opened. */
static gboolean
prepare (WbpsSignIn  *self,
         Run         *run,
         GError     **error)
{
  g_autofree char *challenge = NULL;

  self->server = wbps_loopback_server_new (error);
  if (self->server == NULL)
    return FALSE;
  run->verifier = wbps_pkce_new_verifier ();
  run->state = wbps_pkce_new_state ();
  challenge = wbps_pkce_challenge (run->verifier);
  self->authorize_url =
    wbps_oauth_client_build_authorize_url (self->oauth,
                                           wbps_loopback_server_get_redirect_uri (self->server),
                                           WBPS_OAUTH_DEFAULT_SCOPES, run->state, challenge);
  return TRUE;
}

void
wbps_sign_in_run_async (WbpsSignIn          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  Run *run;

  g_return_if_fail (WBPS_IS_SIGN_IN (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_sign_in_run_async);
  run = g_new0 (Run, 1);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (!wbps_config_validate (wbps_account_manager_get_config (self->accounts), &error) ||
      !prepare (self, run, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Listen before the browser can possibly come back. */
  wbps_loopback_server_wait_async (self->server, run->state, self->timeout, cancellable,
                                   on_callback, g_object_ref (task));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZE_URL]);
  g_signal_emit (self, signals[SIGNAL_AUTHORIZE_URL], 0, self->authorize_url);
  if (self->open_browser)
    g_app_info_launch_default_for_uri_async (self->authorize_url, NULL, cancellable,
                                             on_browser_launched, g_object_ref (self));
}

WbpsAccount *
wbps_sign_in_run_finish (WbpsSignIn    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
