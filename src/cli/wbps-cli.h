/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-config.h"
#include "wbps-account-manager.h"
#include "wbps-api-client.h"

G_BEGIN_DECLS

/*
 * The command line's shared context: resolved configuration, the account
 * manager and API client (created on first use), the demo emulator when
 * --demo, and a cancellable that SIGINT/SIGTERM cancel.
 */
typedef struct {
  WbpsConfig         *config;
  char               *account;        /* --account OPEN_ID, or NULL for the current one */
  gboolean            demo;
  GObject            *demo_emulator;  /* WbpsDemo while --demo runs */
  WbpsAccountManager *accounts;
  WbpsApiClient      *api;
  GCancellable       *cancellable;
} WbpsCli;

int                 wbps_cli_main          (int          argc,
                                            char       **argv);

/* Loads the keyring accounts once (blocking the verb, not the main context). */
WbpsAccountManager *wbps_cli_get_accounts  (WbpsCli     *cli,
                                            GError     **error);
WbpsApiClient      *wbps_cli_get_api       (WbpsCli     *cli);

/* Iterates the default main context until *@done is TRUE. */
void                wbps_cli_wait          (WbpsCli     *cli,
                                            gboolean    *done);

/* One plain-language line on stderr, or the JSON error object on stdout when @json. */
void                wbps_cli_print_error   (WbpsCli      *cli,
                                            const GError *error,
                                            gboolean      json);

/* Verbs: argv[0] is the verb; each returns the process exit status. */
int  wbps_cli_login    (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_whoami   (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_accounts (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_logout   (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_post     (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_status   (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_history  (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_resume   (WbpsCli *cli, int argc, char **argv);

G_END_DECLS
