/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where wbps keeps its tokens: the Secret Service (GNOME Keyring, KWallet, …),
 * through libsecret, one item per signed-in account.
 *
 *   schema      ai.fvz.Wbps.Token
 *   attributes  client_key  the TikTok client key the tokens were issued to (string)
 *               open_id     the TikTok user's open_id (string)
 *   label       "wbps: TikTok account DISPLAY_NAME"
 *   secret      application/json, the token bundle of wbps_token_serialize():
 *               client_key, open_id, access_token, refresh_token, scope,
 *               display_name, avatar_url, access_expires_at, refresh_expires_at
 *
 * Only the secret holds token values; attributes and label are not secret
 * (the Secret Service stores them unencrypted) and never contain one.
 * Inspect with: secret-tool search --all xdg:schema ai.fvz.Wbps.Token
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wbps-token-store.h"

#include "wbps-error.h"
#include "wbps-redact.h"

#define TOKEN_CONTENT_TYPE "application/json"

struct _WbpsTokenStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (WbpsTokenStore, wbps_token_store, G_TYPE_OBJECT)

static const SecretSchema token_schema = {
  .name = "ai.fvz.Wbps.Token",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "client_key", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "open_id", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL, .type = 0 },
  },
};

static void
wbps_token_store_class_init (WbpsTokenStoreClass *klass)
{
}

static void
wbps_token_store_init (WbpsTokenStore *self)
{
}

const SecretSchema *
wbps_token_store_get_schema (void)
{
  return &token_schema;
}

WbpsTokenStore *
wbps_token_store_new (void)
{
  return g_object_new (WBPS_TYPE_TOKEN_STORE, NULL);
}

/* Gives libsecret's terse D-Bus errors a sentence a user understands. */
static void
return_keyring_error (GTask  *task,
                      GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_prefix_error (&error, _("Could not use the keyring (Secret Service): "));
  g_task_return_error (task, error);
}

/* Parses an item's secret (wbps_token_deserialize registers its token values for redaction). */
static WbpsToken *
token_from_secret (SecretValue  *value,
                   GError      **error)
{
  const char *json = secret_value_get_text (value);

  if (json == NULL)
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                   _("The keyring item of a TikTok account is not readable text"));
      return NULL;
    }

  return wbps_token_deserialize (json, error);
}

/* One keyring item per account: these attributes are its key for store, lookup and delete. */
static GHashTable *
account_attributes (const char *client_key,
                    const char *open_id)
{
  return secret_attributes_build (&token_schema,
                                  "client_key", client_key,
                                  "open_id", open_id,
                                  NULL);
}

/* store */

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
wbps_token_store_store_async (WbpsTokenStore      *self,
                              const WbpsToken     *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  char *json;

  g_return_if_fail (WBPS_IS_TOKEN_STORE (self));
  g_return_if_fail (token != NULL && token->client_key != NULL && token->open_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_token_store_store_async);

  json = wbps_token_serialize (token);
  value = secret_value_new (json, -1, TOKEN_CONTENT_TYPE);
  wbps_secret_free (json);

  /* Translators: the keyring item's label; %s is the account's display name (or its ID) */
  label = g_strdup_printf (_("wbps: TikTok account %s"),
                           token->display_name != NULL && *token->display_name != '\0'
                             ? token->display_name : token->open_id);

  /* Same attributes as an existing item: libsecret replaces it, so one item per account. */
  attributes = account_attributes (token->client_key, token->open_id);
  secret_password_storev_binary (&token_schema, attributes, SECRET_COLLECTION_DEFAULT, label, value,
                                 cancellable, store_cb, g_steal_pointer (&task));
}

gboolean
wbps_token_store_store_finish (WbpsTokenStore  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* lookup */

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretValue) value = NULL;
  GError *error = NULL;
  WbpsToken *token;

  value = secret_password_lookup_binary_finish (result, &error);
  if (error != NULL)
    return return_keyring_error (task, error);

  if (value == NULL)
    return g_task_return_new_error (task, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                                    _("This TikTok account is not signed in; sign in again"));

  token = token_from_secret (value, &error);
  if (token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) wbps_token_free);
}

void
wbps_token_store_lookup_async (WbpsTokenStore      *self,
                               const char          *client_key,
                               const char          *open_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (WBPS_IS_TOKEN_STORE (self));
  g_return_if_fail (client_key != NULL && open_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_token_store_lookup_async);

  attributes = account_attributes (client_key, open_id);
  secret_password_lookupv (&token_schema, attributes, cancellable, lookup_cb, task);
}

WbpsToken *
wbps_token_store_lookup_finish (WbpsTokenStore  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* list: search, then read each item's secret one after the other */

typedef struct {
  GList     *items;    /* SecretRetrievable*, owned */
  GList     *next;     /* the item being read */
  GPtrArray *tokens;
} ListData;

static void
list_data_free (ListData *data)
{
  g_list_free_full (data->items, g_object_unref);
  g_clear_pointer (&data->tokens, g_ptr_array_unref);
  g_free (data);
}

static int
compare_tokens (gconstpointer a,
                gconstpointer b)
{
  const WbpsToken *ta = *(const WbpsToken * const *) a;
  const WbpsToken *tb = *(const WbpsToken * const *) b;
  int cmp = g_utf8_collate (ta->display_name ? ta->display_name : "",
                            tb->display_name ? tb->display_name : "");

  return cmp != 0 ? cmp : g_strcmp0 (ta->open_id, tb->open_id);
}

static void list_read_next (GTask *task);

static void
list_retrieve_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) error = NULL;
  WbpsToken *token = NULL;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_task_return_error (task, g_steal_pointer (&error));

  if (value != NULL)
    token = token_from_secret (value, &error);

  /* One damaged item must not hide the other accounts. */
  if (token != NULL)
    g_ptr_array_add (data->tokens, token);
  else
    g_warning ("Skipping an unreadable wbps keyring item: %s",
               error ? error->message : "it has no secret");

  data->next = data->next->next;
  list_read_next (g_steal_pointer (&task));
}

static void
list_read_next (GTask *task)
{
  ListData *data = g_task_get_task_data (task);

  if (data->next == NULL)
    {
      g_ptr_array_sort (data->tokens, compare_tokens);
      g_task_return_pointer (task, g_steal_pointer (&data->tokens),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  secret_retrievable_retrieve_secret (data->next->data, g_task_get_cancellable (task),
                                      list_retrieve_cb, task);
}

static void
list_search_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->items = secret_password_search_finish (result, &error);
  if (error != NULL)
    return return_keyring_error (task, error);

  data->next = data->items;
  list_read_next (g_steal_pointer (&task));
}

void
wbps_token_store_list_async (WbpsTokenStore      *self,
                             const char          *client_key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  ListData *data;

  g_return_if_fail (WBPS_IS_TOKEN_STORE (self));
  g_return_if_fail (client_key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_token_store_list_async);
  data = g_new0 (ListData, 1);
  data->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_token_free);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);

  /* No SECRET_SEARCH_LOAD_SECRETS: list_read_next fetches each secret anyway. */
  secret_password_search (&token_schema,
                          SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                          cancellable, list_search_cb, task,
                          "client_key", client_key,
                          NULL);
}

GPtrArray *
wbps_token_store_list_finish (WbpsTokenStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* delete */

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removed;

  removed = secret_password_clear_finish (result, &error);
  if (error != NULL)
    return_keyring_error (task, error);
  else
    g_task_return_boolean (task, removed);
}

void
wbps_token_store_delete_async (WbpsTokenStore      *self,
                               const char          *client_key,
                               const char          *open_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (WBPS_IS_TOKEN_STORE (self));
  g_return_if_fail (client_key != NULL && open_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_token_store_delete_async);

  attributes = account_attributes (client_key, open_id);
  secret_password_clearv (&token_schema, attributes, cancellable, clear_cb, task);
}

gboolean
wbps_token_store_delete_finish (WbpsTokenStore  *self,
                                GAsyncResult    *result,
                                gboolean        *removed,
                                GError         **error)
{
  GError *local_error = NULL;
  gboolean was_removed;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  was_removed = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (removed != NULL)
    *removed = was_removed;
  return TRUE;
}
