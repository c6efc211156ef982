/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "wbps-api-client.h"
#include "wbps-error.h"
#include "wbps-http.h"
#include "wbps-json.h"
#include "wbps-rate-limiter.h"
#include "wbps-redact.h"

/* Bounds on what wbps keeps from TikTok's profile replies (TikTok's own are far shorter). */
#define WBPS_MAX_ID_BYTES           256
#define WBPS_MAX_DISPLAY_NAME_BYTES 256
#define WBPS_MAX_URL_BYTES          4096

/* How many 429s in a row one request waits out before giving up. */
#define MAX_RATE_LIMITED_RETRIES 8

#define USER_INFO_PATH    "/v2/user/info/?fields=open_id,union_id,avatar_url,display_name"
/* username needs user.info.profile: asked for only when granted, or TikTok refuses the call. */
#define USER_INFO_PROFILE_PATH USER_INFO_PATH ",username"
#define PROFILE_SCOPE     "user.info.profile"
#define DIRECT_INIT_PATH  "/v2/post/publish/video/init/"
#define INBOX_INIT_PATH   "/v2/post/publish/inbox/video/init/"
#define STATUS_PATH       "/v2/post/publish/status/fetch/"

typedef struct {
  const char *path_prefix;
  const char *bucket;
  guint       per_minute;
} EndpointLimit;

/* Spec 4.11: per access token. The init endpoints are spaced as one bucket to be safe. */
static const EndpointLimit endpoint_limits[] = {
  { DIRECT_INIT_PATH, "init", 6 },
  { INBOX_INIT_PATH, "init", 6 },
  { "/v2/post/publish/content/init/", "init", 6 },
  { WBPS_API_CREATOR_INFO_PATH, "creator_info", 20 },
  { STATUS_PATH, "status", 30 },
  { "/v2/user/info/", "user_info", 600 },
  { "/v2/video/", "video", 600 },
};

static const EndpointLimit unlisted_limit = { "", "other", 0 };

struct _WbpsApiClient
{
  GObject             parent_instance;

  WbpsConfig         *config;
  WbpsAccountManager *accounts;
  SoupSession        *session;
  WbpsRateLimiter    *limiter;
  guint               deadline_seconds;
};

G_DEFINE_FINAL_TYPE (WbpsApiClient, wbps_api_client, G_TYPE_OBJECT)

enum {
  SIGNAL_RATE_LIMITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
wbps_api_client_finalize (GObject *object)
{
  WbpsApiClient *self = WBPS_API_CLIENT (object);

  g_clear_object (&self->config);
  g_clear_object (&self->accounts);
  g_clear_object (&self->session);
  g_clear_object (&self->limiter);
  G_OBJECT_CLASS (wbps_api_client_parent_class)->finalize (object);
}

static void
wbps_api_client_class_init (WbpsApiClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_api_client_finalize;

  /**
   * WbpsApiClient::rate-limited:
   * @wait_seconds: how long wbps waits before trying again (Retry-After or backoff)
   *
   * TikTok answered 429: the request is retried after the wait. A user should
   * hear of it, or the wait looks like a hang.
   */
  signals[SIGNAL_RATE_LIMITED] =
    g_signal_new ("rate-limited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
wbps_api_client_init (WbpsApiClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "wbps/" PACKAGE_VERSION,
                                                 "timeout", 60,
                                                 NULL);
  self->limiter = wbps_rate_limiter_new ();
  self->deadline_seconds = WBPS_HTTP_DEFAULT_DEADLINE_SECONDS;
}

/**
 * wbps_api_client_new:
 * @config: endpoints and client key
 * @accounts: (nullable): needed by the per-account calls only
 */
WbpsApiClient *
wbps_api_client_new (WbpsConfig         *config,
                     WbpsAccountManager *accounts)
{
  WbpsApiClient *self;

  g_return_val_if_fail (WBPS_IS_CONFIG (config), NULL);
  g_return_val_if_fail (accounts == NULL || WBPS_IS_ACCOUNT_MANAGER (accounts), NULL);

  self = g_object_new (WBPS_TYPE_API_CLIENT, NULL);
  self->config = g_object_ref (config);
  self->accounts = accounts != NULL ? g_object_ref (accounts) : NULL;
  return self;
}

/* For tests: how long one request may take, connect and reply together. */
void
wbps_api_client_set_deadline (WbpsApiClient *self,
                              guint          seconds)
{
  g_return_if_fail (WBPS_IS_API_CLIENT (self));
  g_return_if_fail (seconds > 0);

  self->deadline_seconds = seconds;
}

SoupSession *
wbps_api_client_get_session (WbpsApiClient *self)
{
  g_return_val_if_fail (WBPS_IS_API_CLIENT (self), NULL);

  return self->session;
}

/* ---- fail reasons ---------------------------------------------------- */

typedef struct {
  const char *reason;
  const char *sentence;
} FailReason;

/* Spec 4.9. */
static const FailReason fail_reasons[] = {
  { "file_format_check_failed",
    N_("TikTok could not read the video's file format. Use an MP4 (H.264), MOV or WebM file.") },
  { "duration_check_failed",
    N_("The video's length is not one TikTok allows for this account.") },
  { "frame_rate_check_failed",
    N_("The video's frame rate is outside TikTok's 23 to 60 frames per second.") },
  { "picture_size_check_failed",
    N_("The video's width or height is outside TikTok's 360 to 4096 pixels.") },
  { "internal",
    N_("TikTok had an internal problem while processing the video. Trying again may work.") },
  { "video_pull_failed",
    N_("TikTok could not download the video from its web address (a connection error, or it took over an hour). Try again if the address still works.") },
  { "photo_pull_failed",
    N_("TikTok could not download the photos from their web addresses (a connection error, or it took over an hour). Try again if the addresses still work.") },
  { "publish_cancelled",
    N_("The post was cancelled.") },
  { "auth_removed",
    N_("The account withdrew this app's permission while the post was being processed. Sign in again before posting.") },
  { "spam_risk_too_many_posts",
    N_("The account has reached TikTok's daily limit of posts from apps. Try again tomorrow.") },
  { "spam_risk_user_banned_from_posting",
    N_("TikTok does not allow this account to post at the moment.") },
  { "spam_risk_text",
    N_("TikTok judged the caption to be spam. Change the caption before posting again.") },
  { "spam_risk",
    N_("TikTok judged this post to be risky and refused it.") },
};

const char *
wbps_fail_reason_describe (const char *fail_reason)
{
  for (guint i = 0; fail_reason != NULL && i < G_N_ELEMENTS (fail_reasons); i++)
    if (g_str_equal (fail_reasons[i].reason, fail_reason))
      return _(fail_reasons[i].sentence);
  return _("TikTok could not publish the post and gave no known reason.");
}

/* ---- data types ------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (WbpsPublishStatus, wbps_publish_status, wbps_publish_status_copy, wbps_publish_status_free)

WbpsPublishStatus *
wbps_publish_status_copy (const WbpsPublishStatus *status)
{
  WbpsPublishStatus *copy = g_new0 (WbpsPublishStatus, 1);

  copy->status = g_strdup (status->status);
  copy->fail_reason = g_strdup (status->fail_reason);
  copy->post_ids = g_strdupv (status->post_ids);
  copy->uploaded_bytes = status->uploaded_bytes;
  return copy;
}

gboolean
wbps_publish_status_is_final (const WbpsPublishStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  return g_strcmp0 (status->status, "PUBLISH_COMPLETE") == 0 ||
         g_strcmp0 (status->status, "SEND_TO_USER_INBOX") == 0 ||
         g_strcmp0 (status->status, "FAILED") == 0;
}

void
wbps_publish_status_free (WbpsPublishStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->status);
  g_free (status->fail_reason);
  g_strfreev (status->post_ids);
  g_free (status);
}

/* ---- the v2 envelope ------------------------------------------------- */

static GError *
malformed_reply (guint http_status)
{
  return g_error_new (WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                      _("TikTok sent a reply wbps cannot read (HTTP %u)."), http_status);
}

/* The error object of a parsed body, or NULL when the body is not a v2 envelope. */
static JsonObject *
envelope_error (JsonNode *root)
{
  JsonObject *error;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  error = wbps_json_get_object (json_node_get_object (root), "error");
  return wbps_json_get_string (error, "code") != NULL ? error : NULL;
}

static JsonObject *
envelope_data (JsonNode *root)
{
  JsonObject *data = wbps_json_get_object (json_node_get_object (root), "data");

  return data != NULL ? json_object_ref (data) : json_object_new ();
}

/**
 * wbps_api_client_parse_reply:
 * Success iff error.code is "ok", whatever the HTTP status says (spec 0, 4.1).
 * Returns: (transfer full): the "data" object (empty when absent)
 */
JsonObject *
wbps_api_client_parse_reply (GBytes   *bytes,
                             guint     http_status,
                             GError  **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) bound_error = NULL;
  gsize size = 0;
  const char *text = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  JsonObject *err;
  const char *code;
  const char *log_id;

  if (text != NULL && !wbps_json_check_bounds (text, size, &bound_error))
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                   _("TikTok sent a reply wbps refuses to read (HTTP %u): %s"), http_status,
                   bound_error->message);
      return NULL;
    }
  if (text != NULL)
    root = wbps_json_parse_bounded (text, size, NULL);
  if ((err = envelope_error (root)) == NULL)
    {
      /* A bare 5xx (a proxy page, an empty body) is TikTok's trouble, and transient. */
      if (http_status >= 500)
        g_propagate_error (error, wbps_tiktok_error_new (NULL, NULL, NULL, http_status));
      else
        g_propagate_error (error, malformed_reply (http_status));
      return NULL;
    }

  code = wbps_json_get_string (err, "code");
  if (g_str_equal (code, "ok"))
    return envelope_data (root);

  log_id = wbps_json_get_string (err, "log_id");
  if (log_id == NULL)
    log_id = wbps_json_get_string (err, "logid");
  g_propagate_error (error, wbps_tiktok_error_new (code, wbps_json_get_string (err, "message"),
                                                   log_id, http_status));
  return NULL;
}

/* ---- one request ----------------------------------------------------- */

typedef struct {
  char                *access_token;
  char                *token_key;   /* digest of the token: the limiter's key */
  char                *method;
  char                *path;
  JsonNode            *body;
  const EndpointLimit *limit;
  guint                rate_limited;
  SoupMessage         *msg;         /* the attempt under way */
} Request;

static void
request_free (Request *request)
{
  wbps_secret_free (request->access_token);
  g_free (request->token_key);
  g_free (request->method);
  g_free (request->path);
  g_clear_pointer (&request->body, json_node_unref);
  g_clear_object (&request->msg);
  g_free (request);
}

static const EndpointLimit *
limit_for_path (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (endpoint_limits); i++)
    if (g_str_has_prefix (path, endpoint_limits[i].path_prefix))
      return &endpoint_limits[i];
  return &unlisted_limit;
}

static void request_wait_for_slot (GTask *task);

static SoupMessage *
request_build_message (WbpsApiClient *self,
                       Request       *request)
{
  g_autofree char *url = wbps_config_api_endpoint (self->config, request->path);
  g_autofree char *authorization = g_strconcat ("Bearer ", request->access_token, NULL);
  SoupMessage *msg = soup_message_new (request->method, url);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Authorization", authorization);
  wbps_secret_free (g_steal_pointer (&authorization));
  if (request->body != NULL)
    {
      char *json = json_to_string (request->body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json; charset=UTF-8", bytes);
    }
  else if (g_str_equal (request->method, "POST"))
    soup_message_headers_replace (headers, "Content-Type", "application/json; charset=UTF-8");
  return msg;
}

static gboolean
is_rate_limited (SoupMessage  *msg,
                 const GError *error)
{
  return soup_message_get_status (msg) == 429 ||
         g_error_matches (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_RATE_LIMIT_EXCEEDED);
}

static void
request_handle_rate_limit (GTask       *task,
                           SoupMessage *msg,
                           GError      *error)
{
  WbpsApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  gint64 pause;

  if (++request->rate_limited > MAX_RATE_LIMITED_RETRIES)
    {
      g_task_return_error (task, error);
      return;
    }
  pause = wbps_rate_limiter_pause (self->limiter, request->token_key, request->limit->bucket,
                                   wbps_http_retry_after_usec (soup_message_get_response_headers (msg)));
  g_debug ("%s %s: rate limited, waiting %.1f s", request->method, request->path,
           pause / (double) G_USEC_PER_SEC);
  g_signal_emit (self, signals[SIGNAL_RATE_LIMITED], 0,
                 (guint) ((pause + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
  g_error_free (error);
  request_wait_for_slot (task);
}

/* What wbps was asking TikTok, for a message about a lost connection. */
static const char *
describe_request (const char *path)
{
  if (g_str_has_prefix (path, "/v2/user/info/"))
    return _("checking the account with TikTok");
  if (g_str_has_prefix (path, WBPS_API_CREATOR_INFO_PATH))
    return _("asking TikTok what this account may post");
  if (g_str_has_prefix (path, DIRECT_INIT_PATH) || g_str_has_prefix (path, INBOX_INIT_PATH))
    return _("asking TikTok to start the upload");
  if (g_str_has_prefix (path, STATUS_PATH))
    return _("asking TikTok how the post is doing");
  return _("talking to TikTok");
}

/*
 * libsoup's "Connection terminated unexpectedly" alone leaves a user stuck: say
 * what was under way and that nothing is lost. Domain and code are kept (callers
 * tell an unreachable TikTok by them); cancellation and the deadline pass as they are.
 */
static GError *
explain_network_error (Request *request,
                       GError  *error)
{
  GError *explained;

  if (error->domain != G_IO_ERROR || error->code == G_IO_ERROR_CANCELLED)
    return error;
  explained = g_error_new (error->domain, error->code,
                           _("The connection to TikTok was lost while %s (%s). Nothing is lost: "
                             "run the same command again."),
                           describe_request (request->path), error->message);
  g_error_free (error);
  return explained;
}

static void
on_reply_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessage *msg = request->msg;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  JsonObject *data;

  bytes = wbps_http_send_and_read_finish (result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, explain_network_error (request, error));
      return;
    }

  data = wbps_api_client_parse_reply (bytes, soup_message_get_status (msg), &error);
  g_debug ("%s %s: HTTP %u, %s", request->method, request->path, soup_message_get_status (msg),
           error != NULL ? error->message : "ok");
  if (data != NULL)
    {
      wbps_rate_limiter_report_success (self->limiter, request->token_key, request->limit->bucket);
      g_task_return_pointer (task, data, (GDestroyNotify) json_object_unref);
    }
  else if (is_rate_limited (msg, error))
    request_handle_rate_limit (task, msg, error);
  else
    g_task_return_error (task, error);
}

static void
on_slot_acquired (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  GError *error = NULL;

  if (!wbps_rate_limiter_acquire_finish (WBPS_RATE_LIMITER (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  msg = request_build_message (self, request);
  if (msg == NULL)
    {
      g_task_return_new_error (task, WBPS_ERROR, WBPS_ERROR_CONFIG,
                               _("The TikTok API address “%s” is not a valid URL."),
                               wbps_config_get_api_url (self->config));
      return;
    }
  g_set_object (&request->msg, msg);
  wbps_http_send_and_read_async (self->session, msg, self->deadline_seconds,
                                 g_task_get_cancellable (task), on_reply_read, g_object_ref (task));
}

static void
request_wait_for_slot (GTask *task)
{
  WbpsApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  wbps_rate_limiter_acquire_async (self->limiter, request->token_key, request->limit->bucket,
                                   request->limit->per_minute, g_task_get_cancellable (task),
                                   on_slot_acquired, g_object_ref (task));
}

void
wbps_api_client_request_async (WbpsApiClient       *self,
                               const char          *access_token,
                               const char          *method,
                               const char          *path_and_query,
                               JsonNode            *body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (WBPS_IS_API_CLIENT (self));
  g_return_if_fail (access_token != NULL && method != NULL && path_and_query != NULL);

  wbps_redact_register (access_token);
  request = g_new0 (Request, 1);
  request->access_token = g_strdup (access_token);
  request->token_key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, access_token, -1);
  request->method = g_strdup (method);
  request->path = g_strdup (path_and_query);
  request->body = body != NULL ? json_node_copy (body) : NULL;
  request->limit = limit_for_path (path_and_query);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_api_client_request_async);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request_wait_for_slot (task);
}

JsonObject *
wbps_api_client_request_finish (WbpsApiClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- per-account calls ----------------------------------------------- */

typedef struct {
  char     *open_id;
  char     *method;
  char     *path;
  JsonNode *body;
  gboolean  refreshed;
} Call;

static void
call_free (Call *call)
{
  g_free (call->open_id);
  g_free (call->method);
  g_free (call->path);
  g_clear_pointer (&call->body, json_node_unref);
  g_free (call);
}

static void call_get_token (GTask *task);

static void
on_call_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  JsonObject *data;

  data = wbps_api_client_request_finish (WBPS_API_CLIENT (source), result, &error);
  if (data != NULL)
    g_task_return_pointer (task, data, (GDestroyNotify) json_object_unref);
  else if (!call->refreshed &&
           g_error_matches (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_ACCESS_TOKEN_INVALID))
    {
      /* Revoked or expired early on TikTok's side: one forced refresh, then give up. */
      g_debug ("%s: access token refused, refreshing once", call->path);
      g_error_free (error);
      call->refreshed = TRUE;
      call_get_token (task);
    }
  else
    g_task_return_error (task, error);
}

static void
on_call_token (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(WbpsToken) token = NULL;
  GError *error = NULL;

  token = wbps_account_manager_get_token_finish (WBPS_ACCOUNT_MANAGER (source), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  wbps_api_client_request_async (self, token->access_token, call->method, call->path, call->body,
                                 g_task_get_cancellable (task), on_call_reply, g_object_ref (task));
}

static void
call_get_token (GTask *task)
{
  WbpsApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  wbps_account_manager_get_token_async (self->accounts, call->open_id, call->refreshed,
                                        g_task_get_cancellable (task),
                                        on_call_token, g_object_ref (task));
}

void
wbps_api_client_call_async (WbpsApiClient       *self,
                            const char          *open_id,
                            const char          *method,
                            const char          *path_and_query,
                            JsonNode            *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (WBPS_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && path_and_query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_api_client_call_async);
  if (self->accounts == NULL)
    {
      g_task_return_new_error (task, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                               _("No TikTok account is available."));
      return;
    }
  call = g_new0 (Call, 1);
  call->open_id = g_strdup (open_id);
  call->method = g_strdup (method);
  call->path = g_strdup (path_and_query);
  call->body = body != NULL ? json_node_copy (body) : NULL;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  call_get_token (task);
}

JsonObject *
wbps_api_client_call_finish (WbpsApiClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- typed helpers --------------------------------------------------- */

/* @text cut to at most @max_bytes at a character boundary, made valid UTF-8; NULL stays NULL. */
static char *
bounded_text (const char *text,
              gsize       max_bytes)
{
  g_autofree char *valid = text != NULL ? g_utf8_make_valid (text, -1) : NULL;
  const char *end;

  if (valid == NULL || strlen (valid) <= max_bytes)
    return g_steal_pointer (&valid);
  end = g_utf8_find_prev_char (valid, valid + max_bytes + 1);
  return g_strndup (valid, end - valid);
}

static void
set_string_or_skip (JsonObject *object,
                    const char *name,
                    char       *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  g_free (value);
}

const char *
wbps_api_client_user_info_path (const char *granted_scopes)
{
  g_auto(GStrv) scopes = g_strsplit (granted_scopes != NULL ? granted_scopes : "", ",", -1);

  return g_strv_contains ((const char * const *) scopes, PROFILE_SCOPE) ? USER_INFO_PROFILE_PATH
                                                                         : USER_INFO_PATH;
}

/**
 * wbps_api_client_read_user:
 * The user object of a user info reply's data, holding only what wbps keeps,
 * bounded so that no reply can make the stored sign-in too large to store
 * (a 64 MB display name once made the keyring item unreadable).
 * Returns: (transfer full): open_id, union_id, display_name, username, avatar_url
 */
JsonObject *
wbps_api_client_read_user (JsonObject  *data,
                           GError     **error)
{
  JsonObject *user = wbps_json_get_object (data, "user");
  const char *open_id = wbps_json_get_string (user, "open_id");
  const char *avatar_url = wbps_json_get_string (user, "avatar_url");
  JsonObject *kept;

  if (open_id == NULL || *open_id == '\0' || strlen (open_id) > WBPS_MAX_ID_BYTES ||
      !g_utf8_validate (open_id, -1, NULL))
    {
      g_propagate_error (error, malformed_reply (200));
      return NULL;
    }
  kept = json_object_new ();
  json_object_set_string_member (kept, "open_id", open_id);
  set_string_or_skip (kept, "union_id", bounded_text (wbps_json_get_string (user, "union_id"),
                                                      WBPS_MAX_ID_BYTES));
  set_string_or_skip (kept, "display_name", bounded_text (wbps_json_get_string (user, "display_name"),
                                                          WBPS_MAX_DISPLAY_NAME_BYTES));
  set_string_or_skip (kept, "username", bounded_text (wbps_json_get_string (user, "username"),
                                                      WBPS_MAX_ID_BYTES));
  /* An address too long to be real is dropped, not cut (a cut one would point elsewhere). */
  if (avatar_url != NULL && strlen (avatar_url) <= WBPS_MAX_URL_BYTES &&
      g_utf8_validate (avatar_url, -1, NULL) &&
      (g_str_has_prefix (avatar_url, "https://") || g_str_has_prefix (avatar_url, "http://")))
    json_object_set_string_member (kept, "avatar_url", avatar_url);
  return kept;
}

static void
on_user_info_reply (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) data = NULL;
  JsonObject *user;
  GError *error = NULL;

  data = wbps_api_client_request_finish (WBPS_API_CLIENT (source), result, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  user = wbps_api_client_read_user (data, &error);
  if (user == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, user, (GDestroyNotify) json_object_unref);
}

void
wbps_api_client_user_info_async (WbpsApiClient       *self,
                                 const char          *access_token,
                                 const char          *granted_scopes,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, wbps_api_client_user_info_async);
  wbps_api_client_request_async (self, access_token, "GET", wbps_api_client_user_info_path (granted_scopes),
                                 NULL, cancellable, on_user_info_reply, task);
}

/**
 * wbps_api_client_user_info_finish:
 * Returns: (transfer full): the "user" object (open_id, union_id, avatar_url, display_name,
 *   and username when user.info.profile was granted)
 */
JsonObject *
wbps_api_client_user_info_finish (WbpsApiClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
  char *publish_id;
  char *upload_url;
} InitResult;

static void
init_result_free (InitResult *init)
{
  g_free (init->publish_id);
  g_free (init->upload_url);
  g_free (init);
}

static void
on_video_init_reply (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) data = NULL;
  GError *error = NULL;
  InitResult *init;

  data = wbps_api_client_call_finish (WBPS_API_CLIENT (source), result, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (wbps_json_get_string (data, "publish_id") == NULL)
    {
      g_task_return_error (task, malformed_reply (200));
      return;
    }
  init = g_new0 (InitResult, 1);
  init->publish_id = g_strdup (wbps_json_get_string (data, "publish_id"));
  init->upload_url = g_strdup (wbps_json_get_string (data, "upload_url"));
  g_task_return_pointer (task, init, (GDestroyNotify) init_result_free);
}

void
wbps_api_client_video_init_async (WbpsApiClient       *self,
                                  const char          *open_id,
                                  gboolean             inbox,
                                  JsonNode            *body,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, wbps_api_client_video_init_async);
  wbps_api_client_call_async (self, open_id, "POST", inbox ? INBOX_INIT_PATH : DIRECT_INIT_PATH,
                              body, cancellable, on_video_init_reply, task);
}

/* @upload_url is NULL for PULL_FROM_URL inits. */
gboolean
wbps_api_client_video_init_finish (WbpsApiClient  *self,
                                   GAsyncResult   *result,
                                   char          **publish_id,
                                   char          **upload_url,
                                   GError        **error)
{
  InitResult *init;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  init = g_task_propagate_pointer (G_TASK (result), error);
  if (init == NULL)
    return FALSE;
  if (publish_id != NULL)
    *publish_id = g_steal_pointer (&init->publish_id);
  if (upload_url != NULL)
    *upload_url = g_steal_pointer (&init->upload_url);
  init_result_free (init);
  return TRUE;
}

/* A post id, exact: an int64 or a decimal string; NULL for anything else (a double loses digits). */
static char *
post_id_from_node (JsonNode *node)
{
  const char *text;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  text = json_node_get_string (node);
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return NULL;
  return *text != '\0' ? g_strdup (text) : NULL;
}

static GStrv
post_ids_from_data (JsonObject *data)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (data, "publicaly_available_post_id");
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *id = post_id_from_node (json_array_get_element (array, i));

      if (id != NULL)
        g_strv_builder_add (builder, id);
      else
        g_warning ("Ignoring a post id TikTok sent in an unexpected form");
    }
  return g_strv_builder_end (builder);
}

WbpsPublishStatus *
wbps_publish_status_new_from_data (JsonObject *data)
{
  WbpsPublishStatus *status = g_new0 (WbpsPublishStatus, 1);
  const char *fail_reason = wbps_json_get_string (data, "fail_reason");

  status->status = g_strdup (wbps_json_get_string (data, "status"));
  status->fail_reason = fail_reason != NULL && *fail_reason != '\0' ? g_strdup (fail_reason) : NULL;
  status->post_ids = post_ids_from_data (data);
  status->uploaded_bytes = wbps_json_get_int (data, "uploaded_bytes", -1);
  return status;
}

static void
on_status_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) data = NULL;
  GError *error = NULL;

  data = wbps_api_client_call_finish (WBPS_API_CLIENT (source), result, &error);
  if (data == NULL)
    g_task_return_error (task, error);
  else if (wbps_json_get_string (data, "status") == NULL)
    g_task_return_error (task, malformed_reply (200));
  else
    g_task_return_pointer (task, wbps_publish_status_new_from_data (data), (GDestroyNotify) wbps_publish_status_free);
}

void
wbps_api_client_status_async (WbpsApiClient       *self,
                              const char          *open_id,
                              const char          *publish_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  GTask *task;

  g_return_if_fail (publish_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_api_client_status_async);
  json_object_set_string_member (object, "publish_id", publish_id);
  json_node_set_object (body, object);
  wbps_api_client_call_async (self, open_id, "POST", STATUS_PATH, body, cancellable,
                              on_status_reply, task);
}

WbpsPublishStatus *
wbps_api_client_status_finish (WbpsApiClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
