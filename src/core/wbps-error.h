/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * WBPS_TIKTOK_ERROR: an error TikTok reported, from either envelope
 * (flat OAuth `{error,error_description,log_id}` or v2 `{data,error:{code,message,log_id}}`).
 * The GError message is a plain-language sentence; TikTok's own code, message and
 * log_id ride along as extended error data (G_DEFINE_EXTENDED_ERROR).
 */
#define WBPS_TIKTOK_ERROR (wbps_tiktok_error_quark ())

typedef enum {
  WBPS_TIKTOK_ERROR_FAILED,                  /* a code we do not know */
  /* OAuth categories */
  WBPS_TIKTOK_ERROR_ACCESS_DENIED,
  WBPS_TIKTOK_ERROR_INVALID_CLIENT,
  WBPS_TIKTOK_ERROR_INVALID_GRANT,
  WBPS_TIKTOK_ERROR_INVALID_REQUEST,
  WBPS_TIKTOK_ERROR_INVALID_SCOPE,
  WBPS_TIKTOK_ERROR_UNAUTHORIZED_CLIENT,
  WBPS_TIKTOK_ERROR_UNSUPPORTED_GRANT_TYPE,
  WBPS_TIKTOK_ERROR_UNSUPPORTED_RESPONSE_TYPE,
  WBPS_TIKTOK_ERROR_SERVER_ERROR,
  WBPS_TIKTOK_ERROR_TEMPORARILY_UNAVAILABLE,
  WBPS_TIKTOK_ERROR_NON_SANDBOX_TARGET,
  /* v2 API codes */
  WBPS_TIKTOK_ERROR_ACCESS_TOKEN_INVALID,
  WBPS_TIKTOK_ERROR_SCOPE_NOT_AUTHORIZED,
  WBPS_TIKTOK_ERROR_SCOPE_PERMISSION_MISSED,
  WBPS_TIKTOK_ERROR_RATE_LIMIT_EXCEEDED,
  WBPS_TIKTOK_ERROR_INVALID_PARAMS,
  WBPS_TIKTOK_ERROR_INVALID_FILE_UPLOAD,
  WBPS_TIKTOK_ERROR_INTERNAL_ERROR,
  WBPS_TIKTOK_ERROR_SPAM_RISK_TOO_MANY_POSTS,
  WBPS_TIKTOK_ERROR_SPAM_RISK_USER_BANNED_FROM_POSTING,
  WBPS_TIKTOK_ERROR_SPAM_RISK_TOO_MANY_PENDING_SHARE,
  WBPS_TIKTOK_ERROR_REACHED_ACTIVE_USER_CAP,
  WBPS_TIKTOK_ERROR_UNAUDITED_CLIENT_CAN_ONLY_POST_TO_PRIVATE_ACCOUNTS,
  WBPS_TIKTOK_ERROR_URL_OWNERSHIP_UNVERIFIED,
  WBPS_TIKTOK_ERROR_PRIVACY_LEVEL_OPTION_MISMATCH,
  WBPS_TIKTOK_ERROR_INVALID_PUBLISH_ID,
  WBPS_TIKTOK_ERROR_TOKEN_NOT_AUTHORIZED_FOR_SPECIFIED_PUBLISH_ID,
  WBPS_TIKTOK_ERROR_PUBLISH_NOT_CANCELLABLE,
  WBPS_TIKTOK_ERROR_APP_VERSION_CHECK_FAILED,
} WbpsTiktokError;

GQuark           wbps_tiktok_error_quark            (void);

WbpsTiktokError  wbps_tiktok_error_code_from_string (const char   *tiktok_code);
/* (transfer full) */
GError          *wbps_tiktok_error_new              (const char   *tiktok_code,
                                                     const char   *tiktok_message,
                                                     const char   *log_id,
                                                     guint         http_status);
/* (transfer none) (nullable) */
const char      *wbps_tiktok_error_get_code         (const GError *error);
/* (transfer none) (nullable) */
const char      *wbps_tiktok_error_get_message      (const GError *error);
/* (transfer none) (nullable) */
const char      *wbps_tiktok_error_get_log_id       (const GError *error);
guint            wbps_tiktok_error_get_http_status  (const GError *error);
gboolean         wbps_tiktok_error_is_transient     (const GError *error);

/* Local, non-TikTok errors of the core (configuration, state, account). */
#define WBPS_ERROR (wbps_error_quark ())

typedef enum {
  WBPS_ERROR_FAILED,
  WBPS_ERROR_CONFIG,          /* missing/invalid endpoint or credential */
  WBPS_ERROR_NOT_SIGNED_IN,   /* no account, or the refresh token is gone/expired */
  WBPS_ERROR_MALFORMED_REPLY, /* TikTok (or what stands for it) sent something unreadable */
  WBPS_ERROR_TIMEOUT,
  WBPS_ERROR_INVALID_ARGUMENT,
} WbpsErrorEnum;

GQuark  wbps_error_quark       (void);

/* (transfer full): One plain-language line for a user: the message, plus "(log ID …)" when TikTok
 * gave one.
 */
char   *wbps_error_describe    (const GError *error);

/* (transfer full): A JSON object {code, message, log_id} for --json error output. */
char   *wbps_error_to_json     (const GError *error);

G_END_DECLS
