/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-composer-section.h"
#include "wbps-disclosure-section.h"

struct _WbpsDisclosureSection
{
  AdwBin          parent_instance;

  GtkSwitch      *disclose_switch;
  GtkRevealer    *revealer;
  GtkCheckButton *brand_check;
  GtkCheckButton *branded_check;
  AdwActionRow   *branded_row;
  GtkLabel       *label_note;
  GtkSwitch      *aigc_switch;
};

static void composer_section_iface_init (WbpsComposerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsDisclosureSection, wbps_disclosure_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_COMPOSER_SECTION, composer_section_iface_init))

enum {
  PROP_0,
  PROP_DISCLOSE,
  PROP_BRAND_ORGANIC,
  PROP_BRANDED_CONTENT,
  PROP_AIGC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
wbps_disclosure_section_get_disclose (WbpsDisclosureSection *self)
{
  g_return_val_if_fail (WBPS_IS_DISCLOSURE_SECTION (self), FALSE);
  return gtk_switch_get_active (self->disclose_switch);
}

gboolean
wbps_disclosure_section_get_brand_organic (WbpsDisclosureSection *self)
{
  g_return_val_if_fail (WBPS_IS_DISCLOSURE_SECTION (self), FALSE);
  return wbps_disclosure_section_get_disclose (self) && gtk_check_button_get_active (self->brand_check);
}

gboolean
wbps_disclosure_section_get_branded_content (WbpsDisclosureSection *self)
{
  g_return_val_if_fail (WBPS_IS_DISCLOSURE_SECTION (self), FALSE);
  return wbps_disclosure_section_get_disclose (self) && gtk_check_button_get_active (self->branded_check);
}

const char *
wbps_disclosure_section_get_warning (WbpsDisclosureSection *self)
{
  g_return_val_if_fail (WBPS_IS_DISCLOSURE_SECTION (self), NULL);
  if (!wbps_disclosure_section_get_disclose (self) || wbps_disclosure_section_get_brand_organic (self) ||
      wbps_disclosure_section_get_branded_content (self))
    return NULL;
  return gtk_label_get_text (self->label_note);
}

/* TikTok's label texts (guideline 5): what the post will be labeled as. */
static void
update_label_note (WbpsDisclosureSection *self)
{
  const char *text = NULL;

  if (wbps_disclosure_section_get_branded_content (self))
    text = _("Your photo/video will be labeled as ‘Paid partnership’");
  else if (wbps_disclosure_section_get_brand_organic (self))
    text = _("Your photo/video will be labeled as ‘Promotional content’");
  else
    text = _("You need to indicate if your content promotes yourself, a third party, or both.");
  gtk_label_set_text (self->label_note, text);
  if (wbps_disclosure_section_get_branded_content (self) || wbps_disclosure_section_get_brand_organic (self))
    gtk_widget_remove_css_class (GTK_WIDGET (self->label_note), "warning");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->label_note), "warning");
}

static void
choice_changed_cb (WbpsDisclosureSection *self)
{
  gtk_revealer_set_reveal_child (self->revealer, gtk_switch_get_active (self->disclose_switch));
  update_label_note (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRANDED_CONTENT]);
  wbps_composer_section_changed (WBPS_COMPOSER_SECTION (self));
}

void
wbps_disclosure_section_set_branded_blocked (WbpsDisclosureSection *self,
                                             const char            *reason)
{
  g_return_if_fail (WBPS_IS_DISCLOSURE_SECTION (self));
  if (reason != NULL)
    gtk_check_button_set_active (self->branded_check, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->branded_check), reason == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->branded_check), reason);
  adw_action_row_set_subtitle (self->branded_row, reason == NULL
                                 ? _("You are promoting another brand or a third party. This video will be classified as Branded Content.")
                                 : reason);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->branded_check), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  reason != NULL ? reason : "", -1);
}

static void
disclosure_section_reset (WbpsComposerSection *section)
{
  WbpsDisclosureSection *self = WBPS_DISCLOSURE_SECTION (section);

  gtk_check_button_set_active (self->brand_check, FALSE);
  gtk_check_button_set_active (self->branded_check, FALSE);
  gtk_switch_set_active (self->disclose_switch, FALSE);
  gtk_switch_set_active (self->aigc_switch, FALSE);
  wbps_disclosure_section_set_branded_blocked (self, NULL);
}

static void
disclosure_section_apply (WbpsComposerSection *section,
                          WbpsPostOptions      *options)
{
  WbpsDisclosureSection *self = WBPS_DISCLOSURE_SECTION (section);

  g_object_set (options,
                "commercial-content", wbps_disclosure_section_get_disclose (self),
                "brand-organic", wbps_disclosure_section_get_brand_organic (self),
                "branded-content", wbps_disclosure_section_get_branded_content (self),
                "aigc", gtk_switch_get_active (self->aigc_switch),
                NULL);
}

static void
composer_section_iface_init (WbpsComposerSectionInterface *iface)
{
  iface->reset = disclosure_section_reset;
  iface->apply = disclosure_section_apply;
}

static void
wbps_disclosure_section_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  WbpsDisclosureSection *self = WBPS_DISCLOSURE_SECTION (object);

  switch (prop_id)
    {
    case PROP_DISCLOSE:
      g_value_set_boolean (value, wbps_disclosure_section_get_disclose (self));
      break;
    case PROP_BRAND_ORGANIC:
      g_value_set_boolean (value, wbps_disclosure_section_get_brand_organic (self));
      break;
    case PROP_BRANDED_CONTENT:
      g_value_set_boolean (value, wbps_disclosure_section_get_branded_content (self));
      break;
    case PROP_AIGC:
      g_value_set_boolean (value, gtk_switch_get_active (self->aigc_switch));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_disclosure_section_class_init (WbpsDisclosureSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wbps_disclosure_section_get_property;

  properties[PROP_DISCLOSE] =
    g_param_spec_boolean ("disclose", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRAND_ORGANIC] =
    g_param_spec_boolean ("brand-organic", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRANDED_CONTENT] =
    g_param_spec_boolean ("branded-content", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AIGC] =
    g_param_spec_boolean ("aigc", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-disclosure-section.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsDisclosureSection, disclose_switch);
  gtk_widget_class_bind_template_child (widget_class, WbpsDisclosureSection, revealer);
  gtk_widget_class_bind_template_child (widget_class, WbpsDisclosureSection, brand_check);
  gtk_widget_class_bind_template_child (widget_class, WbpsDisclosureSection, branded_check);
  gtk_widget_class_bind_template_child (widget_class, WbpsDisclosureSection, branded_row);
  gtk_widget_class_bind_template_child (widget_class, WbpsDisclosureSection, label_note);
  gtk_widget_class_bind_template_child (widget_class, WbpsDisclosureSection, aigc_switch);
  gtk_widget_class_bind_template_callback (widget_class, choice_changed_cb);
}

static void
wbps_disclosure_section_init (WbpsDisclosureSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  wbps_disclosure_section_set_branded_blocked (self, NULL);
  update_label_note (self);
}
