/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test videos and the independent decoder (ffmpeg) the media tests compare with. */

#include <gst/gst.h>

#include "media-test-util.h"

void
media_test_run_pipeline (const char *description)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  message = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_nonnull (message);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      gst_message_parse_error (message, &error, NULL);
      g_error ("pipeline “%s” failed: %s", description, error->message);
    }
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
}

char *
media_test_make_encoded_video (const char *dir,
                               const char *name,
                               guint       width,
                               guint       height,
                               guint       fps,
                               guint       frames,
                               const char *encode,
                               const char *mux)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *description = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  description = g_strdup_printf (
    "videotestsrc num-buffers=%u pattern=smpte horizontal-speed=7 ! "
    "video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1 ! "
    "timeoverlay font-desc=\"Sans 24\" ! videoconvert ! video/x-raw,format=I420 ! "
    "%s ! queue ! mux. "
    "audiotestsrc num-buffers=%u samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! "
    "audioconvert ! %s ! queue ! mux. "
    "%s name=mux ! filesink location=\"%s\"",
    frames, width, height, fps, encode, frames * 48000 / fps / 1024 + 1,
    g_str_has_prefix (mux, "mp4mux") ? "avenc_aac ! aacparse" : "opusenc", mux, path);
  media_test_run_pipeline (description);

  return path;
}

char *
media_test_make_video (const char *dir,
                       const char *name,
                       guint       width,
                       guint       height,
                       guint       fps,
                       guint       frames)
{
  g_autofree char *encode = g_strdup_printf ("x264enc speed-preset=veryfast key-int-max=%u ! "
                                             "video/x-h264,profile=main ! h264parse", fps);

  return media_test_make_encoded_video (dir, name, width, height, fps, frames, encode,
                                        "mp4mux faststart=true");
}

gboolean
media_test_have_ffmpeg (void)
{
  g_autofree char *ffmpeg = g_find_program_in_path ("ffmpeg");

  if (ffmpeg != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("ffmpeg is needed to check frames against an independent decoder");
  g_test_skip ("ffmpeg is not installed");
  return FALSE;
}

/* Frame @index of a @fps video at @width × @height, as ffmpeg decodes it, RGBA. */
static GBytes *
ffmpeg_frame (const char *path,
              guint       fps,
              gint64      index,
              guint       width,
              guint       height)
{
  /* ffmpeg's -ss keeps the first frame at or after the time: aim at the frame's start. */
  g_autofree char *seek = g_strdup_printf ("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT,
                                           index / fps, ((index % fps) * 1000000) / fps);
  g_autofree char *scale = g_strdup_printf ("scale=%u:%u", width, height);
  const char *argv[] = { "ffmpeg", "-v", "error", "-nostdin", "-ss", seek, "-i", path,
                         "-frames:v", "1", "-vf", scale, "-f", "rawvideo", "-pix_fmt", "rgba", "-",
                         NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  g_assert_cmpuint (g_bytes_get_size (out), ==, (gsize) width * height * 4);

  return g_steal_pointer (&out);
}

/* Mean absolute difference per colour channel (0-255) against packed RGBA. */
static double
mean_difference (const guint8 *pixels,
                 guint         width,
                 guint         height,
                 guint         stride,
                 gboolean      bgra,
                 GBytes       *reference)
{
  const guint8 *b = g_bytes_get_data (reference, NULL);
  guint64 sum = 0;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < 3; c++)
        {
          guint from = bgra ? 2 - c : c;

          sum += ABS ((int) pixels[y * stride + x * 4 + from] - (int) b[(y * width + x) * 4 + c]);
        }

  return (double) sum / ((double) width * height * 3);
}

void
media_test_assert_frame (const guint8 *pixels,
                         guint         width,
                         guint         height,
                         guint         stride,
                         gboolean      bgra,
                         const char   *path,
                         guint         fps,
                         gint64        index,
                         gint64        last_index,
                         double        tolerance)
{
  g_autoptr(GBytes) expected = ffmpeg_frame (path, fps, index, width, height);
  double same = mean_difference (pixels, width, height, stride, bgra, expected);

  g_test_message ("frame %" G_GINT64_FORMAT ": %.2f from ffmpeg's", index, same);
  g_assert_cmpfloat (same, <, tolerance);
  for (gint64 other = index - 1; other <= index + 1; other += 2)
    {
      g_autoptr(GBytes) neighbour = NULL;
      double apart;

      if (other < 0 || other > last_index)
        continue;
      neighbour = ffmpeg_frame (path, fps, other, width, height);
      apart = mean_difference (pixels, width, height, stride, bgra, neighbour);
      g_test_message ("  %.2f from frame %" G_GINT64_FORMAT, apart, other);
      g_assert_cmpfloat (apart, >, 3 * same);
    }
}
