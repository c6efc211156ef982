/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-context.h"

struct _WbpsContext
{
  GObject             parent_instance;

  WbpsConfig         *config;
  WbpsTokenStore     *store;
  WbpsAccountManager *accounts;
  WbpsApiClient      *api;
  WbpsDatabase       *database;
  WbpsHistory        *history;   /* made on first use */
  WbpsDemo           *demo;

  gboolean            database_open;
};

G_DEFINE_FINAL_TYPE (WbpsContext, wbps_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_DEMO,
  PROP_ACCOUNT_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wbps_context_constructed (GObject *object)
{
  WbpsContext *self = WBPS_CONTEXT (object);

  G_OBJECT_CLASS (wbps_context_parent_class)->constructed (object);

  g_return_if_fail (self->config != NULL);
  self->store = wbps_token_store_new ();
  self->accounts = wbps_account_manager_new (self->config, self->store);
  self->api = wbps_api_client_new (self->config, self->accounts);
  self->database = wbps_database_new (NULL);
}

static void
wbps_context_dispose (GObject *object)
{
  WbpsContext *self = WBPS_CONTEXT (object);

  g_clear_object (&self->history);
  g_clear_object (&self->api);
  g_clear_object (&self->accounts);
  g_clear_object (&self->store);
  g_clear_object (&self->database);
  /* The demo emulator goes last: everything above may still talk to it. */
  if (self->demo != NULL)
    wbps_demo_stop (self->demo);
  g_clear_object (&self->demo);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (wbps_context_parent_class)->dispose (object);
}

static void
wbps_context_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  WbpsContext *self = WBPS_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    case PROP_DEMO:
      g_value_set_object (value, self->demo);
      break;

    case PROP_ACCOUNT_MANAGER:
      g_value_set_object (value, self->accounts);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_context_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  WbpsContext *self = WBPS_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;

    case PROP_DEMO:
      self->demo = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_context_class_init (WbpsContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wbps_context_constructed;
  object_class->dispose = wbps_context_dispose;
  object_class->get_property = wbps_context_get_property;
  object_class->set_property = wbps_context_set_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, WBPS_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEMO] =
    g_param_spec_object ("demo", NULL, NULL, WBPS_TYPE_DEMO,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT_MANAGER] =
    g_param_spec_object ("account-manager", NULL, NULL, WBPS_TYPE_ACCOUNT_MANAGER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_context_init (WbpsContext *self)
{
}

WbpsContext *
wbps_context_new (WbpsConfig *config)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (config), NULL);

  return g_object_new (WBPS_TYPE_CONTEXT, "config", config, NULL);
}

/* new_demo: start the emulator -> a context on its configuration */

static void
demo_started_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsDemo *demo = WBPS_DEMO (source);
  g_autoptr(WbpsConfig) config = NULL;
  GError *error = NULL;

  config = wbps_demo_start_finish (demo, result, &error);
  if (config == NULL)
    {
      wbps_demo_stop (demo);
      return g_task_return_error (task, error);
    }
  g_task_return_pointer (task,
                         g_object_new (WBPS_TYPE_CONTEXT, "config", config, "demo", demo, NULL),
                         g_object_unref);
}

void
wbps_context_new_demo_async (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(WbpsDemo) demo = wbps_demo_new ();
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, wbps_context_new_demo_async);
  wbps_demo_start_async (demo, cancellable, demo_started_cb, task);
}

WbpsContext *
wbps_context_new_demo_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wbps_context_new_demo_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

WbpsConfig *
wbps_context_get_config (WbpsContext *self)
{
  g_return_val_if_fail (WBPS_IS_CONTEXT (self), NULL);

  return self->config;
}

WbpsTokenStore *
wbps_context_get_token_store (WbpsContext *self)
{
  g_return_val_if_fail (WBPS_IS_CONTEXT (self), NULL);

  return self->store;
}

WbpsAccountManager *
wbps_context_get_account_manager (WbpsContext *self)
{
  g_return_val_if_fail (WBPS_IS_CONTEXT (self), NULL);

  return self->accounts;
}

WbpsApiClient *
wbps_context_get_api_client (WbpsContext *self)
{
  g_return_val_if_fail (WBPS_IS_CONTEXT (self), NULL);

  return self->api;
}

WbpsDatabase *
wbps_context_get_database (WbpsContext *self)
{
  g_return_val_if_fail (WBPS_IS_CONTEXT (self), NULL);

  return self->database;
}

WbpsHistory *
wbps_context_get_history (WbpsContext *self)
{
  g_return_val_if_fail (WBPS_IS_CONTEXT (self), NULL);

  if (self->history == NULL)
    self->history = wbps_history_new (self->database);
  return self->history;
}

WbpsDemo *
wbps_context_get_demo (WbpsContext *self)
{
  g_return_val_if_fail (WBPS_IS_CONTEXT (self), NULL);

  return self->demo;
}

/* load_accounts: validate the configuration -> read the keyring once */

static void
accounts_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  g_assert (WBPS_IS_ACCOUNT_MANAGER (source));

  if (!wbps_account_manager_load_finish (WBPS_ACCOUNT_MANAGER (source), result, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

void
wbps_context_load_accounts_async (WbpsContext         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (WBPS_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_context_load_accounts_async);

  if (!wbps_config_validate (self->config, &error))
    return g_task_return_error (task, error);
  if (wbps_account_manager_get_loaded (self->accounts))
    return g_task_return_boolean (task, TRUE);
  wbps_account_manager_load_async (self->accounts, cancellable, accounts_loaded_cb,
                                   g_steal_pointer (&task));
}

gboolean
wbps_context_load_accounts_finish (WbpsContext   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* open_database */

static void
database_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsContext *self = g_task_get_source_object (task);
  GError *error = NULL;

  g_assert (WBPS_IS_CONTEXT (self));

  if (!wbps_database_open_finish (WBPS_DATABASE (source), result, &error))
    return g_task_return_error (task, error);
  self->database_open = TRUE;
  g_task_return_boolean (task, TRUE);
}

void
wbps_context_open_database_async (WbpsContext         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WBPS_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_context_open_database_async);

  if (self->database_open)
    return g_task_return_boolean (task, TRUE);
  wbps_database_open_async (self->database, cancellable, database_opened_cb,
                            g_steal_pointer (&task));
}

gboolean
wbps_context_open_database_finish (WbpsContext   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* forget_uploads: open the database -> drop one account's upload URLs */

static void
uploads_forgotten_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (wbps_database_forget_upload_urls_finish (WBPS_DATABASE (source), result, &error) < 0)
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

static void
forget_database_opened_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsContext *self = g_task_get_source_object (task);
  const char *open_id = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  g_assert (WBPS_IS_CONTEXT (self));

  if (!wbps_context_open_database_finish (self, result, &error))
    return g_task_return_error (task, error);
  wbps_database_forget_upload_urls_async (self->database, open_id, cancellable, uploads_forgotten_cb,
                                          g_steal_pointer (&task));
}

void
wbps_context_forget_uploads_async (WbpsContext         *self,
                                   const char          *open_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WBPS_IS_CONTEXT (self));
  g_return_if_fail (open_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_context_forget_uploads_async);
  g_task_set_task_data (task, g_strdup (open_id), g_free);
  wbps_context_open_database_async (self, cancellable, forget_database_opened_cb, task);
}

gboolean
wbps_context_forget_uploads_finish (WbpsContext   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
