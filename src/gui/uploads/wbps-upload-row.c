/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-upload-row.h"

struct _WbpsUploadRow
{
  GtkListBoxRow   parent_instance;

  GtkPicture     *cover;
  GtkLabel       *title_label;
  GtkLabel       *state_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkLabel       *detail_label;
  GtkButton      *cancel_button;
  GtkButton      *retry_button;
  GtkButton      *check_button;
  GtkButton      *resume_button;

  WbpsUpload     *upload;
};

G_DEFINE_FINAL_TYPE (WbpsUploadRow, wbps_upload_row, GTK_TYPE_LIST_BOX_ROW)

/* "Uploading · Alex Creator" and "12 MB of 1.0 GB · 2 MB/s · 3 minutes left". */
static void
update_texts (WbpsUploadRow *self)
{
  g_autofree char *state = NULL, *account = NULL, *progress = NULL, *speed = NULL, *left = NULL, *detail = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean running = FALSE, published = FALSE, failed = FALSE;
  double fraction = 0;

  g_object_get (self->upload, "state-text", &state, "account-name", &account, "progress-text", &progress,
                "speed-text", &speed, "time-left-text", &left, "detail-text", &detail, "running", &running,
                "fraction", &fraction, "published", &published, "failed", &failed, NULL);
  if (account != NULL && *account != '\0')
    {
      g_autofree char *text = g_strdup_printf ("%s · %s", state, account);

      gtk_label_set_text (self->state_label, text);
    }
  else
    gtk_label_set_text (self->state_label, state);
  for (const char *part[] = { progress, speed, left }, **p = part; p < part + 3; p++)
    if (*p != NULL && **p != '\0')
      g_string_append_printf (line, line->len > 0 ? " · %s" : "%s", *p);
  gtk_label_set_text (self->progress_label, line->str);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), running && line->len > 0);
  gtk_label_set_text (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL && *detail != '\0');
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running || fraction > 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, line->str, -1);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
  if (published)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "success");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "success");
}

static void
cancel_clicked_cb (WbpsUploadRow *self)
{
  wbps_upload_cancel (self->upload);
}

static void
retry_clicked_cb (WbpsUploadRow *self)
{
  wbps_upload_retry (self->upload);
}

static void
check_clicked_cb (WbpsUploadRow *self)
{
  wbps_upload_check_again (self->upload);
}

static void
resume_clicked_cb (WbpsUploadRow *self)
{
  wbps_upload_resume (self->upload);
}

WbpsUpload *
wbps_upload_row_get_upload (WbpsUploadRow *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_ROW (self), NULL);
  return self->upload;
}

static void
wbps_upload_row_dispose (GObject *object)
{
  WbpsUploadRow *self = WBPS_UPLOAD_ROW (object);

  if (self->upload != NULL)
    g_signal_handlers_disconnect_by_data (self->upload, self);
  g_clear_object (&self->upload);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_UPLOAD_ROW);
  G_OBJECT_CLASS (wbps_upload_row_parent_class)->dispose (object);
}

static void
wbps_upload_row_class_init (WbpsUploadRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_upload_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/uploads/wbps-upload-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, cover);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, check_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadRow, resume_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, resume_clicked_cb);
}

static void
wbps_upload_row_init (WbpsUploadRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
wbps_upload_row_new (WbpsUpload *upload)
{
  WbpsUploadRow *self;

  g_return_val_if_fail (WBPS_IS_UPLOAD (upload), NULL);
  self = g_object_new (WBPS_TYPE_UPLOAD_ROW, NULL);
  self->upload = g_object_ref (upload);
  g_object_bind_property (upload, "title", self->title_label, "label", G_BINDING_SYNC_CREATE);
  g_object_bind_property (upload, "cover", self->cover, "paintable", G_BINDING_SYNC_CREATE);
  g_object_bind_property (upload, "can-cancel", self->cancel_button, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (upload, "can-retry", self->retry_button, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (upload, "can-check-again", self->check_button, "visible", G_BINDING_SYNC_CREATE);
  g_object_bind_property (upload, "can-resume", self->resume_button, "visible", G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (upload, "notify", G_CALLBACK (update_texts), self);
  update_texts (self);
  return GTK_WIDGET (self);
}
