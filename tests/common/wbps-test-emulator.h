/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A real wbps-emulator process on an ephemeral loopback port, for tests.
 * @config_ini is the key-file text (NULL = the built-in demo world); it is
 * written to a temporary file. The data directory is a fresh temporary one.
 */
typedef struct {
  GSubprocess *process;
  char        *base_url;   /* http://127.0.0.1:PORT */
  char        *config_path;
  char        *data_dir;
} WbpsTestEmulator;

WbpsTestEmulator *wbps_test_emulator_start (const char       *config_ini);
void              wbps_test_emulator_stop  (WbpsTestEmulator *emu);
/* base_url + path */
char             *wbps_test_emulator_url   (WbpsTestEmulator *emu,
                                            const char       *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsTestEmulator, wbps_test_emulator_stop)

G_END_DECLS
