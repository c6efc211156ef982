/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Two processes must never send chunks of one upload at once (`wbps resume`
 * beside a `wbps post` still running): an advisory flock() per publish_id in
 * $XDG_RUNTIME_DIR/wbps, released by wbps_upload_lock_release() or when the
 * process ends, however it ends.
 */
typedef struct _WbpsUploadLock WbpsUploadLock;

/* (transfer full) (nullable): the lock, or NULL with G_IO_ERROR_BUSY naming @file_path when another process holds it. */
WbpsUploadLock *wbps_upload_lock_claim   (const char      *publish_id,
                                          const char      *file_path,
                                          GError         **error);
void            wbps_upload_lock_release (WbpsUploadLock  *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsUploadLock, wbps_upload_lock_release)

G_END_DECLS
