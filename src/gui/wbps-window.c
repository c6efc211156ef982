/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-account-button.h"
#include "wbps-composer-page.h"
#include "wbps-history-page.h"
#include "wbps-uploads-page.h"
#include "wbps-error.h"
#include "wbps-gui-util.h"
#include "wbps-welcome-page.h"
#include "wbps-window-private.h"

struct _WbpsWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkSpinner           *loading_spinner;
  WbpsWelcomePage      *welcome_page;
  WbpsAccountButton    *account_button;
  AdwViewStack         *view_stack;
  WbpsComposerPage     *composer_page;
  WbpsUploadsPage      *uploads_page;
  WbpsHistoryPage      *history_page;

  WbpsAccountManager   *accounts;      /* the one the widgets are bound to */
  GCancellable         *cancellable;   /* sign-outs: die with the window */
};

G_DEFINE_FINAL_TYPE (WbpsWindow, wbps_window, ADW_TYPE_APPLICATION_WINDOW)

WbpsWindow *
wbps_window_new (WbpsApplication *application)
{
  return g_object_new (WBPS_TYPE_WINDOW, "application", application, NULL);
}

void
wbps_window_add_toast (WbpsWindow *self,
                       const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  g_return_if_fail (WBPS_IS_WINDOW (self));
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
wbps_window_open_files (WbpsWindow  *self,
                        GFile      **files,
                        gint         n_files)
{
  g_return_if_fail (WBPS_IS_WINDOW (self));
  if (n_files < 1)
    return;
  /* One video at a time: the composer takes the first file. */
  adw_view_stack_set_visible_child_name (self->view_stack, "post");
  wbps_composer_page_open_file (self->composer_page, files[0]);
}

WbpsComposerPage *
_wbps_window_get_composer_page (WbpsWindow *self)
{
  return self->composer_page;
}

static void
posted_cb (WbpsWindow *self,
           WbpsUpload *upload)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "uploads");
}

/* A video opened (dropped on any page, or chosen): show it. */
static void
video_opened_cb (WbpsWindow *self,
                 GFile      *file)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "post");
}

/* Not a video: the page on screen stays as it was; the toast says why. */
static void
open_failed_cb (WbpsWindow *self,
                const char *message)
{
  wbps_window_add_toast (self, message);
}

/* The pages share the application's upload list once it exists. */
static void
bind_uploads (WbpsWindow *self)
{
  WbpsApplication *app = wbps_application_get_default ();
  WbpsUploadList *uploads = wbps_application_get_uploads (app);

  if (uploads == NULL)
    return;
  wbps_composer_page_setup (self->composer_page, uploads, wbps_application_get_accounts (app),
                            wbps_application_get_avatars (app));
  wbps_uploads_page_set_list (self->uploads_page, uploads);
  wbps_history_page_setup (self->history_page, wbps_context_get_history (wbps_application_get_context (app)),
                           uploads, wbps_application_get_accounts (app));
}

static gboolean
wbps_window_close_request (GtkWindow *window)
{
  WbpsUploadList *uploads = wbps_application_get_uploads (wbps_application_get_default ());

  /* Uploads running: ask first; the list closes the window once they stopped. */
  if (uploads != NULL && wbps_upload_list_confirm_close (uploads, window))
    return TRUE;
  return GTK_WINDOW_CLASS (wbps_window_parent_class)->close_request (window);
}

static gboolean
has_accounts (WbpsWindow *self)
{
  return self->accounts != NULL &&
         g_list_model_get_n_items (wbps_account_manager_get_accounts (self->accounts)) > 0;
}

/* Shows what fits the accounts, unless a sign-in or its greeting is on screen. */
static void
update_view (WbpsWindow *self)
{
  WbpsApplication *app = wbps_application_get_default ();
  const GError *error = wbps_application_get_load_error (app);

  gtk_spinner_set_spinning (self->loading_spinner, !wbps_application_get_ready (app));
  if (!wbps_application_get_ready (app))
    {
      wbps_stack_show_only (self->stack, "loading");
      return;
    }
  if (wbps_welcome_page_get_busy (self->welcome_page) &&
      g_str_equal (gtk_stack_get_visible_child_name (self->stack), "welcome"))
    return;
  if (error != NULL)
    wbps_welcome_page_show_error (self->welcome_page, error, FALSE);
  else if (!has_accounts (self))
    wbps_welcome_page_reset (self->welcome_page, FALSE);
  wbps_stack_show_only (self->stack, error == NULL && has_accounts (self) ? "main" : "welcome");
}

static void
accounts_changed_cb (WbpsWindow *self,
                     guint       position,
                     guint       removed,
                     guint       added)
{
  update_view (self);
}

static void
bind_accounts (WbpsWindow *self)
{
  WbpsAccountManager *accounts = wbps_application_get_accounts (wbps_application_get_default ());

  if (accounts != self->accounts)
    {
      if (self->accounts != NULL)
        g_signal_handlers_disconnect_by_data (wbps_account_manager_get_accounts (self->accounts), self);
      g_set_object (&self->accounts, accounts);
      if (accounts != NULL)
        g_signal_connect_object (wbps_account_manager_get_accounts (accounts), "items-changed",
                                 G_CALLBACK (accounts_changed_cb), self, G_CONNECT_SWAPPED);
      wbps_account_button_set_accounts (self->account_button, accounts);
    }
  bind_uploads (self);
  update_view (self);
}

/* Already gone from the account menu (its model lost the account); the toast says why. */
static void
account_removed_cb (WbpsWindow  *self,
                    WbpsAccount *account,
                    const char  *reason)
{
  g_autofree char *text = g_strdup_printf (_("TikTok removed wbps's access to %s: %s"),
                                           wbps_account_get_name (account), reason);
  AdwToast *toast = adw_toast_new (text);

  /* Stays until dismissed: an account vanishing from the menu must not go unexplained. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
ready_changed_cb (WbpsWindow *self)
{
  bind_accounts (self);
}

static void
welcome_finished_cb (WbpsWindow *self)
{
  update_view (self);
}

/* ---- win.* actions --------------------------------------------------- */

static void
start_sign_in (WbpsWindow *self)
{
  wbps_stack_show_only (self->stack, "welcome");
  wbps_welcome_page_sign_in (self->welcome_page, has_accounts (self));
}

static void
add_account_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  start_sign_in (WBPS_WINDOW (widget));
}

static void
switch_account_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  WbpsWindow *self = WBPS_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->accounts != NULL &&
      !wbps_account_manager_set_current (self->accounts, g_variant_get_string (parameter, NULL), &error))
    wbps_window_add_toast (self, error->message);
}

/* TikTok turned the sign-in down: the account is made current and signed in afresh. */
static void
sign_in_again_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  WbpsWindow *self = WBPS_WINDOW (widget);

  switch_account_activated (widget, action_name, parameter);
  start_sign_in (self);
}

typedef struct {
  WbpsWindow *window;
  char       *name;
  char       *open_id;
} SignOut;

static void
sign_out_free (SignOut *sign_out)
{
  g_object_unref (sign_out->window);
  g_free (sign_out->name);
  g_free (sign_out->open_id);
  g_free (sign_out);
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SignOut *sign_out = user_data;
  g_autoptr(GError) revoke_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean revoked = FALSE;

  if (wbps_account_manager_sign_out_finish (WBPS_ACCOUNT_MANAGER (object), result, &revoked,
                                            &revoke_error, &error))
    wbps_application_forget_uploads (wbps_application_get_default (), sign_out->open_id);
  if (error != NULL)
    {
      g_autofree char *reason = wbps_error_describe (error);

      text = g_strdup_printf (_("Could not sign out of %s: %s"), sign_out->name, reason);
    }
  else if (revoked)
    text = g_strdup_printf (_("Signed out of %s"), sign_out->name);
  else
    text = g_strdup_printf (_("Signed out of %s on this computer only: TikTok could not be reached to revoke its access"),
                            sign_out->name);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    wbps_window_add_toast (sign_out->window, text);
  sign_out_free (sign_out);
}

static void
sign_out_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  SignOut *sign_out = user_data;
  WbpsWindow *self = sign_out->window;
  const char *open_id = g_object_get_data (G_OBJECT (dialog), "open-id");

  if (!g_str_equal (response, "sign-out") || self->accounts == NULL)
    {
      sign_out_free (sign_out);
      return;
    }
  wbps_account_manager_sign_out_async (self->accounts, open_id, self->cancellable, signed_out_cb, sign_out);
}

static void
sign_out_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  WbpsWindow *self = WBPS_WINDOW (widget);
  WbpsAccount *account = self->accounts != NULL ? wbps_account_manager_get_current_account (self->accounts) : NULL;
  SignOut *sign_out;
  GtkWidget *dialog;

  if (account == NULL)
    return;
  sign_out = g_new0 (SignOut, 1);
  sign_out->window = g_object_ref (self);
  sign_out->name = g_strdup (wbps_account_get_name (account));
  sign_out->open_id = g_strdup (wbps_account_get_open_id (account));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL,
                                   _("wbps will revoke its access at TikTok."));
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Sign out of %s?"), sign_out->name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("Cancel"),
                                    "sign-out", _("Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "open-id", g_strdup (wbps_account_get_open_id (account)), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (sign_out_response_cb), sign_out);
  wbps_message_dialog_fix_accessibility (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject --------------------------------------------------------- */

static void
wbps_window_constructed (GObject *object)
{
  WbpsWindow *self = WBPS_WINDOW (object);
  WbpsApplication *app = wbps_application_get_default ();

  G_OBJECT_CLASS (wbps_window_parent_class)->constructed (object);
  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
  g_signal_connect_object (app, "notify::ready", G_CALLBACK (ready_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "account-removed", G_CALLBACK (account_removed_cb), self, G_CONNECT_SWAPPED);
  bind_accounts (self);
}

static void
wbps_window_dispose (GObject *object)
{
  WbpsWindow *self = WBPS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (wbps_account_manager_get_accounts (self->accounts), self);
  g_clear_object (&self->accounts);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_WINDOW);
  G_OBJECT_CLASS (wbps_window_parent_class)->dispose (object);
}

static void
wbps_window_finalize (GObject *object)
{
  WbpsWindow *self = WBPS_WINDOW (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (wbps_window_parent_class)->finalize (object);
}

static void
wbps_window_class_init (WbpsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = wbps_window_constructed;
  object_class->dispose = wbps_window_dispose;
  object_class->finalize = wbps_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = wbps_window_close_request;

  g_type_ensure (WBPS_TYPE_WELCOME_PAGE);
  g_type_ensure (WBPS_TYPE_ACCOUNT_BUTTON);
  g_type_ensure (WBPS_TYPE_COMPOSER_PAGE);
  g_type_ensure (WBPS_TYPE_UPLOADS_PAGE);
  g_type_ensure (WBPS_TYPE_HISTORY_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/wbps-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, composer_page);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, uploads_page);
  gtk_widget_class_bind_template_child (widget_class, WbpsWindow, history_page);
  gtk_widget_class_bind_template_callback (widget_class, welcome_finished_cb);
  gtk_widget_class_bind_template_callback (widget_class, posted_cb);
  gtk_widget_class_bind_template_callback (widget_class, video_opened_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_failed_cb);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_activated);
  gtk_widget_class_install_action (widget_class, "win.switch-account", "s", switch_account_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-in-again", "s", sign_in_again_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_activated);
}

static void
wbps_window_init (WbpsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  _wbps_window_setup_dnd (self);
}
