/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Pre-flight tests. The videos are made here, in-process, with GStreamer
 * pipelines (1-3 s, small pictures where the rule allows), then probed with
 * the real WbpsMediaPreflight and judged with wbps_media_info_check(). Sizes
 * and sides too costly to make (4 GiB, 4096 px) are checked on constructed facts.
 */

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "media-test-util.h"
#include "wbps-media-preflight.h"
#include "wbps-test-util.h"

#define PROBE_TIMEOUT_SEC 30

static char *tmpdir;

/* --- making test videos --- */

/* The raw source: SMPTE bars, I420 (so x264 makes a widely decodable profile). */
static char *
raw_video (guint width,
           guint height,
           guint fps,
           guint frames)
{
  return g_strdup_printf ("videotestsrc num-buffers=%u pattern=smpte ! "
                          "video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1",
                          frames, width, height, fps);
}

#define H264 "x264enc speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=main ! h264parse"
#define H265 "x265enc speed-preset=ultrafast log-level=none ! h265parse"
#define VP8  "vp8enc deadline=1"
#define VP9  "vp9enc deadline=1 cpu-used=8"

/* Makes tmpdir/@name from "@source ! @encode ! @mux ! filesink" once per run. */
static GFile *
make_video (const char *name,
            const char *source,
            const char *encode,
            const char *mux)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *description = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      description = g_strdup_printf ("%s ! %s ! %s ! filesink location=\"%s\"",
                                     source, encode, mux, path);
      media_test_run_pipeline (description);
    }

  return g_file_new_for_path (path);
}

static GFile *
make_h264_mp4 (const char *name,
               guint       width,
               guint       height,
               guint       fps,
               guint       frames)
{
  g_autofree char *source = raw_video (width, height, fps, frames);

  return make_video (name, source, H264, "mp4mux");
}

/* Encoders beyond the recipes' basics: skip (not fail) where a plug-in is missing. */
static gboolean
have_element (const char *name)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find (name);
  g_autofree char *why = NULL;

  if (factory != NULL)
    return TRUE;

  why = g_strdup_printf ("the GStreamer element %s is not installed", name);
  wbps_test_skip_missing (why);
  return FALSE;
}

static GFile *
write_file (const char *name,
            const char *contents,
            gsize       length)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static guint64
size_on_disk (GFile *file)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (g_file_peek_path (file), &st), ==, 0);
  return st.st_size;
}

/* --- probing --- */

typedef struct {
  gboolean       done;
  WbpsMediaInfo *info;
  GError        *error;
} ProbeResult;

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ProbeResult *probe = user_data;

  probe->info = wbps_preflight_probe_finish (WBPS_PREFLIGHT (source), result, &probe->error);
  probe->done = TRUE;
}

/* Runs the real probe on the main context, the way a front end does. */
static WbpsMediaInfo *
probe_file (GFile         *file,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(WbpsMediaPreflight) preflight = wbps_media_preflight_new ();
  ProbeResult probe = { 0 };

  /* Bounds the rare double GStreamer race on damaged files (2 s + 5 s). */
  wbps_media_preflight_set_timeout (preflight, 5);

  wbps_preflight_probe_async (WBPS_PREFLIGHT (preflight), file, cancellable, probe_done_cb, &probe);
  wbps_test_await_flag (&probe.done, PROBE_TIMEOUT_SEC);

  g_assert_true ((probe.info == NULL) != (probe.error == NULL));
  if (probe.error != NULL)
    g_propagate_error (error, probe.error);

  return probe.info;
}

static WbpsMediaInfo *
probe_ok (GFile *file)
{
  g_autoptr(GError) error = NULL;
  WbpsMediaInfo *info = probe_file (file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);

  return info;
}

static void
assert_message_has (const GError *error,
                    const char   *needle)
{
  g_test_message ("message: %s", error->message);
  if (strstr (error->message, needle) == NULL)
    g_error ("the message “%s” does not contain “%s”", error->message, needle);
}

/* Fails the rule @code with a message naming every one of the NULL-terminated values. */
static void
assert_check_fails (const WbpsMediaInfo *info,
                    guint                max_duration_sec,
                    gint64               cover_ms,
                    int                  code,
                    ...)
{
  g_autoptr(GError) error = NULL;
  const char *needle;
  va_list args;

  g_assert_false (wbps_media_info_check (info, max_duration_sec, cover_ms, &error));
  g_assert_error (error, WBPS_PREFLIGHT_ERROR, code);

  va_start (args, code);
  while ((needle = va_arg (args, const char *)) != NULL)
    assert_message_has (error, needle);
  va_end (args);
}

static void
assert_check_passes (const WbpsMediaInfo *info,
                     guint                max_duration_sec,
                     gint64               cover_ms)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (wbps_media_info_check (info, max_duration_sec, cover_ms, &error));
  g_assert_no_error (error);
}

static void
assert_probe_unreadable (GFile      *file,
                         const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsMediaInfo) info = probe_file (file, NULL, &error);
  g_autofree char *name = g_file_get_basename (file);

  g_assert_null (info);
  g_assert_error (error, WBPS_PREFLIGHT_ERROR, WBPS_PREFLIGHT_ERROR_UNREADABLE);
  assert_message_has (error, name);
  assert_message_has (error, reason);
}

/* --- files that pass --- */

static void
test_mp4_h264_passes (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("valid.mp4", 720, 1280, 30, 30);
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpstr (info->container, ==, "mp4");
  g_assert_cmpstr (info->mime_type, ==, "video/mp4");
  g_assert_cmpstr (info->video_codec, ==, "h264");
  g_assert_cmpuint (info->width, ==, 720);
  g_assert_cmpuint (info->height, ==, 1280);
  g_assert_cmpuint (info->fps_n, ==, 30);
  g_assert_cmpuint (info->fps_d, ==, 1);
  g_assert_cmpuint (info->duration_ms, ==, 1000);  /* 30 frames at 30 fps */
  g_assert_cmpuint (info->size, ==, size_on_disk (file));

  assert_check_passes (info, 600, 500);
  assert_check_passes (info, 1, 1000);   /* both limits are inclusive */
  assert_check_passes (info, 0, 0);
  assert_check_passes (info, 0, -1);     /* no cover chosen */
}

static void
test_webm_vp8_passes (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 30);
  g_autoptr(GFile) file = make_video ("valid-vp8.webm", source, VP8, "webmmux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpstr (info->container, ==, "webm");
  g_assert_cmpstr (info->mime_type, ==, "video/webm");
  g_assert_cmpstr (info->video_codec, ==, "vp8");
  g_assert_cmpuint (info->width, ==, 360);
  g_assert_cmpuint (info->height, ==, 640);
  g_assert_cmpuint (info->fps_n, ==, 30);
  g_assert_cmpuint (info->fps_d, ==, 1);
  g_assert_cmpuint (info->duration_ms, ==, 1000);
  g_assert_cmpuint (info->size, ==, size_on_disk (file));
  assert_check_passes (info, 60, 999);
}

static void
test_webm_vp9_passes (void)
{
  g_autofree char *source = raw_video (640, 360, 25, 25);
  g_autoptr(GFile) file = make_video ("valid-vp9.webm", source, VP9, "webmmux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpstr (info->mime_type, ==, "video/webm");
  g_assert_cmpstr (info->video_codec, ==, "vp9");
  g_assert_cmpuint (info->width, ==, 640);
  g_assert_cmpuint (info->height, ==, 360);
  g_assert_cmpuint (info->fps_n, ==, 25);
  g_assert_cmpuint (info->fps_d, ==, 1);
  assert_check_passes (info, 60, -1);
}

static void
test_mov_passes (void)
{
  g_autofree char *source = raw_video (360, 640, 24, 24);
  g_autoptr(GFile) file = make_video ("valid.mov", source, H264, "qtmux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpstr (info->container, ==, "quicktime");
  g_assert_cmpstr (info->mime_type, ==, "video/quicktime");
  g_assert_cmpstr (info->video_codec, ==, "h264");
  g_assert_cmpuint (info->fps_n, ==, 24);
  g_assert_cmpuint (info->duration_ms, ==, 1000);
  assert_check_passes (info, 60, -1);
}

static void
test_mp4_h265_passes (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 15);
  g_autoptr(GFile) file = NULL;
  g_autoptr(WbpsMediaInfo) info = NULL;

  if (!have_element ("x265enc"))
    return;

  file = make_video ("valid-h265.mp4", source, H265, "mp4mux");
  info = probe_ok (file);

  g_assert_cmpstr (info->mime_type, ==, "video/mp4");
  g_assert_cmpstr (info->video_codec, ==, "h265");
  g_assert_cmpuint (info->duration_ms, ==, 500);
  assert_check_passes (info, 60, 250);
}

/* The container declares no rate (0/1): the probe measures the frames' average. */
static void
test_variable_frame_rate_measured (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 30);
  g_autoptr(GFile) file = make_video ("vfr-30.webm", source,
                                      VP8 " ! capssetter caps=\"video/x-vp8,framerate=0/1\"",
                                      "webmmux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpuint (info->fps_n, ==, 30);
  g_assert_cmpuint (info->fps_d, ==, 1);
  assert_check_passes (info, 60, -1);
}

static void
test_variable_frame_rate_too_slow (void)
{
  g_autofree char *source = raw_video (360, 640, 15, 15);
  g_autoptr(GFile) file = make_video ("vfr-15.webm", source,
                                      VP8 " ! capssetter caps=\"video/x-vp8,framerate=0/1\"",
                                      "webmmux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpuint (info->fps_n, ==, 15);
  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE, "15 fps", "23 to 60 fps", NULL);
}

/* --- one video per broken rule --- */

static void
test_container_matroska (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 30);
  g_autoptr(GFile) file = make_video ("h264.mkv", source, H264, "matroskamux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_null (info->mime_type);
  g_assert_cmpstr (info->video_codec, ==, "h264");
  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_CONTAINER,
                      "Matroska", "MP4, MOV or WebM", NULL);
}

static void
test_container_avi (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 30);
  g_autoptr(GFile) file = make_video ("h264.avi", source, H264, "avimux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_CONTAINER, "AVI", NULL);
}

/* AV1 in MP4: a modern codec in the right container, still not one TikTok lists. */
static void
test_codec_av1 (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 10);
  g_autoptr(GFile) file = NULL;
  g_autoptr(WbpsMediaInfo) info = NULL;

  if (!have_element ("av1enc"))
    return;

  file = make_video ("av1.mp4", source, "av1enc cpu-used=10 usage-profile=realtime ! av1parse",
                     "mp4mux");
  info = probe_ok (file);

  g_assert_cmpstr (info->mime_type, ==, "video/mp4");
  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_CODEC,
                      "The video codec is AV1", "H.264, H.265, VP8 or VP9", NULL);
}

/* Motion JPEG in MOV, as older cameras record. (MPEG-4 Part 2 is not used: this
 * GStreamer's avenc_mpeg4 emits buffers without timestamps that mp4mux rejects.) */
static void
test_codec_motion_jpeg (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 30);
  g_autoptr(GFile) file = make_video ("mjpeg.mov", source, "jpegenc", "qtmux");
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpstr (info->mime_type, ==, "video/quicktime");
  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_CODEC, "The video codec is JPEG", NULL);
}

/* Two broken rules: the first one's code, and both named in one message. */
static void
test_theora_in_ogg_names_both (void)
{
  g_autofree char *source = raw_video (360, 640, 30, 30);
  g_autoptr(GFile) file = NULL;
  g_autoptr(WbpsMediaInfo) info = NULL;

  if (!have_element ("theoraenc"))
    return;

  file = make_video ("theora.ogv", source, "theoraenc", "oggmux");
  info = probe_ok (file);

  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_CONTAINER, "Ogg", "Theora", NULL);
}

static void
test_frame_rate_15 (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("15fps.mp4", 360, 640, 15, 15);
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpuint (info->fps_n, ==, 15);
  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE,
                      "The frame rate is 15 fps", "23 to 60 fps", NULL);
}

static void
test_frame_rate_120 (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("120fps.mp4", 360, 640, 120, 60);
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE,
                      "The frame rate is 120 fps", NULL);
}

static void
test_width_too_small (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("320x640.mp4", 320, 640, 30, 30);
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpuint (info->width, ==, 320);
  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_DIMENSIONS,
                      "320x640 pixels", "360 to 4096", NULL);
}

static void
test_height_too_small (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("640x240.mp4", 640, 240, 30, 30);
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  assert_check_fails (info, 60, -1, WBPS_PREFLIGHT_ERROR_DIMENSIONS, "640x240 pixels", NULL);
}

static void
test_duration_over_creator_limit (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("3s.mp4", 360, 640, 30, 90);
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  g_assert_cmpuint (info->duration_ms, ==, 3000);
  assert_check_fails (info, 2, -1, WBPS_PREFLIGHT_ERROR_DURATION,
                      "The video is 3 s long", "at most 2 s", NULL);
  assert_check_passes (info, 3, -1);
  assert_check_passes (info, 0, -1);
}

static void
test_cover_outside_video (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("valid.mp4", 720, 1280, 30, 30);
  g_autoptr(WbpsMediaInfo) info = probe_ok (file);

  assert_check_fails (info, 60, 1500, WBPS_PREFLIGHT_ERROR_COVER,
                      "The cover frame is at 1.5 s", "only 1 s long", NULL);
  assert_check_fails (info, 60, 1001, WBPS_PREFLIGHT_ERROR_COVER, "1.001 s", NULL);
}

/* --- files that cannot be read --- */

static void
test_random_bytes_unreadable (void)
{
  g_autofree char *noise = g_malloc (64 * 1024);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  g_autoptr(GFile) file = NULL;

  for (gsize i = 0; i < 64 * 1024 / 4; i++)
    ((guint32 *) noise)[i] = g_rand_int (rand);
  file = write_file ("noise.mp4", noise, 64 * 1024);

  assert_probe_unreadable (file, "could not be read as a video");
}

/* A recording cut short: qtmux writes the index (moov) last, so half a file has none. */
static void
test_truncated_mp4_unreadable (void)
{
  g_autoptr(GFile) whole = make_h264_mp4 ("3s.mp4", 360, 640, 30, 90);
  g_autoptr(GFile) half = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (g_file_peek_path (whole), &contents, &length, NULL));
  half = write_file ("truncated.mp4", contents, length / 2);

  /* "could not be read" usually; "could not be examined" when GStreamer's
   * error-dropping race (see discover_uri()) strikes on both attempts. */
  assert_probe_unreadable (half, "could not be");
}

static void
test_missing_file_unreadable (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "no-such-video.mp4", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  assert_probe_unreadable (file, "does not exist");
}

static void
test_empty_file_unreadable (void)
{
  g_autoptr(GFile) file = write_file ("empty.mp4", "", 0);

  assert_probe_unreadable (file, "is empty");
}

static void
test_folder_unreadable (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "folder.mp4", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  assert_probe_unreadable (file, "is not a video file");
}

static void
test_sound_only_unreadable (void)
{
  g_autoptr(GFile) file = make_video ("sound.wav", "audiotestsrc num-buffers=10",
                                      "audioconvert", "wavenc");

  assert_probe_unreadable (file, "contains no video");
}

static void
test_cancelled_probe (void)
{
  g_autoptr(GFile) file = make_h264_mp4 ("valid.mp4", 720, 1280, 30, 30);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsMediaInfo) info = NULL;

  g_cancellable_cancel (cancellable);
  info = probe_file (file, cancellable, &error);

  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- rules on constructed facts (too costly to make as files) --- */

static WbpsMediaInfo *
good_info (void)
{
  WbpsMediaInfo *info = wbps_media_info_new ();

  info->container = g_strdup ("mp4");
  info->mime_type = g_strdup ("video/mp4");
  info->video_codec = g_strdup ("h264");
  info->width = 1080;
  info->height = 1920;
  info->fps_n = 30;
  info->fps_d = 1;
  info->duration_ms = 15000;
  info->size = 20 * 1000 * 1000;

  return info;
}

static void
test_check_boundaries_pass (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  info->width = info->height = 360;
  assert_check_passes (info, 15, 15000);
  info->width = info->height = 4096;
  info->size = G_GUINT64_CONSTANT (4294967296);
  assert_check_passes (info, 15, 15000);
  info->fps_n = 23;
  assert_check_passes (info, 0, -1);
  info->fps_n = 60;
  assert_check_passes (info, 0, -1);
  info->fps_n = 24000;
  info->fps_d = 1001;
  assert_check_passes (info, 0, -1);
  info->duration_ms = 600000;
  assert_check_passes (info, 0, -1);   /* TikTok's API-wide 10 min when no creator limit */
}

static void
test_check_dimensions (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  info->width = 720;
  info->height = 4097;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_DIMENSIONS, "720x4097 pixels", NULL);
  info->width = 359;
  info->height = 1280;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_DIMENSIONS, "359x1280 pixels", NULL);
  info->width = 8192;
  info->height = 4320;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_DIMENSIONS, "8192x4320 pixels", NULL);
}

static void
test_check_size (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  info->size = G_GUINT64_CONSTANT (4294967297);
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_SIZE,
                      "4294967297 bytes", "at most 4 GiB (4294967296 bytes)", NULL);
  info->size = G_GUINT64_CONSTANT (6) * 1024 * 1024 * 1024;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_SIZE, "6.0", "GiB", "6442450944 bytes", NULL);
}

static void
test_check_frame_rate (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  info->fps_n = 22;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE, "is 22 fps", NULL);
  info->fps_n = 61;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE, "is 61 fps", NULL);
  info->fps_n = 45;
  info->fps_d = 2;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE, "is 22.5 fps", NULL);
  info->fps_n = 120000;
  info->fps_d = 1001;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE, "is 119.88 fps", NULL);
  info->fps_n = 0;
  info->fps_d = 1;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_FRAME_RATE, "could not be measured", NULL);
}

static void
test_check_duration (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  info->duration_ms = 180001;
  assert_check_fails (info, 180, -1, WBPS_PREFLIGHT_ERROR_DURATION,
                      "180.001 s (3 min 0 s)", "this TikTok account", "at most 180 s (3 min)", NULL);
  assert_check_passes (info, 300, -1);
  info->duration_ms = 612500;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_DURATION,
                      "612.5 s (10 min 12 s)", "TikTok accepts videos of at most 600 s", NULL);
}

static void
test_check_cover (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  assert_check_passes (info, 0, 15000);
  assert_check_fails (info, 0, 15001, WBPS_PREFLIGHT_ERROR_COVER,
                      "at 15.001 s", "only 15 s long", NULL);
  assert_check_fails (info, 0, 90000, WBPS_PREFLIGHT_ERROR_COVER,
                      "at 90 s (1 min 30 s)", NULL);
}

static void
test_check_container (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  g_clear_pointer (&info->mime_type, g_free);
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_CONTAINER, "MP4, MOV or WebM", NULL);
  g_free (info->container);
  info->container = g_strdup ("none");
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_CONTAINER, "without a container", NULL);
}

/* Every broken rule is named; the code is the first in the documented order. */
static void
test_check_reports_all_violations (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  g_clear_pointer (&info->mime_type, g_free);
  g_free (info->container);
  info->container = g_strdup ("AVI");
  g_free (info->video_codec);
  info->video_codec = g_strdup ("DivX MPEG-4 Version 5");
  info->width = 200;
  info->fps_n = 15;
  info->size = G_GUINT64_CONSTANT (5000000000);
  info->duration_ms = 400000;

  assert_check_fails (info, 300, 500000, WBPS_PREFLIGHT_ERROR_CONTAINER,
                      "AVI", "DivX MPEG-4 Version 5", "200x1920", "15 fps",
                      "5000000000 bytes", "400 s (6 min 40 s)", "at 500 s", NULL);

  /* With the container fixed, the codec comes first. */
  info->mime_type = g_strdup ("video/mp4");
  assert_check_fails (info, 300, -1, WBPS_PREFLIGHT_ERROR_CODEC, "DivX", NULL);
}

static void
test_check_unreadable_facts (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();

  info->width = 0;
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_UNREADABLE, "readable video", NULL);
  info->width = 720;
  g_clear_pointer (&info->video_codec, g_free);
  assert_check_fails (info, 0, -1, WBPS_PREFLIGHT_ERROR_UNREADABLE, "readable video", NULL);
}

static void
test_media_info_boxed (void)
{
  g_autoptr(WbpsMediaInfo) info = good_info ();
  g_autoptr(WbpsMediaInfo) copy = g_boxed_copy (WBPS_TYPE_MEDIA_INFO, info);
  g_autoptr(WbpsMediaPreflight) preflight = wbps_media_preflight_new ();

  g_assert_true (copy->container != info->container);
  g_assert_cmpstr (copy->container, ==, "mp4");
  g_assert_cmpstr (copy->mime_type, ==, "video/mp4");
  g_assert_cmpstr (copy->video_codec, ==, "h264");
  g_assert_cmpuint (copy->size, ==, info->size);
  g_assert_cmpuint (copy->duration_ms, ==, info->duration_ms);

  g_assert_true (WBPS_IS_PREFLIGHT (preflight));
  g_assert_cmpuint (wbps_media_preflight_get_timeout (preflight), ==, 10);
  wbps_media_preflight_set_timeout (preflight, 3);
  g_assert_cmpuint (wbps_media_preflight_get_timeout (preflight), ==, 3);
}

/* --- main --- */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  wbps_media_init ();
  wbps_media_init ();  /* idempotent */

  tmpdir = g_dir_make_tmp ("wbps-media-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/media/probe/mp4-h264", test_mp4_h264_passes);
  g_test_add_func ("/media/probe/webm-vp8", test_webm_vp8_passes);
  g_test_add_func ("/media/probe/webm-vp9", test_webm_vp9_passes);
  g_test_add_func ("/media/probe/mov-h264", test_mov_passes);
  g_test_add_func ("/media/probe/mp4-h265", test_mp4_h265_passes);
  g_test_add_func ("/media/probe/variable-frame-rate", test_variable_frame_rate_measured);
  g_test_add_func ("/media/probe/variable-frame-rate-too-slow", test_variable_frame_rate_too_slow);
  g_test_add_func ("/media/rule/container-matroska", test_container_matroska);
  g_test_add_func ("/media/rule/container-avi", test_container_avi);
  g_test_add_func ("/media/rule/codec-av1", test_codec_av1);
  g_test_add_func ("/media/rule/codec-motion-jpeg", test_codec_motion_jpeg);
  g_test_add_func ("/media/rule/theora-in-ogg", test_theora_in_ogg_names_both);
  g_test_add_func ("/media/rule/frame-rate-15", test_frame_rate_15);
  g_test_add_func ("/media/rule/frame-rate-120", test_frame_rate_120);
  g_test_add_func ("/media/rule/width-too-small", test_width_too_small);
  g_test_add_func ("/media/rule/height-too-small", test_height_too_small);
  g_test_add_func ("/media/rule/duration-over-limit", test_duration_over_creator_limit);
  g_test_add_func ("/media/rule/cover-outside", test_cover_outside_video);
  g_test_add_func ("/media/unreadable/random-bytes", test_random_bytes_unreadable);
  g_test_add_func ("/media/unreadable/truncated-mp4", test_truncated_mp4_unreadable);
  g_test_add_func ("/media/unreadable/missing", test_missing_file_unreadable);
  g_test_add_func ("/media/unreadable/empty", test_empty_file_unreadable);
  g_test_add_func ("/media/unreadable/folder", test_folder_unreadable);
  g_test_add_func ("/media/unreadable/sound-only", test_sound_only_unreadable);
  g_test_add_func ("/media/probe/cancelled", test_cancelled_probe);
  g_test_add_func ("/media/check/boundaries-pass", test_check_boundaries_pass);
  g_test_add_func ("/media/check/dimensions", test_check_dimensions);
  g_test_add_func ("/media/check/size-over-4gib", test_check_size);
  g_test_add_func ("/media/check/frame-rate", test_check_frame_rate);
  g_test_add_func ("/media/check/duration", test_check_duration);
  g_test_add_func ("/media/check/cover", test_check_cover);
  g_test_add_func ("/media/check/container", test_check_container);
  g_test_add_func ("/media/check/all-violations", test_check_reports_all_violations);
  g_test_add_func ("/media/check/unreadable-facts", test_check_unreadable_facts);
  g_test_add_func ("/media/info/boxed-and-object", test_media_info_boxed);

  status = g_test_run ();
  wbps_test_rmtree (tmpdir);
  g_free (tmpdir);

  return status;
}
