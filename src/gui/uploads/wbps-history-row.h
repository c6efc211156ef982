/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-cover-store.h"
#include "wbps-post.h"

G_BEGIN_DECLS

#define WBPS_TYPE_HISTORY_ROW (wbps_history_row_get_type ())
G_DECLARE_FINAL_TYPE (WbpsHistoryRow, wbps_history_row, WBPS, HISTORY_ROW, GtkListBoxRow)

/*
 * One post of the history: the cover frame kept when it was posted (a
 * placeholder when none was kept), title, account, date, status in a
 * creator's words, and Open on TikTok once TikTok has returned a post id
 * (@username may be NULL when unknown: the link then has no handle).
 */
GtkWidget  *wbps_history_row_new             (WbpsPost       *post,
                                              const char     *account_name,
                                              const char     *username,
                                              WbpsCoverStore *covers);
/* The status in a creator's words: "Published", "Failed: …", "Sent to inbox", ... */
char       *wbps_post_describe_status        (WbpsPost       *post);
/* TRUE when TikTok's answer for @post cannot change any more. */
gboolean    wbps_post_is_final               (WbpsPost       *post);

G_END_DECLS
