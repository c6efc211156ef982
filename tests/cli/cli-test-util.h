/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "wbps-test-emulator.h"
#include "wbps-test-util.h"

G_BEGIN_DECLS

/*
 * wbps_test_emulator_start() that also kills the emulator if the test aborts
 * (a failed assertion), so no orphan keeps the test harness's pipes open.
 */
WbpsTestEmulator *cli_test_emulator_start (const char *config_ini);
/* Same for any helper process. */
void              cli_test_kill_on_abort  (GSubprocess *process);

/* Environment pointing wbps at @emu with @client_key/@secret, plus @extra ("NAME=VALUE", NULL-terminated). */
GStrv        cli_test_env            (WbpsTestEmulator   *emu,
                                      const char         *client_key,
                                      const char         *secret,
                                      const char * const *extra);

/* A running `wbps ... login --no-browser`: its first stdout line is read, the rest is collected. */
typedef struct {
  GSubprocess         *process;
  GDataInputStream    *out;
  GMemoryOutputStream *err;
  GMemoryOutputStream *rest;
  char                *first_line;
  gboolean             err_done;
  gboolean             rest_done;
  gboolean             exited;
} CliRunning;

/* Spawns wbps with @argv and waits (bounded) for its first stdout line. */
CliRunning  *cli_test_spawn          (const char * const *argv,
                                      const char * const *envp);
/* Waits (bounded) for the exit; returns status and the whole stdout/stderr. */
WbpsTestRun *cli_test_finish         (CliRunning         *running);

/* GET @url following redirects (the browser's part); returns the final status and body. */
guint        cli_test_browse         (const char         *url,
                                      char              **body);
/* POST a form, following redirects. */
guint        cli_test_post_form      (const char         *url,
                                      const char         *form);

/* A whole headless login: spawn, play the browser on the printed URL, finish. */
WbpsTestRun *cli_test_login          (const char * const *global_args,
                                      const char * const *envp);

/* Runs wbps with @global_args + @verb_args. */
WbpsTestRun *cli_test_run            (const char * const *global_args,
                                      const char * const *verb_args,
                                      const char * const *envp);

/* Number of lines in @text (a final line without newline counts). */
guint        cli_test_count_lines    (const char         *text);

G_END_DECLS
