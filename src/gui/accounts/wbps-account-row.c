/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "wbps-account-row.h"
#include "wbps-application.h"

struct _WbpsAccountRow
{
  GtkListBoxRow  parent_instance;

  /* template widgets */
  GtkWidget     *button;
  AdwAvatar     *avatar;
  GtkLabel      *name_label;
  GtkWidget     *status_label;
  GtkWidget     *current_image;

  WbpsAccount   *account;
};

G_DEFINE_FINAL_TYPE (WbpsAccountRow, wbps_account_row, GTK_TYPE_LIST_BOX_ROW)

WbpsAccount *
wbps_account_row_get_account (WbpsAccountRow *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_ROW (self), NULL);
  return self->account;
}

void
wbps_account_row_set_current (WbpsAccountRow *self,
                              gboolean        current)
{
  g_return_if_fail (WBPS_IS_ACCOUNT_ROW (self));
  gtk_widget_set_visible (self->current_image, current);
}

/* Screen readers read the row as one: the name, and what it needs. */
static void
update (WbpsAccountRow *self)
{
  const char *name = wbps_account_get_name (self->account);
  gboolean needs_sign_in = wbps_account_get_needs_sign_in (self->account);
  g_autofree char *label = needs_sign_in ? g_strdup_printf (_("%s, sign in again"), name) : g_strdup (name);

  gtk_label_set_label (self->name_label, name);
  adw_avatar_set_text (self->avatar, name);
  gtk_widget_set_visible (self->status_label, needs_sign_in);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* The list box hears of it as the row's activation. */
static void
button_clicked_cb (WbpsAccountRow *self)
{
  gtk_widget_activate (GTK_WIDGET (self));
}

static void
avatar_url_changed_cb (WbpsAccountRow *self)
{
  wbps_avatar_cache_apply (wbps_application_get_avatars (wbps_application_get_default ()),
                           GTK_WIDGET (self->avatar), wbps_account_get_avatar_url (self->account));
}

GtkWidget *
wbps_account_row_new (WbpsAccount *account)
{
  WbpsAccountRow *self = g_object_new (WBPS_TYPE_ACCOUNT_ROW, NULL);

  self->account = g_object_ref (account);
  g_signal_connect_object (account, "notify::name", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (account, "notify::needs-sign-in", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (account, "notify::avatar-url", G_CALLBACK (avatar_url_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update (self);
  avatar_url_changed_cb (self);
  return GTK_WIDGET (self);
}

static void
wbps_account_row_dispose (GObject *object)
{
  WbpsAccountRow *self = WBPS_ACCOUNT_ROW (object);

  g_clear_object (&self->account);
  /* The row would unparent its child a second time after the template cleared it. */
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_ACCOUNT_ROW);
  G_OBJECT_CLASS (wbps_account_row_parent_class)->dispose (object);
}

static void
wbps_account_row_class_init (WbpsAccountRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = wbps_account_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/accounts/wbps-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountRow, button);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountRow, current_image);
  gtk_widget_class_bind_template_callback (widget_class, button_clicked_cb);
}

static void
wbps_account_row_init (WbpsAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
