/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "wbps-upload-lock.h"

struct _WbpsUploadLock
{
  int fd;
};

WbpsUploadLock *
wbps_upload_lock_claim (const char  *publish_id,
                        const char  *file_path,
                        GError     **error)
{
  g_autofree char *digest = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  WbpsUploadLock *lock;
  int fd;

  g_return_val_if_fail (publish_id != NULL, NULL);

  /* A digest, not the id: the name stays short and free of TikTok's characters. */
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, publish_id, -1);
  dir = g_build_filename (g_get_user_runtime_dir (), "wbps", NULL);
  g_mkdir_with_parents (dir, 0700);
  path = g_strdup_printf ("%s/upload-%.32s.lock", dir, digest);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      lock = g_new0 (WbpsUploadLock, 1);
      lock->fd = fd;
      return lock;
    }
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
               _("The upload of %s (publish ID %s) is already running in another wbps process."),
               file_path, publish_id);
  return NULL;
}

void
wbps_upload_lock_release (WbpsUploadLock *lock)
{
  if (lock == NULL)
    return;
  close (lock->fd);
  g_free (lock);
}
