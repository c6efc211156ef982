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
