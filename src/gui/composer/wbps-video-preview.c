/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsVideoPreview: a GtkMediaFile (GTK's GStreamer media backend) shown in
 * a shrinkable GtkPicture with GtkMediaControls under it. The stream starts
 * muted: the sound comes on only through the volume control.
 */

#include "config.h"

#include "wbps-video-preview.h"

struct _WbpsVideoPreview
{
  GtkWidget         parent_instance;

  /* template widgets */
  GtkPicture       *picture;
  GtkMediaControls *controls;

  GFile            *file;
  GtkMediaStream   *stream;
};

enum {
  PROP_0,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (WbpsVideoPreview, wbps_video_preview, GTK_TYPE_WIDGET)

static void
clear_stream (WbpsVideoPreview *self)
{
  if (self->stream != NULL)
    gtk_media_stream_pause (self->stream);
  gtk_media_controls_set_media_stream (self->controls, NULL);
  gtk_picture_set_paintable (self->picture, NULL);
  g_clear_object (&self->stream);
}

void
wbps_video_preview_set_file (WbpsVideoPreview *self,
                             GFile            *file)
{
  g_return_if_fail (WBPS_IS_VIDEO_PREVIEW (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (self->file == file || (self->file != NULL && file != NULL && g_file_equal (self->file, file)))
    return;

  clear_stream (self);
  g_set_object (&self->file, file);
  if (file != NULL)
    {
      self->stream = gtk_media_file_new_for_file (file);
      gtk_media_stream_set_muted (self->stream, TRUE);
      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->stream));
      gtk_media_controls_set_media_stream (self->controls, self->stream);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

GFile *
wbps_video_preview_get_file (WbpsVideoPreview *self)
{
  g_return_val_if_fail (WBPS_IS_VIDEO_PREVIEW (self), NULL);

  return self->file;
}

void
wbps_video_preview_pause (WbpsVideoPreview *self)
{
  g_return_if_fail (WBPS_IS_VIDEO_PREVIEW (self));

  if (self->stream != NULL)
    gtk_media_stream_pause (self->stream);
}

/* The media stream, or NULL (tests and the composer read its state). */
GtkMediaStream *
wbps_video_preview_get_stream (WbpsVideoPreview *self)
{
  g_return_val_if_fail (WBPS_IS_VIDEO_PREVIEW (self), NULL);

  return self->stream;
}

GtkWidget *
wbps_video_preview_new (void)
{
  return g_object_new (WBPS_TYPE_VIDEO_PREVIEW, NULL);
}

static void
wbps_video_preview_unmap (GtkWidget *widget)
{
  /* Hidden (another page, a post started): no sound from nowhere. */
  wbps_video_preview_pause (WBPS_VIDEO_PREVIEW (widget));

  GTK_WIDGET_CLASS (wbps_video_preview_parent_class)->unmap (widget);
}

static void
wbps_video_preview_dispose (GObject *object)
{
  WbpsVideoPreview *self = WBPS_VIDEO_PREVIEW (object);

  if (self->controls != NULL)
    clear_stream (self);
  g_clear_object (&self->file);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_VIDEO_PREVIEW);

  G_OBJECT_CLASS (wbps_video_preview_parent_class)->dispose (object);
}

static void
wbps_video_preview_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WbpsVideoPreview *self = WBPS_VIDEO_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_video_preview_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  WbpsVideoPreview *self = WBPS_VIDEO_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      wbps_video_preview_set_file (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_video_preview_class_init (WbpsVideoPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_video_preview_dispose;
  object_class->get_property = wbps_video_preview_get_property;
  object_class->set_property = wbps_video_preview_set_property;
  widget_class->unmap = wbps_video_preview_unmap;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ai/fvz/Wbps/composer/wbps-video-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsVideoPreview, picture);
  gtk_widget_class_bind_template_child (widget_class, WbpsVideoPreview, controls);
  gtk_widget_class_set_css_name (widget_class, "wbps-video-preview");
}

static void
wbps_video_preview_init (WbpsVideoPreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
