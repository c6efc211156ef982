/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-upload-list.h"

G_BEGIN_DECLS

#define WBPS_TYPE_UPLOADS_PAGE (wbps_uploads_page_get_type ())
G_DECLARE_FINAL_TYPE (WbpsUploadsPage, wbps_uploads_page, WBPS, UPLOADS_PAGE, AdwBin)

/* The Uploads page: one row per upload of the application's list, newest first. */
void wbps_uploads_page_set_list (WbpsUploadsPage *self,
                                 WbpsUploadList  *list);

G_END_DECLS
