/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-account-section.h"
#include "wbps-composer-section.h"

struct _WbpsAccountSection
{
  AdwBin          parent_instance;

  AdwAvatar      *avatar;
  GtkLabel       *posting_as;
  GtkLabel       *username;
};

static void composer_section_iface_init (WbpsComposerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsAccountSection, wbps_account_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_COMPOSER_SECTION, composer_section_iface_init))

static void
account_section_set_creator_info (WbpsComposerSection   *section,
                                  const WbpsCreatorInfo *info,
                                  gboolean               sandbox)
{
  WbpsAccountSection *self = WBPS_ACCOUNT_SECTION (section);
  const char *nickname = info != NULL ? wbps_creator_info_get_nickname ((WbpsCreatorInfo *) info) : NULL;
  g_autofree char *posting_as = NULL;
  g_autofree char *handle = NULL;

  if (nickname == NULL || *nickname == '\0')
    nickname = info != NULL && wbps_creator_info_get_username ((WbpsCreatorInfo *) info) != NULL ? wbps_creator_info_get_username ((WbpsCreatorInfo *) info) : "";
  posting_as = g_strdup_printf (_("Posting as %s"), nickname);
  handle = info != NULL && wbps_creator_info_get_username ((WbpsCreatorInfo *) info) != NULL ? g_strdup_printf ("@%s", wbps_creator_info_get_username ((WbpsCreatorInfo *) info)) : g_strdup ("");
  gtk_label_set_text (self->posting_as, posting_as);
  gtk_label_set_text (self->username, handle);
  gtk_widget_set_visible (GTK_WIDGET (self->username), *handle != '\0');
  adw_avatar_set_text (self->avatar, nickname);
  adw_avatar_set_custom_image (self->avatar, NULL);
}

static void
composer_section_iface_init (WbpsComposerSectionInterface *iface)
{
  iface->set_creator_info = account_section_set_creator_info;
}

GtkWidget *
wbps_account_section_get_avatar (WbpsAccountSection *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT_SECTION (self), NULL);
  return GTK_WIDGET (self->avatar);
}

void
wbps_account_section_show_name (WbpsAccountSection *self,
                                const char         *name)
{
  g_autofree char *posting_as = NULL;

  g_return_if_fail (WBPS_IS_ACCOUNT_SECTION (self));
  posting_as = g_strdup_printf (_("Posting as %s"), name != NULL ? name : "");
  gtk_label_set_text (self->posting_as, posting_as);
  gtk_widget_set_visible (GTK_WIDGET (self->username), FALSE);
  adw_avatar_set_text (self->avatar, name);
  adw_avatar_set_custom_image (self->avatar, NULL);
}

static void
wbps_account_section_class_init (WbpsAccountSectionClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-account-section.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountSection, avatar);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountSection, posting_as);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountSection, username);
}

static void
wbps_account_section_init (WbpsAccountSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
