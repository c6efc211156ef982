/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-upload-row.h"
#include "wbps-uploads-page.h"

struct _WbpsUploadsPage
{
  AdwBin          parent_instance;

  GtkStack       *stack;
  GtkListBox     *list_box;

  WbpsUploadList *list;
};

G_DEFINE_FINAL_TYPE (WbpsUploadsPage, wbps_uploads_page, ADW_TYPE_BIN)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return wbps_upload_row_new (WBPS_UPLOAD (item));
}

static void
items_changed_cb (WbpsUploadsPage *self)
{
  gboolean empty = self->list == NULL || g_list_model_get_n_items (wbps_upload_list_get_model (self->list)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

void
wbps_uploads_page_set_list (WbpsUploadsPage *self,
                            WbpsUploadList  *list)
{
  g_return_if_fail (WBPS_IS_UPLOADS_PAGE (self));
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (wbps_upload_list_get_model (self->list), self);
  g_set_object (&self->list, list);
  gtk_list_box_bind_model (self->list_box, list != NULL ? wbps_upload_list_get_model (list) : NULL,
                           create_row, NULL, NULL);
  if (list != NULL)
    g_signal_connect_swapped (wbps_upload_list_get_model (list), "items-changed", G_CALLBACK (items_changed_cb), self);
  items_changed_cb (self);
}

static void
wbps_uploads_page_dispose (GObject *object)
{
  WbpsUploadsPage *self = WBPS_UPLOADS_PAGE (object);

  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (wbps_upload_list_get_model (self->list), self);
  g_clear_object (&self->list);
  G_OBJECT_CLASS (wbps_uploads_page_parent_class)->dispose (object);
}

static void
wbps_uploads_page_class_init (WbpsUploadsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_uploads_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/uploads/wbps-uploads-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WbpsUploadsPage, list_box);
}

static void
wbps_uploads_page_init (WbpsUploadsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
