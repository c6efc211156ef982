/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where GL would be drawn in software (Xvfb's GL is Mesa's llvmpipe), wbps-gtk's
 * windows draw with cairo, and a GSK_RENDERER the user set wins.
 */
#include "config.h"

#include <epoxy/gl.h>
#include <gtk/gtk.h>
#include <string.h>

#include "wbps-gui-util.h"

/* The premise of the first test: this display's GL is software. */
static gboolean
display_gl_is_llvmpipe (void)
{
  g_autoptr(GdkGLContext) context = gdk_display_create_gl_context (gdk_display_get_default (), NULL);
  gboolean llvmpipe;

  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return FALSE;
  gdk_gl_context_make_current (context);
  llvmpipe = strstr ((const char *) glGetString (GL_RENDERER), "llvmpipe") != NULL;
  gdk_gl_context_clear_current ();
  return llvmpipe;
}

static const char *
window_renderer (void)
{
  GtkWidget *window = gtk_window_new ();
  const char *name;

  gtk_widget_realize (window);
  name = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window)));
  gtk_window_destroy (GTK_WINDOW (window));
  return name;
}

static void
test_software_gl_draws_with_cairo (void)
{
  if (g_test_subprocess ())
    {
      g_unsetenv ("GSK_RENDERER");
      gtk_init ();
      wbps_prefer_cairo_on_software_gl (gdk_display_get_default ());
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
      g_assert_cmpstr (window_renderer (), ==, "GskCairoRenderer");
      return;
    }
  /* Asked here, not in the subprocess: a skip there would pass as a run. Under Xvfb
   * (CI) it always is llvmpipe; elsewhere (a GPU) there is nothing to check. */
  gtk_init ();
  if (!display_gl_is_llvmpipe ())
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("the test display's GL is not llvmpipe");
      g_test_skip ("this display's GL is not software");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_user_renderer_wins (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("GSK_RENDERER", "gl", TRUE);
      gtk_init ();
      wbps_prefer_cairo_on_software_gl (gdk_display_get_default ());
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
      g_assert_cmpstr (window_renderer (), ==, "GskGLRenderer");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gui/renderer/software-gl-draws-with-cairo", test_software_gl_draws_with_cairo);
  g_test_add_func ("/gui/renderer/user-renderer-wins", test_user_renderer_wins);
  return g_test_run ();
}
