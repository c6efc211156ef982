/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "wbps-test-emulator.h"
#include "wbps-test-http.h"
#include "wbps-test-util.h"

G_BEGIN_DECLS

#define MIB (G_GINT64_CONSTANT (1048576))

/*
 * The posting fixture: a real wbps-emulator (auto-approve on, plus the test's
 * own key-file text, whose groups merge with the fixture's) reached one of two
 * ways, each made by its constructor:
 *
 * - wbps_test_posting_new_wbps(): the built `wbps`, signed in through the
 *   emulator into the keyring of the with-keyring wrapper, with a private
 *   XDG_DATA_HOME so the history database belongs to this test alone (the
 *   wbps_test_posting_*_wbps, _history, _only_row ... functions);
 * - wbps_test_posting_new_api(): raw HTTP to TikTok's posting API and upload
 *   URL with tokens of the "posting-test" client, for the emulator's own tests
 *   (the wbps_test_posting_api_* functions).
 */
typedef struct {
  WbpsTestEmulator *emu;

  /* the `wbps` way in */
  char             *data_home;
  GPtrArray        *env;           /* NAME=VALUE, NULL-terminated */

  /* the raw API way in */
  char             *client_key;
  char             *client_secret;
  char             *user;          /* open_id signed in for the token, NULL = configured default */
  char             *token;
  guint             token_uses;
} WbpsTestPosting;

void          wbps_test_posting_free   (WbpsTestPosting *fx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsTestPosting, wbps_test_posting_free)

/* ---- through wbps ------------------------------------------------------------------- */

/* Starts the emulator with @extra_ini and signs `wbps` in (the default user, demo-creator). */
WbpsTestPosting *wbps_test_posting_new_wbps (const char *extra_ini);

/* Signs in again (`wbps login --no-browser`, the emulator approving at once). */
void          wbps_test_posting_sign_in_wbps (WbpsTestPosting *fx);

/* Adds NAME=VALUE (a NULL value: NAME unset) to the environment of every later wbps run. */
void          wbps_test_posting_setenv (WbpsTestPosting *fx,
                                        const char      *name,
                                        const char      *value);

/* Runs `wbps ARGS...` (NULL-terminated) and fails the test if it takes over 60 s. */
WbpsTestRun  *wbps_test_posting_run_wbps  (WbpsTestPosting *fx,
                                           ...) G_GNUC_NULL_TERMINATED;
WbpsTestRun  *wbps_test_posting_run_wbpsv (WbpsTestPosting    *fx,
                                           const char * const *argv);
GSubprocess  *wbps_test_posting_spawn_wbps (WbpsTestPosting    *fx,
                                            const char * const *argv);

/* `wbps history --json`, parsed. */
JsonArray    *wbps_test_posting_history  (WbpsTestPosting *fx);
/* Every post task TikTok (the emulator) made: one per init. */
JsonArray    *wbps_test_posting_emulator_posts (WbpsTestPosting *fx);
/* Number of DATA_DIR/uploads/\*.bin files of the emulator. */
guint         wbps_test_posting_upload_count  (WbpsTestPosting *fx);

/*
 * A real H.264 MP4 of @frames frames of noise at 25 fps, 640x360, high bitrate
 * (about 218 KB a frame), made with gst-launch-1.0 in a directory of this
 * test program's own. Returns its path.
 */
char         *wbps_test_posting_make_mp4 (const char *name,
                                          guint       frames);
/* g_test_run(), then removes the videos wbps_test_posting_make_mp4() made. */
int           wbps_test_posting_run_tests (void);

/* The "PUBLISH_ID STATUS" last line of @run's stdout, split. */
gboolean      wbps_test_posting_parse_result (WbpsTestRun  *run,
                                              char        **publish_id,
                                              char        **status);

/*
 * Asserts @run failed and the last stderr line (the error; earlier lines are
 * progress and notices) contains @needle, with no "CRITICAL"/"WARNING" anywhere.
 */
void          wbps_test_posting_assert_error_line (WbpsTestRun *run,
                                                   const char  *needle);

/*
 * Asserts @run (a `wbps resume`) succeeded and its "PUBLISH_ID STATUS" line
 * reports @publish_id as PUBLISH_COMPLETE.
 */
void          wbps_test_posting_assert_resumed (WbpsTestRun *run,
                                                const char  *publish_id);

/* The one row of `wbps history --json`; fails the test if there are more or none. */
JsonObject   *wbps_test_posting_only_row (WbpsTestPosting *fx);

typedef gboolean (*WbpsTestPostingRowCheck) (JsonObject *row);

/*
 * Polls `wbps history --json` until it holds one row and @check accepts it;
 * fails the test after 30 s. Returns that row.
 */
JsonObject   *wbps_test_posting_wait_for_row (WbpsTestPosting         *fx,
                                              WbpsTestPostingRowCheck  check);

/*
 * Emulator faults for a world where a post is interrupted midway: each chunk's
 * reply takes 1.5 s (other replies none), so after the first chunk is in the
 * checkpoint the interrupt has seconds to arrive even under ASan on a busy machine.
 */
#define WBPS_TEST_POSTING_SLOW_UPLOADS "[faults]\nslow-path=/upload/\nslow-ms=1500\n"

/*
 * Runs `wbps post @path --privacy SELF_ONLY --chunk-size @chunk_size`, sends it
 * SIGINT once the first chunk is in the checkpoint (use WBPS_TEST_POSTING_SLOW_UPLOADS), checks the row is INTERRUPTED
 * and returns its publish_id.
 */
char         *wbps_test_posting_interrupt_after_first_chunk (WbpsTestPosting *fx,
                                                             const char      *path,
                                                             const char      *chunk_size);

/* ---- raw HTTP to the posting API ---------------------------------------------------- */

/* Starts the emulator with the posting-test client, users creator and hidden, and @extra_ini. */
WbpsTestPosting *wbps_test_posting_new_api (const char *extra_ini);

/* Signs @open_id in (NULL = the configured user) and logs in again with @client_key. */
void          wbps_test_posting_api_use_client (WbpsTestPosting *fx,
                                                const char      *client_key,
                                                const char      *client_secret,
                                                const char      *open_id);
/* A fresh access token for @open_id through authorize + token (hex S256 PKCE). */
char         *wbps_test_posting_api_sign_in (WbpsTestPosting *fx,
                                             const char      *open_id);
/* The fixture's token; signs in again every few calls so per-token rate limits never bite. */
const char   *wbps_test_posting_api_token (WbpsTestPosting *fx);

/* POST @body (NULL = none) to @path with @token; returns the parsed root object. */
JsonObject   *wbps_test_posting_api_request (WbpsTestPosting  *fx,
                                             const char       *token,
                                             const char       *path,
                                             const char       *body,
                                             guint            *http_status,
                                             char            **raw);
JsonObject   *wbps_test_posting_api_call (WbpsTestPosting *fx,
                                          const char      *path,
                                          const char      *body,
                                          guint           *http_status);
const char   *wbps_test_posting_api_error_code    (JsonObject *root);
const char   *wbps_test_posting_api_error_message (JsonObject *root);
JsonObject   *wbps_test_posting_api_data          (JsonObject *root);
void          wbps_test_posting_api_assert_error  (JsonObject *root,
                                                   guint       http_status,
                                                   guint       expected_status,
                                                   const char *expected_code);

char         *wbps_test_posting_api_file_body (gint64      size,
                                               gint64      chunk,
                                               gint64      count,
                                               const char *privacy);
/* Direct (privacy != NULL) or inbox FILE_UPLOAD init that must succeed; returns publish_id. */
char         *wbps_test_posting_api_init_file (WbpsTestPosting  *fx,
                                               gint64            size,
                                               gint64            chunk,
                                               gint64            count,
                                               const char       *privacy,
                                               char            **upload_url);

/* One PUT on a fresh connection; @content_type/@range NULL = header left out. */
guint         wbps_test_posting_api_put (const char  *upload_url,
                                         const char  *content_type,
                                         GBytes      *body,
                                         const char  *range,
                                         char       **response_range,
                                         GError     **error);
guint         wbps_test_posting_api_put_chunk (const char  *upload_url,
                                               GBytes      *video,
                                               gint64       first,
                                               gint64       last,
                                               char       **response_range);
/* All chunks of @video in order, asserting 206 ... 201. */
void          wbps_test_posting_api_upload_all (const char *upload_url,
                                                GBytes     *video,
                                                gint64      chunk,
                                                gint64      count);

/* Deterministic pseudo-random bytes, for uploads no decoder reads. */
GBytes       *wbps_test_posting_random_bytes (gsize   size,
                                              guint32 seed);

JsonObject   *wbps_test_posting_api_status (WbpsTestPosting  *fx,
                                            const char       *publish_id,
                                            guint            *http_status,
                                            char            **raw);
/* Polls status/fetch until @status (or fails after @timeout_ms real ms); returns the data object. */
JsonObject   *wbps_test_posting_api_wait_status (WbpsTestPosting  *fx,
                                                 const char       *publish_id,
                                                 const char       *status,
                                                 guint             timeout_ms,
                                                 char            **raw);

G_END_DECLS
