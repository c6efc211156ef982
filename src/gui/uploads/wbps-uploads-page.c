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
  GArray         *frame_times;    /* bench only: frame clock times, see WBPS_BENCH_FRAME_LOG */
  guint           tick_id;
};

G_DEFINE_FINAL_TYPE (WbpsUploadsPage, wbps_uploads_page, ADW_TYPE_BIN)

/*
 * bench/gui-upload: with WBPS_BENCH_FRAME_LOG=FILE the page redraws on every
 * frame and writes each frame's time (monotonic µs) to FILE when it goes away,
 * so the benchmark can read the frame rate the creator would see.
 */
static gboolean
bench_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  WbpsUploadsPage *self = WBPS_UPLOADS_PAGE (widget);
  gint64 time = gdk_frame_clock_get_frame_time (clock);

  g_array_append_val (self->frame_times, time);
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
bench_write_frames (WbpsUploadsPage *self)
{
  const char *path = g_getenv ("WBPS_BENCH_FRAME_LOG");
  g_autoptr(GString) text = g_string_new (NULL);

  if (path == NULL || self->frame_times == NULL)
    return;
  for (guint i = 0; i < self->frame_times->len; i++)
    g_string_append_printf (text, "%" G_GINT64_FORMAT "\n", g_array_index (self->frame_times, gint64, i));
  g_file_set_contents (path, text->str, text->len, NULL);
  g_clear_pointer (&self->frame_times, g_array_unref);
}

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
  bench_write_frames (self);
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
  if (g_getenv ("WBPS_BENCH_FRAME_LOG") != NULL)
    {
      self->frame_times = g_array_new (FALSE, FALSE, sizeof (gint64));
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), bench_tick_cb, NULL, NULL);
    }
}
