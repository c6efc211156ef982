/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-database.h"

G_BEGIN_DECLS

#define WBPS_TYPE_HISTORY_ROW (wbps_history_row_get_type ())
G_DECLARE_FINAL_TYPE (WbpsHistoryRow, wbps_history_row, WBPS, HISTORY_ROW, GtkListBoxRow)

/*
 * One post of the history: cover thumbnail, title, account, date, final
 * status, and Open on TikTok once TikTok has returned a post id (@username
 * may be NULL when unknown: the link then has no handle).
 */
GtkWidget  *wbps_history_row_new       (const WbpsPostRecord *record,
                                        const char           *account_name,
                                        const char           *username);
void        wbps_history_row_set_cover (WbpsHistoryRow       *self,
                                        GdkPaintable         *cover);
/* The status in a creator's words: "Published", "Failed: …", "Sent to inbox", ... */
char       *wbps_post_record_describe_status (const WbpsPostRecord *record);
/* TRUE when TikTok's answer for @record cannot change any more. */
gboolean    wbps_post_record_is_final  (const WbpsPostRecord *record);

G_END_DECLS
