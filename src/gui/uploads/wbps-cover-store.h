/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WBPS_TYPE_COVER_STORE (wbps_cover_store_get_type ())
G_DECLARE_FINAL_TYPE (WbpsCoverStore, wbps_cover_store, WBPS, COVER_STORE, GObject)

/*
 * The cover frame of each post, kept when it is posted as a small PNG named
 * after its publish id in @directory (beside the history database), so that
 * the history shows the frame TikTok shows even once the video was moved or
 * deleted. Encoding, decoding and the disk run in worker threads.
 */
WbpsCoverStore *wbps_cover_store_new         (const char          *directory);

void            wbps_cover_store_save_async  (WbpsCoverStore      *self,
                                              const char          *publish_id,
                                              GdkTexture          *cover,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean        wbps_cover_store_save_finish (WbpsCoverStore      *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Fails (G_FILE_ERROR_NOENT) when no cover was kept for @publish_id. */
void            wbps_cover_store_load_async  (WbpsCoverStore      *self,
                                              const char          *publish_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* (transfer full) */
GdkTexture     *wbps_cover_store_load_finish (WbpsCoverStore      *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
