/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-account-manager.h"

G_BEGIN_DECLS

#define WBPS_TYPE_ACCOUNT_SUMMARY (wbps_account_summary_get_type ())
G_DECLARE_FINAL_TYPE (WbpsAccountSummary, wbps_account_summary, WBPS, ACCOUNT_SUMMARY, AdwBin)

/*
 * Who is signed in: the current account's avatar and name, and a Sign In
 * Again button when TikTok turned its sign-in down.
 */
void  wbps_account_summary_set_accounts  (WbpsAccountSummary *self,
                                          WbpsAccountManager *accounts);

G_END_DECLS
