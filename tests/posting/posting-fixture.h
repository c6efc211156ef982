/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "wbps-test-emulator.h"
#include "wbps-test-util.h"

G_BEGIN_DECLS

/*
 * One posting world: a real emulator (auto-approve on, plus @extra_ini), a
 * signed-in `wbps` (the keyring of the with-keyring wrapper), and a private
 * XDG_DATA_HOME so the history database belongs to this test alone.
 */
typedef struct {
  WbpsTestEmulator *emu;
  char             *data_home;
  GPtrArray        *env;       /* NAME=VALUE, NULL-terminated */
} PostingWorld;

PostingWorld *posting_world_new        (const char   *extra_ini);
void          posting_world_free       (PostingWorld *world);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PostingWorld, posting_world_free)

/* Signs in again (`wbps login --no-browser`, the emulator approving at once). */
void          posting_sign_in          (PostingWorld *world);

/* Adds NAME=VALUE to the environment of every later wbps run. */
void          posting_world_setenv     (PostingWorld *world,
                                        const char   *name,
                                        const char   *value);

/* Runs `wbps ARGS...` (NULL-terminated) and fails the test if it takes over 60 s. */
WbpsTestRun  *posting_run              (PostingWorld *world,
                                        ...) G_GNUC_NULL_TERMINATED;
WbpsTestRun  *posting_runv             (PostingWorld       *world,
                                        const char * const *argv);
GSubprocess  *posting_spawn            (PostingWorld *world,
                                        const char * const *argv);

/* `wbps history --json`, parsed. */
JsonArray    *posting_history          (PostingWorld *world);
/* Every post task TikTok (the emulator) made in this world: one per init. */
JsonArray    *posting_emulator_posts   (PostingWorld *world);
/* Number of DATA_DIR/uploads/\*.bin files of the emulator. */
guint         posting_upload_count     (PostingWorld *world);

/*
 * A real H.264 MP4 of @frames frames of noise at 25 fps, 640x360, high bitrate
 * (about 218 KB a frame), made once per test program with gst-launch-1.0.
 */
char         *posting_make_video       (const char   *dir,
                                        const char   *name,
                                        guint         frames);

/* The "PUBLISH_ID STATUS" last line of @run's stdout, split. */
gboolean      posting_parse_result     (WbpsTestRun  *run,
                                        char        **publish_id,
                                        char        **status);

/*
 * Asserts @run failed and the last stderr line (the error; earlier lines are
 * progress and notices) contains @needle, with no "CRITICAL"/"WARNING" anywhere.
 */
void          posting_assert_error_line (WbpsTestRun *run,
                                         const char  *needle);

/*
 * Asserts @run (a `wbps resume`) succeeded and its "PUBLISH_ID STATUS" line
 * reports @publish_id as PUBLISH_COMPLETE.
 */
void          posting_assert_resumed   (WbpsTestRun  *run,
                                        const char   *publish_id);

/* The one row of `wbps history --json`; fails the test if there are more or none. */
JsonObject   *posting_only_row         (PostingWorld *world);

typedef gboolean (*PostingRowCheck) (JsonObject *row);

/*
 * Polls `wbps history --json` until it holds one row and @check accepts it;
 * fails the test after 30 s. Returns that row.
 */
JsonObject   *posting_wait_for_row     (PostingWorld    *world,
                                        PostingRowCheck  check);

/*
 * Runs `wbps post @path --privacy SELF_ONLY --chunk-size @chunk_size`, sends it
 * SIGINT once the first chunk is in the checkpoint, checks the row is INTERRUPTED
 * and returns its publish_id.
 */
char         *posting_interrupt_after_first_chunk (PostingWorld *world,
                                                   const char   *path,
                                                   const char   *chunk_size);

G_END_DECLS
