/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>

#include "wbps-avatar-cache.h"

/* An avatar larger than this is not a profile picture. */
#define MAX_AVATAR_BYTES (4 * 1024 * 1024)

struct _WbpsAvatarCache
{
  GObject      parent_instance;

  SoupSession *session;
  GHashTable  *textures;  /* url -> GdkTexture */
  char        *dir;
};

G_DEFINE_FINAL_TYPE (WbpsAvatarCache, wbps_avatar_cache, G_TYPE_OBJECT)

typedef struct {
  char  *url;
  GFile *file;
} Load;

static void
load_free (Load *load)
{
  g_free (load->url);
  g_clear_object (&load->file);
  g_free (load);
}

WbpsAvatarCache *
wbps_avatar_cache_new (void)
{
  return g_object_new (WBPS_TYPE_AVATAR_CACHE, NULL);
}

static void
remember (WbpsAvatarCache *self,
          const char      *url,
          GdkTexture      *texture)
{
  g_hash_table_replace (self->textures, g_strdup (url), g_object_ref (texture));
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  GBytes *bytes = g_object_get_data (G_OBJECT (task), "bytes");
  g_autoptr(GFile) parent = g_file_get_parent (load->file);
  g_autoptr(GError) error = NULL;

  if ((!g_file_make_directory_with_parents (parent, NULL, &error) &&
       !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS)) ||
      (g_clear_error (&error),
       !g_file_replace_contents (load->file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, &error)))
    g_debug ("Could not keep an avatar in the cache: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/* Writing the cache file (a worker thread) never delays the picture. */
static void
save (Load   *load,
      GBytes *bytes)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  Load *copy = g_new0 (Load, 1);

  copy->url = g_strdup (load->url);
  copy->file = g_object_ref (load->file);
  g_task_set_task_data (task, copy, (GDestroyNotify) load_free);
  g_object_set_data_full (G_OBJECT (task), "bytes", g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, save_thread);
}

static void
downloaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsAvatarCache *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_autoptr(GdkTexture) texture = NULL;

  g_assert (WBPS_IS_AVATAR_CACHE (self));

  if (bytes != NULL && !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "HTTP %u", soup_message_get_status (msg));
  else if (bytes != NULL && g_bytes_get_size (bytes) > MAX_AVATAR_BYTES)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "too large");
  if (error == NULL && (texture = gdk_texture_new_from_bytes (bytes, &error)) != NULL)
    {
      save (load, bytes);
      remember (self, load->url, texture);
      g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
download (GTask *task)
{
  WbpsAvatarCache *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", load->url);

  if (msg == NULL)
    {
      g_task_return_new_error (G_TASK (task), G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not a URL");
      g_object_unref (task);
      return;
    }
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_LOW, g_task_get_cancellable (task),
                                    downloaded_cb, task);
}

static void
cache_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  WbpsAvatarCache *self = g_task_get_source_object (task);
  Load *load = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, NULL);
  g_autoptr(GdkTexture) texture = NULL;

  g_assert (WBPS_IS_AVATAR_CACHE (self));

  if (bytes != NULL && (texture = gdk_texture_new_from_bytes (bytes, NULL)) != NULL)
    {
      remember (self, load->url, texture);
      g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
      g_object_unref (task);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  download (task);
}

void
wbps_avatar_cache_load_async (WbpsAvatarCache     *self,
                              const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  GdkTexture *known;
  Load *load;

  g_return_if_fail (WBPS_IS_AVATAR_CACHE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_avatar_cache_load_async);
  if (url == NULL || *url == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no avatar");
      return;
    }
  if ((known = g_hash_table_lookup (self->textures, url)) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (known), g_object_unref);
      return;
    }
  load = g_new0 (Load, 1);
  load->url = g_strdup (url);
  name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  load->file = g_file_new_build_filename (self->dir, name, NULL);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_file_load_bytes_async (load->file, cancellable, cache_read_cb, g_steal_pointer (&task));
}

GdkTexture *
wbps_avatar_cache_load_finish (WbpsAvatarCache  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(GtkWidget) avatar = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = wbps_avatar_cache_load_finish (WBPS_AVATAR_CACHE (object), result, &error);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (avatar == NULL)
    return;
  if (texture == NULL)
    g_debug ("No avatar picture, showing the initial: %s", error->message);
  adw_avatar_set_custom_image (ADW_AVATAR (avatar), GDK_PAINTABLE (texture));
}

void
wbps_avatar_cache_apply (WbpsAvatarCache *self,
                         GtkWidget       *avatar,
                         const char      *url)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_return_if_fail (ADW_IS_AVATAR (avatar));
  adw_avatar_set_custom_image (ADW_AVATAR (avatar), NULL);
  g_weak_ref_init (ref, avatar);
  wbps_avatar_cache_load_async (self, url, NULL, applied_cb, ref);
}

static void
wbps_avatar_cache_finalize (GObject *object)
{
  WbpsAvatarCache *self = WBPS_AVATAR_CACHE (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  g_free (self->dir);
  G_OBJECT_CLASS (wbps_avatar_cache_parent_class)->finalize (object);
}

static void
wbps_avatar_cache_class_init (WbpsAvatarCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_avatar_cache_finalize;
}

static void
wbps_avatar_cache_init (WbpsAvatarCache *self)
{
  self->session = soup_session_new_with_options ("timeout", 30, "user-agent", "wbps/" PACKAGE_VERSION, NULL);
  self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->dir = g_build_filename (g_get_user_cache_dir (), "wbps", "avatars", NULL);
}
