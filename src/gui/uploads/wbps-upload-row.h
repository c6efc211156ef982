/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "wbps-upload.h"

G_BEGIN_DECLS

#define WBPS_TYPE_UPLOAD_ROW (wbps_upload_row_get_type ())
G_DECLARE_FINAL_TYPE (WbpsUploadRow, wbps_upload_row, WBPS, UPLOAD_ROW, GtkListBoxRow)

/*
 * One upload: cover thumbnail, title, account, state in words, a progress bar
 * ("Upload progress"), bytes sent of total, speed, time left, and the Cancel,
 * Retry, Check Again or Resume button that applies.
 */
GtkWidget  *wbps_upload_row_new        (WbpsUpload    *upload);
WbpsUpload *wbps_upload_row_get_upload (WbpsUploadRow *self);

G_END_DECLS
