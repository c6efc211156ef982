/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Runs one WbpsFilmstrip over a video and prints, as one JSON line, the time
 * from the request to the first thumbnail and to the last, and each
 * thumbnail's index, time and arrival, and the process's CPU time when the
 * first thumbnail arrived (a figure the machine's load does not change). Usage: wbps-bench-filmstrip FILE N HEIGHT
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "wbps-filmstrip.h"
#include "wbps-media-preflight.h"

typedef struct {
  GMainLoop *loop;
  gint64     started;
  GString   *arrivals;
  gint64     first_us;
  gint64     first_cpu_us;
  GError    *error;
} Run;

/* CPU time of the whole process so far, every thread, start-up included. */
static gint64
cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static void
on_thumbnail (WbpsFilmstrip  *strip,
              guint           index,
              WbpsVideoFrame *frame,
              Run            *run)
{
  gint64 at = g_get_monotonic_time () - run->started;

  if (run->first_us < 0)
    {
      run->first_us = at;
      run->first_cpu_us = cpu_us ();
    }
  g_string_append_printf (run->arrivals, "%s{\"index\":%u,\"ms\":%" G_GINT64_FORMAT
                          ",\"at_ms\":%.1f,\"width\":%u,\"height\":%u}",
                          run->arrivals->len > 0 ? "," : "", index,
                          wbps_video_frame_get_timestamp_ms (frame), at / 1000.0,
                          wbps_video_frame_get_width (frame), wbps_video_frame_get_height (frame));
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  wbps_filmstrip_generate_finish (WBPS_FILMSTRIP (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(WbpsFilmstrip) strip = NULL;
  Run run = { .first_us = -1 };
  gint64 total;

  if (argc != 4)
    {
      fprintf (stderr, "usage: %s FILE N HEIGHT\n", argv[0]);
      return 2;
    }

  wbps_media_init ();
  file = g_file_new_for_commandline_arg (argv[1]);
  strip = wbps_filmstrip_new (file, atoi (argv[2]), atoi (argv[3]));
  run.loop = g_main_loop_new (NULL, FALSE);
  run.arrivals = g_string_new (NULL);
  g_signal_connect (strip, "thumbnail", G_CALLBACK (on_thumbnail), &run);

  run.started = g_get_monotonic_time ();
  wbps_filmstrip_generate_async (strip, NULL, on_done, &run);
  g_main_loop_run (run.loop);
  total = g_get_monotonic_time () - run.started;

  if (run.error != NULL)
    {
      fprintf (stderr, "filmstrip failed: %s\n", run.error->message);
      return 1;
    }
  printf ("{\"first_ms\":%.1f,\"first_cpu_ms\":%.1f,\"total_ms\":%.1f,\"duration_ms\":%" G_GINT64_FORMAT ",\"thumbnails\":[%s]}\n",
          run.first_us / 1000.0, run.first_cpu_us / 1000.0, total / 1000.0, wbps_filmstrip_get_duration_ms (strip),
          run.arrivals->str);

  g_string_free (run.arrivals, TRUE);
  g_main_loop_unref (run.loop);
  return 0;
}
