/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "wbps-chunk-input-stream.h"
#include "wbps-chunk-plan.h"
#include "wbps-uploader.h"

/* Big enough that disk reads are few, small enough to keep memory flat. */
#define BUFFER_SIZE (512 * 1024)

struct _WbpsChunkInputStream
{
  GInputStream  parent_instance;

  GObject      *fd_owner;
  int           fd;
  guint64       start;
  guint64       length;
  gint          pos;           /* bytes handed out; atomic: progress reads it from the main thread */

  guint8       *buffer;
  gsize         buffer_len;
  gsize         buffer_off;
};

static void wbps_chunk_input_stream_seekable_iface_init (GSeekableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsChunkInputStream, wbps_chunk_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_SEEKABLE,
                                                      wbps_chunk_input_stream_seekable_iface_init))

/* Reads exactly @count bytes at @offset; a short read means the file shrank. */
static gboolean
pread_full (int       fd,
            guint8   *buffer,
            gsize     count,
            guint64   offset,
            GError  **error)
{
  gsize done = 0;

  while (done < count)
    {
      gssize n = pread (fd, buffer + done, count - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       /* Translators: %s is the system's reason */
                       _("Could not read the video: %s"), g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error_literal (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_FILE_CHANGED,
                               _("The video file became shorter during the upload"));
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

/* Called with the buffer used up, so the disk is read from @pos on. */
static gboolean
chunk_stream_refill (WbpsChunkInputStream  *self,
                     GError               **error)
{
  guint64 pos = (guint64) self->pos;
  gsize count = MIN (BUFFER_SIZE, self->length - pos);

  if (self->buffer == NULL)
    self->buffer = g_malloc (MIN (BUFFER_SIZE, self->length));
  if (!pread_full (self->fd, self->buffer, count, self->start + pos, error))
    return FALSE;
  self->buffer_len = count;
  self->buffer_off = 0;
  return TRUE;
}

static gssize
wbps_chunk_input_stream_read_fn (GInputStream  *stream,
                                 void          *buffer,
                                 gsize          count,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  WbpsChunkInputStream *self = WBPS_CHUNK_INPUT_STREAM (stream);
  gsize n;

  if (self->buffer_off == self->buffer_len)
    {
      if ((guint64) self->pos == self->length)
        return 0;
      if (!chunk_stream_refill (self, error))
        return -1;
    }
  n = MIN (count, self->buffer_len - self->buffer_off);
  memcpy (buffer, self->buffer + self->buffer_off, n);
  self->buffer_off += n;
  g_atomic_int_add (&self->pos, (gint) n);
  return n;
}

static gboolean
wbps_chunk_input_stream_close_fn (GInputStream  *stream,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  WbpsChunkInputStream *self = WBPS_CHUNK_INPUT_STREAM (stream);

  /* The descriptor belongs to @fd_owner; only the buffer goes. */
  g_clear_pointer (&self->buffer, g_free);
  self->buffer_len = self->buffer_off = 0;
  return TRUE;
}

static goffset
wbps_chunk_input_stream_tell (GSeekable *seekable)
{
  return g_atomic_int_get (&WBPS_CHUNK_INPUT_STREAM (seekable)->pos);
}

static gboolean
wbps_chunk_input_stream_can_seek (GSeekable *seekable)
{
  return TRUE;
}

static gboolean
wbps_chunk_input_stream_seek (GSeekable     *seekable,
                              goffset        offset,
                              GSeekType      type,
                              GCancellable  *cancellable,
                              GError       **error)
{
  WbpsChunkInputStream *self = WBPS_CHUNK_INPUT_STREAM (seekable);
  goffset base = type == G_SEEK_SET ? 0 : type == G_SEEK_CUR ? (goffset) self->pos : (goffset) self->length;

  if (base + offset < 0 || (guint64) (base + offset) > self->length)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Seek outside the chunk"));
      return FALSE;
    }
  /* Lets libsoup rewind the body when it restarts a request on its own. */
  g_atomic_int_set (&self->pos, (gint) (base + offset));
  self->buffer_len = self->buffer_off = 0;
  return TRUE;
}

static gboolean
wbps_chunk_input_stream_can_truncate (GSeekable *seekable)
{
  return FALSE;
}

static gboolean
wbps_chunk_input_stream_truncate (GSeekable     *seekable,
                                  goffset        offset,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("A chunk of the video cannot be truncated"));
  return FALSE;
}

static void
wbps_chunk_input_stream_seekable_iface_init (GSeekableIface *iface)
{
  iface->tell = wbps_chunk_input_stream_tell;
  iface->can_seek = wbps_chunk_input_stream_can_seek;
  iface->seek = wbps_chunk_input_stream_seek;
  iface->can_truncate = wbps_chunk_input_stream_can_truncate;
  iface->truncate_fn = wbps_chunk_input_stream_truncate;
}

static void
wbps_chunk_input_stream_finalize (GObject *object)
{
  WbpsChunkInputStream *self = WBPS_CHUNK_INPUT_STREAM (object);

  g_free (self->buffer);
  g_clear_object (&self->fd_owner);
  G_OBJECT_CLASS (wbps_chunk_input_stream_parent_class)->finalize (object);
}

static void
wbps_chunk_input_stream_class_init (WbpsChunkInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = wbps_chunk_input_stream_finalize;
  stream_class->read_fn = wbps_chunk_input_stream_read_fn;
  stream_class->close_fn = wbps_chunk_input_stream_close_fn;
}

static void
wbps_chunk_input_stream_init (WbpsChunkInputStream *self)
{
}

GInputStream *
wbps_chunk_input_stream_new (GObject *fd_owner,
                             int      fd,
                             guint64  start,
                             guint64  length)
{
  WbpsChunkInputStream *self;

  g_return_val_if_fail (G_IS_OBJECT (fd_owner), NULL);
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (length <= G_MAXINT, NULL);

  self = g_object_new (WBPS_TYPE_CHUNK_INPUT_STREAM, NULL);
  self->fd_owner = g_object_ref (fd_owner);
  self->fd = fd;
  self->start = start;
  self->length = length;
  return G_INPUT_STREAM (self);
}

guint64
wbps_chunk_input_stream_get_position (WbpsChunkInputStream *self)
{
  g_return_val_if_fail (WBPS_IS_CHUNK_INPUT_STREAM (self), 0);

  return (guint) g_atomic_int_get (&self->pos);
}
