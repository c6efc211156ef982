/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * wbps-bench-upload FILE [CHUNK_SIZE] < UPLOAD_URL
 * wbps-bench-upload --plan FILE [CHUNK_SIZE]
 *
 * Uploads FILE to the upload URL read from stdin with WbpsUploader (the code `wbps post` uses),
 * with the chunk plan of wbps_chunk_plan_compute (CHUNK_SIZE 0 or absent = the
 * default). Prints the plan, then "uploaded BYTES bytes in SECONDS s"; with
 * --plan it only prints "VIDEO_SIZE CHUNK_SIZE TOTAL_CHUNK_COUNT". Driven
 * by bench/upload/bench-upload.py; not a test.
 */
#include <stdio.h>

#include "wbps-uploader.h"

typedef struct {
  GMainLoop *loop;
  GError    *error;
} Run;

static void
upload_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Run *run = user_data;

  wbps_uploader_upload_finish (WBPS_UPLOADER (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
compute_plan (GFile          *file,
              const char     *chunk_arg,
              WbpsChunkPlan  *plan,
              GError        **error)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, error);

  return info != NULL &&
         wbps_chunk_plan_compute (g_file_info_get_size (info),
                                  chunk_arg != NULL ? g_ascii_strtoull (chunk_arg, NULL, 10) : 0,
                                  plan, error);
}

static int
upload (GFile               *file,
        const char          *upload_url,
        const WbpsChunkPlan *plan)
{
  g_autoptr(WbpsUploader) uploader = wbps_uploader_new (file, upload_url, "video/mp4", plan);
  Run run = { g_main_loop_new (NULL, FALSE), NULL };
  gint64 start = g_get_monotonic_time ();

  wbps_uploader_upload_async (uploader, 0, NULL, upload_done_cb, &run);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);
  if (run.error != NULL)
    {
      g_printerr ("upload failed: %s\n", run.error->message);
      g_error_free (run.error);
      return 1;
    }
  g_print ("uploaded %" G_GUINT64_FORMAT " bytes in %.3f s\n", plan->video_size,
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  return 0;
}

/* The upload URL carries a token: it comes on stdin, never in argv. */
static char *
read_upload_url (void)
{
  char line[2048];

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  return g_strstrip (g_strdup (line));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *upload_url = NULL;
  gboolean plan_only = argc > 1 && g_str_equal (argv[1], "--plan");
  int first = plan_only ? 2 : 1;
  WbpsChunkPlan plan;

  if (argc <= first)
    {
      g_printerr ("usage: %s [--plan] FILE [CHUNK_SIZE] (upload URL on stdin)\n", argv[0]);
      return 2;
    }
  file = g_file_new_for_commandline_arg (argv[first]);
  if (!compute_plan (file, argc > first + 1 ? argv[first + 1] : NULL, &plan, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (plan_only)
    {
      g_print ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
               plan.video_size, plan.chunk_size, plan.total_chunk_count);
      return 0;
    }
  g_print ("plan: video_size=%" G_GUINT64_FORMAT " chunk_size=%" G_GUINT64_FORMAT
           " total_chunk_count=%" G_GUINT64_FORMAT "\n",
           plan.video_size, plan.chunk_size, plan.total_chunk_count);
  if ((upload_url = read_upload_url ()) == NULL || *upload_url == '\0')
    {
      g_printerr ("no upload URL on stdin\n");
      return 2;
    }
  return upload (file, upload_url, &plan);
}
