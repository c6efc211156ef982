/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-current-account.h"

struct _WbpsCurrentAccount
{
  GObject             parent_instance;

  WbpsAccountManager *accounts;
  WbpsAccount        *current;
};

G_DEFINE_FINAL_TYPE (WbpsCurrentAccount, wbps_current_account, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
account_notify_cb (WbpsCurrentAccount *self,
                   GParamSpec         *pspec)
{
  g_assert (WBPS_IS_CURRENT_ACCOUNT (self));

  g_signal_emit (self, signals[CHANGED], 0, pspec);
}

static void
current_changed_cb (WbpsCurrentAccount *self)
{
  WbpsAccount *current = self->accounts != NULL ? wbps_account_manager_get_current_account (self->accounts) : NULL;

  g_assert (WBPS_IS_CURRENT_ACCOUNT (self));

  if (self->current != NULL)
    g_signal_handlers_disconnect_by_data (self->current, self);
  g_set_object (&self->current, current);
  if (current != NULL)
    g_signal_connect_object (current, "notify", G_CALLBACK (account_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_emit (self, signals[CHANGED], 0, NULL);
}

void
wbps_current_account_set_accounts (WbpsCurrentAccount *self,
                                   WbpsAccountManager *accounts)
{
  g_return_if_fail (WBPS_IS_CURRENT_ACCOUNT (self));
  g_return_if_fail (accounts == NULL || WBPS_IS_ACCOUNT_MANAGER (accounts));

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_set_object (&self->accounts, accounts);
  if (accounts != NULL)
    g_signal_connect_object (accounts, "notify::current-account", G_CALLBACK (current_changed_cb),
                             self, G_CONNECT_SWAPPED);
  current_changed_cb (self);
}

WbpsAccount *
wbps_current_account_get_account (WbpsCurrentAccount *self)
{
  g_return_val_if_fail (WBPS_IS_CURRENT_ACCOUNT (self), NULL);

  return self->current;
}

WbpsCurrentAccount *
wbps_current_account_new (void)
{
  return g_object_new (WBPS_TYPE_CURRENT_ACCOUNT, NULL);
}

static void
wbps_current_account_dispose (GObject *object)
{
  WbpsCurrentAccount *self = WBPS_CURRENT_ACCOUNT (object);

  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  if (self->current != NULL)
    g_signal_handlers_disconnect_by_data (self->current, self);
  g_clear_object (&self->accounts);
  g_clear_object (&self->current);
  G_OBJECT_CLASS (wbps_current_account_parent_class)->dispose (object);
}

static void
wbps_current_account_class_init (WbpsCurrentAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_current_account_dispose;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PARAM);
}

static void
wbps_current_account_init (WbpsCurrentAccount *self)
{
}
