/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-account-manager.h"
#include "wbps-history.h"
#include "wbps-upload-list.h"

G_BEGIN_DECLS

#define WBPS_TYPE_HISTORY_PAGE (wbps_history_page_get_type ())
G_DECLARE_FINAL_TYPE (WbpsHistoryPage, wbps_history_page, WBPS, HISTORY_PAGE, AdwBin)

/*
 * Every post made from this computer, newest first: a list bound to the
 * core's WbpsHistory, so a row changes the moment a job, a refresh or
 * `wbps status` records something. Refresh asks TikTok again for every status
 * that is not final.
 */
void wbps_history_page_setup   (WbpsHistoryPage    *self,
                                WbpsHistory        *history,
                                WbpsUploadList     *list,
                                WbpsAccountManager *accounts);
void wbps_history_page_refresh (WbpsHistoryPage    *self);

G_END_DECLS
