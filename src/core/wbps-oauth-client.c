/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "wbps-error.h"
#include "wbps-http.h"
#include "wbps-json.h"
#include "wbps-oauth-client.h"
#include "wbps-redact.h"

#define TOKEN_PATH  "/v2/oauth/token/"
#define REVOKE_PATH "/v2/oauth/revoke/"

struct _WbpsOAuthClient
{
  GObject      parent_instance;

  WbpsConfig  *config;
  SoupSession *session;
};

G_DEFINE_TYPE (WbpsOAuthClient, wbps_oauth_client, G_TYPE_OBJECT)

static void
wbps_oauth_client_dispose (GObject *object)
{
  WbpsOAuthClient *self = WBPS_OAUTH_CLIENT (object);

  g_clear_object (&self->config);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (wbps_oauth_client_parent_class)->dispose (object);
}

static void
wbps_oauth_client_class_init (WbpsOAuthClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = wbps_oauth_client_dispose;
}

static void
wbps_oauth_client_init (WbpsOAuthClient *self)
{
}

WbpsOAuthClient *
wbps_oauth_client_new (WbpsConfig  *config,
                       SoupSession *session)
{
  WbpsOAuthClient *self;

  g_return_val_if_fail (WBPS_IS_CONFIG (config), NULL);
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  self = g_object_new (WBPS_TYPE_OAUTH_CLIENT, NULL);
  self->config = g_object_ref (config);
  if (session != NULL)
    self->session = g_object_ref (session);
  else
    self->session = soup_session_new_with_options ("user-agent", "wbps/" PACKAGE_VERSION,
                                                   "timeout", 60,
                                                   NULL);
  return self;
}

WbpsConfig *
wbps_oauth_client_get_config (WbpsOAuthClient *self)
{
  g_return_val_if_fail (WBPS_IS_OAUTH_CLIENT (self), NULL);

  return self->config;
}

SoupSession *
wbps_oauth_client_get_session (WbpsOAuthClient *self)
{
  g_return_val_if_fail (WBPS_IS_OAUTH_CLIENT (self), NULL);

  return self->session;
}

char *
wbps_oauth_client_build_authorize_url (WbpsOAuthClient *self,
                                       const char      *redirect_uri,
                                       const char      *scope_csv,
                                       const char      *state,
                                       const char      *code_challenge)
{
  const char *auth_url;
  g_autofree char *query = NULL;

  g_return_val_if_fail (WBPS_IS_OAUTH_CLIENT (self), NULL);
  g_return_val_if_fail (redirect_uri != NULL && state != NULL && code_challenge != NULL, NULL);

  auth_url = wbps_config_get_auth_url (self->config);
  g_return_val_if_fail (auth_url != NULL && wbps_config_get_client_key (self->config) != NULL, NULL);

  query = soup_form_encode ("client_key", wbps_config_get_client_key (self->config),
                            "scope", scope_csv != NULL ? scope_csv : WBPS_OAUTH_DEFAULT_SCOPES,
                            "response_type", "code",
                            "redirect_uri", redirect_uri,
                            "state", state,
                            "code_challenge", code_challenge,
                            "code_challenge_method", "S256",
                            NULL);
  return g_strconcat (auth_url, strchr (auth_url, '?') != NULL ? "&" : "?", query, NULL);
}

/* ---- the flat OAuth envelope --------------------------------------------- */

static const char *
object_log_id (JsonObject *object)
{
  const char *log_id = wbps_json_get_string (object, "log_id");

  /* TikTok's tables write "logid" although its examples use "log_id". */
  return log_id != NULL ? log_id : wbps_json_get_string (object, "logid");
}

/* The flat `error` string, or (defensively) a v2-style `error` object not "ok". */
static GError *
error_from_reply (JsonObject *reply,
                  guint       http_status)
{
  JsonObject *inner = wbps_json_get_object (reply, "error");
  const char *code = wbps_json_get_string (reply, "error");

  if (code != NULL && *code != '\0')
    return wbps_tiktok_error_new (code, wbps_json_get_string (reply, "error_description"),
                                  object_log_id (reply), http_status);
  code = wbps_json_get_string (inner, "code");
  if (code != NULL && *code != '\0' && g_strcmp0 (code, "ok") != 0)
    return wbps_tiktok_error_new (code, wbps_json_get_string (inner, "message"),
                                  object_log_id (inner), http_status);
  return NULL;
}

/* A reply we cannot read: TikTok's trouble when 5xx (so it counts as transient). */
static GError *
unreadable_reply_error (guint http_status)
{
  if (http_status >= 500)
    return wbps_tiktok_error_new (NULL, NULL, NULL, http_status);
  return g_error_new (WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                      _("TikTok sent a reply wbps could not understand (HTTP %u)."), http_status);
}

/**
 * wbps_oauth_client_parse_reply:
 * Returns: (transfer full): the reply object, or NULL with @error set; an empty
 * 2xx body is an empty object. Bounded in size and depth before parsing.
 */
JsonObject *
wbps_oauth_client_parse_reply (guint    status,
                               GBytes  *body,
                               GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) bound_error = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  JsonObject *reply;
  GError *tiktok_error;

  if (length == 0 && SOUP_STATUS_IS_SUCCESSFUL (status))
    return json_object_new ();
  if (!wbps_json_check_bounds (data, length, &bound_error))
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                   _("TikTok sent a reply wbps refuses to read (HTTP %u): %s"), status,
                   bound_error->message);
      return NULL;
    }
  if (length == 0 || (root = wbps_json_parse_bounded (data, length, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, unreadable_reply_error (status));
      return NULL;
    }
  reply = json_node_get_object (root);
  /* Check `error` whatever the status: TikTok sends OAuth errors with HTTP 200 too. */
  if ((tiktok_error = error_from_reply (reply, status)) != NULL)
    {
      g_propagate_error (error, tiktok_error);
      return NULL;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_propagate_error (error, unreadable_reply_error (status));
      return NULL;
    }
  return json_object_ref (reply);
}

static WbpsToken *
token_from_reply (WbpsOAuthClient  *self,
                  JsonObject       *reply,
                  GError          **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Before validation: even a reply rejected as incomplete may carry a token. */
  wbps_redact_register (wbps_json_get_string (reply, "access_token"));
  wbps_redact_register (wbps_json_get_string (reply, "refresh_token"));
  /* wbps-token checks every required field (WBPS_ERROR_MALFORMED_REPLY otherwise). */
  return wbps_token_new_from_response (reply, wbps_config_get_client_key (self->config), now, error);
}

/* ---- posting a form -------------------------------------------------------- */

static void
token_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsOAuthClient *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  WbpsToken *token;

  g_assert (WBPS_IS_OAUTH_CLIENT (self));

  body = wbps_http_send_and_read_finish (result, &error);
  if (body != NULL)
    reply = wbps_oauth_client_parse_reply (soup_message_get_status (msg), body, &error);
  if (reply == NULL || (token = token_from_reply (self, reply, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, token, (GDestroyNotify) wbps_token_free);
}

static void
revoke_reply_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) reply = NULL;

  body = wbps_http_send_and_read_finish (result, &error);
  if (body != NULL)
    reply = wbps_oauth_client_parse_reply (soup_message_get_status (msg), body, &error);
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/*
 * Starts the POST of @form (already encoded; it holds secrets) to @path under the
 * API base; @reply_cb receives the task, which owns the message as task data.
 */
static void
post_form (WbpsOAuthClient     *self,
           GTask               *task,
           const char          *path,
           const char          *broker_path,
           char                *form,
           GAsyncReadyCallback  reply_cb)
{
  /* Without the client secret here, the relay's broker adds it and forwards to TikTok. */
  g_autofree char *url = wbps_config_uses_broker (self->config)
                         ? wbps_config_relay_endpoint (self->config, broker_path)
                         : wbps_config_api_endpoint (self->config, path);
  SoupMessage *msg = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url, form);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    {
      g_task_return_new_error (task, WBPS_ERROR, WBPS_ERROR_CONFIG,
                               _("The TikTok API address is not a valid URL."));
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  g_task_set_task_data (task, msg, g_object_unref);
  wbps_http_send_and_read_async (self->session, msg, WBPS_HTTP_DEFAULT_DEADLINE_SECONDS,
                                 g_task_get_cancellable (task), reply_cb, task);
}

/* Empty when the relay's broker holds the secret: the broker replaces the field. */
static const char *
client_secret (WbpsOAuthClient *self)
{
  const char *secret = wbps_config_get_client_secret (self->config);

  return secret != NULL ? secret : "";
}

/* A new task, or NULL when it already failed because the configuration is incomplete. */
static GTask *
new_task (WbpsOAuthClient     *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, source_tag);
  if (!wbps_config_validate (self->config, &error))
    {
      g_task_return_error (task, error);
      return NULL;
    }
  return g_steal_pointer (&task);
}

void
wbps_oauth_client_exchange_code_async (WbpsOAuthClient     *self,
                                       const char          *code,
                                       const char          *redirect_uri,
                                       const char          *code_verifier,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WBPS_IS_OAUTH_CLIENT (self));
  g_return_if_fail (code != NULL && redirect_uri != NULL && code_verifier != NULL);

  wbps_redact_register (code);
  wbps_redact_register (code_verifier);
  if ((task = new_task (self, wbps_oauth_client_exchange_code_async, cancellable, callback, user_data)) == NULL)
    return;
  /* @code was URL-decoded once by the callback parser; this encodes it exactly once. */
  post_form (self, task, TOKEN_PATH, "/oauth/token",
             soup_form_encode ("client_key", wbps_config_get_client_key (self->config),
                               "client_secret", client_secret (self),
                               "code", code,
                               "grant_type", "authorization_code",
                               "redirect_uri", redirect_uri,
                               "code_verifier", code_verifier,
                               NULL),
             token_reply_cb);
}

WbpsToken *
wbps_oauth_client_exchange_code_finish (WbpsOAuthClient  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_oauth_client_refresh_async (WbpsOAuthClient     *self,
                                 const char          *refresh_token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WBPS_IS_OAUTH_CLIENT (self));
  g_return_if_fail (refresh_token != NULL);

  wbps_redact_register (refresh_token);
  if ((task = new_task (self, wbps_oauth_client_refresh_async, cancellable, callback, user_data)) == NULL)
    return;
  post_form (self, task, TOKEN_PATH, "/oauth/refresh",
             soup_form_encode ("client_key", wbps_config_get_client_key (self->config),
                               "client_secret", client_secret (self),
                               "grant_type", "refresh_token",
                               "refresh_token", refresh_token,
                               NULL),
             token_reply_cb);
}

WbpsToken *
wbps_oauth_client_refresh_finish (WbpsOAuthClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_oauth_client_revoke_async (WbpsOAuthClient     *self,
                                const char          *access_token,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WBPS_IS_OAUTH_CLIENT (self));
  g_return_if_fail (access_token != NULL);

  wbps_redact_register (access_token);
  if ((task = new_task (self, wbps_oauth_client_revoke_async, cancellable, callback, user_data)) == NULL)
    return;
  post_form (self, task, REVOKE_PATH, "/oauth/revoke",
             soup_form_encode ("client_key", wbps_config_get_client_key (self->config),
                               "client_secret", client_secret (self),
                               "token", access_token,
                               NULL),
             revoke_reply_cb);
}

gboolean
wbps_oauth_client_revoke_finish (WbpsOAuthClient  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
