/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-test-util.h"

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

#define WBPS_TEST_EMULATOR_STOP_SECONDS 20

WbpsTestEmulator *wbps_test_emulator_start         (const char         *config_ini);
/* The same, run under @wrapper (e.g. valgrind and its options; NULL-terminated). */
WbpsTestEmulator *wbps_test_emulator_start_wrapped (const char         *config_ini,
                                                    const char * const *wrapper);
/*
 * Unless the process already ended (wbps_test_emulator_kill, _terminate):
 * SIGTERM, then asserts the emulator exited with status 0 within
 * WBPS_TEST_EMULATOR_STOP_SECONDS. Then removes its data directory.
 */
void              wbps_test_emulator_stop          (WbpsTestEmulator   *emu);
/* SIGTERM and assert a clean exit (status 0); the data directory stays. */
void              wbps_test_emulator_terminate     (WbpsTestEmulator   *emu);
/* A deliberate crash: SIGKILL, asserting the process died of it. */
void              wbps_test_emulator_kill          (WbpsTestEmulator   *emu);
/* base_url + path */
char             *wbps_test_emulator_url           (WbpsTestEmulator   *emu,
                                                    const char         *path);
/* DATA_DIR/uploads/PUBLISH_ID.bin: where the emulator keeps the bytes uploaded for @publish_id. */
char             *wbps_test_emulator_upload_path   (WbpsTestEmulator   *emu,
                                                    const char         *publish_id);
/* SHA-256 of what the emulator received for @publish_id, or NULL when it has nothing. */
char             *wbps_test_emulator_received_sha256 (WbpsTestEmulator *emu,
                                                      const char       *publish_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsTestEmulator, wbps_test_emulator_stop)

G_END_DECLS
