/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-account-manager.h"

G_BEGIN_DECLS

#define WBPS_TYPE_ACCOUNT_BUTTON (wbps_account_button_get_type ())
G_DECLARE_FINAL_TYPE (WbpsAccountButton, wbps_account_button, WBPS, ACCOUNT_BUTTON, AdwBin)

/*
 * The header bar's account button: the current account's avatar; its menu
 * lists every signed-in account (a click switches, or signs in again when
 * needed), then Add Account… and Sign Out (win.add-account, win.sign-out).
 */
void  wbps_account_button_set_accounts  (WbpsAccountButton  *self,
                                         WbpsAccountManager *accounts);

G_END_DECLS
