/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Result of running the wbps command line. */
typedef struct {
  int    status;       /* exit status (0 = success) */
  char  *out;          /* stdout */
  char  *err;          /* stderr */
} WbpsTestRun;

void         wbps_test_run_free  (WbpsTestRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsTestRun, wbps_test_run_free)

/*
 * Runs the built `wbps` with @argv (NULL-terminated, without the program name),
 * with @envp additions ("NAME=VALUE", may be NULL) over the current environment,
 * feeding @stdin_text (may be NULL). Blocks until it exits.
 */
WbpsTestRun *wbps_test_run_wbps  (const char * const *argv,
                                  const char * const *envp,
                                  const char         *stdin_text);

/* Starts `wbps` without waiting; stdout and stderr are pipes. */
GSubprocess *wbps_test_spawn_wbps (const char * const *argv,
                                   const char * const *envp,
                                   GError            **error);

/* The last non-empty line of @text (newly allocated), or "" */
char        *wbps_test_last_line (const char *text);

/* A fresh temporary directory, removed recursively by wbps_test_rmtree(). */
char        *wbps_test_mkdtemp   (void);
void         wbps_test_rmtree    (const char *path);

/* GET @url following no redirects; returns the HTTP status and Location (may be NULL). */
guint        wbps_test_http_get  (const char  *url,
                                  char       **location,
                                  char       **body);

/*
 * A test that cannot run because a tool is missing: skipped on a developer's
 * machine, failed when CI=true (build-aux/dev installs every tool, so a missing
 * one in CI is a broken install step, not a reason to pass).
 */
void         wbps_test_skip_missing (const char *why);

/*
 * Every wait in a test has a deadline: the helpers below iterate the default
 * main context until their condition holds and fail the test, saying what it
 * waited for, after @seconds.
 */

/* A condition to wait for; checked once after every main-context iteration and every 10 ms. */
typedef gboolean (*WbpsTestDoneFunc) (gpointer data);
#define WBPS_TEST_POLL_MS 10

void          wbps_test_await_until  (WbpsTestDoneFunc done,
                                      gpointer         data,
                                      guint            seconds,
                                      const char      *what);

/*
 * Collecting async results: pass wbps_test_store_result and a GAsyncResult*
 * slot (NULL) as the callback and its data, then wbps_test_await() waits until
 * the slot is filled. Returns the slot's result (owned by the slot).
 */
void          wbps_test_store_result (GObject       *source,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
GAsyncResult *wbps_test_await        (GAsyncResult **slot,
                                      guint          seconds);
/* The same for a flag a callback sets. */
void          wbps_test_await_flag   (const gboolean *flag,
                                      guint           seconds);
/* The same for a counter callbacks raise: waits until *@count >= @target. */
void          wbps_test_await_count  (const guint   *count,
                                      guint          target,
                                      guint          seconds,
                                      const char    *what);
/* Runs the default main context for @ms milliseconds: what is still on its way arrives. */
void          wbps_test_iterate_for  (guint          ms);
/*
 * Collects @process's standard output and error (each nullable) until it has
 * ended, failing the test after @seconds.
 */
void          wbps_test_communicate  (GSubprocess   *process,
                                      guint          seconds,
                                      char         **out,
                                      char         **err);
/*
 * Waits for @process to end (in a private main context, so from any loop); after
 * @seconds it is killed, reaped, and the test fails saying it was still running
 * after @what.
 */
void          wbps_test_await_exit   (GSubprocess   *process,
                                      guint          seconds,
                                      const char    *what);

/* Signal handlers for "notify": counting emissions in a guint, or adding each property's name to a GPtrArray. */
void          wbps_test_count_notify  (GObject       *object,
                                       GParamSpec    *pspec,
                                       guint         *counter);
void          wbps_test_record_notify (GObject       *object,
                                       GParamSpec    *pspec,
                                       GPtrArray     *names);

/* Lowercase hex SHA-256 of a file's contents, or NULL when it cannot be read. */
char         *wbps_test_sha256_file  (const char    *path);

G_END_DECLS
