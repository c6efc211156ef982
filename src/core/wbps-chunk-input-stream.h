/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WBPS_TYPE_CHUNK_INPUT_STREAM (wbps_chunk_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (WbpsChunkInputStream, wbps_chunk_input_stream, WBPS, CHUNK_INPUT_STREAM, GInputStream)

/*
 * One chunk's byte range (@start, @length <= G_MAXINT) of an open file, read
 * with blocking pread() through one fixed buffer: memory stays bounded
 * whatever the chunk size. Meant for a worker thread (the uploader sends each
 * chunk with libsoup's blocking API there). Seekable, so libsoup can rewind it.
 * @fd_owner keeps @fd open.
 * Returns: (transfer full)
 */
GInputStream *wbps_chunk_input_stream_new          (GObject              *fd_owner,
                                                    int                   fd,
                                                    guint64               start,
                                                    guint64               length);
/* Bytes of the range handed out so far; safe to call from any thread. */
guint64       wbps_chunk_input_stream_get_position (WbpsChunkInputStream *self);

G_END_DECLS
