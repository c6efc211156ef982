/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "wbps-account.h"
#include "wbps-token.h"

G_BEGIN_DECLS

/* Only the account manager makes and updates accounts. (transfer full) */
WbpsAccount  *wbps_account_new                 (const char      *open_id);
/* Takes the profile fields of @token (never its tokens); notifies what changed. */
void          wbps_account_update              (WbpsAccount     *self,
                                                const WbpsToken *token,
                                                gboolean         needs_sign_in);

G_END_DECLS
