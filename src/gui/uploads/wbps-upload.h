/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "wbps-database.h"
#include "wbps-post-options.h"
#include "wbps-publish-job.h"

G_BEGIN_DECLS

typedef struct _WbpsUploadList WbpsUploadList;

#define WBPS_TYPE_UPLOAD (wbps_upload_get_type ())
G_DECLARE_FINAL_TYPE (WbpsUpload, wbps_upload, WBPS, UPLOAD, GObject)

/*
 * One upload as the Uploads page shows it: a WbpsPublishJob (or, at start, an
 * unfinished checkpoint waiting for Resume) with what a row binds to, in a
 * creator's words. Read-only properties, all notifying: "job", "title",
 * "account-name", "cover" (GdkPaintable, nullable), "state-text",
 * "detail-text", "fraction", "progress-text" ("12 MB of 1.0 GB"),
 * "speed-text", "time-left-text", "running", "can-cancel", "can-retry",
 * "can-check-again", "can-resume", "published", "failed".
 *
 * Signal "finished" (): the job ended (published, sent, failed, cancelled or
 * unconfirmed); the uploads list then notifies the creator.
 */
WbpsUpload     *wbps_upload_new             (WbpsUploadList       *list,
                                             WbpsPublishJob       *job,
                                             WbpsPostOptions      *options,
                                             const char           *title,
                                             const char           *account_name,
                                             GdkPaintable         *cover);
/* An unfinished upload found at start; wbps_upload_resume() continues it. */
WbpsUpload     *wbps_upload_new_for_checkpoint (WbpsUploadList       *list,
                                                const WbpsPostRecord *record,
                                                const char           *account_name);

void            wbps_upload_start           (WbpsUpload *self);
void            wbps_upload_cancel          (WbpsUpload *self);
/* A failed post again as a new post with the same options and file. */
void            wbps_upload_retry           (WbpsUpload *self);
void            wbps_upload_resume          (WbpsUpload *self);
/* Asks TikTok once more for the status of an unconfirmed post. */
void            wbps_upload_check_again     (WbpsUpload *self);

WbpsPublishJob *wbps_upload_get_job         (WbpsUpload *self);
gboolean        wbps_upload_get_running     (WbpsUpload *self);
const char     *wbps_upload_get_title       (WbpsUpload *self);
const char     *wbps_upload_get_state_text  (WbpsUpload *self);

/* "2.1 MB/s", "4 minutes left": the texts a row shows. */
char           *wbps_format_time_left       (gint64 seconds);

G_END_DECLS
