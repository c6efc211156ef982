/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-api-client.h"
#include "wbps-history-row.h"

struct _WbpsHistoryRow
{
  GtkListBoxRow   parent_instance;

  GtkPicture     *cover;
  GtkLabel       *title_label;
  GtkLabel       *meta_label;
  GtkLabel       *status_label;
  GtkButton      *open_button;

  char           *url;
};

G_DEFINE_FINAL_TYPE (WbpsHistoryRow, wbps_history_row, GTK_TYPE_LIST_BOX_ROW)

gboolean
wbps_post_record_is_final (const WbpsPostRecord *record)
{
  if (record->status != NULL && g_str_equal (record->status, "FAILED"))
    return TRUE;
  if (record->status != NULL && g_str_equal (record->status, "SEND_TO_USER_INBOX"))
    return TRUE;
  if (record->status != NULL && g_str_equal (record->status, "PUBLISH_COMPLETE"))
    return record->post_ids != NULL && record->post_ids[0] != NULL;
  return g_strcmp0 (record->state, "FAILED") == 0 || record->publish_id == NULL;
}

char *
wbps_post_record_describe_status (const WbpsPostRecord *record)
{
  const char *status = record->status;

  if (g_strcmp0 (status, "PUBLISH_COMPLETE") == 0)
    return g_strdup (g_strcmp0 (record->mode, "inbox") == 0 ? _("Posted from the inbox") : _("Published"));
  if (g_strcmp0 (status, "SEND_TO_USER_INBOX") == 0)
    return g_strdup (_("Sent to inbox"));
  if (g_strcmp0 (status, "FAILED") == 0 || g_strcmp0 (record->state, "FAILED") == 0)
    return record->fail_reason != NULL
             ? g_strdup_printf (_("Failed: %s"), wbps_fail_reason_describe (record->fail_reason))
             : g_strdup (_("Failed"));
  if (g_strcmp0 (record->state, "UPLOAD") == 0 || g_strcmp0 (record->state, "INTERRUPTED") == 0)
    return g_strdup (_("Upload not finished"));
  if (g_strcmp0 (record->state, "UNCONFIRMED") == 0 || g_strcmp0 (record->state, "PROCESSING") == 0)
    return g_strdup (_("Processing on TikTok"));
  if (g_strcmp0 (record->state, "DONE") == 0)
    return g_strdup (_("Published"));
  return g_strdup (_("Not posted"));
}

static void
open_clicked_cb (WbpsHistoryRow *self)
{
  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->url, GDK_CURRENT_TIME);
}

void
wbps_history_row_set_cover (WbpsHistoryRow *self,
                            GdkPaintable   *cover)
{
  g_return_if_fail (WBPS_IS_HISTORY_ROW (self));
  gtk_picture_set_paintable (self->cover, cover);
}

static void
wbps_history_row_finalize (GObject *object)
{
  WbpsHistoryRow *self = WBPS_HISTORY_ROW (object);

  g_free (self->url);
  G_OBJECT_CLASS (wbps_history_row_parent_class)->finalize (object);
}

static void
wbps_history_row_class_init (WbpsHistoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = wbps_history_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/uploads/wbps-history-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryRow, cover);
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryRow, open_button);
  gtk_widget_class_bind_template_callback (widget_class, open_clicked_cb);
}

static void
wbps_history_row_init (WbpsHistoryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  /* Translators: a post's date in the history, see g_date_time_format() */
  return date != NULL ? g_date_time_format (date, _("%-e %b %Y, %H:%M")) : g_strdup ("");
}

GtkWidget *
wbps_history_row_new (const WbpsPostRecord *record,
                      const char           *account_name,
                      const char           *username)
{
  WbpsHistoryRow *self = g_object_new (WBPS_TYPE_HISTORY_ROW, NULL);
  g_autofree char *date = format_date (record->created_at);
  g_autofree char *meta = g_strdup_printf ("%s · %s", account_name != NULL ? account_name : record->open_id, g_strstrip (date));
  g_autofree char *status = wbps_post_record_describe_status (record);
  gboolean has_post = record->post_ids != NULL && record->post_ids[0] != NULL;

  gtk_label_set_text (self->title_label, record->title != NULL && *record->title != '\0' ? record->title : _("Untitled video"));
  gtk_label_set_text (self->meta_label, meta);
  gtk_label_set_text (self->status_label, status);
  if (g_strcmp0 (record->status, "FAILED") == 0 || g_strcmp0 (record->state, "FAILED") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else if (wbps_post_record_is_final (record))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "success");
  if (has_post)
    self->url = g_strdup_printf ("https://www.tiktok.com/@%s/video/%s", username != NULL ? username : "", record->post_ids[0]);
  gtk_widget_set_visible (GTK_WIDGET (self->open_button), has_post);
  return GTK_WIDGET (self);
}
