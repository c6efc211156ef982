/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "wbps-chunk-plan.h"
#include "wbps-post-options.h"
#include "wbps-publish-state.h"

G_BEGIN_DECLS

#define WBPS_POST_RECORD_ERROR (wbps_post_record_error_quark ())
typedef enum {
  WBPS_POST_RECORD_ERROR_NOT_RESUMABLE,  /* no interrupted upload to resume */
  WBPS_POST_RECORD_ERROR_EXPIRED,        /* the upload address is gone: its hour is over, or signed out */
  WBPS_POST_RECORD_ERROR_FILE_CHANGED,   /* the file on disk is not the one of the checkpoint */
  WBPS_POST_RECORD_ERROR_UNFINISHED,     /* the file has an unfinished post a new one would duplicate */
} WbpsPostRecordError;
GQuark          wbps_post_record_error_quark (void);

/*
 * One post as the history and the upload checkpoint know it: a row of the
 * `posts` table. The upload URL is a capability for one upload, never printed.
 * Post ids are decimal strings (19 digits, beyond a double's precision).
 */
typedef struct {
  gint64   id;                 /* row id; 0 until inserted */
  char    *file_path;
  gint64   file_size;
  gint64   file_mtime;         /* Unix seconds */
  char    *file_identity;      /* wbps_publish_file_identity (): SIZE:MTIME:SHA-256 of the first/last MiB */
  char    *content_type;       /* video/mp4, ... */
  char    *title;
  char    *open_id;
  char    *mode;               /* "direct" or "inbox" */
  char    *privacy;            /* NULL for inbox */
  char    *publish_id;         /* NULL until init answered */
  char    *upload_url;
  gint64   upload_expires_at;  /* Unix seconds; 0 when unknown */
  gint64   next_offset;        /* bytes TikTok has confirmed */
  gint64   chunk_size;
  gint64   chunk_count;
  char    *state;              /* wbps_publish_state_to_string () */
  char    *status;             /* TikTok's last status/fetch status, or NULL */
  char    *fail_reason;
  GStrv    post_ids;           /* never NULL once read */
  gint64   created_at;         /* Unix microseconds */
  gint64   updated_at;
} WbpsPostRecord;

#define WBPS_TYPE_POST_RECORD (wbps_post_record_get_type ())
GType           wbps_post_record_get_type (void) G_GNUC_CONST;
/* (transfer full) */
WbpsPostRecord *wbps_post_record_new      (void);
/* (transfer full) */
WbpsPostRecord *wbps_post_record_copy     (const WbpsPostRecord *record);
void            wbps_post_record_free     (WbpsPostRecord       *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsPostRecord, wbps_post_record_free)

/* How long TikTok's upload URL stays good after init answered. */
#define WBPS_POST_RECORD_UPLOAD_URL_LIFETIME_SEC 3600

/* The state the record names (WBPS_PUBLISH_STATE_NEW for an unknown name). */
WbpsPublishState wbps_post_record_get_state         (const WbpsPostRecord *record);
/* Names @state in the record; FALSE when it already did (nothing to write). */
gboolean        wbps_post_record_set_state          (WbpsPostRecord       *record,
                                                     WbpsPublishState      state);
/* What a new post records before anything is sent: file, title, account, mode, privacy. */
void            wbps_post_record_set_options        (WbpsPostRecord       *record,
                                                     WbpsPostOptions      *options,
                                                     gboolean              sandbox_forced);
/* The file's identity (wbps_file_identity_compute) and the size and mtime it names. */
void            wbps_post_record_set_file_identity  (WbpsPostRecord       *record,
                                                     const char           *identity);
void            wbps_post_record_set_plan           (WbpsPostRecord       *record,
                                                     const WbpsChunkPlan  *plan);
/* The chunk plan a checkpoint was uploading with. */
void            wbps_post_record_get_plan           (const WbpsPostRecord *record,
                                                     WbpsChunkPlan        *plan);
/*
 * TikTok answered init: the record becomes the upload checkpoint (state
 * UPLOAD, nothing confirmed yet, the address good for an hour from now).
 */
void            wbps_post_record_start_upload       (WbpsPostRecord       *record,
                                                     const char           *publish_id,
                                                     const char           *upload_url);
void            wbps_post_record_set_fail_reason    (WbpsPostRecord       *record,
                                                     const char           *fail_reason);
/* TikTok took every byte but nobody saw the final status: resuming follows the status. */
gboolean        wbps_post_record_upload_is_complete (const WbpsPostRecord *record);
/* An upload stopped midway (UPLOAD or INTERRUPTED) or complete as above, with its publish_id and file. */
gboolean        wbps_post_record_is_resumable       (const WbpsPostRecord *record);

/*
 * The checks a resume makes, each with the reason told to the creator:
 * the record is resumable at all (WBPS_POST_RECORD_ERROR_NOT_RESUMABLE);
 * its upload address still takes bytes at @now, Unix seconds, and its chunk
 * plan is sound (WBPS_POST_RECORD_ERROR_EXPIRED, or wbps_chunk_plan_validate()'s error);
 * the file's current @identity is the checkpoint's (@identity NULL: it could
 * not be computed, for @identity_error) (WBPS_POST_RECORD_ERROR_FILE_CHANGED).
 */
gboolean        wbps_post_record_check_resumable    (const WbpsPostRecord *record,
                                                     GError              **error);
gboolean        wbps_post_record_check_upload_address (const WbpsPostRecord *record,
                                                       gint64                now,
                                                       GError              **error);
gboolean        wbps_post_record_check_same_file    (const WbpsPostRecord *record,
                                                     const char           *identity,
                                                     const GError         *identity_error,
                                                     GError              **error);
/*
 * (transfer full): why a new post of @file_path must not start while @earlier,
 * a post of the same file, is unfinished (WBPS_POST_RECORD_ERROR_UNFINISHED).
 */
GError         *wbps_post_record_new_unfinished_error (const WbpsPostRecord *earlier,
                                                       const char           *file_path);
/* (transfer full): the time the upload address expires, in the local zone, as g_date_time_format (@format). */
char           *wbps_post_record_format_upload_deadline (const WbpsPostRecord *record,
                                                         const char           *format);

G_END_DECLS
