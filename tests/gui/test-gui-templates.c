/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every composite template builds into its widget (a broken .ui is a critical,
 * fatal here), and the controls named in the contract carry those names.
 * gtk4-builder-tool 4.8 cannot check these files itself: it looks template
 * parents up by name without loading libadwaita.
 */
#include "config.h"

#include <adwaita.h>

#include "wbps-account-button.h"
#include "wbps-account-private.h"
#include "wbps-account-row.h"
#include "wbps-account-summary.h"
#include "wbps-application.h"
#include "wbps-preferences-window.h"
#include "wbps-welcome-page.h"
#include "wbps-window.h"

/* The text a screen reader gets for a button: its accessible label, else its label. */
static gboolean
has_button_named (GtkWidget  *widget,
                  const char *name)
{
  if (GTK_IS_BUTTON (widget))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      if (g_strcmp0 (label, name) == 0 ||
          (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), name) == 0))
        return TRUE;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_button_named (c, name))
      return TRUE;
  return FALSE;
}

static void
test_welcome_page (void)
{
  GtkWidget *page = g_object_ref_sink (g_object_new (WBPS_TYPE_WELCOME_PAGE, NULL));

  g_assert_true (has_button_named (page, "Sign In with TikTok"));
  g_assert_true (has_button_named (page, "Copy Link"));
  g_assert_true (has_button_named (page, "Cancel"));
  g_assert_false (wbps_welcome_page_get_busy (WBPS_WELCOME_PAGE (page)));
  g_object_unref (page);
}

static void
test_account_button (void)
{
  GtkWidget *button = g_object_ref_sink (g_object_new (WBPS_TYPE_ACCOUNT_BUTTON, NULL));
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (adw_bin_get_child (ADW_BIN (button))));

  g_assert_nonnull (popover);
  g_assert_true (has_button_named (GTK_WIDGET (popover), "Add Account…"));
  g_assert_true (has_button_named (GTK_WIDGET (popover), "Sign Out"));
  g_object_unref (button);
}

static void
test_account_row_and_summary (void)
{
  g_autoptr(WbpsAccount) account = wbps_account_new ("open-id-1");
  GtkWidget *row = g_object_ref_sink (wbps_account_row_new (account));
  GtkWidget *summary = g_object_ref_sink (g_object_new (WBPS_TYPE_ACCOUNT_SUMMARY, NULL));

  g_assert_true (wbps_account_row_get_account (WBPS_ACCOUNT_ROW (row)) == account);
  g_object_unref (row);
  g_object_unref (summary);
}

static void
test_window_and_preferences (void)
{
  WbpsApplication *app = wbps_application_get_default ();
  GtkWidget *window = GTK_WIDGET (wbps_window_new (app));
  GtkWidget *prefs = GTK_WIDGET (wbps_preferences_window_new (GTK_WINDOW (window), FALSE));
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/ai/fvz/Wbps/gtk/help-overlay.ui");

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwEntryRow *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (widget) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_ENTRY_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      AdwEntryRow *row = find_entry_row (c, title);

      if (row != NULL)
        return row;
    }
  return NULL;
}

/* The relay row shows GSettings relay-url and writes it back on Apply. */
static void
test_preferences_relay_url (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs;
  AdwEntryRow *row;
  g_autofree char *stored = NULL;

  g_settings_set_string (settings, "relay-url", "https://relay.example.org");
  prefs = GTK_WIDGET (wbps_preferences_window_new (NULL, FALSE));
  row = find_entry_row (prefs, "wbps Relay");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "https://relay.example.org");
  gtk_editable_set_text (GTK_EDITABLE (row), " https://other.example.org ");
  g_signal_emit_by_name (row, "apply");
  stored = g_settings_get_string (settings, "relay-url");
  g_assert_cmpstr (stored, ==, "https://other.example.org");
  g_settings_reset (settings, "relay-url");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(WbpsApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return g_getenv ("CI") != NULL && g_str_equal (g_getenv ("CI"), "true") ? 1 : 77;
    }
  adw_init ();
  app = wbps_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/gui/templates/welcome-page", test_welcome_page);
  g_test_add_func ("/gui/templates/account-button", test_account_button);
  g_test_add_func ("/gui/templates/account-row-and-summary", test_account_row_and_summary);
  g_test_add_func ("/gui/templates/window-and-preferences", test_window_and_preferences);
  g_test_add_func ("/gui/templates/preferences-relay-url", test_preferences_relay_url);
  return g_test_run ();
}
