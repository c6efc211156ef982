/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cover picker and the video preview in a real window (Xvfb): the strip
 * fills with thumbnails, the slider snaps to frames and its time is the
 * cover-timestamp-ms property, arrow keys step exactly one frame, and the large
 * picture shows the exact frame (compared with ffmpeg's decode). The preview
 * plays a real GtkMediaFile, muted, and does not grow the window.
 */

#include "config.h"

#include <gst/gst.h>
#include <gtk/gtk.h>

#include "media-test-util.h"
#include "wbps-cover-picker.h"
#include "wbps-frame-grabber.h"
#include "wbps-media-preflight.h"
#include "wbps-test-util.h"
#include "wbps-video-preview.h"

static char *tmpdir;

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The thumbnails: the GtkPictures inside the strip (the first GtkBox). */
static guint
count_thumbnails (GtkWidget *picker)
{
  GtkWidget *strip = find_descendant (picker, GTK_TYPE_BOX);
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (strip); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (gtk_picture_get_paintable (GTK_PICTURE (c)) != NULL)
      n++;
  return n;
}

static gboolean
strip_full (gpointer picker)
{
  return count_thumbnails (picker) == 10;
}

static gboolean
cover_texture_is_at (gpointer picker)
{
  GdkTexture *texture = wbps_cover_picker_get_cover_texture (picker);

  return texture != NULL && g_object_get_data (G_OBJECT (texture), "seen") == NULL;
}

/* Waits for a new cover picture, then checks it is ffmpeg's frame @index. */
static void
assert_cover_is (GtkWidget  *picker,
                 const char *path,
                 gint64      index)
{
  GdkTexture *texture;
  g_autofree guint8 *pixels = NULL;
  guint width, height;

  wbps_test_await_until (cover_texture_is_at, picker, 60, "the cover picture");
  texture = wbps_cover_picker_get_cover_texture (WBPS_COVER_PICKER (picker));
  g_object_set_data (G_OBJECT (texture), "seen", GINT_TO_POINTER (1));
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  g_assert_cmpuint (width, ==, 480);
  g_assert_cmpuint (height, ==, 270);
  pixels = g_malloc ((gsize) width * height * 4);
  /* downloads as cairo's ARGB32: B G R A bytes on little-endian machines */
  gdk_texture_download (texture, pixels, width * 4);
  media_test_assert_frame (pixels, width, height, width * 4, G_BYTE_ORDER == G_LITTLE_ENDIAN,
                           path, 30, index, 89, 2.0);
}

/* Sends a key press to the scale's capture-phase key controller. */
static gboolean
press_key (GtkWidget *scale,
           guint      keyval)
{
  GListModel *controllers = gtk_widget_observe_controllers (scale);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  g_object_unref (controllers);
  return handled;
}

static gboolean
scale_sensitive (gpointer picker)
{
  return gtk_widget_get_sensitive (find_descendant (picker, GTK_TYPE_SCALE));
}

static void
test_cover_picker (void)
{
  g_autofree char *path = media_test_make_video (tmpdir, "clock-480x270-30.mp4", 480, 270, 30, 90);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *picker = wbps_cover_picker_new ();
  GtkWidget *scale;
  GtkAdjustment *adjustment;
  guint notified = 0;

  if (!media_test_have_ffmpeg ())
    return;

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_set_child (GTK_WINDOW (window), picker);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, -1);

  wbps_cover_picker_set_file (WBPS_COVER_PICKER (picker), file);
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, 0);
  wbps_test_await_until (strip_full, picker, 60, "ten thumbnails");
  wbps_test_await_until (scale_sensitive, picker, 60, "the slider");
  assert_cover_is (picker, path, 0);

  scale = find_descendant (picker, GTK_TYPE_SCALE);
  adjustment = gtk_range_get_adjustment (GTK_RANGE (scale));
  g_signal_connect (picker, "notify::cover-timestamp-ms", G_CALLBACK (wbps_test_count_notify), &notified);

  /* anywhere inside frame 45 (1500-1533.3 ms) names frame 45's first millisecond */
  gtk_adjustment_set_value (adjustment, 1520.7);
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, 1500);
  /* and the slider, what a screen reader reads, says the same */
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 1500.0);
  g_assert_cmpuint (notified, ==, 1);
  assert_cover_is (picker, path, 45);

  /* one frame forward, two back: 46 starts at 1533.3 ms, so 1534 */
  g_assert_true (press_key (scale, GDK_KEY_Right));
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, 1534);
  g_assert_true (press_key (scale, GDK_KEY_Left));
  g_assert_true (press_key (scale, GDK_KEY_Left));
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, 1467);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 1467.0);
  assert_cover_is (picker, path, 44);

  /* the property, as the composer sets it back: 2990 ms is in the last frame (89) */
  g_object_set (picker, "cover-timestamp-ms", (gint64) 2990, NULL);
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, 2967);
  assert_cover_is (picker, path, 89);
  /* the slider spans the pictures, not the file's 3029 ms (its sound runs longer): it
   * ends at the last frame's start, and a step further stays there, on the same picture */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 2967.0);
  press_key (scale, GDK_KEY_Right);
  press_key (scale, GDK_KEY_Right);
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, 2967);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 2967.0);
  g_assert_nonnull (g_object_get_data (G_OBJECT (wbps_cover_picker_get_cover_texture (WBPS_COVER_PICKER (picker))),
                                       "seen"));

  wbps_cover_picker_set_file (WBPS_COVER_PICKER (picker), NULL);
  g_assert_cmpint (wbps_cover_picker_get_cover_timestamp_ms (WBPS_COVER_PICKER (picker)), ==, -1);
  g_assert_cmpuint (count_thumbnails (picker), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
stream_prepared (gpointer stream)
{
  return gtk_media_stream_is_prepared (stream) || gtk_media_stream_get_error (stream) != NULL;
}

static gboolean
stream_moved (gpointer stream)
{
  return gtk_media_stream_get_timestamp (stream) > 300 * G_TIME_SPAN_MILLISECOND;
}

/* A 1280×720 video in a 480×360 window: the window keeps its size and the video plays. */
static void
test_video_preview (void)
{
  g_autofree char *path = media_test_make_video (tmpdir, "clock-1280x720-30.mp4", 1280, 720, 30, 60);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *preview = wbps_video_preview_new ();
  GtkMediaStream *stream;
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (window), 480, 360);
  gtk_window_set_child (GTK_WINDOW (window), preview);
  gtk_window_present (GTK_WINDOW (window));
  wbps_video_preview_set_file (WBPS_VIDEO_PREVIEW (preview), file);
  stream = wbps_video_preview_get_stream (WBPS_VIDEO_PREVIEW (preview));
  g_assert_nonnull (stream);
  g_assert_true (gtk_media_stream_get_muted (stream));
  g_assert_false (gtk_media_stream_get_playing (stream));

  wbps_test_await_until (stream_prepared, stream, 60, "the media file");
  g_assert_no_error (gtk_media_stream_get_error (stream));
  g_assert_true (gtk_media_stream_has_video (stream));
  gtk_media_stream_play (stream);
  wbps_test_await_until (stream_moved, stream, 60, "playback");
  g_assert_true (gtk_media_stream_get_muted (stream));

  /* the video's own size does not reach the window */
  gtk_widget_measure (preview, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  gtk_widget_measure (preview, GTK_ORIENTATION_VERTICAL, -1, &height, NULL, NULL, NULL);
  g_assert_cmpint (width, <, 480);
  g_assert_cmpint (height, <, 360);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 480);

  /* hiding the preview stops the sound */
  gtk_widget_set_visible (preview, FALSE);
  g_assert_false (gtk_media_stream_get_playing (stream));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("no display: run under xvfb-run");
      g_test_skip ("no display");
      return g_test_run ();
    }
  wbps_media_init ();
  tmpdir = wbps_test_mkdtemp ();

  g_test_add_func ("/media/cover-picker/frames-and-keys", test_cover_picker);
  g_test_add_func ("/media/video-preview/plays-muted-and-small", test_video_preview);

  status = g_test_run ();
  wbps_test_rmtree (tmpdir);
  g_free (tmpdir);
  return status;
}
