/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-composer-section.h"
#include "wbps-privacy-section.h"

struct _WbpsPrivacySection
{
  AdwBin          parent_instance;

  AdwActionRow   *row;
  GtkDropDown    *drop_down;
  GtkLabel       *sandbox_note;

  GStrv           codes;            /* the dropdown's items, in order */
  gboolean        private_allowed;
  gboolean        updating;         /* model being replaced: ignore the dropdown's own selection */
};

static void composer_section_iface_init (WbpsComposerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsPrivacySection, wbps_privacy_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_COMPOSER_SECTION, composer_section_iface_init))

enum {
  PROP_0,
  PROP_PRIVACY_LEVEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
wbps_privacy_level_describe (const char *code)
{
  if (g_strcmp0 (code, "PUBLIC_TO_EVERYONE") == 0)
    return _("Everyone");
  if (g_strcmp0 (code, "MUTUAL_FOLLOW_FRIENDS") == 0)
    return _("Friends");
  if (g_strcmp0 (code, "FOLLOWER_OF_CREATOR") == 0)
    return _("Followers");
  if (g_strcmp0 (code, "SELF_ONLY") == 0)
    return _("Only me");
  return code;
}

const char *
wbps_privacy_section_get_privacy_level (WbpsPrivacySection *self)
{
  guint selected;

  g_return_val_if_fail (WBPS_IS_PRIVACY_SECTION (self), NULL);
  selected = gtk_drop_down_get_selected (self->drop_down);
  if (self->codes == NULL || selected == GTK_INVALID_LIST_POSITION || selected >= g_strv_length (self->codes))
    return NULL;
  return self->codes[selected];
}

static gboolean
item_allowed (WbpsPrivacySection *self,
              const char         *code)
{
  return self->private_allowed || g_strcmp0 (code, "SELF_ONLY") != 0;
}

static void
update_subtitle (WbpsPrivacySection *self)
{
  adw_action_row_set_subtitle (self->row, wbps_privacy_section_get_privacy_level (self) == NULL
                                            ? _("Choose who can see this video; there is no default.")
                                            : "");
}

/* GTK 4.8's GtkDropDown selects item 0 of every new model: put the old choice back, or none. */
static void
set_items (WbpsPrivacySection *self,
           const char * const *codes,
           const char         *keep)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  guint selected = GTK_INVALID_LIST_POSITION;

  g_clear_pointer (&self->codes, g_strfreev);
  self->codes = g_strdupv ((char **) codes);
  for (guint i = 0; self->codes != NULL && self->codes[i] != NULL; i++)
    {
      gtk_string_list_append (model, wbps_privacy_level_describe (self->codes[i]));
      if (keep != NULL && g_str_equal (keep, self->codes[i]) && item_allowed (self, keep))
        selected = i;
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->drop_down, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->drop_down, selected);
  self->updating = FALSE;
  update_subtitle (self);
}

static void
selected_changed_cb (WbpsPrivacySection *self)
{
  if (self->updating)
    return;
  update_subtitle (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY_LEVEL]);
  wbps_composer_section_changed (WBPS_COMPOSER_SECTION (self));
}

void
wbps_privacy_section_set_private_allowed (WbpsPrivacySection *self,
                                          gboolean            allowed)
{
  g_autofree char *keep = NULL;
  g_auto(GStrv) codes = NULL;

  g_return_if_fail (WBPS_IS_PRIVACY_SECTION (self));
  if (self->private_allowed == !!allowed)
    return;
  self->private_allowed = !!allowed;
  keep = g_strdup (wbps_privacy_section_get_privacy_level (self));
  codes = g_strdupv (self->codes);
  set_items (self, (const char * const *) codes, keep);
}

/* The popup's rows: "Only me" greyed out and not choosable while branded content is on. */
static void
factory_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  WbpsPrivacySection       *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 WbpsPrivacySection       *self)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  GtkStringObject *string = gtk_list_item_get_item (item);
  guint position = gtk_list_item_get_position (item);
  const char *code = (self->codes != NULL && position < g_strv_length (self->codes)) ? self->codes[position] : NULL;
  gboolean allowed = item_allowed (self, code);

  gtk_label_set_text (GTK_LABEL (label), gtk_string_object_get_string (string));
  gtk_widget_set_sensitive (label, allowed);
  gtk_widget_set_tooltip_text (label, allowed ? NULL : _("Branded content visibility cannot be set to private."));
  gtk_list_item_set_activatable (item, allowed);
  gtk_list_item_set_selectable (item, allowed);
}

static void
privacy_section_set_creator_info (WbpsComposerSection   *section,
                                  const WbpsCreatorInfo *info,
                                  gboolean               sandbox)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (section);
  const char *only_private[] = { "SELF_ONLY", NULL };
  const char * const *codes = info != NULL ? (const char * const *) info->privacy_level_options : NULL;
  g_autofree char *keep = g_strdup (wbps_privacy_section_get_privacy_level (self));

  if (sandbox && codes != NULL && g_strv_contains (codes, "SELF_ONLY"))
    codes = only_private;
  gtk_widget_set_visible (GTK_WIDGET (self->sandbox_note), sandbox);
  /* Shown again: the creator's earlier choice stays if TikTok still offers it. */
  set_items (self, codes, keep);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY_LEVEL]);
}

static void
privacy_section_reset (WbpsComposerSection *section)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (section);

  self->private_allowed = TRUE;
  set_items (self, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sandbox_note), FALSE);
}

static void
privacy_section_apply (WbpsComposerSection *section,
                       WbpsPublishJob      *job)
{
  g_object_set (job, "privacy-level", wbps_privacy_section_get_privacy_level (WBPS_PRIVACY_SECTION (section)), NULL);
}

static void
composer_section_iface_init (WbpsComposerSectionInterface *iface)
{
  iface->set_creator_info = privacy_section_set_creator_info;
  iface->reset = privacy_section_reset;
  iface->apply = privacy_section_apply;
}

static void
wbps_privacy_section_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (object);

  switch (prop_id)
    {
    case PROP_PRIVACY_LEVEL:
      g_value_set_string (value, wbps_privacy_section_get_privacy_level (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_privacy_section_finalize (GObject *object)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (object);

  g_strfreev (self->codes);
  G_OBJECT_CLASS (wbps_privacy_section_parent_class)->finalize (object);
}

static void
wbps_privacy_section_class_init (WbpsPrivacySectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wbps_privacy_section_get_property;
  object_class->finalize = wbps_privacy_section_finalize;

  properties[PROP_PRIVACY_LEVEL] =
    g_param_spec_string ("privacy-level", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-privacy-section.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsPrivacySection, row);
  gtk_widget_class_bind_template_child (widget_class, WbpsPrivacySection, drop_down);
  gtk_widget_class_bind_template_child (widget_class, WbpsPrivacySection, sandbox_note);
  gtk_widget_class_bind_template_callback (widget_class, selected_changed_cb);
}

static void
wbps_privacy_section_init (WbpsPrivacySection *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->private_allowed = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  gtk_drop_down_set_factory (self->drop_down, factory);
  set_items (self, NULL, NULL);
}
