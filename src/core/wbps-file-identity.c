/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-file-identity.h"

#define IDENTITY_SPAN (1024 * 1024)

static gboolean
hash_span (GInputStream  *in,
           GChecksum     *sum,
           goffset        offset,
           gsize          length,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree guchar *buffer = g_malloc (IDENTITY_SPAN);
  gsize got = 0;

  if (!g_seekable_seek (G_SEEKABLE (in), offset, G_SEEK_SET, cancellable, error) ||
      !g_input_stream_read_all (in, buffer, length, &got, cancellable, error))
    return FALSE;
  g_checksum_update (sum, buffer, got);
  return TRUE;
}

char *
wbps_file_identity_compute (GFile         *file,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  goffset size;
  gsize head;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL || (in = g_file_read (file, cancellable, error)) == NULL)
    return NULL;
  size = g_file_info_get_size (info);
  head = MIN (size, IDENTITY_SPAN);
  if (!hash_span (G_INPUT_STREAM (in), sum, 0, head, cancellable, error) ||
      !hash_span (G_INPUT_STREAM (in), sum, MAX (size - IDENTITY_SPAN, 0),
                  MIN (size, IDENTITY_SPAN), cancellable, error))
    return NULL;
  return g_strdup_printf ("%" G_GOFFSET_FORMAT ":%" G_GUINT64_FORMAT ":%s", size,
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_checksum_get_string (sum));
}

static void
compute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  char *identity = wbps_file_identity_compute (task_data, cancellable, &error);

  if (identity != NULL)
    g_task_return_pointer (task, identity, g_free);
  else
    g_task_return_error (task, error);
}

void
wbps_file_identity_compute_async (GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_file_identity_compute_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, compute_thread);
}

char *
wbps_file_identity_compute_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wbps_file_identity_compute_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
wbps_file_identity_parse (const char *identity,
                          gint64     *size,
                          gint64     *mtime)
{
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (identity != NULL, FALSE);

  parts = g_strsplit (identity, ":", 3);
  if (parts[0] == NULL)
    return FALSE;
  *size = g_ascii_strtoll (parts[0], NULL, 10);
  *mtime = parts[1] != NULL ? g_ascii_strtoll (parts[1], NULL, 10) : 0;
  return TRUE;
}
