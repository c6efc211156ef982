/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Exact frames and the filmstrip, on videos made here with GStreamer where
 * every frame differs from its neighbours. Each grabbed picture is compared
 * with ffmpeg's decode of the same frame at the same size (media-test-util).
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <gst/gst.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wbps-filmstrip.h"
#include "wbps-frame-grabber.h"
#include "wbps-media-preflight.h"
#include "wbps-test-util.h"
#include "media-test-util.h"

static char *tmpdir;

/* --- test videos --- */

static char *
make_video (const char *name,
            guint       width,
            guint       height,
            guint       fps,
            guint       frames)
{
  return media_test_make_video (tmpdir, name, width, height, fps, frames);
}

static char *
test_video (void)
{
  return make_video ("clock-480x270-30.mp4", 480, 270, 30, 90);
}


/* Scaled pictures differ a little more from ffmpeg's (the two scalers' filters differ). */
static void
assert_frame_is (WbpsVideoFrame *frame,
                 const char     *path,
                 guint           fps,
                 gint64          index,
                 gint64          last_index)
{
  guint width = wbps_video_frame_get_width (frame);

  g_test_message ("at %" G_GINT64_FORMAT " ms:", wbps_video_frame_get_timestamp_ms (frame));
  media_test_assert_frame (g_bytes_get_data (wbps_video_frame_get_pixels (frame), NULL), width,
                           wbps_video_frame_get_height (frame), wbps_video_frame_get_stride (frame),
                           FALSE, path, fps, index, last_index, width == 480 ? 2.0 : 6.0);
}

/* --- the grabber --- */

static WbpsVideoFrame *
grab (WbpsFrameGrabber *grabber,
      gint64            timestamp_ms)
{
  g_autoptr(GError) error = NULL;
  WbpsVideoFrame *frame = wbps_frame_grabber_grab (grabber, timestamp_ms, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  g_assert_cmpint (wbps_video_frame_get_timestamp_ms (frame), ==, timestamp_ms);
  return frame;
}

static void
test_exact_frames (void)
{
  /* frame starts, middles, ends, the first and the last frame (90 frames, 3 s) */
  static const gint64 times_ms[] = { 0, 17, 1000, 1034, 1499, 1533, 2000, 2966, 2999 };
  g_autofree char *path = test_video ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  int n, d;

  if (!media_test_have_ffmpeg ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (times_ms); i++)
    {
      g_autoptr(WbpsVideoFrame) frame = grab (grabber, times_ms[i]);

      g_assert_cmpuint (wbps_video_frame_get_width (frame), ==, 480);
      g_assert_cmpuint (wbps_video_frame_get_height (frame), ==, 270);
      g_assert_cmpuint (wbps_video_frame_get_stride (frame), >=, 480 * 4);
      assert_frame_is (frame, path, 30, times_ms[i] * 30 / 1000, 89);
    }

  wbps_frame_grabber_get_frame_rate (grabber, &n, &d);
  g_assert_cmpint (n, ==, 30);
  g_assert_cmpint (d, ==, 1);
  /* the pictures' length, though the sound track ends a little after the last picture */
  g_assert_cmpint (wbps_frame_grabber_get_duration_ms (grabber), ==, 3000);
}

/* Between the last picture and the end of the sound there is still a picture: the last one. */
static void
test_past_last_picture (void)
{
  g_autofree char *path = test_video ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  static const gint64 times_ms[] = { 3020, 5000, 3010 };

  if (!media_test_have_ffmpeg ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (times_ms); i++)
    {
      g_autoptr(WbpsVideoFrame) frame = grab (grabber, times_ms[i]);

      assert_frame_is (frame, path, 30, 89, 89);
    }
}

/* WebM: another demuxer and decoder (VP8 in Matroska), the same exact frames. */
static void
test_exact_frames_webm (void)
{
  g_autofree char *path = media_test_make_encoded_video (tmpdir, "clock-480x270-25.webm", 480, 270,
                                                         25, 50, "vp8enc deadline=1 keyframe-max-dist=25",
                                                         "webmmux");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  static const gint64 times_ms[] = { 0, 1000, 1039, 1520, 400, 1960 };
  int n, d;

  if (!media_test_have_ffmpeg ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (times_ms); i++)
    {
      g_autoptr(WbpsVideoFrame) frame = grab (grabber, times_ms[i]);

      assert_frame_is (frame, path, 25, times_ms[i] * 25 / 1000, 49);
    }
  wbps_frame_grabber_get_frame_rate (grabber, &n, &d);
  g_assert_cmpint (n, ==, 25);
  g_assert_cmpint (d, ==, 1);
}

/* Going backwards and stepping frame by frame, as the cover slider does. */
static void
test_steps_and_backwards (void)
{
  g_autofree char *path = test_video ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  static const gint64 indices[] = { 60, 61, 62, 12, 11, 45 };

  if (!media_test_have_ffmpeg ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (indices); i++)
    {
      gint64 ms = wbps_frame_index_to_ms (indices[i], 30, 1);
      g_autoptr(WbpsVideoFrame) frame = grab (grabber, ms);

      g_assert_cmpint (wbps_frame_index_at_ms (ms, 30, 1), ==, indices[i]);
      assert_frame_is (frame, path, 30, indices[i], 89);
    }
}

static void
test_scaled (void)
{
  g_autofree char *path = test_video ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 90);
  g_autoptr(WbpsVideoFrame) frame = NULL;

  if (!media_test_have_ffmpeg ())
    return;

  frame = grab (grabber, 1500);
  g_assert_cmpuint (wbps_video_frame_get_height (frame), ==, 90);
  g_assert_cmpuint (wbps_video_frame_get_width (frame), ==, 160);
  assert_frame_is (frame, path, 30, 45, 89);
}

static void
test_frame_arithmetic (void)
{
  /* 29.97 fps: frame 1 starts at 33.37 ms, frame 30000 at 1001 s */
  g_assert_cmpint (wbps_frame_index_to_ms (1, 30000, 1001), ==, 34);
  g_assert_cmpint (wbps_frame_index_at_ms (34, 30000, 1001), ==, 1);
  g_assert_cmpint (wbps_frame_index_at_ms (33, 30000, 1001), ==, 0);
  g_assert_cmpint (wbps_frame_index_to_ms (30000, 30000, 1001), ==, 1001000);
  /* every frame of an hour at 29.97 and 30 fps round-trips */
  for (gint64 k = 0; k < 108000; k++)
    {
      g_assert_cmpint (wbps_frame_index_at_ms (wbps_frame_index_to_ms (k, 30000, 1001), 30000, 1001), ==, k);
      g_assert_cmpint (wbps_frame_index_at_ms (wbps_frame_index_to_ms (k, 30, 1), 30, 1), ==, k);
    }
  g_assert_cmpint (wbps_frame_index_at_ms (-5, 25, 1), ==, 0);
}

static void
test_frame_rate_25 (void)
{
  g_autofree char *path = make_video ("clock-320x240-25.mp4", 320, 240, 25, 50);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  g_autoptr(GError) error = NULL;
  int n, d;

  g_assert_true (wbps_frame_grabber_open (grabber, NULL, &error));
  g_assert_no_error (error);
  wbps_frame_grabber_get_frame_rate (grabber, &n, &d);
  g_assert_cmpint (n, ==, 25);
  g_assert_cmpint (d, ==, 1);
  g_assert_cmpint (wbps_frame_grabber_get_duration_ms (grabber), >=, 2000);
  g_assert_cmpint (wbps_frame_grabber_get_duration_ms (grabber), <, 2100);
}

/* 60 pictures (2 s at 30 fps) and 4 s of sound, in @mux: the container is twice the video. */
static char *
make_long_sound_video (const char *name,
                       const char *encode,
                       const char *mux)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree char *description = g_strdup_printf (
    "videotestsrc num-buffers=60 pattern=smpte horizontal-speed=7 ! "
    "video/x-raw,format=I420,width=320,height=240,framerate=30/1 ! "
    "timeoverlay font-desc=\"Sans 24\" ! videoconvert ! video/x-raw,format=I420 ! %s ! queue ! mux. "
    "audiotestsrc num-buffers=188 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! "
    "audioconvert ! %s ! queue ! mux. %s name=mux ! filesink location=\"%s\"",
    encode, g_str_has_prefix (mux, "mp4mux") ? "avenc_aac ! aacparse" : "opusenc", mux, path);

  media_test_run_pipeline (description);
  return path;
}

/* The cover slider spans the pictures: the duration is the video's, its last millisecond
 * shows the last frame, and the frame index there is the last one (not one past it). */
static void
assert_video_length (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  g_autoptr(WbpsVideoFrame) last = NULL;
  g_autoptr(GError) error = NULL;
  gint64 duration;
  int n, d;

  g_assert_true (wbps_frame_grabber_open (grabber, NULL, &error));
  g_assert_no_error (error);
  duration = wbps_frame_grabber_get_duration_ms (grabber);
  g_test_message ("%s: %" G_GINT64_FORMAT " ms", path, duration);
  g_assert_cmpint (duration, >=, 1990);
  g_assert_cmpint (duration, <=, 2010);
  wbps_frame_grabber_get_frame_rate (grabber, &n, &d);
  g_assert_cmpint (wbps_frame_index_at_ms (duration - 1, n, d), ==, 59);
  last = grab (grabber, duration - 1);
  assert_frame_is (last, path, 30, 59, 59);
}

static void
test_sound_longer_than_pictures (void)
{
  g_autofree char *mp4 = NULL;
  g_autofree char *webm = NULL;

  if (!media_test_have_ffmpeg ())
    return;
  mp4 = make_long_sound_video ("long-sound.mp4", "x264enc speed-preset=veryfast key-int-max=30 ! "
                               "video/x-h264,profile=main ! h264parse", "mp4mux faststart=true");
  assert_video_length (mp4);
  webm = make_long_sound_video ("long-sound.webm", "vp8enc deadline=1 keyframe-max-dist=30", "webmmux");
  assert_video_length (webm);
}

/* --- files that are not videos --- */

static void
assert_grab_fails (const char *path,
                   int         code,
                   const char *message_part)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_autoptr(WbpsVideoFrame) frame = wbps_frame_grabber_grab (grabber, 500, NULL, &error);
  g_autofree char *name = g_file_get_parse_name (file);

  g_assert_null (frame);
  g_assert_error (error, WBPS_FRAME_GRABBER_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, message_part));

  /* the failure is remembered, not retried at every grab */
  g_assert_null (wbps_frame_grabber_grab (grabber, 0, NULL, &again));
  g_assert_error (again, WBPS_FRAME_GRABBER_ERROR, code);
}

static char *
write_file (const char *name,
            const char *contents,
            gsize       length)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_not_a_video (void)
{
  g_autofree char *text = write_file ("notes.mp4", "This is not a video, only some text.\n", -1);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.mp4", NULL);

  assert_grab_fails (text, WBPS_FRAME_GRABBER_ERROR_UNREADABLE, "cannot be read as a video");
  assert_grab_fails (missing, WBPS_FRAME_GRABBER_ERROR_UNREADABLE, "cannot be read as a video");
}

static void
test_truncated (void)
{
  g_autofree char *path = test_video ();
  g_autofree char *contents = NULL;
  g_autofree char *cut = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* the header (faststart) and no pictures at all */
  cut = write_file ("truncated.mp4", contents, 3000);
  assert_grab_fails (cut, WBPS_FRAME_GRABBER_ERROR_UNREADABLE, "cannot be read as a video");
}

static void
test_audio_only (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "sound.m4a", NULL);
  g_autofree char *description = g_strdup_printf (
    "audiotestsrc num-buffers=50 ! audioconvert ! avenc_aac ! aacparse ! mp4mux ! "
    "filesink location=\"%s\"", path);

  media_test_run_pipeline (description);
  assert_grab_fails (path, WBPS_FRAME_GRABBER_ERROR_NO_VIDEO, "has no video stream");
}

/* --- async and cancelling --- */

/* How long one grab or a whole filmstrip may take on a loaded machine. */
#define GRAB_WAIT_SEC 60

typedef struct {
  gboolean        done;
  WbpsVideoFrame *frame;
  GError         *error;
  gint64          done_at;
} GrabResult;

static void
on_grabbed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GrabResult *r = user_data;

  r->frame = wbps_frame_grabber_grab_finish (WBPS_FRAME_GRABBER (source), result, &r->error);
  r->done_at = g_get_monotonic_time ();
  r->done = TRUE;
}

static void
test_async_in_order (void)
{
  g_autofree char *path = test_video ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 60);
  GrabResult results[3] = { { FALSE } };
  static const gint64 times_ms[] = { 2500, 100, 1200 };

  for (guint i = 0; i < 3; i++)
    wbps_frame_grabber_grab_async (grabber, times_ms[i], NULL, on_grabbed, &results[i]);
  for (guint i = 0; i < 3; i++)
    wbps_test_await_flag (&results[i].done, GRAB_WAIT_SEC);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_no_error (results[i].error);
      g_assert_cmpint (wbps_video_frame_get_timestamp_ms (results[i].frame), ==, times_ms[i]);
      /* the picture's own time lies within two frames (the reorder delay) of the asked one */
      g_assert_cmpint (ABS (wbps_video_frame_get_pts_ns (results[i].frame) / 1000000 - times_ms[i]), <=, 67);
      if (i > 0)
        g_assert_cmpint (results[i].done_at, >=, results[i - 1].done_at);
      wbps_video_frame_unref (results[i].frame);
    }
}

static void
test_cancel_before (void)
{
  g_autofree char *path = test_video ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(WbpsFrameGrabber) grabber = wbps_frame_grabber_new (file, 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GrabResult result = { FALSE };
  g_autoptr(WbpsVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  wbps_frame_grabber_grab_async (grabber, 1000, cancellable, on_grabbed, &result);
  wbps_test_await_flag (&result.done, GRAB_WAIT_SEC);
  g_assert_null (result.frame);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&result.error);

  /* a cancelled grab leaves the grabber usable */
  frame = wbps_frame_grabber_grab (grabber, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
}

typedef struct {
  char    *fifo;
  GBytes  *head;
  int      fd;
  GMutex   lock;
  GCond    cond;
  gboolean written;
} Stall;

/*
 * Opens the FIFO for writing (waits for the grabber to open it), writes a few
 * bytes and keeps it open. The source may open and close it once before it
 * reads: then write to the next reader.
 */
static gpointer
stall_writer (gpointer data)
{
  Stall *stall = data;
  gsize length = g_bytes_get_size (stall->head);
  int fd = -1;

  for (guint attempt = 0; attempt < 5 && fd < 0; attempt++)
    {
      fd = open (stall->fifo, O_WRONLY);
      g_assert_cmpint (fd, >=, 0);
      if (write (fd, g_bytes_get_data (stall->head, NULL), length) != (gssize) length)
        {
          g_assert_cmpint (errno, ==, EPIPE);
          close (fd);
          fd = -1;
        }
    }
  g_assert_cmpint (fd, >=, 0);

  g_mutex_lock (&stall->lock);
  stall->fd = fd;
  stall->written = TRUE;
  g_cond_signal (&stall->cond);
  g_mutex_unlock (&stall->lock);
  return NULL;
}

static gboolean
fifo_drained (gpointer fd)
{
  int unread = -1;

  g_assert_cmpint (ioctl (*(int *) fd, FIONREAD, &unread), ==, 0);
  return unread == 0;
}

/* Waits until the reader has taken every byte written to the FIFO (FIONREAD on its write end says 0). */
static void
wait_fifo_drained (int fd)
{
  wbps_test_await_until (fifo_drained, &fd, 20, "the grabber to read every byte of the FIFO");
}

static gboolean
close_writer (gpointer data)
{
  Stall *stall = data;

  close (stall->fd);
  stall->fd = -1;
  return G_SOURCE_REMOVE;
}

/* A decoder waiting for data that never comes: cancelling still answers at once. */
static void
test_cancel_while_stalled (void)
{
  g_autofree char *path = test_video ();
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(WbpsFrameGrabber) grabber = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GrabResult result = { FALSE };
  Stall stall = { .fd = -1 };
  GThread *writer;
  gsize length;
  gint64 cancelled_at;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  stall.fifo = g_build_filename (tmpdir, "stalled.mp4", NULL);
  stall.head = g_bytes_new (contents, 100);
  g_assert_cmpint (mkfifo (stall.fifo, 0600), ==, 0);
  g_mutex_init (&stall.lock);
  g_cond_init (&stall.cond);
  writer = g_thread_new ("stall-writer", stall_writer, &stall);

  file = g_file_new_for_path (stall.fifo);
  grabber = wbps_frame_grabber_new (file, 0);
  wbps_frame_grabber_grab_async (grabber, 0, cancellable, on_grabbed, &result);
  g_mutex_lock (&stall.lock);
  while (!stall.written)
    g_cond_wait (&stall.cond, &stall.lock);
  g_mutex_unlock (&stall.lock);
  g_thread_join (writer);

  /* the pipeline has read every byte there is and now waits for more */
  wait_fifo_drained (stall.fd);
  g_assert_null (result.frame);
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  /* the reading thread only lets go when the writer closes: do that shortly after */
  g_timeout_add (100, close_writer, &stall);
  wbps_test_await_flag (&result.done, GRAB_WAIT_SEC);

  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (result.done_at - cancelled_at, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&result.error);
  g_unlink (stall.fifo);
  g_free (stall.fifo);
  g_bytes_unref (stall.head);
  g_mutex_clear (&stall.lock);
  g_cond_clear (&stall.cond);
}

/* --- the filmstrip --- */

typedef struct {
  WbpsFilmstrip   *strip;
  GPtrArray       *frames;   /* in order of arrival */
  GArray          *indices;
  GCancellable    *cancel_after_first;
  gboolean         finished;
  gboolean         ok;
  GError          *error;
  guint            after_finish;
} StripRun;

static void
on_thumbnail (WbpsFilmstrip  *strip,
              guint           index,
              WbpsVideoFrame *frame,
              StripRun       *run)
{
  if (run->finished)
    run->after_finish++;
  g_ptr_array_add (run->frames, wbps_video_frame_ref (frame));
  g_array_append_val (run->indices, index);
  if (run->cancel_after_first != NULL)
    g_cancellable_cancel (run->cancel_after_first);
}

static void
on_strip_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  StripRun *run = user_data;

  run->ok = wbps_filmstrip_generate_finish (WBPS_FILMSTRIP (source), result, &run->error);
  run->finished = TRUE;
}

static void
run_strip (StripRun      *run,
           const char    *path,
           guint          n,
           guint          height,
           GCancellable  *cancellable)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  run->strip = wbps_filmstrip_new (file, n, height);
  run->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_video_frame_unref);
  run->indices = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (run->strip, "thumbnail", G_CALLBACK (on_thumbnail), run);
  wbps_filmstrip_generate_async (run->strip, cancellable, on_strip_done, run);
  wbps_test_await_flag (&run->finished, GRAB_WAIT_SEC);
  /* anything still on its way would show up now */
  wbps_test_iterate_for (300);
}

static void
strip_run_clear (StripRun *run)
{
  g_object_unref (run->strip);
  g_ptr_array_unref (run->frames);
  g_array_unref (run->indices);
  g_clear_error (&run->error);
}

static void
test_filmstrip (void)
{
  g_autofree char *path = test_video ();
  StripRun run = { 0 };
  gboolean seen[6] = { FALSE };
  gint64 duration;

  if (!media_test_have_ffmpeg ())
    return;

  run_strip (&run, path, 6, 54, NULL);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  duration = wbps_filmstrip_get_duration_ms (run.strip);
  g_assert_cmpint (duration, >=, 3000);
  g_assert_cmpint (duration, <, 3100);
  g_assert_cmpuint (run.frames->len, ==, 6);
  g_assert_cmpuint (run.after_finish, ==, 0);

  for (guint i = 0; i < run.frames->len; i++)
    {
      WbpsVideoFrame *frame = run.frames->pdata[i];
      guint index = g_array_index (run.indices, guint, i);

      g_assert_cmpuint (index, <, 6);
      g_assert_false (seen[index]);
      seen[index] = TRUE;
      gint64 expected_ms = duration * index / 6;

      /* thumbnail i shows the start of the i-th sixth */
      g_assert_cmpint (wbps_filmstrip_get_timestamp_ms (run.strip, index), ==, expected_ms);
      g_assert_cmpint (wbps_video_frame_get_timestamp_ms (frame), ==, expected_ms);
      g_assert_cmpuint (wbps_video_frame_get_height (frame), ==, 54);
      g_assert_cmpuint (wbps_video_frame_get_width (frame), ==, 96);
      assert_frame_is (frame, path, 30, wbps_frame_index_at_ms (expected_ms, 30, 1), 89);
    }
  strip_run_clear (&run);
}

static void
test_filmstrip_cancel (void)
{
  g_autofree char *path = make_video ("clock-1280x720-30.mp4", 1280, 720, 30, 300);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  StripRun run = { .cancel_after_first = cancellable };

  run_strip (&run, path, 40, 720, cancellable);
  g_assert_false (run.ok);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* the first one cancels: nothing decoded after it is shown */
  g_assert_cmpuint (run.frames->len, ==, 1);
  g_assert_cmpuint (run.after_finish, ==, 0);
  strip_run_clear (&run);
}

static void
test_filmstrip_not_a_video (void)
{
  g_autofree char *text = write_file ("strip-notes.mp4", "plain text", -1);
  StripRun run = { 0 };

  run_strip (&run, text, 8, 40, NULL);
  g_assert_false (run.ok);
  g_assert_error (run.error, WBPS_FRAME_GRABBER_ERROR, WBPS_FRAME_GRABBER_ERROR_UNREADABLE);
  g_assert_cmpuint (run.frames->len, ==, 0);
  strip_run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* a FIFO whose reader has gone must fail the write, not kill the test */
  signal (SIGPIPE, SIG_IGN);
  wbps_media_init ();
  tmpdir = wbps_test_mkdtemp ();

  g_test_add_func ("/media/frame-grabber/arithmetic", test_frame_arithmetic);
  g_test_add_func ("/media/frame-grabber/exact-frames", test_exact_frames);
  g_test_add_func ("/media/frame-grabber/exact-frames-webm", test_exact_frames_webm);
  g_test_add_func ("/media/frame-grabber/steps-and-backwards", test_steps_and_backwards);
  g_test_add_func ("/media/frame-grabber/past-last-picture", test_past_last_picture);
  g_test_add_func ("/media/frame-grabber/sound-longer-than-pictures", test_sound_longer_than_pictures);
  g_test_add_func ("/media/frame-grabber/scaled", test_scaled);
  g_test_add_func ("/media/frame-grabber/frame-rate-25", test_frame_rate_25);
  g_test_add_func ("/media/frame-grabber/not-a-video", test_not_a_video);
  g_test_add_func ("/media/frame-grabber/truncated", test_truncated);
  g_test_add_func ("/media/frame-grabber/audio-only", test_audio_only);
  g_test_add_func ("/media/frame-grabber/async-in-order", test_async_in_order);
  g_test_add_func ("/media/frame-grabber/cancel-before", test_cancel_before);
  g_test_add_func ("/media/frame-grabber/cancel-while-stalled", test_cancel_while_stalled);
  g_test_add_func ("/media/filmstrip/thumbnails", test_filmstrip);
  g_test_add_func ("/media/filmstrip/cancel", test_filmstrip_cancel);
  g_test_add_func ("/media/filmstrip/not-a-video", test_filmstrip_not_a_video);

  status = g_test_run ();
  wbps_test_rmtree (tmpdir);
  g_free (tmpdir);
  return status;
}
