/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "wbps-account-manager.h"

G_BEGIN_DECLS

/* For tests only: the token bundle the manager holds for @open_id (transfer none, nullable). */
const WbpsToken *wbps_account_manager_lookup_token (WbpsAccountManager *self,
                                                    const char         *open_id);

G_END_DECLS
