/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-account-manager.h"

G_BEGIN_DECLS

#define WBPS_TYPE_CURRENT_ACCOUNT (wbps_current_account_get_type ())
G_DECLARE_FINAL_TYPE (WbpsCurrentAccount, wbps_current_account, WBPS, CURRENT_ACCOUNT, GObject)

/*
 * Follows the current account of a WbpsAccountManager for a widget that shows it.
 *
 * Signal "changed" (GParamSpec *pspec): the account property that changed, or
 * NULL when the current account was replaced or looked up again (new manager,
 * or the manager's "current-account" notified).
 */
WbpsCurrentAccount *wbps_current_account_new           (void);
/* @accounts (nullable): the manager to follow; emits "changed". */
void                wbps_current_account_set_accounts  (WbpsCurrentAccount *self,
                                                        WbpsAccountManager *accounts);
/* (nullable) (transfer none) */
WbpsAccount        *wbps_current_account_get_account   (WbpsCurrentAccount *self);

G_END_DECLS
