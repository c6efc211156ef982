/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "wbps-account-manager.h"
#include "wbps-api-client.h"
#include "wbps-config.h"
#include "wbps-cover-store.h"
#include "wbps-database.h"
#include "wbps-preflight.h"
#include "wbps-post-options.h"
#include "wbps-publish-job.h"
#include "wbps-relay-watch.h"
#include "wbps-upload.h"

G_BEGIN_DECLS

#define WBPS_TYPE_UPLOAD_LIST (wbps_upload_list_get_type ())
G_DECLARE_FINAL_TYPE (WbpsUploadList, wbps_upload_list, WBPS, UPLOAD_LIST, GObject)

/*
 * The application's uploads: a GListStore of WbpsUpload, newest first, that
 * outlives the composer. While any upload runs the application inhibits logout
 * and suspend; when one is published or fails while no window has the focus,
 * a desktop notification says so. Property "n-running" (guint, notifies).
 */
WbpsUploadList *wbps_upload_list_new            (WbpsConfig      *config,
                                                 WbpsApiClient   *api,
                                                 WbpsDatabase    *database,
                                                 WbpsPreflight   *preflight);
void            wbps_upload_list_set_application (WbpsUploadList *self,
                                                  GtkApplication *application);
/* The accounts' relay streams (nullable): a post then takes its final status from its events. */
void            wbps_upload_list_set_relay_watch (WbpsUploadList *self,
                                                  WbpsRelayWatch *watch);
/* (nullable) (transfer none): the relay stream of @open_id, if one runs. */
WbpsRelayClient *wbps_upload_list_lookup_relay  (WbpsUploadList  *self,
                                                 const char      *open_id);
GListModel     *wbps_upload_list_get_model      (WbpsUploadList  *self);
WbpsApiClient  *wbps_upload_list_get_api        (WbpsUploadList  *self);
WbpsDatabase   *wbps_upload_list_get_database   (WbpsUploadList  *self);
WbpsConfig     *wbps_upload_list_get_config     (WbpsUploadList  *self);
/* Where each post's cover is kept (saved once TikTok gives the post its publish id). */
WbpsCoverStore *wbps_upload_list_get_covers     (WbpsUploadList  *self);
guint           wbps_upload_list_get_n_running  (WbpsUploadList  *self);

/* (transfer full): a new job with the application's core objects, options unset. */
WbpsPublishJob *wbps_upload_list_create_job     (WbpsUploadList  *self);
/* Shows @job first in the list and starts it. */
WbpsUpload     *wbps_upload_list_post           (WbpsUploadList  *self,
                                                 WbpsPublishJob  *job,
                                                 WbpsPostOptions *options,
                                                 const char      *title,
                                                 const char      *account_name,
                                                 GdkPaintable    *cover);
/* Adds every unfinished upload of the database (still within its hour) with Resume. */
void            wbps_upload_list_find_unfinished (WbpsUploadList *self);
/* The signed-in accounts, whose profiles name posts made before any creator_info this run. */
void            wbps_upload_list_set_accounts   (WbpsUploadList     *self,
                                                 WbpsAccountManager *accounts);
/* Names to show for an account's posts (from creator_info, else the account's profile),
 * and its @handle for links. */
void            wbps_upload_list_remember_account (WbpsUploadList *self,
                                                   const char     *open_id,
                                                   const char     *nickname,
                                                   const char     *username);
const char     *wbps_upload_list_lookup_nickname  (WbpsUploadList *self,
                                                   const char     *open_id);
const char     *wbps_upload_list_lookup_username  (WbpsUploadList *self,
                                                   const char     *open_id);
/*
 * For a window's close-request: while uploads run, asks first (saying they can
 * be resumed) and returns TRUE (keep the window); the window closes once the
 * creator chose to stop and every upload has written its checkpoint.
 */
gboolean        wbps_upload_list_confirm_close  (WbpsUploadList  *self,
                                                 GtkWindow       *window);
/* Stops every running upload (each keeps its checkpoint). */
void            wbps_upload_list_cancel_all     (WbpsUploadList  *self);

G_END_DECLS
