/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-account-button.h"
#include "wbps-account-row.h"
#include "wbps-application.h"
#include "wbps-current-account.h"

struct _WbpsAccountButton
{
  AdwBin              parent_instance;

  /* template widgets */
  GtkMenuButton      *menu_button;
  AdwAvatar          *avatar;
  GtkPopover         *popover;
  GtkListBox         *account_list;

  WbpsCurrentAccount *current;   /* what the avatar and the menu's mark follow */
};

G_DEFINE_FINAL_TYPE (WbpsAccountButton, wbps_account_button, ADW_TYPE_BIN)

static void
update_avatar (WbpsAccountButton *self)
{
  WbpsAccount *account = wbps_current_account_get_account (self->current);
  const char *name = account != NULL ? wbps_account_get_name (account) : NULL;
  g_autofree char *tooltip = name != NULL ? g_strdup_printf (_("Accounts: %s"), name) : g_strdup (_("Accounts"));

  adw_avatar_set_text (self->avatar, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), tooltip);
  wbps_avatar_cache_apply (wbps_application_get_avatars (wbps_application_get_default ()),
                           GTK_WIDGET (self->avatar), account != NULL ? wbps_account_get_avatar_url (account) : NULL);
}

static void
mark_current (WbpsAccountButton *self)
{
  WbpsAccount *current = wbps_current_account_get_account (self->current);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->account_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (WBPS_IS_ACCOUNT_ROW (row))
      wbps_account_row_set_current (WBPS_ACCOUNT_ROW (row),
                                    wbps_account_row_get_account (WBPS_ACCOUNT_ROW (row)) == current);
}

/* @pspec: the current account's property that changed, NULL when another account became current. */
static void
current_changed_cb (WbpsAccountButton *self,
                    GParamSpec        *pspec)
{
  const char *name = pspec != NULL ? g_param_spec_get_name (pspec) : NULL;

  g_assert (WBPS_IS_ACCOUNT_BUTTON (self));
  if (name == NULL || g_str_equal (name, "name") || g_str_equal (name, "avatar-url"))
    update_avatar (self);
  if (name == NULL)
    mark_current (self);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  WbpsAccountButton *self = user_data;
  GtkWidget *row = wbps_account_row_new (WBPS_ACCOUNT (item));
  WbpsAccount *current = wbps_current_account_get_account (self->current);

  wbps_account_row_set_current (WBPS_ACCOUNT_ROW (row), item == (gpointer) current);
  return row;
}

static void
row_activated_cb (WbpsAccountButton *self,
                  GtkListBoxRow     *row)
{
  WbpsAccount *account = wbps_account_row_get_account (WBPS_ACCOUNT_ROW (row));
  const char *action = wbps_account_get_needs_sign_in (account) ? "win.sign-in-again" : "win.switch-account";

  gtk_popover_popdown (self->popover);
  gtk_widget_activate_action (GTK_WIDGET (self), action, "s", wbps_account_get_open_id (account));
}

static void
menu_item_clicked_cb (WbpsAccountButton *self)
{
  gtk_popover_popdown (self->popover);
}

void
wbps_account_button_set_accounts (WbpsAccountButton  *self,
                                  WbpsAccountManager *accounts)
{
  g_return_if_fail (WBPS_IS_ACCOUNT_BUTTON (self));

  gtk_list_box_bind_model (self->account_list,
                           accounts != NULL ? wbps_account_manager_get_accounts (accounts) : NULL,
                           create_row, self, NULL);
  wbps_current_account_set_accounts (self->current, accounts);
}

static void
wbps_account_button_dispose (GObject *object)
{
  WbpsAccountButton *self = WBPS_ACCOUNT_BUTTON (object);

  g_clear_object (&self->current);
  /* AdwBin 1.2 would unparent its child a second time after the template cleared it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_ACCOUNT_BUTTON);
  G_OBJECT_CLASS (wbps_account_button_parent_class)->dispose (object);
}

static void
wbps_account_button_class_init (WbpsAccountButtonClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = wbps_account_button_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/accounts/wbps-account-button.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountButton, avatar);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountButton, popover);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountButton, account_list);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, menu_item_clicked_cb);
}

static void
wbps_account_button_init (WbpsAccountButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->current = wbps_current_account_new ();
  g_signal_connect_swapped (self->current, "changed", G_CALLBACK (current_changed_cb), self);
}
