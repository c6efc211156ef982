/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-account-manager.h"
#include "wbps-api-client.h"
#include "wbps-config.h"
#include "wbps-database.h"
#include "wbps-demo.h"
#include "wbps-history.h"
#include "wbps-token-store.h"

G_BEGIN_DECLS

#define WBPS_TYPE_CONTEXT (wbps_context_get_type ())
G_DECLARE_FINAL_TYPE (WbpsContext, wbps_context, WBPS, CONTEXT, GObject)

/*
 * Everything a front end (the command line, the GUI, the relay) shares for as
 * long as it runs: the resolved configuration, the token store, the account
 * manager, the API client, the history database and, in demo mode, the demo
 * emulator. Made once at start; nothing in it touches the keyring, the disk or
 * the network until asked to load or open. Returns: (transfer full)
 */
WbpsContext        *wbps_context_new                    (WbpsConfig          *config);

/* Starts the built-in emulator and makes a context that uses it (stopped on dispose). */
void                wbps_context_new_demo_async         (GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* (transfer full) (nullable) */
WbpsContext        *wbps_context_new_demo_finish        (GAsyncResult        *result,
                                                         GError             **error);

/* All (transfer none); the database is not opened until wbps_context_open_database_async(). */
WbpsConfig         *wbps_context_get_config             (WbpsContext         *self);
WbpsTokenStore     *wbps_context_get_token_store        (WbpsContext         *self);
WbpsAccountManager *wbps_context_get_account_manager    (WbpsContext         *self);
WbpsApiClient      *wbps_context_get_api_client         (WbpsContext         *self);
WbpsDatabase       *wbps_context_get_database           (WbpsContext         *self);
/* (transfer none): the history over the database, loaded by wbps_history_load_async(). */
WbpsHistory        *wbps_context_get_history            (WbpsContext         *self);
/* (nullable): the demo emulator, NULL unless made by wbps_context_new_demo_async(). */
WbpsDemo           *wbps_context_get_demo               (WbpsContext         *self);

/*
 * Checks the configuration (a client key and secret are needed), then reads the
 * keyring accounts into the account manager, once: later calls succeed at once.
 */
void                wbps_context_load_accounts_async    (WbpsContext         *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            wbps_context_load_accounts_finish   (WbpsContext         *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Opens (creates, migrates) the database, once: later calls succeed at once. */
void                wbps_context_open_database_async    (WbpsContext         *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            wbps_context_open_database_finish   (WbpsContext         *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/*
 * After @open_id signed out: opens the database and forgets the upload URLs of
 * that account's posts (each one a capability TikTok gave that sign-in), so
 * none outlives it on disk. Those uploads can no longer be resumed.
 */
void                wbps_context_forget_uploads_async   (WbpsContext         *self,
                                                         const char          *open_id,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            wbps_context_forget_uploads_finish  (WbpsContext         *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
