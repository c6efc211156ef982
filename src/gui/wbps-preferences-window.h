/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define WBPS_TYPE_PREFERENCES_WINDOW (wbps_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (WbpsPreferencesWindow, wbps_preferences_window, WBPS, PREFERENCES_WINDOW, AdwPreferencesWindow)

/*
 * Preferences over the ai.fvz.Wbps GSettings: sandbox mode, and under
 * Advanced the endpoints and the client key (never the client secret). An
 * empty endpoint or key falls back to the built-in one.
 */
WbpsPreferencesWindow *wbps_preferences_window_new (GtkWindow *parent,
                                                    gboolean   demo);

G_END_DECLS
