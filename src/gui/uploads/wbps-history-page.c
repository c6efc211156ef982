/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-history-page.h"
#include "wbps-history-row.h"

struct _WbpsHistoryPage
{
  AdwBin          parent_instance;

  GtkStack       *stack;
  GtkListBox     *list_box;
  GtkButton      *refresh_button;

  WbpsUploadList *list;
  GCancellable   *cancellable;
  guint           pending;   /* status requests of a refresh still out */
};

G_DEFINE_FINAL_TYPE (WbpsHistoryPage, wbps_history_page, ADW_TYPE_BIN)

static void
show_records (WbpsHistoryPage *self,
              GPtrArray       *records)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  for (guint i = 0; i < records->len; i++)
    {
      const WbpsPostRecord *record = g_ptr_array_index (records, i);

      gtk_list_box_append (self->list_box,
                           wbps_history_row_new (record,
                                                 wbps_upload_list_lookup_nickname (self->list, record->open_id),
                                                 wbps_upload_list_lookup_username (self->list, record->open_id)));
    }
  gtk_stack_set_visible_child_name (self->stack, records->len > 0 ? "list" : "empty");
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  WbpsHistoryPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = wbps_database_list_finish (WBPS_DATABASE (source), result, &error);

  if (records == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the history: %s", error->message);
      return;
    }
  g_assert (WBPS_IS_HISTORY_PAGE (self));
  show_records (self, records);
}

void
wbps_history_page_reload (WbpsHistoryPage *self)
{
  g_return_if_fail (WBPS_IS_HISTORY_PAGE (self));
  if (self->list == NULL)
    return;
  wbps_database_list_async (wbps_upload_list_get_database (self->list), self->cancellable, list_cb, self);
}

/* ---- Refresh: ask TikTok again for every status that is not final ---- */

typedef struct {
  WbpsHistoryPage *self;
  WbpsPostRecord  *record;
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  wbps_post_record_free (refresh->record);
  g_free (refresh);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Refresh, refresh_free)

static void
refresh_done (WbpsHistoryPage *self)
{
  if (--self->pending > 0)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), TRUE);
  wbps_history_page_reload (self);
}

static void
update_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Refresh) refresh = user_data;
  g_autoptr(GError) error = NULL;

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not record the post's status: %s", error->message);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    refresh_done (refresh->self);
}

static void
apply_status (WbpsPostRecord          *record,
              const WbpsPublishStatus *status)
{
  g_free (record->status);
  record->status = g_strdup (status->status);
  g_free (record->fail_reason);
  record->fail_reason = g_strdup (status->fail_reason);
  g_strfreev (record->post_ids);
  record->post_ids = g_strdupv (status->post_ids);
  g_free (record->state);
  if (g_str_equal (status->status, "FAILED"))
    record->state = g_strdup (wbps_publish_state_to_string (WBPS_PUBLISH_STATE_FAILED));
  else if (g_str_equal (status->status, "PUBLISH_COMPLETE") || g_str_equal (status->status, "SEND_TO_USER_INBOX"))
    record->state = g_strdup (wbps_publish_state_to_string (WBPS_PUBLISH_STATE_DONE));
  else
    record->state = g_strdup (wbps_publish_state_to_string (WBPS_PUBLISH_STATE_PROCESSING));
}

static void
status_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Refresh) refresh = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsPublishStatus) status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (status == NULL)
    {
      g_warning ("Could not ask TikTok for a post's status: %s", error->message);
      refresh_done (refresh->self);
      return;
    }
  apply_status (refresh->record, status);
  wbps_database_update_async (wbps_upload_list_get_database (refresh->self->list), refresh->record,
                              refresh->self->cancellable, update_cb, g_steal_pointer (&refresh));
}

static void
refresh_list_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WbpsHistoryPage *self = user_data;
  g_autoptr(GPtrArray) records = wbps_database_list_finish (WBPS_DATABASE (source), result, NULL);

  if (records == NULL)
    return;
  self->pending = 1;
  for (guint i = 0; i < records->len; i++)
    {
      const WbpsPostRecord *record = g_ptr_array_index (records, i);
      Refresh *refresh;

      if (wbps_post_record_is_final (record) || record->publish_id == NULL ||
          g_strcmp0 (record->state, "UPLOAD") == 0 || g_strcmp0 (record->state, "INTERRUPTED") == 0)
        continue;
      refresh = g_new0 (Refresh, 1);
      refresh->self = self;
      refresh->record = wbps_post_record_copy (record);
      self->pending++;
      wbps_api_client_status_async (wbps_upload_list_get_api (self->list), record->open_id, record->publish_id,
                                    self->cancellable, status_cb, refresh);
    }
  refresh_done (self);
}

void
wbps_history_page_refresh (WbpsHistoryPage *self)
{
  g_return_if_fail (WBPS_IS_HISTORY_PAGE (self));
  if (self->list == NULL || self->pending > 0)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  wbps_database_list_async (wbps_upload_list_get_database (self->list), self->cancellable, refresh_list_cb, self);
}

static void
refresh_clicked_cb (WbpsHistoryPage *self)
{
  wbps_history_page_refresh (self);
}

static void
upload_added_cb (GListModel      *model,
                 guint            position,
                 guint            removed,
                 guint            added,
                 WbpsHistoryPage *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(WbpsUpload) upload = g_list_model_get_item (model, i);

      g_signal_connect_object (upload, "finished", G_CALLBACK (wbps_history_page_reload), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (upload, "notify::running", G_CALLBACK (wbps_history_page_reload), self, G_CONNECT_SWAPPED);
    }
}

void
wbps_history_page_set_list (WbpsHistoryPage *self,
                            WbpsUploadList  *list)
{
  g_return_if_fail (WBPS_IS_HISTORY_PAGE (self));
  g_set_object (&self->list, list);
  if (list != NULL)
    g_signal_connect_object (wbps_upload_list_get_model (list), "items-changed",
                             G_CALLBACK (upload_added_cb), self, 0);
  wbps_history_page_reload (self);
}

static void
wbps_history_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (wbps_history_page_parent_class)->map (widget);
  wbps_history_page_reload (WBPS_HISTORY_PAGE (widget));
}

static void
wbps_history_page_dispose (GObject *object)
{
  WbpsHistoryPage *self = WBPS_HISTORY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->list);
  G_OBJECT_CLASS (wbps_history_page_parent_class)->dispose (object);
}

static void
wbps_history_page_class_init (WbpsHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_history_page_dispose;
  widget_class->map = wbps_history_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/uploads/wbps-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryPage, refresh_button);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
}

static void
wbps_history_page_init (WbpsHistoryPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
