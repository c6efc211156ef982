/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsCoverPicker: a WbpsFilmstrip fills the strip; the slider's value is a
 * time in milliseconds, always snapped to the first whole millisecond of a
 * frame (so it equals cover-timestamp-ms); a
 * WbpsFrameGrabber decodes the exact frame for the large picture, a moment
 * after the slider stops so a drag does not queue a decode per pixel.
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "wbps-cover-picker.h"
#include "wbps-filmstrip.h"
#include "wbps-frame-grabber.h"

#define N_THUMBNAILS 10
/* Pixels high the thumbnails are decoded at: sharp on a 2× screen at the strip's height. */
#define THUMBNAIL_HEIGHT 112
/* The picture follows the slider this long after it last moved. */
#define GRAB_DELAY_MS 80

struct _WbpsCoverPicker
{
  GtkWidget         parent_instance;

  /* template widgets */
  GtkPicture       *picture;
  GtkBox           *strip;
  GtkScale         *scale;
  GtkAdjustment    *adjustment;
  GtkLabel         *position_label;

  GFile            *file;
  WbpsFrameGrabber *grabber;
  WbpsFilmstrip    *filmstrip;
  GCancellable     *cancellable;      /* everything about the current file */
  GCancellable     *grab_cancellable; /* the picture being decoded */
  GtkWidget        *slots[N_THUMBNAILS];
  GdkTexture       *cover_texture;
  guint             grab_source;
  int               fps_n;
  int               fps_d;
  gint64            last_index;
  gint64            cover_ms;
  gboolean          opened;
};

enum {
  PROP_0,
  PROP_FILE,
  PROP_COVER_TIMESTAMP_MS,
  PROP_COVER_TEXTURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (WbpsCoverPicker, wbps_cover_picker, GTK_TYPE_WIDGET)

static GdkTexture *
texture_from_frame (WbpsVideoFrame *frame)
{
  return gdk_memory_texture_new (wbps_video_frame_get_width (frame),
                                 wbps_video_frame_get_height (frame),
                                 GDK_MEMORY_R8G8B8A8,
                                 wbps_video_frame_get_pixels (frame),
                                 wbps_video_frame_get_stride (frame));
}

/* --- the large picture --- */

static void
on_frame_grabbed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(WbpsCoverPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsVideoFrame) frame = wbps_frame_grabber_grab_finish (WBPS_FRAME_GRABBER (source),
                                                                    result, &error);
  g_autoptr(GdkTexture) texture = NULL;

  if (frame == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The cover frame could not be decoded: %s", error->message);
      return;
    }
  /* A late answer for a position the slider has left is not shown. */
  if (wbps_video_frame_get_timestamp_ms (frame) != self->cover_ms || source != (GObject *) self->grabber)
    return;

  texture = texture_from_frame (frame);
  g_set_object (&self->cover_texture, texture);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->cover_texture));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COVER_TEXTURE]);
}

static gboolean
grab_now (gpointer data)
{
  WbpsCoverPicker *self = data;

  self->grab_source = 0;
  g_cancellable_cancel (self->grab_cancellable);
  g_clear_object (&self->grab_cancellable);
  self->grab_cancellable = g_cancellable_new ();
  wbps_frame_grabber_grab_async (self->grabber, self->cover_ms, self->grab_cancellable,
                                 on_frame_grabbed, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_grab (WbpsCoverPicker *self)
{
  g_clear_handle_id (&self->grab_source, g_source_remove);
  if (self->grabber != NULL && self->opened)
    self->grab_source = g_timeout_add (GRAB_DELAY_MS, grab_now, self);
}

/* --- the position --- */

static double
frame_start (WbpsCoverPicker *self,
             gint64           index)
{
  return (double) index * 1000.0 * self->fps_d / self->fps_n;
}

static void
update_label (WbpsCoverPicker *self)
{
  g_autofree char *text = NULL;
  gint64 ms = MAX (self->cover_ms, 0);

  if (self->cover_ms < 0 || !self->opened)
    {
      gtk_label_set_text (self->position_label, "");
      return;
    }
  /* Translators: the cover's position: minutes:seconds.milliseconds, then the frame number */
  text = g_strdup_printf (_("%d:%02d.%03d · frame %" PRId64),
                          (int) (ms / 60000), (int) (ms / 1000 % 60), (int) (ms % 1000),
                          wbps_frame_index_at_ms (ms, self->fps_n, self->fps_d) + 1);
  gtk_label_set_text (self->position_label, text);
}

static void
set_cover_ms (WbpsCoverPicker *self,
              gint64           ms)
{
  if (self->cover_ms == ms)
    return;
  self->cover_ms = ms;
  update_label (self);
  schedule_grab (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COVER_TIMESTAMP_MS]);
}

/* Any slider position names the frame shown at that time. */
static void
on_value_changed (GtkAdjustment   *adjustment,
                  WbpsCoverPicker *self)
{
  double value = gtk_adjustment_get_value (adjustment);
  /* the epsilon keeps an exact frame start computed in floating point inside its frame */
  gint64 index = (gint64) (value * self->fps_n / (1000.0 * self->fps_d) + 1e-6);

  gint64 ms;

  if (!self->opened)
    return;
  index = CLAMP (index, 0, self->last_index);
  ms = wbps_frame_index_to_ms (index, self->fps_n, self->fps_d);
  set_cover_ms (self, ms);
  /* The slider reads what is sent: a screen reader hears the cover's exact time. */
  if (value != (double) ms)
    gtk_adjustment_set_value (adjustment, (double) ms);
}

static void
step_frames (WbpsCoverPicker *self,
             gint64           delta)
{
  gint64 index = wbps_frame_index_at_ms (self->cover_ms, self->fps_n, self->fps_d) + delta;

  index = CLAMP (index, 0, self->last_index);
  gtk_adjustment_set_value (self->adjustment, frame_start (self, index));
}

/* Arrow keys: exactly one frame, whatever the slider's own step would round to. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                WbpsCoverPicker       *self)
{
  if (!self->opened)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      step_frames (self, -1);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      step_frames (self, 1);
      return TRUE;
    default:
      return FALSE;
    }
}

/* --- the file --- */

static void
on_thumbnail (WbpsFilmstrip   *filmstrip,
              guint            index,
              WbpsVideoFrame  *frame,
              WbpsCoverPicker *self)
{
  g_autoptr(GdkTexture) texture = texture_from_frame (frame);

  gtk_picture_set_paintable (GTK_PICTURE (self->slots[index]), GDK_PAINTABLE (texture));
}

static void
on_filmstrip_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wbps_filmstrip_generate_finish (WBPS_FILMSTRIP (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The filmstrip could not be made: %s", error->message);
}

static void
on_grabber_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(WbpsCoverPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  WbpsFrameGrabber *grabber = WBPS_FRAME_GRABBER (source);
  gint64 duration;
  double step;

  if (!wbps_frame_grabber_open_finish (grabber, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The video could not be opened for its cover: %s", error->message);
      return;
    }
  if (grabber != self->grabber)
    return;

  wbps_frame_grabber_get_frame_rate (grabber, &self->fps_n, &self->fps_d);
  duration = MAX (wbps_frame_grabber_get_duration_ms (grabber), 1);
  self->last_index = MAX (wbps_frame_index_at_ms (duration - 1, self->fps_n, self->fps_d), 0);
  step = frame_start (self, 1);
  self->opened = TRUE;

  gtk_adjustment_configure (self->adjustment, 0, 0,
                            (double) wbps_frame_index_to_ms (self->last_index, self->fps_n, self->fps_d),
                            step, 1000, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scale), TRUE);
  update_label (self);
  schedule_grab (self);
}

static void
clear_strip (WbpsCoverPicker *self)
{
  for (guint i = 0; i < N_THUMBNAILS; i++)
    gtk_picture_set_paintable (GTK_PICTURE (self->slots[i]), NULL);
}

static void
stop (WbpsCoverPicker *self)
{
  g_clear_handle_id (&self->grab_source, g_source_remove);
  g_cancellable_cancel (self->grab_cancellable);
  g_clear_object (&self->grab_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->filmstrip != NULL)
    g_signal_handlers_disconnect_by_data (self->filmstrip, self);
  g_clear_object (&self->filmstrip);
  g_clear_object (&self->grabber);
  self->opened = FALSE;
}

void
wbps_cover_picker_set_file (WbpsCoverPicker *self,
                            GFile           *file)
{
  g_return_if_fail (WBPS_IS_COVER_PICKER (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (self->file == file || (self->file != NULL && file != NULL && g_file_equal (self->file, file)))
    return;

  stop (self);
  g_set_object (&self->file, file);
  clear_strip (self);
  gtk_picture_set_paintable (self->picture, NULL);
  g_clear_object (&self->cover_texture);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COVER_TEXTURE]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scale), FALSE);
  gtk_adjustment_configure (self->adjustment, 0, 0, 0, 1, 1000, 0);
  self->cover_ms = file != NULL ? 0 : -1;
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COVER_TIMESTAMP_MS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  if (file == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->grabber = wbps_frame_grabber_new (file, 0);
  wbps_frame_grabber_open_async (self->grabber, self->cancellable, on_grabber_opened,
                                 g_object_ref (self));
  self->filmstrip = wbps_filmstrip_new (file, N_THUMBNAILS, THUMBNAIL_HEIGHT);
  g_signal_connect (self->filmstrip, "thumbnail", G_CALLBACK (on_thumbnail), self);
  wbps_filmstrip_generate_async (self->filmstrip, self->cancellable, on_filmstrip_done, NULL);
}

GFile *
wbps_cover_picker_get_file (WbpsCoverPicker *self)
{
  g_return_val_if_fail (WBPS_IS_COVER_PICKER (self), NULL);

  return self->file;
}

gint64
wbps_cover_picker_get_cover_timestamp_ms (WbpsCoverPicker *self)
{
  g_return_val_if_fail (WBPS_IS_COVER_PICKER (self), -1);

  return self->cover_ms;
}

void
wbps_cover_picker_set_cover_timestamp_ms (WbpsCoverPicker *self,
                                          gint64           timestamp_ms)
{
  g_return_if_fail (WBPS_IS_COVER_PICKER (self));

  if (!self->opened || timestamp_ms < 0)
    return;
  /* Through the slider, so the value lands on the frame at that time. */
  gtk_adjustment_set_value (self->adjustment, (double) timestamp_ms);
}

GdkTexture *
wbps_cover_picker_get_cover_texture (WbpsCoverPicker *self)
{
  g_return_val_if_fail (WBPS_IS_COVER_PICKER (self), NULL);

  return self->cover_texture;
}

GtkWidget *
wbps_cover_picker_new (void)
{
  return g_object_new (WBPS_TYPE_COVER_PICKER, NULL);
}

/* --- GObject --- */

static void
wbps_cover_picker_dispose (GObject *object)
{
  WbpsCoverPicker *self = WBPS_COVER_PICKER (object);

  stop (self);
  g_clear_object (&self->file);
  g_clear_object (&self->cover_texture);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_COVER_PICKER);

  G_OBJECT_CLASS (wbps_cover_picker_parent_class)->dispose (object);
}

static void
wbps_cover_picker_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WbpsCoverPicker *self = WBPS_COVER_PICKER (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_COVER_TIMESTAMP_MS:
      g_value_set_int64 (value, self->cover_ms);
      break;
    case PROP_COVER_TEXTURE:
      g_value_set_object (value, self->cover_texture);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_cover_picker_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  WbpsCoverPicker *self = WBPS_COVER_PICKER (object);

  switch (prop_id)
    {
    case PROP_FILE:
      wbps_cover_picker_set_file (self, g_value_get_object (value));
      break;
    case PROP_COVER_TIMESTAMP_MS:
      wbps_cover_picker_set_cover_timestamp_ms (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_cover_picker_class_init (WbpsCoverPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_cover_picker_dispose;
  object_class->get_property = wbps_cover_picker_get_property;
  object_class->set_property = wbps_cover_picker_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COVER_TIMESTAMP_MS] =
    g_param_spec_int64 ("cover-timestamp-ms", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COVER_TEXTURE] =
    g_param_spec_object ("cover-texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ai/fvz/Wbps/composer/wbps-cover-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsCoverPicker, picture);
  gtk_widget_class_bind_template_child (widget_class, WbpsCoverPicker, strip);
  gtk_widget_class_bind_template_child (widget_class, WbpsCoverPicker, scale);
  gtk_widget_class_bind_template_child (widget_class, WbpsCoverPicker, adjustment);
  gtk_widget_class_bind_template_child (widget_class, WbpsCoverPicker, position_label);
  gtk_widget_class_set_css_name (widget_class, "wbps-cover-picker");
}

static void
wbps_cover_picker_init (WbpsCoverPicker *self)
{
  GtkEventController *keys;

  self->cover_ms = -1;
  self->fps_n = 30;
  self->fps_d = 1;
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_THUMBNAILS; i++)
    {
      self->slots[i] = gtk_picture_new ();
      gtk_picture_set_can_shrink (GTK_PICTURE (self->slots[i]), TRUE);
      gtk_picture_set_content_fit (GTK_PICTURE (self->slots[i]), GTK_CONTENT_FIT_COVER);
      gtk_widget_add_css_class (self->slots[i], "thumbnail");
      gtk_box_append (self->strip, self->slots[i]);
    }

  g_signal_connect (self->adjustment, "value-changed", G_CALLBACK (on_value_changed), self);
  /* Capture phase: before GtkRange's own step, which only knows whole adjustments. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scale), keys);
}
