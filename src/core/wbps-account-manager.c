/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "wbps-account-manager-private.h"

#include "wbps-account-private.h"
#include "wbps-error.h"
#include "wbps-oauth-client.h"
#include "wbps-redact.h"
#include "wbps-timeout.h"

/* A renewed sign-in the keyring refuses is written again this often, a growing pause between. */
#define KEYRING_WRITE_ATTEMPTS 3
#define KEYRING_RETRY_MS       400

/* One refresh in flight for an account, and every caller waiting for it. */
typedef struct {
  WbpsAccountManager *self;     /* strong ref while the refresh runs */
  char               *open_id;
  GPtrArray          *waiters;  /* GTask*, each completed with a WbpsToken copy */
  WbpsToken          *fresh;
  gboolean            force;    /* TikTok refused the access token we hold */
  char               *refused;  /* that access token, when @force */
  int                 lock_fd;  /* the refresh lock every wbps of the user shares; -1 when not held */
  guint               store_attempts;
} Refresh;

struct _WbpsAccountManager
{
  GObject          parent_instance;

  WbpsConfig      *config;
  WbpsTokenStore  *store;
  WbpsOAuthClient *oauth;
  GSettings       *settings;     /* NULL when the schema is not installed */
  GCancellable    *cancellable;  /* shared refreshes; cancelled on dispose */

  GPtrArray       *accounts;     /* WbpsToken*; the array itself is never replaced */
  char            *current;      /* chosen open_id, possibly not (yet) loaded */
  GHashTable      *refreshes;    /* open_id -> Refresh* (key owned by the Refresh) */
  GHashTable      *rejected;     /* open_ids whose refresh token TikTok refused */
  GHashTable      *unsaved;      /* open_ids whose renewed sign-in lives in memory only */

  GListStore      *models;       /* WbpsAccount*, in the order of @accounts */
  WbpsAccount     *current_account;
  gboolean         loaded;
};

G_DEFINE_FINAL_TYPE (WbpsAccountManager, wbps_account_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_STORE,
  PROP_ACCOUNTS,
  PROP_CURRENT_ACCOUNT,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SIGN_IN_UNSAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static WbpsToken *
find_account (WbpsAccountManager *self,
              const char         *open_id)
{
  for (guint i = 0; open_id != NULL && i < self->accounts->len; i++)
    {
      WbpsToken *token = g_ptr_array_index (self->accounts, i);

      if (g_strcmp0 (token->open_id, open_id) == 0)
        return token;
    }
  return NULL;
}

static const char *
account_name (const WbpsToken *token)
{
  return token->display_name != NULL && *token->display_name != '\0'
    ? token->display_name : token->open_id;
}

/* current account: GSettings when available, else memory */

static void
remember_current (WbpsAccountManager *self,
                  const char         *open_id)
{
  if (g_strcmp0 (self->current, open_id) == 0)
    return;

  g_free (self->current);
  self->current = g_strdup (open_id);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "current-account", open_id ? open_id : "");
}

static WbpsAccount *
find_model (WbpsAccountManager *self,
            const char         *open_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->models));

  for (guint i = 0; open_id != NULL && i < n; i++)
    {
      g_autoptr(WbpsAccount) account = g_list_model_get_item (G_LIST_MODEL (self->models), i);

      if (g_strcmp0 (wbps_account_get_open_id (account), open_id) == 0)
        return account;
    }
  return NULL;
}

static gboolean
needs_sign_in (WbpsAccountManager *self,
               const WbpsToken    *token)
{
  return g_hash_table_contains (self->rejected, token->open_id) ||
         wbps_token_refresh_expired (token, now_seconds ());
}

static void
sync_current_account (WbpsAccountManager *self)
{
  WbpsAccount *account = find_model (self, wbps_account_manager_get_current (self));

  if (g_set_object (&self->current_account, account))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_ACCOUNT]);
}

/*
 * Brings the account objects in step with the tokens: existing objects are
 * updated in place (a bound row keeps its object), and the list model changes
 * only when accounts came or went. Then the current account.
 */
static void
sync_models (WbpsAccountManager *self)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_models = g_list_model_get_n_items (G_LIST_MODEL (self->models));
  gboolean same = n_models == self->accounts->len;

  for (guint i = 0; i < self->accounts->len; i++)
    {
      const WbpsToken *token = g_ptr_array_index (self->accounts, i);
      WbpsAccount *account = find_model (self, token->open_id);

      account = account != NULL ? g_object_ref (account) : wbps_account_new (token->open_id);
      wbps_account_update (account, token, needs_sign_in (self, token));
      g_ptr_array_add (fresh, account);
      if (same)
        {
          g_autoptr(WbpsAccount) at = g_list_model_get_item (G_LIST_MODEL (self->models), i);

          same = at == account;
        }
    }
  if (!same)
    g_list_store_splice (self->models, 0, n_models, fresh->pdata, fresh->len);
  sync_current_account (self);
}

/* Another process (the GUI, the command line) switched accounts. */
static void
on_current_setting_changed (WbpsAccountManager *self,
                            const char         *key,
                            GSettings          *settings)
{
  g_autofree char *value = g_settings_get_string (settings, "current-account");

  /* Our own write comes back here too, before the models are in step. */
  if (g_strcmp0 (self->current, *value != '\0' ? value : NULL) == 0)
    return;
  g_free (self->current);
  self->current = *value != '\0' ? g_steal_pointer (&value) : NULL;
  sync_current_account (self);
}

/* GObject */

static void
wbps_account_manager_constructed (GObject *object)
{
  WbpsAccountManager *self = WBPS_ACCOUNT_MANAGER (object);

  G_OBJECT_CLASS (wbps_account_manager_parent_class)->constructed (object);

  g_return_if_fail (self->config != NULL);
  if (self->store == NULL)
    self->store = wbps_token_store_new ();
  self->oauth = wbps_oauth_client_new (self->config, NULL);

  self->settings = wbps_config_get_settings ();
  if (self->settings != NULL)
    {
      g_autofree char *current = g_settings_get_string (self->settings, "current-account");

      self->current = *current != '\0' ? g_steal_pointer (&current) : NULL;
      g_signal_connect_object (self->settings, "changed::current-account",
                               G_CALLBACK (on_current_setting_changed), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
wbps_account_manager_dispose (GObject *object)
{
  WbpsAccountManager *self = WBPS_ACCOUNT_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->oauth);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_object (&self->current_account);

  G_OBJECT_CLASS (wbps_account_manager_parent_class)->dispose (object);
}

static void
wbps_account_manager_finalize (GObject *object)
{
  WbpsAccountManager *self = WBPS_ACCOUNT_MANAGER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->refreshes, g_hash_table_unref);
  g_clear_pointer (&self->rejected, g_hash_table_unref);
  g_clear_pointer (&self->unsaved, g_hash_table_unref);
  g_clear_object (&self->models);
  g_free (self->current);

  G_OBJECT_CLASS (wbps_account_manager_parent_class)->finalize (object);
}

static void
wbps_account_manager_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  WbpsAccountManager *self = WBPS_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;

    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_account_manager_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  WbpsAccountManager *self = WBPS_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_ACCOUNTS:
      g_value_set_object (value, self->models);
      break;

    case PROP_CURRENT_ACCOUNT:
      g_value_set_object (value, self->current_account);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_account_manager_class_init (WbpsAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wbps_account_manager_constructed;
  object_class->dispose = wbps_account_manager_dispose;
  object_class->finalize = wbps_account_manager_finalize;
  object_class->set_property = wbps_account_manager_set_property;
  object_class->get_property = wbps_account_manager_get_property;

  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL, WBPS_TYPE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, WBPS_TYPE_TOKEN_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_ACCOUNT] =
    g_param_spec_object ("current-account", NULL, NULL, WBPS_TYPE_ACCOUNT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SIGN_IN_UNSAVED] =
    g_signal_new ("sign-in-unsaved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, WBPS_TYPE_ACCOUNT, G_TYPE_STRING);
}

static void
wbps_account_manager_init (WbpsAccountManager *self)
{
  self->cancellable = g_cancellable_new ();
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_token_free);
  self->refreshes = g_hash_table_new (g_str_hash, g_str_equal);
  self->rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->unsaved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->models = g_list_store_new (WBPS_TYPE_ACCOUNT);
}

WbpsAccountManager *
wbps_account_manager_new (WbpsConfig     *config,
                          WbpsTokenStore *store)
{
  g_return_val_if_fail (WBPS_IS_CONFIG (config), NULL);
  g_return_val_if_fail (store == NULL || WBPS_IS_TOKEN_STORE (store), NULL);

  return g_object_new (WBPS_TYPE_ACCOUNT_MANAGER,
                       "config", config,
                       "store", store,
                       NULL);
}

WbpsConfig *
wbps_account_manager_get_config (WbpsAccountManager *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), NULL);

  return self->config;
}

/* load */

static void
load_listed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsAccountManager *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) tokens = NULL;
  GError *error = NULL;

  g_assert (WBPS_IS_ACCOUNT_MANAGER (self));

  tokens = wbps_token_store_list_finish (self->store, result, &error);
  if (tokens == NULL)
    return g_task_return_error (task, error);

  g_ptr_array_set_size (self->accounts, 0);
  g_ptr_array_set_free_func (tokens, NULL);
  for (guint i = 0; i < tokens->len; i++)
    g_ptr_array_add (self->accounts, g_ptr_array_index (tokens, i));

  sync_models (self);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  g_task_return_boolean (task, TRUE);
}

void
wbps_account_manager_load_async (WbpsAccountManager  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WBPS_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_account_manager_load_async);

  wbps_token_store_list_async (self->store, wbps_config_get_client_key (self->config),
                               cancellable, load_listed_cb, task);
}

gboolean
wbps_account_manager_load_finish (WbpsAccountManager  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* accounts and the current one */

GListModel *
wbps_account_manager_get_accounts (WbpsAccountManager *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), NULL);

  return G_LIST_MODEL (self->models);
}

WbpsAccount *
wbps_account_manager_get_current_account (WbpsAccountManager *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), NULL);

  return self->current_account;
}

gboolean
wbps_account_manager_get_loaded (WbpsAccountManager *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), FALSE);

  return self->loaded;
}

const char *
wbps_account_manager_get_current (WbpsAccountManager *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), NULL);

  if (find_account (self, self->current) != NULL)
    return self->current;
  if (self->accounts->len > 0)
    return ((WbpsToken *) g_ptr_array_index (self->accounts, 0))->open_id;
  return NULL;
}

gboolean
wbps_account_manager_set_current (WbpsAccountManager  *self,
                                  const char          *open_id,
                                  GError             **error)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), FALSE);
  g_return_val_if_fail (open_id != NULL, FALSE);

  if (find_account (self, open_id) == NULL)
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                   _("No signed-in TikTok account has the ID %s."), open_id);
      return FALSE;
    }

  remember_current (self, open_id);
  sync_current_account (self);
  return TRUE;
}

WbpsAccount *
wbps_account_manager_lookup (WbpsAccountManager *self,
                             const char         *open_id)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), NULL);

  return find_model (self, open_id);
}

const WbpsToken *
wbps_account_manager_lookup_token (WbpsAccountManager *self,
                                   const char         *open_id)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (self), NULL);

  return find_account (self, open_id);
}

/* Copies @src's fields into @dst in place, so pointers handed out stay valid. */
static void
token_assign (WbpsToken       *dst,
              const WbpsToken *src)
{
  WbpsToken *copy = wbps_token_copy (src);
  WbpsToken old = *dst;

  *dst = *copy;
  *copy = old;
  wbps_token_free (copy);
}

static char *refresh_lock_path        (const WbpsToken *account);
static void  take_refresh_lock_thread (GTask           *task,
                                       gpointer         source_object,
                                       gpointer         task_data,
                                       GCancellable    *cancellable);

/*
 * add: refresh lock -> store ours. The grant it replaces is not revoked: TikTok's
 * revoke removes the app's authorization for the user, which would end ours too.
 */

typedef struct {
  WbpsToken *token;
  int        lock_fd;
} Add;

static void
add_free (Add *add)
{
  if (add->lock_fd >= 0)
    close (add->lock_fd);
  wbps_token_free (add->token);
  g_free (add);
}

static void
add_stored_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsAccountManager *self = g_task_get_source_object (task);
  Add *add = g_task_get_task_data (task);
  const WbpsToken *token = add->token;
  WbpsToken *existing;
  GError *error = NULL;

  g_assert (WBPS_IS_ACCOUNT_MANAGER (self));

  if (!wbps_token_store_store_finish (self->store, result, &error))
    return g_task_return_error (task, error);
  /* Stored: other processes may refresh again (they re-read and find ours). */
  if (add->lock_fd >= 0)
    close (add->lock_fd);
  add->lock_fd = -1;

  existing = find_account (self, token->open_id);
  if (existing != NULL)
    token_assign (existing, token);
  else
    g_ptr_array_add (self->accounts, wbps_token_copy (token));
  g_hash_table_remove (self->rejected, token->open_id);

  remember_current (self, token->open_id);
  sync_models (self);
  g_task_return_boolean (task, TRUE);
}

static void
add_locked_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  WbpsAccountManager *self = g_task_get_source_object (task);
  Add *add = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  g_assert (WBPS_IS_ACCOUNT_MANAGER (self));

  add->lock_fd = g_task_propagate_int (G_TASK (result), &error);
  if (add->lock_fd < 0)
    {
      g_warning ("Could not take the sign-in lock: %s", error->message);
      add->lock_fd = -1;
    }
  wbps_token_store_store_async (self->store, add->token, g_task_get_cancellable (task), add_stored_cb, task);
}

void
wbps_account_manager_add_async (WbpsAccountManager  *self,
                                const WbpsToken     *token,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  g_autoptr(GTask) lock_task = NULL;
  Add *add;

  g_return_if_fail (WBPS_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (token != NULL && token->open_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_account_manager_add_async);

  add = g_new0 (Add, 1);
  add->lock_fd = -1;
  add->token = wbps_token_copy (token);
  if (add->token->client_key == NULL)
    add->token->client_key = g_strdup (wbps_config_get_client_key (self->config));
  g_task_set_task_data (task, add, (GDestroyNotify) add_free);

  /* The refresh lock: a refresh or another sign-in of this account never interleaves with ours. */
  lock_task = g_task_new (self, NULL, add_locked_cb, task);
  g_task_set_source_tag (lock_task, wbps_account_manager_add_async);
  g_task_set_task_data (lock_task, refresh_lock_path (add->token), g_free);
  g_task_run_in_thread (lock_task, take_refresh_lock_thread);
}

gboolean
wbps_account_manager_add_finish (WbpsAccountManager  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* get_token: refresh with at most one request in flight per account */

static GError *
sign_in_again_error (const char *name,
                     const char *log_id)
{
  if (log_id != NULL && *log_id != '\0')
    return g_error_new (WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                        _("The sign-in of %s has expired or was revoked; sign in again (log ID %s)."),
                        name, log_id);
  return g_error_new (WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                      _("The sign-in of %s has expired or was revoked; sign in again."), name);
}

/* The account @open_id names (NULL = current), or a NOT_SIGNED_IN error. */
static WbpsToken *
resolve_account (WbpsAccountManager  *self,
                 const char          *open_id,
                 GError             **error)
{
  WbpsToken *token;

  if (open_id == NULL)
    open_id = wbps_account_manager_get_current (self);
  if (open_id == NULL)
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                   _("No TikTok account is signed in; sign in first."));
      return NULL;
    }

  token = find_account (self, open_id);
  if (token == NULL)
    g_set_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                 _("The TikTok account %s is not signed in; sign in first."), open_id);
  return token;
}

static void
refresh_free (Refresh *refresh)
{
  /* Closing releases the flock: the next process re-reads what this one stored. */
  if (refresh->lock_fd >= 0)
    close (refresh->lock_fd);
  wbps_secret_free (refresh->refused);
  g_clear_pointer (&refresh->waiters, g_ptr_array_unref);
  g_clear_pointer (&refresh->fresh, wbps_token_free);
  g_clear_object (&refresh->self);
  g_free (refresh->open_id);
  g_free (refresh);
}

/* Completes every waiting caller: a copy of the fresh token, or @error (taken). */
static void
refresh_complete (Refresh *refresh,
                  GError  *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&refresh->waiters);

  /* Unregister first: a caller's callback may start a new get_token at once. */
  g_hash_table_remove (refresh->self->refreshes, refresh->open_id);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, wbps_token_copy (refresh->fresh),
                               (GDestroyNotify) wbps_token_free);
    }

  g_clear_error (&error);
  refresh_free (refresh);
}

/* invalid_grant means the refresh token is dead: the user must sign in again. */
static GError *
refresh_error_for_user (const WbpsToken *account,
                        GError          *error)
{
  GError *mapped;

  if (g_error_matches (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_INVALID_GRANT))
    {
      mapped = sign_in_again_error (account_name (account), wbps_tiktok_error_get_log_id (error));
      g_error_free (error);
      return mapped;
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&error, _("Could not renew the sign-in of %s: "), account_name (account));
  return error;
}

static void refresh_store (Refresh *refresh);

static void
refresh_store_retry_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Refresh *refresh = user_data;
  GError *error = NULL;

  if (!wbps_timeout_finish (result, &error))
    return refresh_complete (refresh, error);
  refresh_store (refresh);
}

/*
 * The keyring kept refusing the renewed sign-in: the rotated-away refresh token
 * is dead, so the new one lives on in memory (this process only), and the user
 * hears once that the next start will ask for a new sign-in.
 */
static void
keep_unsaved (Refresh      *refresh,
              const GError *error)
{
  WbpsAccountManager *self = refresh->self;
  WbpsAccount *account = find_model (self, refresh->open_id);
  g_autofree char *text = NULL;

  if (account == NULL || g_hash_table_contains (self->unsaved, refresh->open_id))
    return;
  g_hash_table_add (self->unsaved, g_strdup (refresh->open_id));
  text = g_strdup_printf (_("The renewed sign-in of %s could not be saved in the keyring (%s). It works until wbps exits; after that, sign in again."),
                          wbps_account_get_name (account), error->message);
  g_signal_emit (self, signals[SIGNAL_SIGN_IN_UNSAVED], 0, account, text);
}

static void
refresh_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refresh *refresh = user_data;
  WbpsToken *account;
  g_autoptr(GError) error = NULL;

  if (!wbps_token_store_store_finish (WBPS_TOKEN_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return refresh_complete (refresh, g_steal_pointer (&error));
      g_debug ("The keyring refused the renewed sign-in of %s (attempt %u): %s", refresh->open_id,
               refresh->store_attempts, error->message);
      if (refresh->store_attempts < KEYRING_WRITE_ATTEMPTS)
        return wbps_timeout_async (NULL, KEYRING_RETRY_MS * refresh->store_attempts, refresh->self->cancellable,
                                   refresh_store_retry_cb, refresh);
      keep_unsaved (refresh, error);
    }
  else
    g_hash_table_remove (refresh->self->unsaved, refresh->open_id);

  /* A load that ran meanwhile may have read the item from before this refresh. */
  account = find_account (refresh->self, refresh->open_id);
  if (account != NULL)
    token_assign (account, refresh->fresh);
  sync_models (refresh->self);

  refresh_complete (refresh, NULL);
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Refresh *refresh = user_data;
  WbpsAccountManager *self = refresh->self;
  g_autoptr(WbpsToken) fresh = NULL;
  WbpsToken *account;
  GError *error = NULL;

  fresh = wbps_oauth_client_refresh_finish (WBPS_OAUTH_CLIENT (source), result, &error);
  account = find_account (self, refresh->open_id);
  if (account == NULL)
    {
      g_clear_error (&error);
      return refresh_complete (refresh, sign_in_again_error (refresh->open_id, NULL));
    }
  if (fresh == NULL)
    {
      if (g_error_matches (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_INVALID_GRANT))
        {
          g_hash_table_add (self->rejected, g_strdup (refresh->open_id));
          sync_models (self);
        }
      return refresh_complete (refresh, refresh_error_for_user (account, error));
    }

  /* The reply carries tokens only; the profile stays ours. */
  g_free (fresh->client_key);
  fresh->client_key = g_strdup (account->client_key);
  g_free (fresh->display_name);
  fresh->display_name = g_strdup (account->display_name);
  g_free (fresh->username);
  fresh->username = g_strdup (account->username);
  g_free (fresh->avatar_url);
  fresh->avatar_url = g_strdup (account->avatar_url);
  if (fresh->scope == NULL)
    fresh->scope = g_strdup (account->scope);

  /* Memory first: the old refresh token may already be dead (rotation), and any
   * later copy (update_profile) must carry the new one. Callers still wait for
   * the keyring to have it. */
  token_assign (account, fresh);
  refresh->fresh = g_steal_pointer (&fresh);
  refresh_store (refresh);
}

static void
refresh_store (Refresh *refresh)
{
  refresh->store_attempts++;
  wbps_token_store_store_async (refresh->self->store, refresh->fresh, refresh->self->cancellable,
                                refresh_stored_cb, refresh);
}

/* One lock file per account in $XDG_RUNTIME_DIR/wbps/, shared by every wbps process of the user. */
static char *
refresh_lock_path (const WbpsToken *account)
{
  g_autofree char *key = g_strconcat (account->client_key != NULL ? account->client_key : "", "\n",
                                      account->open_id, NULL);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *name = g_strdup_printf ("refresh-%.16s.lock", digest);

  return g_build_filename (g_get_user_runtime_dir (), "wbps", name, NULL);
}

/* Blocks in a worker until no other process refreshes this account. */
static void
take_refresh_lock_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *dir = g_path_get_dirname (path);
  int fd, saved;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                               g_strerror (saved));
      return;
    }
  while (flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        saved = errno;
        close (fd);
        g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                                 g_strerror (saved));
        return;
      }
  g_task_return_int (task, fd);
}

static void
refresh_with_tiktok (Refresh   *refresh,
                     WbpsToken *account)
{
  g_debug ("Renewing the access token of %s", account->open_id);
  /* The manager's cancellable: one caller giving up must not fail the others. */
  wbps_oauth_client_refresh_async (refresh->self->oauth, account->refresh_token,
                                   refresh->self->cancellable, refresh_cb, refresh);
}

/* Another process rotated the tokens while we waited: its access token serves unless it is the refused one. */
static gboolean
stored_is_usable (Refresh         *refresh,
                  const WbpsToken *stored)
{
  if (wbps_token_access_expiring (stored, now_seconds (), WBPS_ACCOUNT_REFRESH_MARGIN))
    return FALSE;
  return !refresh->force || g_strcmp0 (stored->access_token, refresh->refused) != 0;
}

static void
refresh_reread_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(WbpsToken) stored = wbps_token_store_lookup_finish (WBPS_TOKEN_STORE (source), result, NULL);
  WbpsToken *account = find_account (refresh->self, refresh->open_id);

  if (account == NULL)
    return refresh_complete (refresh, sign_in_again_error (refresh->open_id, NULL));
  if (stored != NULL && g_strcmp0 (stored->refresh_token, account->refresh_token) != 0)
    {
      /* Never present a refresh token another process has rotated away: TikTok would revoke the grant. */
      g_debug ("Another wbps renewed the sign-in of %s; using its tokens", account->open_id);
      token_assign (account, stored);
      if (stored_is_usable (refresh, stored))
        {
          refresh->fresh = wbps_token_copy (account);
          sync_models (refresh->self);
          return refresh_complete (refresh, NULL);
        }
    }
  refresh_with_tiktok (refresh, account);
}

static void
refresh_locked_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refresh *refresh = user_data;
  WbpsToken *account = find_account (refresh->self, refresh->open_id);
  g_autoptr(GError) error = NULL;

  refresh->lock_fd = g_task_propagate_int (G_TASK (result), &error);
  if (refresh->lock_fd < 0)
    {
      /* Without the lock a refresh still works, only unordered with other processes. */
      g_warning ("Could not take the sign-in refresh lock: %s", error->message);
      refresh->lock_fd = -1;
    }
  if (account == NULL)
    return refresh_complete (refresh, sign_in_again_error (refresh->open_id, NULL));
  wbps_token_store_lookup_async (refresh->self->store, account->client_key, account->open_id,
                                 refresh->self->cancellable, refresh_reread_cb, refresh);
}

static void
start_refresh (WbpsAccountManager *self,
               const WbpsToken    *account,
               gboolean            force,
               GTask              *task)
{
  Refresh *refresh = g_new0 (Refresh, 1);
  g_autoptr(GTask) lock_task = NULL;

  refresh->self = g_object_ref (self);
  refresh->open_id = g_strdup (account->open_id);
  refresh->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  refresh->force = force;
  refresh->refused = force ? g_strdup (account->access_token) : NULL;
  refresh->lock_fd = -1;
  g_ptr_array_add (refresh->waiters, task);
  g_hash_table_insert (self->refreshes, refresh->open_id, refresh);

  lock_task = g_task_new (NULL, NULL, refresh_locked_cb, refresh);
  g_task_set_source_tag (lock_task, start_refresh);
  g_task_set_task_data (lock_task, refresh_lock_path (account), g_free);
  g_task_run_in_thread (lock_task, take_refresh_lock_thread);
}

void
wbps_account_manager_get_token_async (WbpsAccountManager  *self,
                                      const char          *open_id,
                                      gboolean             force_refresh,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WbpsToken *account;
  Refresh *refresh;
  GError *error = NULL;
  gint64 now = now_seconds ();

  g_return_if_fail (WBPS_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_account_manager_get_token_async);

  account = resolve_account (self, open_id, &error);
  if (account == NULL)
    return g_task_return_error (task, error);

  refresh = g_hash_table_lookup (self->refreshes, account->open_id);
  if (refresh != NULL)
    {
      g_ptr_array_add (refresh->waiters, g_steal_pointer (&task));
      return;
    }

  if (!force_refresh && !wbps_token_access_expiring (account, now, WBPS_ACCOUNT_REFRESH_MARGIN))
    return g_task_return_pointer (task, wbps_token_copy (account),
                                  (GDestroyNotify) wbps_token_free);

  if (wbps_token_refresh_expired (account, now))
    {
      sync_models (self);
      return g_task_return_error (task, sign_in_again_error (account_name (account), NULL));
    }

  start_refresh (self, account, force_refresh, g_steal_pointer (&task));
}

WbpsToken *
wbps_account_manager_get_token_finish (WbpsAccountManager  *self,
                                       GAsyncResult        *result,
                                       GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* renew_due */

static void
renewed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = wbps_account_manager_get_token_finish (WBPS_ACCOUNT_MANAGER (source), result, &error);

  /* A rejected refresh token already marked the account "needs-sign-in", which is what a menu shows. */
  if (token == NULL)
    g_debug ("An account's sign-in could not be renewed: %s", error->message);
}

void
wbps_account_manager_renew_due (WbpsAccountManager *self,
                                GCancellable       *cancellable)
{
  GListModel *model;

  g_return_if_fail (WBPS_IS_ACCOUNT_MANAGER (self));

  model = wbps_account_manager_get_accounts (self);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(WbpsAccount) account = g_list_model_get_item (model, i);

      if (!wbps_account_get_needs_sign_in (account))
        wbps_account_manager_get_token_async (self, wbps_account_get_open_id (account), FALSE,
                                              cancellable, renewed_cb, NULL);
    }
}

/* update_profile */

static void
profile_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!wbps_token_store_store_finish (WBPS_TOKEN_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
wbps_account_manager_update_profile_async (WbpsAccountManager  *self,
                                           const char          *open_id,
                                           const char          *display_name,
                                           const char          *username,
                                           const char          *avatar_url,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(WbpsToken) copy = NULL;
  WbpsToken *account;
  GTask *task;
  GError *error = NULL;

  g_return_if_fail (WBPS_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_account_manager_update_profile_async);

  account = resolve_account (self, open_id, &error);
  if (account == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* In memory at once, so a refresh finishing meanwhile stores the new profile too. */
  g_free (account->display_name);
  account->display_name = g_strdup (display_name);
  g_free (account->username);
  account->username = g_strdup (username);
  g_free (account->avatar_url);
  account->avatar_url = g_strdup (avatar_url);
  sync_models (self);

  copy = wbps_token_copy (account);
  wbps_token_store_store_async (self->store, copy, cancellable, profile_stored_cb, task);
}

gboolean
wbps_account_manager_update_profile_finish (WbpsAccountManager  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* sign_out: best token -> revoke -> delete the item whatever the revoke said */

typedef struct {
  char     *open_id;
  char     *client_key;
  gboolean  revoked;
  GError   *revoke_error;
} SignOut;

static void
sign_out_free (SignOut *data)
{
  g_free (data->open_id);
  g_free (data->client_key);
  g_clear_error (&data->revoke_error);
  g_free (data);
}

static void
forget_account (WbpsAccountManager *self,
                const char         *open_id)
{
  g_autofree char *old_current = g_strdup (wbps_account_manager_get_current (self));
  WbpsToken *account = find_account (self, open_id);

  if (account != NULL)
    g_ptr_array_remove (self->accounts, account);
  g_hash_table_remove (self->rejected, open_id);

  /* The next account becomes current, and is remembered as such. */
  if (g_strcmp0 (old_current, open_id) == 0)
    remember_current (self, wbps_account_manager_get_current (self));

  sync_models (self);
}

static void
sign_out_deleted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsAccountManager *self = g_task_get_source_object (task);
  SignOut *data = g_task_get_task_data (task);
  GError *error = NULL;

  g_assert (WBPS_IS_ACCOUNT_MANAGER (self));

  if (!wbps_token_store_delete_finish (self->store, result, NULL, &error))
    return g_task_return_error (task, error);

  forget_account (self, data->open_id);
  g_task_return_boolean (task, TRUE);
}

static void
sign_out_delete (GTask *task)
{
  WbpsAccountManager *self = g_task_get_source_object (task);
  SignOut *data = g_task_get_task_data (task);

  wbps_token_store_delete_async (self->store, data->client_key, data->open_id,
                                 g_task_get_cancellable (task), sign_out_deleted_cb, task);
}

static void
sign_out_revoked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SignOut *data = g_task_get_task_data (task);

  data->revoked = wbps_oauth_client_revoke_finish (WBPS_OAUTH_CLIENT (source), result,
                                                   &data->revoke_error);
  if (!data->revoked)
    g_debug ("Revocation failed, deleting the local sign-in anyway: %s",
             data->revoke_error->message);
  sign_out_delete (task);
}

static void
sign_out_token_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  WbpsAccountManager *self = g_task_get_source_object (task);
  SignOut *data = g_task_get_task_data (task);
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(GError) error = NULL;
  const WbpsToken *account;

  g_assert (WBPS_IS_ACCOUNT_MANAGER (self));

  token = wbps_account_manager_get_token_finish (self, result, &error);
  /* No renewed token (offline, expired): revoking the one we have is still worth a try. */
  account = token != NULL ? token : find_account (self, data->open_id);
  if (account == NULL || account->access_token == NULL)
    {
      data->revoke_error = g_steal_pointer (&error);
      return sign_out_delete (task);
    }

  wbps_oauth_client_revoke_async (self->oauth, account->access_token,
                                  g_task_get_cancellable (task), sign_out_revoked_cb, task);
}

void
wbps_account_manager_sign_out_async (WbpsAccountManager  *self,
                                     const char          *open_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  WbpsToken *account;
  SignOut *data;
  GTask *task;
  GError *error = NULL;

  g_return_if_fail (WBPS_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_account_manager_sign_out_async);

  account = resolve_account (self, open_id, &error);
  if (account == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data = g_new0 (SignOut, 1);
  data->open_id = g_strdup (account->open_id);
  data->client_key = g_strdup (account->client_key ? account->client_key
                                                   : wbps_config_get_client_key (self->config));
  g_task_set_task_data (task, data, (GDestroyNotify) sign_out_free);

  wbps_account_manager_get_token_async (self, data->open_id, FALSE, cancellable,
                                        sign_out_token_cb, task);
}

gboolean
wbps_account_manager_sign_out_finish (WbpsAccountManager  *self,
                                      GAsyncResult        *result,
                                      gboolean            *revoked,
                                      GError             **revoke_error,
                                      GError             **error)
{
  SignOut *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (revoked != NULL)
    *revoked = data->revoked;
  if (revoke_error != NULL && data->revoke_error != NULL)
    *revoke_error = g_error_copy (data->revoke_error);
  return TRUE;
}
