/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The emulator's Login Kit side (spec sections 1-3): the authorize consent
 * page, the token and revoke endpoints and /v2/user/info/, plus two emulator
 * conveniences: /emulator/avatar/OPEN_ID.svg, POST /emulator/sign-in?user=ID
 * (switches the user "signed in" in the browser) and GET /emulator/events
 * (the queued webhook events).
 */

#include "wbps-emu-state.h"

G_BEGIN_DECLS

void wbps_emu_oauth_register (SoupServer   *server,
                              WbpsEmuState *state);

G_END_DECLS
