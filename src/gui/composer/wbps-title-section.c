/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-composer-section.h"
#include "wbps-post-rules.h"
#include "wbps-title-section.h"

struct _WbpsTitleSection
{
  AdwBin          parent_instance;

  GtkTextView    *text_view;
  GtkLabel       *counter;

  char           *title;
};

static void composer_section_iface_init (WbpsComposerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsTitleSection, wbps_title_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_COMPOSER_SECTION, composer_section_iface_init))

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_counter (WbpsTitleSection *self)
{
  glong units = wbps_post_rules_utf16_length (self->title);
  g_autofree char *text = g_strdup_printf ("%'ld / %'d", units, WBPS_POST_TITLE_MAX_UTF16);
  g_autofree char *description = g_strdup_printf (_("%ld of %d characters used"), units, WBPS_POST_TITLE_MAX_UTF16);

  gtk_label_set_text (self->counter, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->counter), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  if (units > WBPS_POST_TITLE_MAX_UTF16)
    gtk_widget_add_css_class (GTK_WIDGET (self->counter), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->counter), "error");
}

static void
buffer_changed_cb (GtkTextBuffer    *buffer,
                   WbpsTitleSection *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_free (self->title);
  self->title = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  update_counter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  wbps_composer_section_changed (WBPS_COMPOSER_SECTION (self));
}

static void
title_section_reset (WbpsComposerSection *section)
{
  WbpsTitleSection *self = WBPS_TITLE_SECTION (section);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", -1);
}

static void
title_section_apply (WbpsComposerSection *section,
                     WbpsPostOptions      *options)
{
  WbpsTitleSection *self = WBPS_TITLE_SECTION (section);

  g_object_set (options, "title", (self->title != NULL && *self->title != '\0') ? self->title : NULL, NULL);
}

static void
composer_section_iface_init (WbpsComposerSectionInterface *iface)
{
  iface->reset = title_section_reset;
  iface->apply = title_section_apply;
}

const char *
wbps_title_section_get_title (WbpsTitleSection *self)
{
  g_return_val_if_fail (WBPS_IS_TITLE_SECTION (self), NULL);
  return self->title;
}

static void
wbps_title_section_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WbpsTitleSection *self = WBPS_TITLE_SECTION (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_title_section_finalize (GObject *object)
{
  WbpsTitleSection *self = WBPS_TITLE_SECTION (object);

  g_free (self->title);
  G_OBJECT_CLASS (wbps_title_section_parent_class)->finalize (object);
}

static void
wbps_title_section_class_init (WbpsTitleSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wbps_title_section_get_property;
  object_class->finalize = wbps_title_section_finalize;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-title-section.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsTitleSection, text_view);
  gtk_widget_class_bind_template_child (widget_class, WbpsTitleSection, counter);
}

static void
wbps_title_section_init (WbpsTitleSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->title = g_strdup ("");
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (buffer_changed_cb), self, 0);
  update_counter (self);
}
