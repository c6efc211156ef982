/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-relay-client.h"
#include "wbps-relay-watch.h"
#include "wbps-webhook-event.h"

struct _WbpsRelayWatch
{
  GObject             parent_instance;

  WbpsAccountManager *accounts;
  GHashTable         *clients;   /* open_id → WbpsRelayClient (its "account" data: the WbpsAccount) */
};

enum {
  SIGNAL_ACCOUNT_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WbpsRelayWatch, wbps_relay_watch, G_TYPE_OBJECT)

static void
client_free (gpointer data)
{
  WbpsRelayClient *client = data;

  /* Still connected: a removal in flight ends after the account left the model. */
  wbps_relay_client_stop (client);
  g_object_unref (client);
}

static void
account_removed_cb (WbpsRelayClient *client,
                    const char      *open_id,
                    gint64           reason,
                    WbpsRelayWatch  *self)
{
  /* The account object outlives its row in the model: its name is still there. */
  g_autoptr(WbpsAccount) account = g_object_ref (g_object_get_data (G_OBJECT (client), "account"));

  if (g_hash_table_lookup (self->clients, open_id) == client)
    g_hash_table_remove (self->clients, open_id);
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_REMOVED], 0, account, wbps_webhook_removal_reason_describe (reason));
}

static void
client_failed_cb (WbpsRelayClient *client,
                  GError          *error,
                  WbpsRelayWatch  *self)
{
  const char *open_id = wbps_relay_client_get_open_id (client);

  /* Forgotten, so that the account's next change (a new sign-in) starts a fresh stream. */
  g_debug ("The relay stream of an account stopped: %s", error->message);
  if (g_hash_table_lookup (self->clients, open_id) == client)
    g_hash_table_remove (self->clients, open_id);
}

static void
watch (WbpsRelayWatch *self,
       WbpsAccount    *account)
{
  WbpsRelayClient *client = wbps_relay_client_new (wbps_account_manager_get_config (self->accounts),
                                                   self->accounts, wbps_account_get_open_id (account));

  g_object_set_data_full (G_OBJECT (client), "account", g_object_ref (account), g_object_unref);
  g_signal_connect_object (client, "account-removed", G_CALLBACK (account_removed_cb), self, 0);
  g_signal_connect_object (client, "failed", G_CALLBACK (client_failed_cb), self, 0);
  g_hash_table_insert (self->clients, g_strdup (wbps_account_get_open_id (account)), client);
  wbps_relay_client_start (client);
}

/* Starts a stream for each new account and stops those of accounts that left. */
static void
sync_clients (WbpsRelayWatch *self)
{
  GListModel *model = wbps_account_manager_get_accounts (self->accounts);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer open_id;

  if (wbps_config_get_relay_url (wbps_account_manager_get_config (self->accounts)) == NULL)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(WbpsAccount) account = g_list_model_get_item (model, i);
      const char *id = wbps_account_get_open_id (account);

      g_hash_table_add (present, (gpointer) g_intern_string (id));
      if (!g_hash_table_contains (self->clients, id))
        watch (self, account);
    }
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, &open_id, NULL))
    if (!g_hash_table_contains (present, g_intern_string (open_id)))
      g_hash_table_iter_remove (&iter);
}

static void
items_changed_cb (WbpsRelayWatch *self)
{
  sync_clients (self);
}

WbpsRelayWatch *
wbps_relay_watch_new (WbpsAccountManager *accounts)
{
  WbpsRelayWatch *self = g_object_new (WBPS_TYPE_RELAY_WATCH, NULL);

  g_return_val_if_fail (WBPS_IS_ACCOUNT_MANAGER (accounts), NULL);
  self->accounts = g_object_ref (accounts);
  g_signal_connect_object (wbps_account_manager_get_accounts (accounts), "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  sync_clients (self);
  return self;
}

guint
wbps_relay_watch_get_n_watched (WbpsRelayWatch *self)
{
  g_return_val_if_fail (WBPS_IS_RELAY_WATCH (self), 0);
  return g_hash_table_size (self->clients);
}

WbpsRelayClient *
wbps_relay_watch_lookup (WbpsRelayWatch *self,
                         const char     *open_id)
{
  g_return_val_if_fail (WBPS_IS_RELAY_WATCH (self), NULL);
  return open_id != NULL ? g_hash_table_lookup (self->clients, open_id) : NULL;
}

static void
wbps_relay_watch_dispose (GObject *object)
{
  WbpsRelayWatch *self = WBPS_RELAY_WATCH (object);

  g_hash_table_remove_all (self->clients);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (wbps_account_manager_get_accounts (self->accounts), self);
  g_clear_object (&self->accounts);
  G_OBJECT_CLASS (wbps_relay_watch_parent_class)->dispose (object);
}

static void
wbps_relay_watch_finalize (GObject *object)
{
  WbpsRelayWatch *self = WBPS_RELAY_WATCH (object);

  g_hash_table_unref (self->clients);
  G_OBJECT_CLASS (wbps_relay_watch_parent_class)->finalize (object);
}

static void
wbps_relay_watch_class_init (WbpsRelayWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_relay_watch_dispose;
  object_class->finalize = wbps_relay_watch_finalize;
  signals[SIGNAL_ACCOUNT_REMOVED] = g_signal_new ("account-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                  WBPS_TYPE_ACCOUNT, G_TYPE_STRING);
}

static void
wbps_relay_watch_init (WbpsRelayWatch *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, client_free);
}
