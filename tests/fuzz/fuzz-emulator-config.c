/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The configuration key file (`wbps-emulator --config FILE`): GLib's key file
 * reader, then every option, user and fault the emulator reads from it.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "wbps-emu-state.h"
#include "fuzz-common.h"

/* The emulator's data directory, made on the first input and kept for the whole run. */
static const char *
data_dir (void)
{
  static char *dir;

  if (dir == NULL)
    dir = g_dir_make_tmp ("wbps-fuzz-emu-XXXXXX", NULL);
  g_assert (dir != NULL);
  return dir;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(WbpsEmuState) state = NULL;

  if (!g_key_file_load_from_data (key_file, (const char *) data, size, G_KEY_FILE_NONE, NULL))
    return 0;
  state = wbps_emu_state_new (key_file, data_dir (), NULL);
  if (state != NULL)
    {
      (void) wbps_emu_state_get_client (state, "demo-client-key");
      (void) wbps_emu_state_get_user (state, "demo-creator");
      (void) wbps_emu_state_get_int (state, "processing-delay-ms", 0);
      (void) wbps_emu_state_get_fault (state, "token");
    }
  return 0;
}
