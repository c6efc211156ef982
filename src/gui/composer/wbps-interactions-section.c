/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-composer-section.h"
#include "wbps-interactions-section.h"

struct _WbpsInteractionsSection
{
  AdwBin          parent_instance;

  AdwActionRow   *comment_row;
  AdwActionRow   *duet_row;
  AdwActionRow   *stitch_row;
  GtkSwitch      *comment_switch;
  GtkSwitch      *duet_switch;
  GtkSwitch      *stitch_switch;
};

static void composer_section_iface_init (WbpsComposerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsInteractionsSection, wbps_interactions_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_COMPOSER_SECTION, composer_section_iface_init))

enum {
  PROP_0,
  PROP_ALLOW_COMMENT,
  PROP_ALLOW_DUET,
  PROP_ALLOW_STITCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A disabled interaction stays off, insensitive, and says why in its subtitle (guideline 4). */
static void
set_available (AdwActionRow *row,
               GtkSwitch    *toggle,
               const char   *reason)
{
  if (reason != NULL)
    gtk_switch_set_active (toggle, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), reason == NULL);
  adw_action_row_set_subtitle (row, reason != NULL ? reason : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (toggle), reason);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  reason != NULL ? reason : "", -1);
}

void
wbps_interactions_section_set_blocked (WbpsInteractionsSection *self,
                                       WbpsPostControl          control,
                                       const char              *reason)
{
  g_return_if_fail (WBPS_IS_INTERACTIONS_SECTION (self));

  if (control == WBPS_POST_CONTROL_ALLOW_COMMENT)
    set_available (self->comment_row, self->comment_switch, reason);
  else if (control == WBPS_POST_CONTROL_ALLOW_DUET)
    set_available (self->duet_row, self->duet_switch, reason);
  else if (control == WBPS_POST_CONTROL_ALLOW_STITCH)
    set_available (self->stitch_row, self->stitch_switch, reason);
  else
    g_return_if_reached ();
}

static void
interactions_section_reset (WbpsComposerSection *section)
{
  WbpsInteractionsSection *self = WBPS_INTERACTIONS_SECTION (section);

  set_available (self->comment_row, self->comment_switch, NULL);
  set_available (self->duet_row, self->duet_switch, NULL);
  set_available (self->stitch_row, self->stitch_switch, NULL);
  gtk_switch_set_active (self->comment_switch, FALSE);
  gtk_switch_set_active (self->duet_switch, FALSE);
  gtk_switch_set_active (self->stitch_switch, FALSE);
}

static void
interactions_section_apply (WbpsComposerSection *section,
                            WbpsPostOptions      *options)
{
  WbpsInteractionsSection *self = WBPS_INTERACTIONS_SECTION (section);

  g_object_set (options,
                "allow-comment", gtk_switch_get_active (self->comment_switch),
                "allow-duet", gtk_switch_get_active (self->duet_switch),
                "allow-stitch", gtk_switch_get_active (self->stitch_switch),
                NULL);
}

static void
composer_section_iface_init (WbpsComposerSectionInterface *iface)
{
  iface->reset = interactions_section_reset;
  iface->apply = interactions_section_apply;
}

static void
switch_changed_cb (WbpsInteractionsSection *self)
{
  wbps_composer_section_changed (WBPS_COMPOSER_SECTION (self));
}

static void
wbps_interactions_section_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  WbpsInteractionsSection *self = WBPS_INTERACTIONS_SECTION (object);

  switch (prop_id)
    {
    case PROP_ALLOW_COMMENT:
      g_value_set_boolean (value, gtk_switch_get_active (self->comment_switch));
      break;
    case PROP_ALLOW_DUET:
      g_value_set_boolean (value, gtk_switch_get_active (self->duet_switch));
      break;
    case PROP_ALLOW_STITCH:
      g_value_set_boolean (value, gtk_switch_get_active (self->stitch_switch));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_interactions_section_class_init (WbpsInteractionsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wbps_interactions_section_get_property;

  properties[PROP_ALLOW_COMMENT] =
    g_param_spec_boolean ("allow-comment", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_DUET] =
    g_param_spec_boolean ("allow-duet", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_STITCH] =
    g_param_spec_boolean ("allow-stitch", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-interactions-section.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsInteractionsSection, comment_row);
  gtk_widget_class_bind_template_child (widget_class, WbpsInteractionsSection, duet_row);
  gtk_widget_class_bind_template_child (widget_class, WbpsInteractionsSection, stitch_row);
  gtk_widget_class_bind_template_child (widget_class, WbpsInteractionsSection, comment_switch);
  gtk_widget_class_bind_template_child (widget_class, WbpsInteractionsSection, duet_switch);
  gtk_widget_class_bind_template_child (widget_class, WbpsInteractionsSection, stitch_switch);
  gtk_widget_class_bind_template_callback (widget_class, switch_changed_cb);
}

static void
wbps_interactions_section_init (WbpsInteractionsSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
