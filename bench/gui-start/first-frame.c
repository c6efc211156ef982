/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LD_PRELOAD probe for bench/gui-start: wraps gtk_window_present() and writes
 * the CLOCK_MONOTONIC time of the window's first after-paint (its first frame
 * presented) to $WBPS_BENCH_FRAME_FILE. It works the same on wbps-gtk and on
 * the reference application, neither of which knows it is measured.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gtk/gtk.h>

void gtk_window_present (GtkWindow *window);

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  static gboolean written;
  const char *path = g_getenv ("WBPS_BENCH_FRAME_FILE");
  struct timespec now;
  FILE *file;

  if (written || path == NULL)
    return;
  written = TRUE;
  clock_gettime (CLOCK_MONOTONIC, &now);
  if ((file = fopen (path, "w")) == NULL)
    return;
  fprintf (file, "%lld\n", (long long) now.tv_sec * 1000000000LL + now.tv_nsec);
  fclose (file);
}

static void
watch_frames (GtkWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (surface != NULL)
    g_signal_connect (gdk_surface_get_frame_clock (surface), "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

void
gtk_window_present (GtkWindow *window)
{
  static void (*real_present) (GtkWindow *);
  static gboolean watching;

  if (real_present == NULL)
    real_present = (void (*) (GtkWindow *)) dlsym (RTLD_NEXT, "gtk_window_present");
  real_present (window);
  if (!watching)
    {
      watching = TRUE;
      watch_frames (window);
    }
}
