/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-config.h"

G_BEGIN_DECLS

/* The built-in emulator's public demo credentials (demo only, never a real app). */
#define WBPS_DEMO_CLIENT_KEY    "wbps-demo"
#define WBPS_DEMO_CLIENT_SECRET "wbps-demo-secret"

#define WBPS_TYPE_DEMO (wbps_demo_get_type ())
G_DECLARE_FINAL_TYPE (WbpsDemo, wbps_demo, WBPS, DEMO, GObject)

/*
 * `--demo`: runs the built-in wbps-emulator on an ephemeral loopback port with
 * its data in $XDG_DATA_HOME/wbps/demo-emulator (persist=true, so separate wbps
 * processes share the demo sign-ins; auto-approve only when the environment has
 * WBPS_DEMO_AUTO_APPROVE=1) and hands out a configuration pointing at it with
 * the demo credentials. The emulator is found through $WBPS_EMULATOR, then next
 * to the running wbps (build tree or same directory), then the install dirs.
 * It is stopped by wbps_demo_stop() or when the WbpsDemo is finalized, and dies
 * with the wbps process.
 * Returns: (transfer full)
 */
WbpsDemo    *wbps_demo_new              (void);

/* (transfer full) (nullable): Path of the emulator executable that would be used, or NULL when
 * none is found.
 */
char        *wbps_demo_find_emulator    (void);

void         wbps_demo_start_async      (WbpsDemo            *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* (transfer full) */
WbpsConfig  *wbps_demo_start_finish     (WbpsDemo            *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* (transfer none) (nullable): http://127.0.0.1:PORT once started, else NULL. */
const char  *wbps_demo_get_base_url     (WbpsDemo            *self);
/* (transfer none) */
const char  *wbps_demo_get_data_dir     (WbpsDemo            *self);

void         wbps_demo_stop             (WbpsDemo            *self);

G_END_DECLS
