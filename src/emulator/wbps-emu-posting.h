/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The emulator's Content Posting side (spec section 4): creator_info, direct
 * and inbox video init, the upload URL (streamed to DATA_DIR/uploads/) and
 * status fetch with its state progression.
 */

#include "wbps-emu-state.h"

G_BEGIN_DECLS

void wbps_emu_posting_register (SoupServer   *server,
                                WbpsEmuState *state);

G_END_DECLS
