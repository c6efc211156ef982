/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "wbps-composer-page.h"
#include "wbps-window.h"

G_BEGIN_DECLS

/* What the window's other files (wbps-window-dnd.c) reach of it. */
WbpsComposerPage *_wbps_window_get_composer_page (WbpsWindow *self);
void              _wbps_window_setup_dnd          (WbpsWindow *self);

G_END_DECLS
