/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_WELCOME_PAGE (wbps_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (WbpsWelcomePage, wbps_welcome_page, WBPS, WELCOME_PAGE, AdwBin)

/*
 * The sign-in page and its states: start (Sign In with TikTok), waiting for
 * the browser (Copy Link, Cancel), error (Try Again), greeting (avatar and
 * name). Runs one WbpsSignIn at a time. "busy" is TRUE while a sign-in runs or
 * its greeting shows; "finished" is emitted when the person leaves the page
 * (Continue, Back, or Cancel when another account is signed in).
 */
void      wbps_welcome_page_sign_in     (WbpsWelcomePage *self,
                                         gboolean         can_go_back);
void      wbps_welcome_page_reset       (WbpsWelcomePage *self,
                                         gboolean         can_go_back);
void      wbps_welcome_page_show_error  (WbpsWelcomePage *self,
                                         const GError    *error,
                                         gboolean         can_go_back);
gboolean  wbps_welcome_page_get_busy    (WbpsWelcomePage *self);

G_END_DECLS
