/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-config.h"
#include "wbps-preferences-window.h"

struct _WbpsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  AdwPreferencesGroup  *tiktok_group;
  GtkSwitch            *sandbox_switch;
  AdwEntryRow          *auth_url_row;
  AdwEntryRow          *api_url_row;
  AdwEntryRow          *client_key_row;
  AdwEntryRow          *relay_url_row;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (WbpsPreferencesWindow, wbps_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *
key_of_row (WbpsPreferencesWindow *self,
            AdwEntryRow           *row)
{
  if (row == self->auth_url_row)
    return "auth-url";
  if (row == self->api_url_row)
    return "api-url";
  if (row == self->relay_url_row)
    return "relay-url";
  return "client-key";
}

/* Written on Apply only: every keystroke would otherwise reload the accounts. */
static void
entry_applied_cb (WbpsPreferencesWindow *self,
                  AdwEntryRow           *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (self->settings != NULL)
    g_settings_set_string (self->settings, key_of_row (self, row), text);
}

static void
bind_settings (WbpsPreferencesWindow *self)
{
  AdwEntryRow *rows[] = { self->auth_url_row, self->api_url_row, self->client_key_row, self->relay_url_row };

  g_settings_bind (self->settings, "sandbox", self->sandbox_switch, "active", G_SETTINGS_BIND_DEFAULT);
  /* The entries show what is stored; Apply writes it back. */
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_settings_bind (self->settings, key_of_row (self, rows[i]), rows[i], "text",
                     G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
}

WbpsPreferencesWindow *
wbps_preferences_window_new (GtkWindow *parent,
                             gboolean   demo)
{
  WbpsPreferencesWindow *self = g_object_new (WBPS_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  if (self->settings != NULL)
    bind_settings (self);
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->tiktok_group), FALSE);
  if (demo)
    adw_preferences_group_set_description (self->tiktok_group,
                                           _("Demo mode uses the built-in emulator; these settings apply when wbps runs without --demo."));
  return self;
}

static void
wbps_preferences_window_dispose (GObject *object)
{
  WbpsPreferencesWindow *self = WBPS_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (wbps_preferences_window_parent_class)->dispose (object);
}

static void
wbps_preferences_window_class_init (WbpsPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = wbps_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/wbps-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsPreferencesWindow, tiktok_group);
  gtk_widget_class_bind_template_child (widget_class, WbpsPreferencesWindow, sandbox_switch);
  gtk_widget_class_bind_template_child (widget_class, WbpsPreferencesWindow, auth_url_row);
  gtk_widget_class_bind_template_child (widget_class, WbpsPreferencesWindow, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, WbpsPreferencesWindow, client_key_row);
  gtk_widget_class_bind_template_child (widget_class, WbpsPreferencesWindow, relay_url_row);
  gtk_widget_class_bind_template_callback (widget_class, entry_applied_cb);
}

static void
wbps_preferences_window_init (WbpsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = wbps_config_get_settings ();
}
