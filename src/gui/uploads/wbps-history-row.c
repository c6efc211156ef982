/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-api-client.h"
#include "wbps-history-row.h"

struct _WbpsHistoryRow
{
  GtkListBoxRow   parent_instance;

  GtkWidget      *placeholder;
  GtkPicture     *cover;
  GtkLabel       *title_label;
  GtkLabel       *meta_label;
  GtkLabel       *status_label;
  GtkButton      *open_button;

  char           *url;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (WbpsHistoryRow, wbps_history_row, GTK_TYPE_LIST_BOX_ROW)

static gboolean
has_post_id (WbpsPost *post)
{
  const char * const *ids = wbps_post_get_post_ids (post);

  return ids != NULL && ids[0] != NULL;
}

gboolean
wbps_post_is_final (WbpsPost *post)
{
  const char *status = wbps_post_get_status (post);

  if (g_strcmp0 (status, "FAILED") == 0 || g_strcmp0 (status, "SEND_TO_USER_INBOX") == 0)
    return TRUE;
  if (g_strcmp0 (status, "PUBLISH_COMPLETE") == 0)
    return has_post_id (post);
  return g_strcmp0 (wbps_post_get_state (post), "FAILED") == 0 || wbps_post_get_publish_id (post) == NULL;
}

char *
wbps_post_describe_status (WbpsPost *post)
{
  const char *status = wbps_post_get_status (post);
  const char *state = wbps_post_get_state (post);
  const char *reason = wbps_post_get_fail_reason (post);

  if (g_strcmp0 (status, "PUBLISH_COMPLETE") == 0)
    return g_strdup (g_strcmp0 (wbps_post_get_mode (post), "inbox") == 0 ? _("Posted from the inbox") : _("Published"));
  if (g_strcmp0 (status, "SEND_TO_USER_INBOX") == 0)
    return g_strdup (_("Sent to inbox"));
  if (g_strcmp0 (status, "FAILED") == 0 || g_strcmp0 (state, "FAILED") == 0)
    return reason != NULL ? g_strdup_printf (_("Failed: %s"), wbps_fail_reason_describe (reason)) : g_strdup (_("Failed"));
  if (g_strcmp0 (state, "UPLOAD") == 0 || g_strcmp0 (state, "INTERRUPTED") == 0)
    return g_strdup (_("Upload not finished"));
  if (g_strcmp0 (state, "UNCONFIRMED") == 0 || g_strcmp0 (state, "PROCESSING") == 0)
    return g_strdup (_("Processing on TikTok"));
  if (g_strcmp0 (state, "DONE") == 0)
    return g_strdup (_("Published"));
  return g_strdup (_("Not posted"));
}

static void
open_clicked_cb (WbpsHistoryRow *self)
{
  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->url, GDK_CURRENT_TIME);
}

static void
cover_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WbpsHistoryRow *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) cover = wbps_cover_store_load_finish (WBPS_COVER_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WBPS_HISTORY_ROW (user_data);
  if (cover == NULL)
    return;   /* none kept (posted elsewhere, or before covers were kept): the placeholder stays */
  gtk_picture_set_paintable (self->cover, GDK_PAINTABLE (cover));
  gtk_widget_set_visible (self->placeholder, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cover), TRUE);
}

static void
wbps_history_row_dispose (GObject *object)
{
  WbpsHistoryRow *self = WBPS_HISTORY_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (wbps_history_row_parent_class)->dispose (object);
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

  object_class->dispose = wbps_history_row_dispose;
  object_class->finalize = wbps_history_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/uploads/wbps-history-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryRow, placeholder);
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
  self->cancellable = g_cancellable_new ();
}

static char *
format_date (gint64 usec)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  /* Translators: a post's date in the history, see g_date_time_format() */
  return date != NULL ? g_date_time_format (date, _("%-e %b %Y, %H:%M")) : g_strdup ("");
}

GtkWidget *
wbps_history_row_new (WbpsPost       *post,
                      const char     *account_name,
                      const char     *username,
                      WbpsCoverStore *covers)
{
  WbpsHistoryRow *self = g_object_new (WBPS_TYPE_HISTORY_ROW, NULL);
  g_autofree char *date = format_date (wbps_post_get_created_at (post));
  g_autofree char *meta = g_strdup_printf ("%s · %s", account_name != NULL ? account_name : wbps_post_get_open_id (post),
                                           g_strstrip (date));
  g_autofree char *status = wbps_post_describe_status (post);
  const char *title = wbps_post_get_title (post);
  const char *state = wbps_post_get_state (post);

  gtk_label_set_text (self->title_label, title != NULL && *title != '\0' ? title : _("Untitled video"));
  gtk_label_set_text (self->meta_label, meta);
  gtk_label_set_text (self->status_label, status);
  if (g_strcmp0 (wbps_post_get_status (post), "FAILED") == 0 || g_strcmp0 (state, "FAILED") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else if (wbps_post_is_final (post))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "success");
  if (has_post_id (post))
    self->url = g_strdup_printf ("https://www.tiktok.com/@%s/video/%s", username != NULL ? username : "",
                                 wbps_post_get_post_ids (post)[0]);
  gtk_widget_set_visible (GTK_WIDGET (self->open_button), has_post_id (post));
  if (covers != NULL && wbps_post_get_publish_id (post) != NULL)
    wbps_cover_store_load_async (covers, wbps_post_get_publish_id (post), self->cancellable, cover_loaded_cb, self);
  return GTK_WIDGET (self);
}
