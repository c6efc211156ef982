/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-application.h"

G_BEGIN_DECLS

#define WBPS_TYPE_WINDOW (wbps_window_get_type ())
G_DECLARE_FINAL_TYPE (WbpsWindow, wbps_window, WBPS, WINDOW, AdwApplicationWindow)

/*
 * The main window: a loading moment, then the sign-in page when nobody is
 * signed in, else the pages of the current account. Actions: win.add-account,
 * win.sign-in-again(s open_id), win.switch-account(s open_id), win.sign-out.
 */
WbpsWindow *wbps_window_new         (WbpsApplication  *application);
void        wbps_window_add_toast   (WbpsWindow       *self,
                                     const char       *text);
/* Files given on the command line or to Open With; the composer takes them. */
void        wbps_window_open_files  (WbpsWindow       *self,
                                     GFile           **files,
                                     gint              n_files);

G_END_DECLS
