/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define WBPS_TYPE_ACCOUNT (wbps_account_get_type ())
G_DECLARE_FINAL_TYPE (WbpsAccount, wbps_account, WBPS, ACCOUNT, GObject)

/*
 * A signed-in TikTok account as a front end shows it: the profile only, never a
 * token. The account manager owns one per keyring item and keeps it up to date
 * (every property notifies), so a menu row can bind to it for as long as the
 * account stays signed in. Times are Unix seconds.
 */
/* (transfer none): TikTok's id of the user for this app; never NULL. */
const char   *wbps_account_get_open_id             (WbpsAccount *self);
/* (nullable) */
const char   *wbps_account_get_display_name        (WbpsAccount *self);
/* (transfer none): the display name, or the open_id when TikTok gave none: what to call the account. */
const char   *wbps_account_get_name                (WbpsAccount *self);
/* (nullable): the TikTok handle (@name), from user info when user.info.profile was granted. */
const char   *wbps_account_get_username            (WbpsAccount *self);
/* (nullable) */
const char   *wbps_account_get_avatar_url          (WbpsAccount *self);
/* (transfer none): the granted scopes, never NULL. */
const char * const *wbps_account_get_scopes        (WbpsAccount *self);
gboolean      wbps_account_has_scope               (WbpsAccount *self,
                                                    const char  *scope);
gint64        wbps_account_get_access_expires_at   (WbpsAccount *self);
gint64        wbps_account_get_refresh_expires_at  (WbpsAccount *self);
/* TRUE once the sign-in expired or TikTok refused to renew it. */
gboolean      wbps_account_get_needs_sign_in       (WbpsAccount *self);

/* (transfer full): the profile as `wbps whoami --json` prints it. */
JsonNode     *wbps_account_to_json                 (WbpsAccount *self);

G_END_DECLS
