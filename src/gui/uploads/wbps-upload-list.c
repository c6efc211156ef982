/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "wbps-upload-list.h"

#include "wbps-gui-util.h"

struct _WbpsUploadList
{
  GObject         parent_instance;

  WbpsConfig     *config;
  WbpsApiClient  *api;
  WbpsDatabase   *database;
  WbpsPreflight  *preflight;
  WbpsCoverStore *covers;
  WbpsAccountManager *accounts;
  GListStore     *store;
  GtkApplication *application;   /* weak */
  WbpsRelayWatch *relay_watch;   /* or NULL */
  GCancellable   *cancellable;

  GHashTable     *nicknames;     /* open_id -> nickname */
  GHashTable     *usernames;     /* open_id -> username */
  guint           n_running;
  guint           inhibit_cookie;
};

G_DEFINE_FINAL_TYPE (WbpsUploadList, wbps_upload_list, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_inhibit (WbpsUploadList *self)
{
  if (self->application == NULL)
    return;
  if (self->n_running > 0 && self->inhibit_cookie == 0)
    self->inhibit_cookie = gtk_application_inhibit (self->application,
                                                    gtk_application_get_active_window (self->application),
                                                    GTK_APPLICATION_INHIBIT_LOGOUT | GTK_APPLICATION_INHIBIT_SUSPEND,
                                                    _("Uploading a video to TikTok"));
  else if (self->n_running == 0 && self->inhibit_cookie != 0)
    {
      gtk_application_uninhibit (self->application, self->inhibit_cookie);
      self->inhibit_cookie = 0;
    }
}

static void
count_running (WbpsUploadList *self)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr(WbpsUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      n += wbps_upload_get_running (upload) ? 1 : 0;
    }
  if (n == self->n_running)
    return;
  self->n_running = n;
  update_inhibit (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
}

static gboolean
window_has_focus (WbpsUploadList *self)
{
  GtkWindow *window = gtk_application_get_active_window (self->application);

  return window != NULL && gtk_window_is_active (window);
}

/* Published or failed while the creator looks elsewhere: tell them. */
static void
upload_finished_cb (WbpsUpload     *upload,
                    WbpsUploadList *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  gboolean published = FALSE, failed = FALSE;

  g_object_get (upload, "published", &published, "failed", &failed, NULL);
  if (self->application == NULL || (!published && !failed) || window_has_focus (self))
    return;
  notification = g_notification_new (published ? _("Posted to TikTok") : _("Post failed"));
  g_notification_set_body (notification, wbps_upload_get_title (upload));
  g_notification_set_priority (notification, failed ? G_NOTIFICATION_PRIORITY_HIGH : G_NOTIFICATION_PRIORITY_NORMAL);
  id = g_strdup_printf ("upload-%p", (void *) upload);
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
add_upload (WbpsUploadList *self,
            WbpsUpload     *upload)
{
  g_signal_connect_object (upload, "notify::running", G_CALLBACK (count_running), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (upload, "finished", G_CALLBACK (upload_finished_cb), self, 0);
  g_list_store_insert (self->store, 0, upload);
}

/* Beside the history database: the covers are part of the history. */
static WbpsCoverStore *
new_cover_store (WbpsDatabase *database)
{
  g_autofree char *directory = g_path_get_dirname (wbps_database_get_path (database));
  g_autofree char *covers = g_build_filename (directory, "covers", NULL);

  return wbps_cover_store_new (covers);
}

WbpsUploadList *
wbps_upload_list_new (WbpsConfig    *config,
                      WbpsApiClient *api,
                      WbpsDatabase  *database,
                      WbpsPreflight *preflight)
{
  WbpsUploadList *self;

  g_return_val_if_fail (WBPS_IS_CONFIG (config), NULL);
  g_return_val_if_fail (WBPS_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (WBPS_IS_DATABASE (database), NULL);

  self = g_object_new (WBPS_TYPE_UPLOAD_LIST, NULL);
  self->config = g_object_ref (config);
  self->api = g_object_ref (api);
  self->database = g_object_ref (database);
  self->preflight = preflight != NULL ? g_object_ref (preflight) : NULL;
  self->covers = new_cover_store (database);
  return self;
}

void
wbps_upload_list_set_application (WbpsUploadList *self,
                                  GtkApplication *application)
{
  g_return_if_fail (WBPS_IS_UPLOAD_LIST (self));
  if (self->application != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->application), (gpointer *) &self->application);
  self->application = application;
  if (application != NULL)
    g_object_add_weak_pointer (G_OBJECT (application), (gpointer *) &self->application);
  update_inhibit (self);
}

GListModel *
wbps_upload_list_get_model (WbpsUploadList *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  return G_LIST_MODEL (self->store);
}

WbpsApiClient *
wbps_upload_list_get_api (WbpsUploadList *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  return self->api;
}

WbpsDatabase *
wbps_upload_list_get_database (WbpsUploadList *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  return self->database;
}

WbpsCoverStore *
wbps_upload_list_get_covers (WbpsUploadList *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  return self->covers;
}

WbpsConfig *
wbps_upload_list_get_config (WbpsUploadList *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  return self->config;
}

guint
wbps_upload_list_get_n_running (WbpsUploadList *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), 0);
  return self->n_running;
}

void
wbps_upload_list_set_relay_watch (WbpsUploadList *self,
                                  WbpsRelayWatch *watch)
{
  g_return_if_fail (WBPS_IS_UPLOAD_LIST (self));
  g_set_object (&self->relay_watch, watch);
}

WbpsRelayClient *
wbps_upload_list_lookup_relay (WbpsUploadList *self,
                               const char     *open_id)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  return self->relay_watch != NULL ? wbps_relay_watch_lookup (self->relay_watch, open_id) : NULL;
}

WbpsPublishJob *
wbps_upload_list_create_job (WbpsUploadList *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  return wbps_publish_job_new (self->config, self->api, self->database, self->preflight);
}

static void
cover_kept_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!wbps_cover_store_save_finish (WBPS_COVER_STORE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the post's cover for the history: %s", error->message);
}

/* Once TikTok named the post, its cover is kept under that name for the history. */
static void
publish_id_cb (WbpsPost       *post,
               GParamSpec     *pspec,
               WbpsUploadList *self)
{
  const char *publish_id = wbps_post_get_publish_id (post);
  GdkTexture *cover = g_object_get_data (G_OBJECT (post), "wbps-cover");

  g_assert (WBPS_IS_UPLOAD_LIST (self));

  if (publish_id == NULL || cover == NULL)
    return;
  wbps_cover_store_save_async (self->covers, publish_id, cover, self->cancellable, cover_kept_cb, NULL);
  g_object_set_data (G_OBJECT (post), "wbps-cover", NULL);
}

WbpsUpload *
wbps_upload_list_post (WbpsUploadList  *self,
                       WbpsPublishJob  *job,
                       WbpsPostOptions *options,
                       const char     *title,
                       const char     *account_name,
                       GdkPaintable   *cover)
{
  g_autoptr(WbpsUpload) upload = NULL;

  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  upload = wbps_upload_new (self, job, options, title, account_name, cover);
  if (GDK_IS_TEXTURE (cover))
    {
      WbpsPost *post = wbps_publish_job_get_post (job);

      g_object_set_data_full (G_OBJECT (post), "wbps-cover", g_object_ref (cover), g_object_unref);
      g_signal_connect_object (post, "notify::publish-id", G_CALLBACK (publish_id_cb), self, 0);
    }
  add_upload (self, upload);
  wbps_upload_start (upload);
  return upload;
}

void
wbps_upload_list_remember_account (WbpsUploadList *self,
                                   const char     *open_id,
                                   const char     *nickname,
                                   const char     *username)
{
  g_return_if_fail (WBPS_IS_UPLOAD_LIST (self));
  g_return_if_fail (open_id != NULL);
  if (nickname != NULL)
    g_hash_table_replace (self->nicknames, g_strdup (open_id), g_strdup (nickname));
  if (username != NULL)
    g_hash_table_replace (self->usernames, g_strdup (open_id), g_strdup (username));
}

void
wbps_upload_list_set_accounts (WbpsUploadList     *self,
                               WbpsAccountManager *accounts)
{
  g_return_if_fail (WBPS_IS_UPLOAD_LIST (self));
  g_set_object (&self->accounts, accounts);
}

static WbpsAccount *
lookup_account (WbpsUploadList *self,
                const char     *open_id)
{
  return self->accounts != NULL && open_id != NULL ? wbps_account_manager_lookup (self->accounts, open_id) : NULL;
}

const char *
wbps_upload_list_lookup_nickname (WbpsUploadList *self,
                                  const char     *open_id)
{
  const char *nickname;
  WbpsAccount *account;

  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  nickname = open_id != NULL ? g_hash_table_lookup (self->nicknames, open_id) : NULL;
  account = nickname == NULL ? lookup_account (self, open_id) : NULL;
  return account != NULL ? wbps_account_get_display_name (account) : nickname;
}

const char *
wbps_upload_list_lookup_username (WbpsUploadList *self,
                                  const char     *open_id)
{
  const char *username;
  WbpsAccount *account;

  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), NULL);
  username = open_id != NULL ? g_hash_table_lookup (self->usernames, open_id) : NULL;
  account = username == NULL ? lookup_account (self, open_id) : NULL;
  return account != NULL ? wbps_account_get_username (account) : username;
}

void
wbps_upload_list_cancel_all (WbpsUploadList *self)
{
  g_return_if_fail (WBPS_IS_UPLOAD_LIST (self));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr(WbpsUpload) upload = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      wbps_upload_cancel (upload);
    }
}

/* ---- quitting while uploads run ---- */

static void
close_when_stopped_cb (WbpsUploadList *self,
                       GParamSpec     *pspec,
                       GtkWindow      *window)
{
  if (self->n_running > 0)
    return;
  g_signal_handlers_disconnect_by_func (self, close_when_stopped_cb, window);
  gtk_window_destroy (window);
}

static void
quit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  WbpsUploadList   *self)
{
  GtkWindow *window = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (g_strcmp0 (response, "stop") != 0 || window == NULL)
    return;
  /* Each job writes its checkpoint as it stops; close once all have. */
  g_signal_connect_object (self, "notify::n-running", G_CALLBACK (close_when_stopped_cb), window, 0);
  wbps_upload_list_cancel_all (self);
  close_when_stopped_cb (self, NULL, window);
}

gboolean
wbps_upload_list_confirm_close (WbpsUploadList *self,
                                GtkWindow      *window)
{
  GtkWidget *dialog;

  g_return_val_if_fail (WBPS_IS_UPLOAD_LIST (self), FALSE);
  if (self->n_running == 0)
    return FALSE;
  dialog = adw_message_dialog_new (window, _("Stop Uploading?"),
                                   _("A video is still being sent to TikTok. If you quit now, the upload "
                                     "stops; open wbps again within the hour and choose Resume on the "
                                     "Uploads page to continue where it stopped."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Uploading"),
                                    "stop", _("_Stop and Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_response_cb), self, 0);
  wbps_message_dialog_fix_accessibility (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* An upload TikTok can still take: stopped mid-way, with an upload URL inside its hour. */
static gboolean
is_resumable (const WbpsPostRecord *record)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (record->publish_id == NULL || record->upload_url == NULL)
    return FALSE;
  if (g_strcmp0 (record->state, "UPLOAD") != 0 && g_strcmp0 (record->state, "INTERRUPTED") != 0)
    return FALSE;
  return record->upload_expires_at == 0 || record->upload_expires_at > now;
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(WbpsUploadList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = wbps_database_list_finish (WBPS_DATABASE (source), result, &error);

  g_assert (WBPS_IS_UPLOAD_LIST (self));
  if (records == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not look for unfinished uploads: %s", error->message);
      return;
    }
  /* Newest first in the database; inserting each at the top reverses, so walk backwards. */
  for (guint i = records->len; i > 0; i--)
    {
      const WbpsPostRecord *record = g_ptr_array_index (records, i - 1);
      g_autoptr(WbpsUpload) upload = NULL;

      if (!is_resumable (record))
        continue;
      upload = wbps_upload_new_for_checkpoint (self, record, wbps_upload_list_lookup_nickname (self, record->open_id));
      add_upload (self, upload);
    }
}

void
wbps_upload_list_find_unfinished (WbpsUploadList *self)
{
  g_return_if_fail (WBPS_IS_UPLOAD_LIST (self));
  wbps_database_list_async (self->database, self->cancellable, list_cb, g_object_ref (self));
}

static void
wbps_upload_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WbpsUploadList *self = WBPS_UPLOAD_LIST (object);

  switch (prop_id)
    {
    case PROP_N_RUNNING:
      g_value_set_uint (value, self->n_running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_upload_list_dispose (GObject *object)
{
  WbpsUploadList *self = WBPS_UPLOAD_LIST (object);

  g_cancellable_cancel (self->cancellable);
  wbps_upload_list_set_application (self, NULL);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_object (&self->api);
  g_clear_object (&self->database);
  g_clear_object (&self->preflight);
  g_clear_object (&self->relay_watch);
  g_clear_object (&self->covers);
  g_clear_object (&self->accounts);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->nicknames, g_hash_table_unref);
  g_clear_pointer (&self->usernames, g_hash_table_unref);
  G_OBJECT_CLASS (wbps_upload_list_parent_class)->dispose (object);
}

static void
wbps_upload_list_class_init (WbpsUploadListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wbps_upload_list_get_property;
  object_class->dispose = wbps_upload_list_dispose;

  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_upload_list_init (WbpsUploadList *self)
{
  self->store = g_list_store_new (WBPS_TYPE_UPLOAD);
  self->cancellable = g_cancellable_new ();
  self->nicknames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->usernames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
