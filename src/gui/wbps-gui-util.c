/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-gui-util.h"

#include <epoxy/gl.h>
#include <string.h>

void
wbps_stack_show_only (GtkStack   *stack,
                      const char *name)
{
  GtkWidget *target = gtk_stack_get_child_by_name (stack, name);

  g_return_if_fail (target != NULL);
  gtk_widget_set_visible (target, TRUE);
  gtk_stack_set_visible_child (stack, target);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (child != target)
      gtk_widget_set_visible (child, FALSE);
}

static gboolean
gl_is_software (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  const char *renderer;
  gboolean software;

  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return FALSE; /* no GL at all: GTK picks cairo by itself */
  gdk_gl_context_make_current (context);
  renderer = (const char *) glGetString (GL_RENDERER);
  software = renderer != NULL && (strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL);
  g_debug ("GL renderer: %s", renderer != NULL ? renderer : "(none)");
  gdk_gl_context_clear_current ();
  return software;
}

void
wbps_prefer_cairo_on_software_gl (GdkDisplay *display)
{
  g_return_if_fail (GDK_IS_DISPLAY (display));

  if (gtk_get_minor_version () >= 14 || g_getenv ("GSK_RENDERER") != NULL)
    return;
  /* Software GL draws each frame on the processors the upload and the video need too. */
  if (gl_is_software (display))
    g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

/* Only the row of buttons on screen is presented; the other comes back when the width changes. */
static void
hide_squeezed_rows (AdwSqueezer *squeezer)
{
  GtkWidget *shown = adw_squeezer_get_visible_child (squeezer);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (squeezer));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN, child != shown, -1);
}

static void
name_button_once (GtkButton *button)
{
  GtkWidget *label = gtk_button_get_child (button);

  if (!GTK_IS_LABEL (label) || gtk_label_get_mnemonic_widget (GTK_LABEL (label)) != GTK_WIDGET (button))
    return;
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (GTK_LABEL (label)), -1);
}

void
wbps_message_dialog_fix_accessibility (GtkWidget *dialog)
{
  g_return_if_fail (GTK_IS_WIDGET (dialog));

  if (GTK_IS_BUTTON (dialog))
    return name_button_once (GTK_BUTTON (dialog));
  if (ADW_IS_SQUEEZER (dialog))
    {
      g_signal_connect (dialog, "notify::visible-child", G_CALLBACK (hide_squeezed_rows), NULL);
      hide_squeezed_rows (ADW_SQUEEZER (dialog));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (dialog); child != NULL; child = gtk_widget_get_next_sibling (child))
    wbps_message_dialog_fix_accessibility (child);
}
