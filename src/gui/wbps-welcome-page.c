/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-application.h"
#include "wbps-error.h"
#include "wbps-gui-util.h"
#include "wbps-sign-in.h"
#include "wbps-welcome-page.h"
#include "wbps-window.h"

struct _WbpsWelcomePage
{
  AdwBin        parent_instance;

  /* template widgets */
  GtkStack     *stack;
  GtkWidget    *start_back_button;
  AdwStatusPage *waiting_status;
  GtkSpinner   *spinner;
  AdwStatusPage *error_status;
  GtkWidget    *preferences_button;
  GtkWidget    *error_back_button;
  GtkWidget    *no_key_back_button;
  AdwAvatar    *greeting_avatar;
  GtkLabel     *greeting_name;

  WbpsSignIn   *sign_in;
  GCancellable *cancellable;
  gboolean      can_go_back;
};

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WbpsWelcomePage, wbps_welcome_page, ADW_TYPE_BIN)

static void
show_state (WbpsWelcomePage *self,
            const char      *state)
{
  gboolean waiting = g_str_equal (state, "waiting");

  gtk_spinner_set_spinning (self->spinner, waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.sign-in", !waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.cancel", waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.copy-link", waiting && self->sign_in != NULL &&
                                 wbps_sign_in_get_authorize_url (self->sign_in) != NULL);
  gtk_widget_set_visible (self->start_back_button, self->can_go_back);
  gtk_widget_set_visible (self->error_back_button, self->can_go_back);
  gtk_widget_set_visible (self->no_key_back_button, self->can_go_back);
  wbps_stack_show_only (self->stack, state);
}

gboolean
wbps_welcome_page_get_busy (WbpsWelcomePage *self)
{
  const char *state;

  g_return_val_if_fail (WBPS_IS_WELCOME_PAGE (self), FALSE);
  state = gtk_stack_get_visible_child_name (self->stack);
  return g_str_equal (state, "waiting") || g_str_equal (state, "greeting");
}

static void
stop (WbpsWelcomePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->sign_in != NULL)
    g_signal_handlers_disconnect_by_data (self->sign_in, self);
  g_clear_object (&self->sign_in);
}

void
wbps_welcome_page_reset (WbpsWelcomePage *self,
                         gboolean         can_go_back)
{
  g_return_if_fail (WBPS_IS_WELCOME_PAGE (self));
  stop (self);
  self->can_go_back = can_go_back;
  show_state (self, "start");
}

void
wbps_welcome_page_show_error (WbpsWelcomePage *self,
                              const GError    *error,
                              gboolean         can_go_back)
{
  g_autofree char *text = wbps_error_describe (error);

  g_return_if_fail (WBPS_IS_WELCOME_PAGE (self));
  stop (self);
  self->can_go_back = can_go_back;
  /* A fresh install: no TikTok app to sign in with yet; say so plainly and offer the demo. */
  if (g_error_matches (error, WBPS_ERROR, WBPS_ERROR_CONFIG) &&
      !wbps_application_has_client_key (wbps_application_get_default ()))
    {
      show_state (self, "no-client-key");
      return;
    }
  adw_status_page_set_description (self->error_status, text);
  /* A missing client key or endpoint is fixed in Preferences, not by retrying. */
  gtk_widget_set_visible (self->preferences_button, g_error_matches (error, WBPS_ERROR, WBPS_ERROR_CONFIG));
  show_state (self, "error");
}

static void
show_greeting (WbpsWelcomePage *self,
               WbpsAccount     *account)
{
  const char *name = wbps_account_get_name (account);

  gtk_label_set_label (self->greeting_name, name);
  adw_avatar_set_text (self->greeting_avatar, name);
  wbps_avatar_cache_apply (wbps_application_get_avatars (wbps_application_get_default ()),
                           GTK_WIDGET (self->greeting_avatar), wbps_account_get_avatar_url (account));
  show_state (self, "greeting");
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(WbpsWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsAccount) account = wbps_sign_in_run_finish (WBPS_SIGN_IN (object), result, &error);

  if (WBPS_SIGN_IN (object) != self->sign_in)
    return;  /* an older run, cancelled meanwhile */
  if (account != NULL)
    {
      stop (self);
      show_greeting (self, account);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    wbps_welcome_page_reset (self, self->can_go_back);
  else
    wbps_welcome_page_show_error (self, error, self->can_go_back);
}

static void
authorize_url_cb (WbpsWelcomePage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.copy-link", TRUE);
}

static void
browser_failed_cb (WbpsWelcomePage *self,
                   const char      *message)
{
  adw_status_page_set_description (self->waiting_status,
                                   _("No browser could be opened. Copy the link and open it in a browser to sign in."));
}

void
wbps_welcome_page_sign_in (WbpsWelcomePage *self,
                           gboolean         can_go_back)
{
  WbpsApplication *app = wbps_application_get_default ();
  WbpsContext *context = wbps_application_get_context (app);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (WBPS_IS_WELCOME_PAGE (self));
  stop (self);
  self->can_go_back = can_go_back;
  if (!wbps_application_has_client_key (app))
    {
      show_state (self, "no-client-key");
      return;
    }
  if (context == NULL)
    {
      error = g_error_new_literal (WBPS_ERROR, WBPS_ERROR_CONFIG, _("wbps is not set up to reach TikTok."));
      wbps_welcome_page_show_error (self, wbps_application_get_load_error (app) ?: error, can_go_back);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->sign_in = wbps_sign_in_new (wbps_context_get_account_manager (context),
                                    wbps_context_get_api_client (context));
  g_signal_connect_object (self->sign_in, "notify::authorize-url", G_CALLBACK (authorize_url_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sign_in, "browser-failed", G_CALLBACK (browser_failed_cb),
                           self, G_CONNECT_SWAPPED);
  adw_status_page_set_description (self->waiting_status,
                                   _("Your browser shows TikTok’s sign-in page. Allow wbps there, then come back to this window."));
  show_state (self, "waiting");
  wbps_sign_in_run_async (self->sign_in, self->cancellable, sign_in_cb, g_object_ref (self));
}

/* ---- welcome.* actions ----------------------------------------------- */

static void
sign_in_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  WbpsWelcomePage *self = WBPS_WELCOME_PAGE (widget);

  wbps_welcome_page_sign_in (self, self->can_go_back);
}

/* Cancelling closes the loopback port at once; with another account there is nothing left to do here. */
static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  WbpsWelcomePage *self = WBPS_WELCOME_PAGE (widget);

  wbps_welcome_page_reset (self, self->can_go_back);
  if (self->can_go_back)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
copy_link_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  WbpsWelcomePage *self = WBPS_WELCOME_PAGE (widget);
  const char *url = self->sign_in != NULL ? wbps_sign_in_get_authorize_url (self->sign_in) : NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (url == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), url);
  if (WBPS_IS_WINDOW (root))
    wbps_window_add_toast (WBPS_WINDOW (root), _("Link copied"));
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  WbpsWelcomePage *self = WBPS_WELCOME_PAGE (widget);

  wbps_welcome_page_reset (self, self->can_go_back);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

/* ---- GObject --------------------------------------------------------- */

static void
wbps_welcome_page_dispose (GObject *object)
{
  WbpsWelcomePage *self = WBPS_WELCOME_PAGE (object);

  stop (self);
  /* AdwBin 1.2 would unparent its child a second time after the template cleared it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_WELCOME_PAGE);
  G_OBJECT_CLASS (wbps_welcome_page_parent_class)->dispose (object);
}

static void
wbps_welcome_page_class_init (WbpsWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_welcome_page_dispose;

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/wbps-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, stack);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, start_back_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, waiting_status);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, error_status);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, preferences_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, error_back_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, no_key_back_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, greeting_avatar);
  gtk_widget_class_bind_template_child (widget_class, WbpsWelcomePage, greeting_name);

  gtk_widget_class_install_action (widget_class, "welcome.sign-in", NULL, sign_in_activated);
  gtk_widget_class_install_action (widget_class, "welcome.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "welcome.copy-link", NULL, copy_link_activated);
  gtk_widget_class_install_action (widget_class, "welcome.back", NULL, back_activated);
}

static void
wbps_welcome_page_init (WbpsWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  show_state (self, "start");
}
