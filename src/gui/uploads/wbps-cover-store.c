/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "wbps-cover-store.h"

/* Twice the history row's thumbnail height: sharp on a 2× display, a few kB on disk. */
#define COVER_HEIGHT 160

struct _WbpsCoverStore
{
  GObject  parent_instance;

  char    *directory;
};

G_DEFINE_FINAL_TYPE (WbpsCoverStore, wbps_cover_store, G_TYPE_OBJECT)

typedef struct {
  char   *path;
  guchar *pixels;   /* CAIRO_FORMAT_ARGB32, as gdk_texture_download () gives */
  int     width;
  int     height;
  gsize   stride;
} Save;

static void
save_free (Save *save)
{
  g_free (save->path);
  g_free (save->pixels);
  g_free (save);
}

static void
wbps_cover_store_finalize (GObject *object)
{
  WbpsCoverStore *self = WBPS_COVER_STORE (object);

  g_free (self->directory);
  G_OBJECT_CLASS (wbps_cover_store_parent_class)->finalize (object);
}

static void
wbps_cover_store_class_init (WbpsCoverStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_cover_store_finalize;
}

static void
wbps_cover_store_init (WbpsCoverStore *self)
{
}

WbpsCoverStore *
wbps_cover_store_new (const char *directory)
{
  WbpsCoverStore *self;

  g_return_val_if_fail (directory != NULL, NULL);
  self = g_object_new (WBPS_TYPE_COVER_STORE, NULL);
  self->directory = g_strdup (directory);
  return self;
}

/* A publish id is TikTok's opaque text: keep only what is safe in a file name. */
static char *
cover_path (WbpsCoverStore *self,
            const char     *publish_id)
{
  g_autofree char *name = g_strdup (publish_id);

  g_strcanon (name, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "._-", '_');
  if (name[0] == '.')
    name[0] = '_';
  return g_strdup_printf ("%s/%s.png", self->directory, name);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Scaled down with cairo, written whole or not at all. */
static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Save *save = task_data;
  double scale = (double) COVER_HEIGHT / save->height;
  int width = MAX (1, (int) (save->width * scale + 0.5));
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autofree char *directory = g_path_get_dirname (save->path);
  cairo_surface_t *frame = cairo_image_surface_create_for_data (save->pixels, CAIRO_FORMAT_ARGB32,
                                                                save->width, save->height, save->stride);
  cairo_surface_t *small = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, COVER_HEIGHT);
  cairo_t *cr = cairo_create (small);
  GError *error = NULL;

  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, frame, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png_stream (small, append_png, png);
  cairo_surface_destroy (small);
  cairo_surface_destroy (frame);
  if (g_mkdir_with_parents (directory, 0700) != 0 ||
      !g_file_set_contents_full (save->path, (const char *) png->data, png->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", directory, g_strerror (errno));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
wbps_cover_store_save_async (WbpsCoverStore      *self,
                             const char          *publish_id,
                             GdkTexture          *cover,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Save *save;

  g_return_if_fail (WBPS_IS_COVER_STORE (self));
  g_return_if_fail (publish_id != NULL);
  g_return_if_fail (GDK_IS_TEXTURE (cover));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_cover_store_save_async);
  save = g_new0 (Save, 1);
  save->path = cover_path (self, publish_id);
  save->width = gdk_texture_get_width (cover);
  save->height = gdk_texture_get_height (cover);
  save->stride = (gsize) save->width * 4;
  save->pixels = g_malloc (save->stride * save->height);
  /* The texture lives on the main thread; its pixels go to the worker. */
  gdk_texture_download (cover, save->pixels, save->stride);
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
wbps_cover_store_save_finish (WbpsCoverStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_filename (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

void
wbps_cover_store_load_async (WbpsCoverStore      *self,
                             const char          *publish_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WBPS_IS_COVER_STORE (self));
  g_return_if_fail (publish_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_cover_store_load_async);
  g_task_set_task_data (task, cover_path (self, publish_id), g_free);
  g_task_run_in_thread (task, load_thread);
}

GdkTexture *
wbps_cover_store_load_finish (WbpsCoverStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
