/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-account.h"
#include "wbps-config.h"
#include "wbps-token.h"
#include "wbps-token-store.h"

G_BEGIN_DECLS

#define WBPS_TYPE_ACCOUNT_MANAGER (wbps_account_manager_get_type ())
G_DECLARE_FINAL_TYPE (WbpsAccountManager, wbps_account_manager, WBPS, ACCOUNT_MANAGER, GObject)

/* Seconds before expiry at which an access token is refreshed pre-emptively. */
#define WBPS_ACCOUNT_REFRESH_MARGIN 300

/*
 * The signed-in accounts of the configured client key (one Secret Service item
 * each), which one is current (GSettings "current-account" when the schema is
 * installed), and valid access tokens on demand.
 *
 * Front ends bind to the profiles only: the "accounts" GListModel of WbpsAccount
 * (items-changed when accounts come or go; each account notifies its own
 * changes), the "current-account" property (notify) and "loaded" (TRUE once
 * the keyring was read). Tokens never leave the core.
 *
 * Signal "sign-in-unsaved" (WbpsAccount *account, const char *text): a renewed
 * sign-in could not be written to the keyring (after retries); it is kept in
 * memory for this process, and @text tells the user, once per account, that
 * the next start will need a new sign-in.
 *
 * Returns: (transfer full)
 */
WbpsAccountManager *wbps_account_manager_new               (WbpsConfig          *config,
                                                            WbpsTokenStore      *store);
/* (transfer none) */
WbpsConfig         *wbps_account_manager_get_config        (WbpsAccountManager  *self);

/* Reads every item of this client key from the store (asynchronously: the main context keeps running). */
void                wbps_account_manager_load_async        (WbpsAccountManager  *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            wbps_account_manager_load_finish       (WbpsAccountManager  *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

gboolean            wbps_account_manager_get_loaded        (WbpsAccountManager  *self);
/* (transfer none): the loaded accounts, a GListModel of WbpsAccount. */
GListModel         *wbps_account_manager_get_accounts      (WbpsAccountManager  *self);
/* (transfer none) (nullable): the current account, NULL when nobody is signed in. */
WbpsAccount        *wbps_account_manager_get_current_account (WbpsAccountManager *self);
/* (nullable): the current account's open_id. */
const char         *wbps_account_manager_get_current       (WbpsAccountManager  *self);
gboolean            wbps_account_manager_set_current       (WbpsAccountManager  *self,
                                                            const char          *open_id,
                                                            GError             **error);
/* (transfer none) (nullable) */
WbpsAccount        *wbps_account_manager_lookup            (WbpsAccountManager  *self,
                                                            const char          *open_id);

/*
 * Stores a fresh sign-in in the keyring and makes it the current account. A
 * different sign-in of the same account the keyring held (a parallel login, or
 * signing in again) is revoked at TikTok, so one grant remains.
 */
void                wbps_account_manager_add_async         (WbpsAccountManager  *self,
                                                            const WbpsToken     *token,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            wbps_account_manager_add_finish        (WbpsAccountManager  *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/*
 * A usable token for @open_id (NULL = current account). Refreshes when the access
 * token expires within WBPS_ACCOUNT_REFRESH_MARGIN, or when @force_refresh (the
 * API said access_token_invalid). At most one refresh is in flight per account:
 * concurrent callers wait for the same one. A rotated refresh token is written to
 * the keyring before the new access token is handed out (when the keyring keeps
 * refusing, see "sign-in-unsaved"). Returns a copy.
 */
void                wbps_account_manager_get_token_async   (WbpsAccountManager  *self,
                                                            const char          *open_id,
                                                            gboolean             force_refresh,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
/* (transfer full): a copy holding the tokens; stays inside core */
WbpsToken          *wbps_account_manager_get_token_finish  (WbpsAccountManager  *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/*
 * Renews every sign-in that is due now (as wbps_account_manager_get_token_async
 * would), so one TikTok rejects shows "needs-sign-in" at once rather than at
 * the next post. Nothing is returned: the tokens stay inside core.
 */
void                wbps_account_manager_renew_due         (WbpsAccountManager  *self,
                                                            GCancellable        *cancellable);

/* Keeps the profile (display name, username, avatar; each nullable) of an account up to date
 * in the keyring. */
void                wbps_account_manager_update_profile_async  (WbpsAccountManager  *self,
                                                                const char          *open_id,
                                                                const char          *display_name,
                                                                const char          *username,
                                                                const char          *avatar_url,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            wbps_account_manager_update_profile_finish (WbpsAccountManager  *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/*
 * Revokes the access token at /v2/oauth/revoke/, then deletes the keyring item
 * whatever the revoke's outcome. Succeeds when the local item is gone;
 * @revoked tells whether TikTok confirmed the revocation, and @revoke_error
 * (optional) why not.
 */
void                wbps_account_manager_sign_out_async    (WbpsAccountManager  *self,
                                                            const char          *open_id,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            wbps_account_manager_sign_out_finish   (WbpsAccountManager  *self,
                                                            GAsyncResult        *result,
                                                            gboolean            *revoked,
                                                            GError             **revoke_error,
                                                            GError             **error);

G_END_DECLS
