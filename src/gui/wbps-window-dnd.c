/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-window-private.h"

/*
 * A file dropped anywhere on the window goes to the composer, which switches
 * the window to Post once the file opened as a video; anything else leaves
 * every page as it was and says why in a toast.
 */
static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         WbpsWindow    *self)
{
  GSList *files = g_value_get_boxed (value);

  g_assert (WBPS_IS_WINDOW (self));
  if (files == NULL)
    return FALSE;
  wbps_composer_page_open_file (_wbps_window_get_composer_page (self), G_FILE (files->data));
  return TRUE;
}

void
_wbps_window_setup_dnd (WbpsWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
