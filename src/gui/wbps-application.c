/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "wbps-application.h"
#include "wbps-gui-util.h"
#include "wbps-config.h"
#include "wbps-media-preflight.h"
#include "wbps-preferences-window.h"
#include "wbps-relay-watch.h"
#include "wbps-window.h"

struct _WbpsApplication
{
  AdwApplication      parent_instance;

  /* Command-line configuration (options > environment > GSettings > build). */
  char               *auth_url;
  char               *api_url;
  char               *client_key;
  char               *relay_url;
  gboolean            demo;

  WbpsContext        *context;
  WbpsUploadList     *uploads;       /* outlives windows and the composer */
  WbpsAvatarCache    *avatars;
  WbpsRelayWatch     *relay_watch;   /* the accounts' relay streams, when a relay is configured */
  GSettings          *settings;
  GCancellable       *cancellable;   /* the current load; replaced on a reload */
  GError             *load_error;
  guint               sigterm_id;
  guint               sigint_id;
  gboolean            ready;
};

enum {
  PROP_0,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ACCOUNT_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WbpsApplication, wbps_application, ADW_TYPE_APPLICATION)

static const char * const config_keys[] = { "auth-url", "api-url", "client-key", "sandbox", "relay-url", NULL };

WbpsApplication *
wbps_application_new (void)
{
  return g_object_new (WBPS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/ai/fvz/Wbps",
                       NULL);
}

WbpsApplication *
wbps_application_get_default (void)
{
  return WBPS_APPLICATION (g_application_get_default ());
}

gboolean
wbps_application_get_ready (WbpsApplication *self)
{
  g_return_val_if_fail (WBPS_IS_APPLICATION (self), FALSE);
  return self->ready;
}

const GError *
wbps_application_get_load_error (WbpsApplication *self)
{
  g_return_val_if_fail (WBPS_IS_APPLICATION (self), NULL);
  return self->load_error;
}

WbpsContext *
wbps_application_get_context (WbpsApplication *self)
{
  g_return_val_if_fail (WBPS_IS_APPLICATION (self), NULL);
  return self->ready && self->load_error == NULL ? self->context : NULL;
}

static void
uploads_forgotten_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wbps_context_forget_uploads_finish (WBPS_CONTEXT (source), result, &error))
    g_message ("Could not remove a signed-out account's upload addresses: %s", error->message);
}

void
wbps_application_forget_uploads (WbpsApplication *self,
                                 const char      *open_id)
{
  WbpsContext *context;

  g_return_if_fail (WBPS_IS_APPLICATION (self));

  context = wbps_application_get_context (self);
  if (context != NULL && open_id != NULL)
    wbps_context_forget_uploads_async (context, open_id, NULL, uploads_forgotten_cb, NULL);
}

WbpsAccountManager *
wbps_application_get_accounts (WbpsApplication *self)
{
  WbpsContext *context = wbps_application_get_context (self);

  return context != NULL ? wbps_context_get_account_manager (context) : NULL;
}

WbpsUploadList *
wbps_application_get_uploads (WbpsApplication *self)
{
  g_return_val_if_fail (WBPS_IS_APPLICATION (self), NULL);
  return self->ready && self->load_error == NULL ? self->uploads : NULL;
}

WbpsAvatarCache *
wbps_application_get_avatars (WbpsApplication *self)
{
  g_return_val_if_fail (WBPS_IS_APPLICATION (self), NULL);
  return self->avatars;
}

gboolean
wbps_application_has_client_key (WbpsApplication *self)
{
  const char *key;

  g_return_val_if_fail (WBPS_IS_APPLICATION (self), FALSE);
  /* The context is kept when loading failed: its configuration is what was resolved. */
  key = self->context != NULL ? wbps_config_get_client_key (wbps_context_get_config (self->context)) : NULL;
  return key != NULL && *key != '\0';
}

gboolean
wbps_application_get_demo (WbpsApplication *self)
{
  g_return_val_if_fail (WBPS_IS_APPLICATION (self), FALSE);
  return self->demo;
}

/* ---- loading the accounts ------------------------------------------- */

static void
set_ready (WbpsApplication *self,
           GError          *error)
{
  g_clear_error (&self->load_error);
  self->load_error = error;
  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

/* The keyring refused a renewed sign-in: the user learns it now, not at the next start. */
static void
sign_in_unsaved_cb (WbpsApplication *self,
                    WbpsAccount     *account,
                    const char      *text)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (WBPS_IS_WINDOW (window))
    wbps_window_add_toast (WBPS_WINDOW (window), text);
  else
    g_message ("%s", text);
}

static void
history_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wbps_history_load_finish (WBPS_HISTORY (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the history: %s", error->message);
      return;
    }
  /* Posts made with `wbps post` while the window is open appear as they go. */
  if (!wbps_history_watch (WBPS_HISTORY (object), &error))
    g_warning ("Cannot follow the history's changes: %s", error->message);
}

/* The uploads need the history database: the app is ready once it is open. */
static void
database_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(WbpsApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsMediaPreflight) preflight = NULL;
  WbpsContext *context = WBPS_CONTEXT (object);

  if (!wbps_context_open_database_finish (context, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      g_warning ("Could not open the history: %s", error->message);
      set_ready (self, g_steal_pointer (&error));
      return;
    }
  wbps_media_init ();
  preflight = wbps_media_preflight_new ();
  g_clear_object (&self->uploads);
  self->uploads = wbps_upload_list_new (wbps_context_get_config (context), wbps_context_get_api_client (context),
                                        wbps_context_get_database (context), WBPS_PREFLIGHT (preflight));
  wbps_upload_list_set_application (self->uploads, GTK_APPLICATION (self));
  wbps_upload_list_set_relay_watch (self->uploads, self->relay_watch);
  wbps_upload_list_set_accounts (self->uploads, wbps_context_get_account_manager (context));
  wbps_upload_list_find_unfinished (self->uploads);
  /* The History page binds to this model; later rows arrive as jobs record them. */
  wbps_history_load_async (wbps_context_get_history (context), self->cancellable, history_loaded_cb, NULL);
  set_ready (self, NULL);
}

static void
relay_account_removed_cb (WbpsApplication *self,
                          WbpsAccount     *account,
                          const char      *reason)
{
  wbps_application_forget_uploads (self, wbps_account_get_open_id (account));
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_REMOVED], 0, account, reason);
}

/* TikTok's events for every signed-in account, while a relay is configured. */
static void
watch_relay (WbpsApplication *self)
{
  WbpsAccountManager *accounts = wbps_context_get_account_manager (self->context);

  g_clear_object (&self->relay_watch);
  self->relay_watch = wbps_relay_watch_new (accounts);
  g_signal_connect_object (self->relay_watch, "account-removed", G_CALLBACK (relay_account_removed_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
accounts_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(WbpsApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!wbps_context_load_accounts_finish (WBPS_CONTEXT (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      /* The window says why (set_ready); the log only keeps it for debugging. */
      g_debug ("Could not read the signed-in accounts: %s", error->message);
      set_ready (self, g_steal_pointer (&error));
      return;
    }
  g_signal_connect_object (wbps_context_get_account_manager (WBPS_CONTEXT (object)), "sign-in-unsaved",
                           G_CALLBACK (sign_in_unsaved_cb), self, G_CONNECT_SWAPPED);
  /* Renews the sign-ins due now: a rejected one asks to sign in again at once, not at the next post. */
  wbps_account_manager_renew_due (wbps_context_get_account_manager (self->context), self->cancellable);
  watch_relay (self);
  wbps_context_open_database_async (WBPS_CONTEXT (object), self->cancellable, database_opened_cb, g_object_ref (self));
}

static void
load_accounts (WbpsApplication *self,
               WbpsContext     *context)
{
  g_set_object (&self->context, context);
  wbps_context_load_accounts_async (context, self->cancellable, accounts_loaded_cb, g_object_ref (self));
}

static void
demo_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(WbpsApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsContext) context = wbps_context_new_demo_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (context == NULL)
    {
      set_ready (self, g_steal_pointer (&error));
      return;
    }
  load_accounts (self, context);
}

/* (Re)reads the configuration and the accounts; windows follow "ready". */
static void
reload (WbpsApplication *self)
{
  g_autoptr(WbpsConfig) config = NULL;
  g_autoptr(WbpsContext) context = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->relay_watch);
  self->cancellable = g_cancellable_new ();
  if (self->ready)
    {
      self->ready = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
  if (self->demo)
    {
      wbps_context_new_demo_async (self->cancellable, demo_started_cb, g_object_ref (self));
      return;
    }
  config = wbps_config_new (self->auth_url, self->api_url, self->client_key);
  if (self->relay_url != NULL)
    wbps_config_set_relay_url (config, self->relay_url);
  context = wbps_context_new (config);
  load_accounts (self, context);
}

/* A changed endpoint, client key or sandbox setting applies from the next sign-in or post on. */
static void
settings_changed_cb (GSettings       *settings,
                     const char      *key,
                     WbpsApplication *self)
{
  if (self->demo || !g_strv_contains (config_keys, key))
    return;
  reload (self);
}

/* ---- app.* actions --------------------------------------------------- */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  WbpsApplication *self = WBPS_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* Uploads running: the window asks first, and closes (ending the app) once they stopped. */
  if (window != NULL && self->uploads != NULL && wbps_upload_list_confirm_close (self->uploads, window))
    return;
  g_application_quit (G_APPLICATION (self));
}

/* A session ending (SIGTERM) or Ctrl+C in a terminal: no dialog to answer, so quit at once;
 * shutdown stops the uploads with their checkpoints kept and Resume is offered next time. */
static gboolean
on_terminate_signal (gpointer user_data)
{
  WbpsApplication *self = WBPS_APPLICATION (user_data);

  g_debug ("Terminating on a signal; running uploads keep their checkpoints");
  g_application_quit (G_APPLICATION (self));
  return G_SOURCE_CONTINUE;
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  WbpsPreferencesWindow *prefs = wbps_preferences_window_new (gtk_application_get_active_window (app),
                                                               WBPS_APPLICATION (app)->demo);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The wbps authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("wbps"),
                         "application-icon", APP_ID,
                         "developer-name", _("The wbps authors"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Post videos to TikTok from your desktop."),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

/* The user guide (help/), in the help viewer; inside Flatpak through the OpenURI portal. */
static void
help_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);

  gtk_show_uri (gtk_application_get_active_window (app), "help:wbps", GDK_CURRENT_TIME);
}

/* Try the Demo (the welcome page without a client key, or `wbps-gtk --demo` while wbps
 * runs): the running app switches to the built-in emulator until it quits. */
static void
demo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  WbpsApplication *self = WBPS_APPLICATION (user_data);

  if (self->demo)
    return;
  self->demo = TRUE;
  reload (self);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "demo", demo_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "help", help_activated },
};

/* ---- GApplication ---------------------------------------------------- */

static gint
wbps_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  WbpsApplication *self = WBPS_APPLICATION (app);

  g_variant_dict_lookup (options, "demo", "b", &self->demo);
  g_variant_dict_lookup (options, "auth-url", "s", &self->auth_url);
  g_variant_dict_lookup (options, "api-url", "s", &self->api_url);
  g_variant_dict_lookup (options, "client-key", "s", &self->client_key);
  g_variant_dict_lookup (options, "relay-url", "s", &self->relay_url);
  /* The desktop file's Try the Demo while wbps runs: the running wbps switches to the demo. */
  if (self->demo && g_application_register (app, NULL, NULL) && g_application_get_is_remote (app))
    g_action_group_activate_action (G_ACTION_GROUP (app), "demo", NULL);
  return G_APPLICATION_CLASS (wbps_application_parent_class)->handle_local_options (app, options);
}

static void
wbps_application_startup (GApplication *app)
{
  WbpsApplication *self = WBPS_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *help_accels[] = { "F1", NULL };

  G_APPLICATION_CLASS (wbps_application_parent_class)->startup (app);

  if (gdk_display_get_default () != NULL)
    wbps_prefer_cairo_on_software_gl (gdk_display_get_default ());
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help", help_accels);

  self->sigterm_id = g_unix_signal_add (SIGTERM, on_terminate_signal, self);
  self->sigint_id = g_unix_signal_add (SIGINT, on_terminate_signal, self);
  self->avatars = wbps_avatar_cache_new ();
  if ((self->settings = wbps_config_get_settings ()) != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  reload (self);
}

static void
wbps_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (wbps_window_new (WBPS_APPLICATION (app)));
  gtk_window_present (window);
}

/* Files arrive at the composer (issue 10); until then the window comes forward. */
static void
wbps_application_open (GApplication  *app,
                       GFile        **files,
                       gint           n_files,
                       const gchar   *hint)
{
  g_application_activate (app);
  wbps_window_open_files (WBPS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))),
                          files, n_files);
}

static void
wbps_application_shutdown (GApplication *app)
{
  WbpsApplication *self = WBPS_APPLICATION (app);

  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->relay_watch);
  /* Each upload keeps its checkpoint: Resume is offered at the next start. */
  if (self->uploads != NULL)
    wbps_upload_list_cancel_all (self->uploads);
  g_clear_object (&self->uploads);
  /* The demo emulator stops with its context. */
  g_clear_object (&self->context);
  G_APPLICATION_CLASS (wbps_application_parent_class)->shutdown (app);
}

static void
wbps_application_finalize (GObject *object)
{
  WbpsApplication *self = WBPS_APPLICATION (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->avatars);
  g_clear_object (&self->relay_watch);
  g_clear_object (&self->settings);
  g_clear_error (&self->load_error);
  g_free (self->auth_url);
  g_free (self->api_url);
  g_free (self->client_key);
  g_free (self->relay_url);
  G_OBJECT_CLASS (wbps_application_parent_class)->finalize (object);
}

static void
wbps_application_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WbpsApplication *self = WBPS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_application_class_init (WbpsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = wbps_application_finalize;
  object_class->get_property = wbps_application_get_property;
  app_class->handle_local_options = wbps_application_handle_local_options;
  app_class->startup = wbps_application_startup;
  app_class->activate = wbps_application_activate;
  app_class->open = wbps_application_open;
  app_class->shutdown = wbps_application_shutdown;

  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* TikTok removed wbps's access to an account (it already left the accounts model): (WbpsAccount *, reason in words). */
  signals[SIGNAL_ACCOUNT_REMOVED] = g_signal_new ("account-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                  WBPS_TYPE_ACCOUNT, G_TYPE_STRING);
}

static void
wbps_application_init (WbpsApplication *self)
{
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Use the built-in TikTok emulator with its demo credentials"), NULL },
    { "auth-url", 0, 0, G_OPTION_ARG_STRING, NULL, N_("TikTok authorize page URL"), N_("URL") },
    { "api-url", 0, 0, G_OPTION_ARG_STRING, NULL, N_("TikTok API base URL"), N_("URL") },
    { "client-key", 0, 0, G_OPTION_ARG_STRING, NULL, N_("TikTok client key"), N_("KEY") },
    { "relay-url", 0, 0, G_OPTION_ARG_STRING, NULL, N_("wbps relay URL (TikTok's events, sign-in without a client secret)"), N_("URL") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…]"));
}
