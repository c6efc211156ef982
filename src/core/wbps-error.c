/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "wbps-error.h"

typedef struct {
  char  *code;
  char  *message;
  char  *log_id;
  guint  http_status;
} WbpsTiktokErrorPrivate;

static void
wbps_tiktok_error_private_init (WbpsTiktokErrorPrivate *priv)
{
}

static void
wbps_tiktok_error_private_copy (const WbpsTiktokErrorPrivate *src,
                                WbpsTiktokErrorPrivate       *dest)
{
  dest->code = g_strdup (src->code);
  dest->message = g_strdup (src->message);
  dest->log_id = g_strdup (src->log_id);
  dest->http_status = src->http_status;
}

static void
wbps_tiktok_error_private_clear (WbpsTiktokErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
  g_clear_pointer (&priv->message, g_free);
  g_clear_pointer (&priv->log_id, g_free);
}

G_DEFINE_EXTENDED_ERROR (WbpsTiktokError, wbps_tiktok_error)
G_DEFINE_QUARK (wbps-error-quark, wbps_error)

typedef struct {
  const char      *code;
  WbpsTiktokError  value;
  const char      *sentence;
} CodeEntry;

/* TikTok's codes (spec 2.5, 3.1, 4.x) with what they mean for the user. */
static const CodeEntry codes[] = {
  { "access_denied", WBPS_TIKTOK_ERROR_ACCESS_DENIED,
    N_("The TikTok sign-in was cancelled or refused.") },
  { "invalid_client", WBPS_TIKTOK_ERROR_INVALID_CLIENT,
    N_("TikTok did not accept this app's client key and secret.") },
  { "invalid_grant", WBPS_TIKTOK_ERROR_INVALID_GRANT,
    N_("TikTok refused the sign-in grant: it has expired, was already used or was revoked. Please sign in again.") },
  { "invalid_request", WBPS_TIKTOK_ERROR_INVALID_REQUEST,
    N_("TikTok rejected the sign-in request as malformed.") },
  { "invalid_scope", WBPS_TIKTOK_ERROR_INVALID_SCOPE,
    N_("This app is not approved for the permissions it asked TikTok for.") },
  { "unauthorized_client", WBPS_TIKTOK_ERROR_UNAUTHORIZED_CLIENT,
    N_("This app is not authorised for this kind of TikTok sign-in.") },
  { "unsupported_grant_type", WBPS_TIKTOK_ERROR_UNSUPPORTED_GRANT_TYPE,
    N_("TikTok does not support the requested kind of token.") },
  { "unsupported_response_type", WBPS_TIKTOK_ERROR_UNSUPPORTED_RESPONSE_TYPE,
    N_("TikTok does not support the requested sign-in response type.") },
  { "server_error", WBPS_TIKTOK_ERROR_SERVER_ERROR,
    N_("TikTok had an internal problem. Please try again later.") },
  { "temporarily_unavailable", WBPS_TIKTOK_ERROR_TEMPORARILY_UNAVAILABLE,
    N_("TikTok is temporarily unavailable. Please try again later.") },
  { "non_sandbox_target", WBPS_TIKTOK_ERROR_NON_SANDBOX_TARGET,
    N_("This TikTok account is not a target user of the app's sandbox; the developer must add it first.") },
  { "access_token_invalid", WBPS_TIKTOK_ERROR_ACCESS_TOKEN_INVALID,
    N_("TikTok no longer accepts this sign-in. Please sign in again.") },
  { "scope_not_authorized", WBPS_TIKTOK_ERROR_SCOPE_NOT_AUTHORIZED,
    N_("The account did not grant the permission this needs. Sign in again and allow it.") },
  { "scope_permission_missed", WBPS_TIKTOK_ERROR_SCOPE_PERMISSION_MISSED,
    N_("Some requested fields need permissions the account did not grant.") },
  { "rate_limit_exceeded", WBPS_TIKTOK_ERROR_RATE_LIMIT_EXCEEDED,
    N_("TikTok is limiting how often this can be done. Please wait a minute.") },
  { "invalid_params", WBPS_TIKTOK_ERROR_INVALID_PARAMS,
    N_("TikTok rejected the request's parameters.") },
  { "invalid_param", WBPS_TIKTOK_ERROR_INVALID_PARAMS,
    N_("TikTok rejected the request's parameters.") },
  { "invalid_file_upload", WBPS_TIKTOK_ERROR_INVALID_FILE_UPLOAD,
    N_("TikTok rejected the uploaded file.") },
  { "internal_error", WBPS_TIKTOK_ERROR_INTERNAL_ERROR,
    N_("TikTok had an internal problem. Please try again later.") },
  { "spam_risk_too_many_posts", WBPS_TIKTOK_ERROR_SPAM_RISK_TOO_MANY_POSTS,
    N_("This account has reached TikTok's daily limit of posts from apps. Please try again tomorrow.") },
  { "spam_risk_user_banned_from_posting", WBPS_TIKTOK_ERROR_SPAM_RISK_USER_BANNED_FROM_POSTING,
    N_("TikTok does not allow this account to post at the moment.") },
  { "spam_risk_too_many_pending_share", WBPS_TIKTOK_ERROR_SPAM_RISK_TOO_MANY_PENDING_SHARE,
    N_("This account already has 5 drafts waiting in the TikTok inbox from the last 24 hours. Finish or discard some in the TikTok app, then try again.") },
  { "reached_active_user_cap", WBPS_TIKTOK_ERROR_REACHED_ACTIVE_USER_CAP,
    N_("This app has reached TikTok's daily limit of posting accounts. Please try again later.") },
  { "unaudited_client_can_only_post_to_private_accounts", WBPS_TIKTOK_ERROR_UNAUDITED_CLIENT_CAN_ONLY_POST_TO_PRIVATE_ACCOUNTS,
    N_("This app has not passed TikTok's audit yet, so it may only post to private accounts with the visibility \"Only me\". Make the account private and choose \"Only me\".") },
  { "url_ownership_unverified", WBPS_TIKTOK_ERROR_URL_OWNERSHIP_UNVERIFIED,
    N_("The video's web address is not under a domain verified for this app.") },
  { "privacy_level_option_mismatch", WBPS_TIKTOK_ERROR_PRIVACY_LEVEL_OPTION_MISMATCH,
    N_("The chosen visibility is not one this account offers. Pick one of the account's options.") },
  { "invalid_publish_id", WBPS_TIKTOK_ERROR_INVALID_PUBLISH_ID,
    N_("TikTok does not know this publish ID.") },
  { "token_not_authorized_for_specified_publish_id", WBPS_TIKTOK_ERROR_TOKEN_NOT_AUTHORIZED_FOR_SPECIFIED_PUBLISH_ID,
    N_("This post belongs to another account.") },
  { "publish_not_cancellable", WBPS_TIKTOK_ERROR_PUBLISH_NOT_CANCELLABLE,
    N_("This post can no longer be cancelled.") },
  { "app_version_check_failed", WBPS_TIKTOK_ERROR_APP_VERSION_CHECK_FAILED,
    N_("The TikTok app on the phone is too old for this; please update it.") },
};

static const CodeEntry *
lookup_code (const char *tiktok_code)
{
  for (guint i = 0; tiktok_code != NULL && i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (codes[i].code, tiktok_code))
      return &codes[i];
  return NULL;
}

WbpsTiktokError
wbps_tiktok_error_code_from_string (const char *tiktok_code)
{
  const CodeEntry *entry = lookup_code (tiktok_code);

  return entry != NULL ? entry->value : WBPS_TIKTOK_ERROR_FAILED;
}

static char *
plain_sentence (const char *tiktok_code,
                const char *tiktok_message,
                guint       http_status)
{
  const CodeEntry *entry = lookup_code (tiktok_code);

  if (entry != NULL && tiktok_message != NULL && *tiktok_message != '\0')
    return g_strdup_printf ("%s (TikTok: %s)", _(entry->sentence), tiktok_message);
  if (entry != NULL)
    return g_strdup (_(entry->sentence));
  if (tiktok_message != NULL && *tiktok_message != '\0')
    return g_strdup_printf (_("TikTok reported an error: %s (%s)"), tiktok_message,
                            tiktok_code != NULL ? tiktok_code : "unknown");
  if (http_status >= 500)
    return g_strdup_printf (_("TikTok had a server problem (HTTP %u). Please try again later."), http_status);
  return g_strdup_printf (_("TikTok reported an error (%s)."), tiktok_code != NULL ? tiktok_code : "unknown");
}

GError *
wbps_tiktok_error_new (const char *tiktok_code,
                       const char *tiktok_message,
                       const char *log_id,
                       guint       http_status)
{
  g_autofree char *sentence = plain_sentence (tiktok_code, tiktok_message, http_status);
  GError *error = g_error_new_literal (WBPS_TIKTOK_ERROR,
                                       wbps_tiktok_error_code_from_string (tiktok_code),
                                       sentence);
  WbpsTiktokErrorPrivate *priv = wbps_tiktok_error_get_private (error);

  priv->code = g_strdup (tiktok_code);
  priv->message = g_strdup (tiktok_message);
  priv->log_id = (log_id != NULL && *log_id != '\0') ? g_strdup (log_id) : NULL;
  priv->http_status = http_status;
  return error;
}

static WbpsTiktokErrorPrivate *
get_priv (const GError *error)
{
  if (error == NULL || error->domain != WBPS_TIKTOK_ERROR)
    return NULL;
  return wbps_tiktok_error_get_private (error);
}

const char *
wbps_tiktok_error_get_code (const GError *error)
{
  WbpsTiktokErrorPrivate *priv = get_priv (error);

  return priv != NULL ? priv->code : NULL;
}

const char *
wbps_tiktok_error_get_message (const GError *error)
{
  WbpsTiktokErrorPrivate *priv = get_priv (error);

  return priv != NULL ? priv->message : NULL;
}

const char *
wbps_tiktok_error_get_log_id (const GError *error)
{
  WbpsTiktokErrorPrivate *priv = get_priv (error);

  return priv != NULL ? priv->log_id : NULL;
}

guint
wbps_tiktok_error_get_http_status (const GError *error)
{
  WbpsTiktokErrorPrivate *priv = get_priv (error);

  return priv != NULL ? priv->http_status : 0;
}

/* Worth retrying later: TikTok's own trouble, or its rate limit. */
gboolean
wbps_tiktok_error_is_transient (const GError *error)
{
  if (get_priv (error) == NULL)
    return FALSE;
  switch (error->code)
    {
    case WBPS_TIKTOK_ERROR_SERVER_ERROR:
    case WBPS_TIKTOK_ERROR_TEMPORARILY_UNAVAILABLE:
    case WBPS_TIKTOK_ERROR_INTERNAL_ERROR:
    case WBPS_TIKTOK_ERROR_RATE_LIMIT_EXCEEDED:
      return TRUE;
    default:
      return wbps_tiktok_error_get_http_status (error) >= 500;
    }
}

char *
wbps_error_describe (const GError *error)
{
  const char *log_id = wbps_tiktok_error_get_log_id (error);

  if (error == NULL)
    return g_strdup (_("Unknown error"));
  if (log_id != NULL)
    return g_strdup_printf (_("%s (log ID %s)"), error->message, log_id);
  return g_strdup (error->message);
}

static const char *
local_code_name (const GError *error)
{
  if (error->domain == WBPS_ERROR)
    {
      static const char *names[] = { "failed", "config", "not_signed_in", "malformed_reply",
                                     "timeout", "invalid_argument" };
      if (error->code >= 0 && (guint) error->code < G_N_ELEMENTS (names))
        return names[error->code];
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return "timeout";
  return "failed";
}

char *
wbps_error_to_json (const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *code = wbps_tiktok_error_get_code (error);
  const char *log_id = wbps_tiktok_error_get_log_id (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code != NULL ? code : local_code_name (error));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "log_id");
  if (log_id != NULL)
    json_builder_add_string_value (builder, log_id);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
