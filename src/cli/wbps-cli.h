/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-context.h"

G_BEGIN_DECLS

/*
 * One command's run: the core's context (configuration, accounts, API client,
 * database, the demo emulator when --demo), the account --account names, and a
 * cancellable that SIGINT/SIGTERM cancel.
 */
typedef struct {
  WbpsContext        *context;
  char               *account;        /* --account OPEN_ID, or NULL for the current one */
  GCancellable       *cancellable;
} WbpsCli;

int                 wbps_cli_main          (int          argc,
                                            char       **argv);

/* Loads the keyring accounts once (blocking the verb, not the main context). */
WbpsAccountManager *wbps_cli_get_accounts  (WbpsCli     *cli,
                                            GError     **error);
WbpsApiClient      *wbps_cli_get_api       (WbpsCli     *cli);
/* The opened history database (transfer full), or NULL with @error. */
WbpsDatabase       *wbps_cli_open_database (WbpsCli     *cli,
                                            GError     **error);

/* Iterates the default main context until *@done is TRUE. */
void                wbps_cli_wait          (WbpsCli     *cli,
                                            gboolean    *done);

/*
 * Collects one async result for a verb that waits on it: pass wbps_cli_waiter_cb
 * and the waiter ({ cli, NULL, FALSE }) to the _async call, then hand
 * wbps_cli_waiter_wait()'s result (transfer full) to the _finish call.
 */
typedef struct {
  WbpsCli      *cli;
  GAsyncResult *result;
  gboolean      done;
} WbpsCliWaiter;

void                wbps_cli_waiter_cb     (GObject       *source,
                                            GAsyncResult  *result,
                                            gpointer       user_data);
GAsyncResult       *wbps_cli_waiter_wait   (WbpsCliWaiter *waiter);

/* One plain-language line on stderr, and the JSON error object on stdout when @json. */
void                wbps_cli_print_error   (WbpsCli      *cli,
                                            const GError *error,
                                            gboolean      json);
/* The same, the stderr line ending with @hint (the command that gets the user further). */
void                wbps_cli_print_error_hint (WbpsCli      *cli,
                                               const GError *error,
                                               gboolean      json,
                                               const char   *hint);

/* wbps_error_describe() on one line, with every secret TikTok may have quoted redacted. */
char               *wbps_cli_describe_error (const GError *error);

/* Exit statuses besides 0 (success). */
#define WBPS_CLI_EXIT_FAILURE   1
#define WBPS_CLI_EXIT_USAGE     2
#define WBPS_CLI_EXIT_UNCONFIRMED 3   /* a post whose final status did not come in time */
#define WBPS_CLI_EXIT_CANCELLED 130

/*
 * The account a verb acts on: --account OPEN_ID, else the current one. Loads the
 * accounts first; WBPS_ERROR_NOT_SIGNED_IN when there is none or --account names
 * an unknown one.
 */
const char         *wbps_cli_require_account (WbpsCli     *cli,
                                              GError     **error);

/*
 * Parses a verb's options (argv[0] is the verb). On a usage error prints one line
 * on stderr (the JSON error object when --json is among the arguments) and returns
 * FALSE with *@exit_status set.
 */
gboolean            wbps_cli_parse_options (WbpsCli            *cli,
                                            const char         *parameter_string,
                                            const char         *summary,
                                            const GOptionEntry *entries,
                                            int                *argc,
                                            char             ***argv,
                                            int                *exit_status);
/* The same for a verb whose one option is --json, described by @json_description (N_() text). */
gboolean            wbps_cli_parse_json_option (WbpsCli        *cli,
                                                const char     *parameter_string,
                                                const char     *summary,
                                                const char     *json_description,
                                                gboolean       *json,
                                                int            *argc,
                                                char         ***argv,
                                                int            *exit_status);

/* Prints @node as one line of JSON on stdout. */
void                wbps_cli_print_json    (JsonNode    *node);

/* Verbs: argv[0] is the verb; each returns the process exit status. */
int  wbps_cli_login    (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_whoami   (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_accounts (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_logout   (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_post     (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_status   (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_history  (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_resume   (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_relay    (WbpsCli *cli, int argc, char **argv);
int  wbps_cli_events   (WbpsCli *cli, int argc, char **argv);

G_END_DECLS
