/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define WBPS_TYPE_POST (wbps_post_get_type ())
G_DECLARE_FINAL_TYPE (WbpsPost, wbps_post, WBPS, POST, GObject)

/*
 * One post of the history, as a row of a list shows it: every property
 * notifies when a job, `wbps status` or a history refresh records progress.
 * The upload URL (a capability) is not among them. Times: "created-at" and
 * "updated-at" in Unix microseconds, "upload-expires-at" in Unix seconds.
 * "state" is the job's state name (PREFLIGHT ... DONE, FAILED, UNCONFIRMED,
 * INTERRUPTED), "status" TikTok's last word (nullable).
 */

gint64                wbps_post_get_id (WbpsPost *self);
/* (transfer none) */
const char           *wbps_post_get_file_path (WbpsPost *self);
gint64                wbps_post_get_file_size (WbpsPost *self);
/* (transfer none) (nullable) */
const char           *wbps_post_get_title (WbpsPost *self);
/* (transfer none) */
const char           *wbps_post_get_open_id (WbpsPost *self);
/* (transfer none) */
const char           *wbps_post_get_mode (WbpsPost *self);
/* (transfer none) (nullable) */
const char           *wbps_post_get_privacy (WbpsPost *self);
/* (transfer none) (nullable) */
const char           *wbps_post_get_publish_id (WbpsPost *self);
/* (transfer none) */
const char           *wbps_post_get_state (WbpsPost *self);
/* (transfer none) (nullable) */
const char           *wbps_post_get_status (WbpsPost *self);
/* (transfer none) (nullable) */
const char           *wbps_post_get_fail_reason (WbpsPost *self);
const char * const   *wbps_post_get_post_ids (WbpsPost *self);
gint64                wbps_post_get_uploaded_bytes (WbpsPost *self);
gint64                wbps_post_get_upload_expires_at (WbpsPost *self);
gint64                wbps_post_get_created_at (WbpsPost *self);
gint64                wbps_post_get_updated_at (WbpsPost *self);

/* (transfer full): the row as `wbps history --json` prints it (no upload URL). */
JsonNode            *wbps_post_to_json (WbpsPost *self);

/* Adds "post_ids" as an array of strings (never numbers: 19 digits do not survive a double). */
void                 wbps_json_add_post_ids (JsonBuilder        *builder,
                                             const char * const *post_ids);

G_END_DECLS
