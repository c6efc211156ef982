/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-account-manager.h"
#include "wbps-avatar-cache.h"
#include "wbps-upload-list.h"

G_BEGIN_DECLS

#define WBPS_TYPE_COMPOSER_PAGE (wbps_composer_page_get_type ())
G_DECLARE_FINAL_TYPE (WbpsComposerPage, wbps_composer_page, WBPS, COMPOSER_PAGE, AdwBin)

/*
 * The Post page: an empty state with Choose Video… (also Ctrl+O, or a drop on the window),
 * then the chosen video with its pre-flight, preview and cover, and TikTok's
 * export form, built from creator_info fetched each time the form is shown.
 * Post and Send to TikTok Inbox hand a configured WbpsPublishJob to the
 * application's upload list. Signals "posted" (WbpsUpload *), "video-opened"
 * (GFile *: a file opened as a video) and "open-failed" (const char *: why a
 * file could not be used, in a sentence; shown in the page's own toast when
 * nobody listens).
 */
void wbps_composer_page_setup     (WbpsComposerPage   *self,
                                   WbpsUploadList     *uploads,
                                   WbpsAccountManager *accounts,
                                   WbpsAvatarCache    *avatars);
/* Runs the pre-flight on @file; an unreadable one leaves the page as it was. */
void wbps_composer_page_open_file (WbpsComposerPage   *self,
                                   GFile              *file);
/* Shows the file chooser. */
void wbps_composer_page_choose    (WbpsComposerPage   *self);

G_END_DECLS
