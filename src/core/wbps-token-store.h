/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "wbps-token.h"

G_BEGIN_DECLS

#define WBPS_TYPE_TOKEN_STORE (wbps_token_store_get_type ())
G_DECLARE_FINAL_TYPE (WbpsTokenStore, wbps_token_store, WBPS, TOKEN_STORE, GObject)

/*
 * Token bundles in the Secret Service: one item per (client_key, open_id) with
 * schema "ai.fvz.Wbps.Token", attributes client_key and open_id, and the JSON of
 * wbps_token_serialize() as the secret (application/json). Everything is async.
 * Returns: (transfer none)
 */
const SecretSchema *wbps_token_store_get_schema    (void);

/* (transfer full) */
WbpsTokenStore     *wbps_token_store_new           (void);

/* Creates the item of @token, or replaces the existing one of the same account. */
void                wbps_token_store_store_async   (WbpsTokenStore      *self,
                                                    const WbpsToken     *token,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            wbps_token_store_store_finish  (WbpsTokenStore      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Fails with WBPS_ERROR_NOT_SIGNED_IN when there is no such item. */
void                wbps_token_store_lookup_async  (WbpsTokenStore      *self,
                                                    const char          *client_key,
                                                    const char          *open_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* (transfer full) */
WbpsToken          *wbps_token_store_lookup_finish (WbpsTokenStore      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/*
 * Every item of @client_key, as a GPtrArray of WbpsToken* (free func set; sorted
 * by display name then open_id). Unreadable items are skipped with a warning.
 */
void                wbps_token_store_list_async    (WbpsTokenStore      *self,
                                                    const char          *client_key,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* (transfer full) */
GPtrArray          *wbps_token_store_list_finish   (WbpsTokenStore      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Removes the item; succeeds too when there was none (@removed tells, may be NULL). */
void                wbps_token_store_delete_async  (WbpsTokenStore      *self,
                                                    const char          *client_key,
                                                    const char          *open_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            wbps_token_store_delete_finish (WbpsTokenStore      *self,
                                                    GAsyncResult        *result,
                                                    gboolean            *removed,
                                                    GError             **error);

G_END_DECLS
