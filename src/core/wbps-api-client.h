/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "wbps-config.h"
#include "wbps-account-manager.h"

G_BEGIN_DECLS

/* TikTok's creator_info query (rate-spaced like every call; see WbpsCreatorInfo). */
#define WBPS_API_CREATOR_INFO_PATH "/v2/post/publish/creator_info/query/"

/* status/fetch's data (spec 4.7). Post ids are kept as decimal strings, never doubles. */
typedef struct {
  char      *status;          /* PROCESSING_UPLOAD, SEND_TO_USER_INBOX, PUBLISH_COMPLETE, FAILED, ... */
  char      *fail_reason;     /* NULL unless FAILED */
  GStrv      post_ids;        /* publicaly_available_post_id as strings; never NULL */
  gint64     uploaded_bytes;  /* -1 when absent */
} WbpsPublishStatus;

/* (transfer full): Reader of status/fetch's "data" object (fuzzed with
 * tests/fuzz/fuzz-api-reply).
 */
WbpsPublishStatus *wbps_publish_status_new_from_data (JsonObject *data);

#define WBPS_TYPE_PUBLISH_STATUS (wbps_publish_status_get_type ())
GType              wbps_publish_status_get_type (void) G_GNUC_CONST;
/* (transfer full) */
WbpsPublishStatus *wbps_publish_status_copy     (const WbpsPublishStatus *status);
void               wbps_publish_status_free     (WbpsPublishStatus       *status);
/* PUBLISH_COMPLETE, SEND_TO_USER_INBOX or FAILED: TikTok will say nothing more. */
gboolean           wbps_publish_status_is_final (const WbpsPublishStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsPublishStatus, wbps_publish_status_free)

/* (transfer none): Plain-language explanation of a fail_reason (spec 4.9). */
const char *wbps_fail_reason_describe (const char *fail_reason);

#define WBPS_TYPE_API_CLIENT (wbps_api_client_get_type ())
G_DECLARE_FINAL_TYPE (WbpsApiClient, wbps_api_client, WBPS, API_CLIENT, GObject)

/*
 * TikTok's v2 APIs (user info, content posting) in the v2 envelope. Every
 * failure is a WBPS_TIKTOK_ERROR keeping code/message/log_id, or
 * WBPS_ERROR_MALFORMED_REPLY for a body that is not the envelope. Requests are
 * spaced per token to stay inside the endpoint's documented limit (init 6/min,
 * creator_info 20/min, status 30/min, user info 600/min) and a 429 is waited
 * out (Retry-After, else backoff) rather than failed.
 * Returns: (transfer full)
 */
WbpsApiClient *wbps_api_client_new            (WbpsConfig          *config,
                                               WbpsAccountManager  *accounts);
/* (transfer none) */
SoupSession   *wbps_api_client_get_session    (WbpsApiClient       *self);
void           wbps_api_client_set_deadline   (WbpsApiClient       *self,
                                               guint                seconds);

/* (transfer full) (nullable): A v2 envelope reply's "data", or a WBPS_TIKTOK_ERROR /
 * WBPS_ERROR_MALFORMED_REPLY; bounded in size and depth; NULL with @error set.
 */
JsonObject    *wbps_api_client_parse_reply    (GBytes              *bytes,
                                               guint                http_status,
                                               GError             **error);

/* Raw call with an explicit access token; returns the "data" object. @body may be NULL. */
void        wbps_api_client_request_async     (WbpsApiClient       *self,
                                               const char          *access_token,
                                               const char          *method,
                                               const char          *path_and_query,
                                               JsonNode            *body,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* (transfer full) */
JsonObject *wbps_api_client_request_finish    (WbpsApiClient       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Same for an account (@open_id NULL = current): token from the account manager,
 * refreshed and retried once when TikTok says access_token_invalid. */
void        wbps_api_client_call_async        (WbpsApiClient       *self,
                                               const char          *open_id,
                                               const char          *method,
                                               const char          *path_and_query,
                                               JsonNode            *body,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* (transfer full) */
JsonObject *wbps_api_client_call_finish       (WbpsApiClient       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* (transfer full) (nullable): NULL with @error set when the reply has no usable user */
JsonObject *wbps_api_client_read_user         (JsonObject          *data,
                                               GError             **error);

/*
 * The user info path for a token with @granted_scopes (comma-separated, nullable):
 * fields open_id, union_id, avatar_url, display_name, and username when
 * user.info.profile is among them.
 * Returns: (transfer none)
 */
const char *wbps_api_client_user_info_path    (const char          *granted_scopes);

/* GET wbps_api_client_user_info_path (@granted_scopes) with a raw token. */
void        wbps_api_client_user_info_async   (WbpsApiClient       *self,
                                               const char          *access_token,
                                               const char          *granted_scopes,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* (transfer full) */
JsonObject *wbps_api_client_user_info_finish  (WbpsApiClient       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Video init: direct (/v2/post/publish/video/init/) or inbox; @body is the full request JSON. */
void        wbps_api_client_video_init_async  (WbpsApiClient       *self,
                                               const char          *open_id,
                                               gboolean             inbox,
                                               JsonNode            *body,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    wbps_api_client_video_init_finish (WbpsApiClient       *self,
                                               GAsyncResult        *result,
                                               char               **publish_id,
                                               char               **upload_url,
                                               GError             **error);

void               wbps_api_client_status_async  (WbpsApiClient       *self,
                                                  const char          *open_id,
                                                  const char          *publish_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* (transfer full) */
WbpsPublishStatus *wbps_api_client_status_finish (WbpsApiClient       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
