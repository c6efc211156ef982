/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-composer-section.h"
#include "wbps-cover-picker.h"
#include "wbps-media-section.h"
#include "wbps-video-preview.h"

struct _WbpsMediaSection
{
  AdwBin            parent_instance;

  WbpsVideoPreview *preview;
  WbpsCoverPicker  *cover_picker;
  GtkLabel         *facts_label;
  GtkBox           *problems_box;
  GtkWidget        *ready_row;

  GFile            *file;
};

static void composer_section_iface_init (WbpsComposerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsMediaSection, wbps_media_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_COMPOSER_SECTION, composer_section_iface_init))

enum {
  PROP_0,
  PROP_COVER_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
wbps_format_duration (guint64 milliseconds)
{
  guint64 seconds = (milliseconds + 500) / 1000;

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT,
                            seconds / 3600, seconds / 60 % 60, seconds % 60);
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02" G_GUINT64_FORMAT, seconds / 60, seconds % 60);
}

static const char *
describe_codec (const char *codec)
{
  if (g_strcmp0 (codec, "h264") == 0)
    return "H.264";
  if (g_strcmp0 (codec, "h265") == 0)
    return "H.265";
  if (g_strcmp0 (codec, "vp8") == 0)
    return "VP8";
  if (g_strcmp0 (codec, "vp9") == 0)
    return "VP9";
  return codec != NULL ? codec : _("unknown codec");
}

static char *
describe_frame_rate (const WbpsMediaInfo *info)
{
  double fps = info->fps_d > 0 ? (double) info->fps_n / info->fps_d : 0;

  if (fps <= 0)
    return g_strdup (_("unknown frame rate"));
  if (info->fps_d == 1 || fps == (guint) fps)
    return g_strdup_printf (_("%u fps"), (guint) fps);
  return g_strdup_printf (_("%.2f fps"), fps);
}

static void
set_facts (WbpsMediaSection    *self,
           const WbpsMediaInfo *info)
{
  g_autofree char *duration = wbps_format_duration (info->duration_ms);
  g_autofree char *fps = describe_frame_rate (info);
  g_autofree char *size = g_format_size (info->size);
  g_autofree char *text = g_strdup_printf ("%s · %u × %u · %s · %s · %s", duration, info->width, info->height,
                                           fps, describe_codec (info->video_codec), size);

  gtk_label_set_text (self->facts_label, text);
}

void
wbps_media_section_set_video (WbpsMediaSection    *self,
                              GFile               *file,
                              const WbpsMediaInfo *info)
{
  g_return_if_fail (WBPS_IS_MEDIA_SECTION (self));

  g_set_object (&self->file, file);
  if (info != NULL)
    set_facts (self, info);
  wbps_video_preview_set_file (self->preview, file);
  wbps_cover_picker_set_file (self->cover_picker, file);
}

static GtkWidget *
problem_row_new (const char *sentence)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *label = gtk_label_new (sentence);

  gtk_widget_add_css_class (icon, "warning");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

void
wbps_media_section_set_problems (WbpsMediaSection   *self,
                                 const char * const *problems)
{
  GtkWidget *child;
  gboolean any = problems != NULL && problems[0] != NULL;

  g_return_if_fail (WBPS_IS_MEDIA_SECTION (self));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_box))) != NULL)
    gtk_box_remove (self->problems_box, child);
  for (guint i = 0; any && problems[i] != NULL; i++)
    gtk_box_append (self->problems_box, problem_row_new (problems[i]));
  gtk_widget_set_visible (GTK_WIDGET (self->problems_box), any);
  gtk_widget_set_visible (self->ready_row, !any);
}

gint64
wbps_media_section_get_cover_ms (WbpsMediaSection *self)
{
  g_return_val_if_fail (WBPS_IS_MEDIA_SECTION (self), -1);
  return wbps_cover_picker_get_cover_timestamp_ms (self->cover_picker);
}

GdkTexture *
wbps_media_section_get_cover_texture (WbpsMediaSection *self)
{
  g_return_val_if_fail (WBPS_IS_MEDIA_SECTION (self), NULL);
  return wbps_cover_picker_get_cover_texture (self->cover_picker);
}

void
wbps_media_section_pause (WbpsMediaSection *self)
{
  g_return_if_fail (WBPS_IS_MEDIA_SECTION (self));
  wbps_video_preview_pause (self->preview);
}

static void
cover_changed_cb (WbpsMediaSection *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COVER_MS]);
  wbps_composer_section_changed (WBPS_COMPOSER_SECTION (self));
}

static void
media_section_apply (WbpsComposerSection *section,
                     WbpsPostOptions      *options)
{
  WbpsMediaSection *self = WBPS_MEDIA_SECTION (section);

  g_object_set (options, "file", self->file, "cover-ms", wbps_media_section_get_cover_ms (self), NULL);
}

static void
composer_section_iface_init (WbpsComposerSectionInterface *iface)
{
  iface->apply = media_section_apply;
}

static void
wbps_media_section_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WbpsMediaSection *self = WBPS_MEDIA_SECTION (object);

  switch (prop_id)
    {
    case PROP_COVER_MS:
      g_value_set_int64 (value, wbps_media_section_get_cover_ms (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_media_section_dispose (GObject *object)
{
  WbpsMediaSection *self = WBPS_MEDIA_SECTION (object);

  g_clear_object (&self->file);
  G_OBJECT_CLASS (wbps_media_section_parent_class)->dispose (object);
}

static void
wbps_media_section_class_init (WbpsMediaSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wbps_media_section_get_property;
  object_class->dispose = wbps_media_section_dispose;

  properties[PROP_COVER_MS] =
    g_param_spec_int64 ("cover-ms", NULL, NULL, -1, G_MAXINT64, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (WBPS_TYPE_VIDEO_PREVIEW);
  g_type_ensure (WBPS_TYPE_COVER_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-media-section.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsMediaSection, preview);
  gtk_widget_class_bind_template_child (widget_class, WbpsMediaSection, cover_picker);
  gtk_widget_class_bind_template_child (widget_class, WbpsMediaSection, facts_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsMediaSection, problems_box);
  gtk_widget_class_bind_template_child (widget_class, WbpsMediaSection, ready_row);
  gtk_widget_class_bind_template_callback (widget_class, cover_changed_cb);
}

static void
wbps_media_section_init (WbpsMediaSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
