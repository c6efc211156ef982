/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-history-page.h"
#include "wbps-history-row.h"

struct _WbpsHistoryPage
{
  AdwBin              parent_instance;

  AdwToastOverlay    *toast_overlay;
  GtkStack           *stack;
  GtkListBox         *list_box;
  GtkButton          *refresh_button;

  WbpsHistory        *history;
  WbpsUploadList     *list;
  WbpsAccountManager *accounts;
  GCancellable       *cancellable;
  gboolean            refreshing;
};

G_DEFINE_FINAL_TYPE (WbpsHistoryPage, wbps_history_page, ADW_TYPE_BIN)

/* The account's name and handle: signed in now, else as creator_info last gave them. */
static void
account_names (WbpsHistoryPage  *self,
               const char       *open_id,
               const char      **name,
               const char      **username)
{
  WbpsAccount *account = self->accounts != NULL ? wbps_account_manager_lookup (self->accounts, open_id) : NULL;

  *name = account != NULL ? wbps_account_get_name (account) : NULL;
  *username = account != NULL ? wbps_account_get_username (account) : NULL;
  if (*name == NULL && self->list != NULL)
    *name = wbps_upload_list_lookup_nickname (self->list, open_id);
  if (*username == NULL && self->list != NULL)
    *username = wbps_upload_list_lookup_username (self->list, open_id);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  WbpsHistoryPage *self = WBPS_HISTORY_PAGE (user_data);
  WbpsPost *post = WBPS_POST (item);
  const char *name, *username;

  account_names (self, wbps_post_get_open_id (post), &name, &username);
  return wbps_history_row_new (post, name, username,
                               self->list != NULL ? wbps_upload_list_get_covers (self->list) : NULL);
}

static void
update_empty (WbpsHistoryPage *self)
{
  guint n = self->history != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->history)) : 0;

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

/* ---- Refresh: ask TikTok again for every status that is not final ---- */

/* The list stays as it was; the toast says why nothing changed. */
static void
show_refresh_failure (WbpsHistoryPage *self,
                      const GError    *error)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  g_message ("Could not refresh the history: %s", error->message);
  /* Translators: %s is the reason, e.g. "Could not connect to open.tiktokapis.com" */
  text = g_strdup_printf (_("Could not ask TikTok for the latest statuses: %s"), error->message);
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  WbpsHistoryPage *self;
  g_autoptr(GError) error = NULL;

  if (!wbps_history_refresh_finish (WBPS_HISTORY (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WBPS_HISTORY_PAGE (user_data);
  if (error != NULL)
    show_refresh_failure (self, error);
  self->refreshing = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), TRUE);
}

void
wbps_history_page_refresh (WbpsHistoryPage *self)
{
  g_return_if_fail (WBPS_IS_HISTORY_PAGE (self));
  if (self->history == NULL || self->list == NULL || self->refreshing)
    return;
  self->refreshing = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  wbps_history_refresh_async (self->history, wbps_upload_list_get_api (self->list), self->cancellable,
                              refreshed_cb, self);
}

static void
refresh_clicked_cb (WbpsHistoryPage *self)
{
  wbps_history_page_refresh (self);
}

void
wbps_history_page_setup (WbpsHistoryPage    *self,
                         WbpsHistory        *history,
                         WbpsUploadList     *list,
                         WbpsAccountManager *accounts)
{
  g_return_if_fail (WBPS_IS_HISTORY_PAGE (self));
  g_return_if_fail (history == NULL || WBPS_IS_HISTORY (history));

  g_set_object (&self->list, list);
  g_set_object (&self->accounts, accounts);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_set_object (&self->history, history);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (history), history != NULL ? create_row : NULL, self, NULL);
  if (history != NULL)
    g_signal_connect_swapped (history, "items-changed", G_CALLBACK (update_empty), self);
  update_empty (self);
}

static void
wbps_history_page_dispose (GObject *object)
{
  WbpsHistoryPage *self = WBPS_HISTORY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->history);
  g_clear_object (&self->list);
  g_clear_object (&self->accounts);
  G_OBJECT_CLASS (wbps_history_page_parent_class)->dispose (object);
}

static void
wbps_history_page_class_init (WbpsHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_history_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/uploads/wbps-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsHistoryPage, toast_overlay);
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
