/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-upload-list.h"

G_BEGIN_DECLS

#define WBPS_TYPE_HISTORY_PAGE (wbps_history_page_get_type ())
G_DECLARE_FINAL_TYPE (WbpsHistoryPage, wbps_history_page, WBPS, HISTORY_PAGE, AdwBin)

/*
 * Every post made from this computer, newest first. Refresh asks TikTok again
 * for every status that is not final; the page reloads itself whenever an
 * upload ends.
 */
void wbps_history_page_set_list (WbpsHistoryPage *self,
                                 WbpsUploadList  *list);
void wbps_history_page_reload   (WbpsHistoryPage *self);
void wbps_history_page_refresh  (WbpsHistoryPage *self);

G_END_DECLS
