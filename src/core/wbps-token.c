/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "wbps-error.h"
#include "wbps-json.h"
#include "wbps-redact.h"
#include "wbps-token.h"

G_DEFINE_BOXED_TYPE (WbpsToken, wbps_token, wbps_token_copy, wbps_token_free)

WbpsToken *
wbps_token_new (void)
{
  return g_new0 (WbpsToken, 1);
}

WbpsToken *
wbps_token_copy (const WbpsToken *token)
{
  WbpsToken *copy = g_new0 (WbpsToken, 1);

  copy->client_key = g_strdup (token->client_key);
  copy->open_id = g_strdup (token->open_id);
  copy->access_token = g_strdup (token->access_token);
  copy->refresh_token = g_strdup (token->refresh_token);
  copy->scope = g_strdup (token->scope);
  copy->display_name = g_strdup (token->display_name);
  copy->username = g_strdup (token->username);
  copy->avatar_url = g_strdup (token->avatar_url);
  copy->access_expires_at = token->access_expires_at;
  copy->refresh_expires_at = token->refresh_expires_at;
  return copy;
}

void
wbps_token_free (WbpsToken *token)
{
  if (token == NULL)
    return;
  g_free (token->client_key);
  g_free (token->open_id);
  wbps_secret_free (token->access_token);
  wbps_secret_free (token->refresh_token);
  g_free (token->scope);
  g_free (token->display_name);
  g_free (token->username);
  g_free (token->avatar_url);
  g_free (token);
}

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
               _("TikTok's token reply is not usable: %s."), what);
  return FALSE;
}

/* expires_in must be a positive integer number of seconds. */
static gboolean
member_seconds (JsonObject *object,
                const char *name,
                gint64     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out > 0;
}

static gboolean
read_reply (WbpsToken   *token,
            JsonObject  *reply,
            gint64       now,
            GError     **error)
{
  const char *access = wbps_json_get_string (reply, "access_token");
  const char *refresh = wbps_json_get_string (reply, "refresh_token");
  gint64 expires_in, refresh_expires_in;

  if (access == NULL || *access == '\0')
    return malformed (error, _("no access token"));
  if (refresh == NULL || *refresh == '\0')
    return malformed (error, _("no refresh token"));
  if (!member_seconds (reply, "expires_in", &expires_in) ||
      !member_seconds (reply, "refresh_expires_in", &refresh_expires_in))
    return malformed (error, _("missing or invalid lifetimes"));

  wbps_redact_register (access);
  wbps_redact_register (refresh);
  wbps_secret_free (token->access_token);
  wbps_secret_free (token->refresh_token);
  token->access_token = g_strdup (access);
  token->refresh_token = g_strdup (refresh);
  token->access_expires_at = now + expires_in;
  token->refresh_expires_at = now + refresh_expires_in;
  if (wbps_json_get_string (reply, "scope") != NULL)
    {
      g_free (token->scope);
      token->scope = g_strdup (wbps_json_get_string (reply, "scope"));
    }
  return TRUE;
}

WbpsToken *
wbps_token_new_from_response (JsonObject  *reply,
                              const char  *client_key,
                              gint64       now,
                              GError     **error)
{
  g_autoptr(WbpsToken) token = wbps_token_new ();
  const char *open_id = wbps_json_get_string (reply, "open_id");

  if (open_id == NULL || *open_id == '\0')
    return (malformed (error, _("no open_id")), NULL);
  if (!read_reply (token, reply, now, error))
    return NULL;
  token->open_id = g_strdup (open_id);
  token->client_key = g_strdup (client_key);
  return g_steal_pointer (&token);
}

gboolean
wbps_token_update_from_response (WbpsToken   *token,
                                 JsonObject  *reply,
                                 gint64       now,
                                 GError     **error)
{
  const char *open_id = wbps_json_get_string (reply, "open_id");

  if (open_id != NULL && token->open_id != NULL && !g_str_equal (open_id, token->open_id))
    return malformed (error, _("the refreshed token belongs to another account"));
  return read_reply (token, reply, now, error);
}

char *
wbps_token_serialize (const WbpsToken *token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  wbps_json_add_int (builder, "version", 1);
  wbps_json_add_string_or_null (builder, "client_key", token->client_key);
  wbps_json_add_string_or_null (builder, "open_id", token->open_id);
  wbps_json_add_string_or_null (builder, "access_token", token->access_token);
  wbps_json_add_string_or_null (builder, "refresh_token", token->refresh_token);
  wbps_json_add_string_or_null (builder, "scope", token->scope);
  wbps_json_add_string_or_null (builder, "display_name", token->display_name);
  wbps_json_add_string_or_null (builder, "username", token->username);
  wbps_json_add_string_or_null (builder, "avatar_url", token->avatar_url);
  wbps_json_add_int (builder, "access_expires_at", token->access_expires_at);
  wbps_json_add_int (builder, "refresh_expires_at", token->refresh_expires_at);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

WbpsToken *
wbps_token_deserialize (const char  *json,
                        GError     **error)
{
  g_autoptr(WbpsToken) token = wbps_token_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (json == NULL || (root = wbps_json_parse_bounded (json, strlen (json), NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, WBPS_ERROR, WBPS_ERROR_FAILED,
                           _("The stored sign-in is damaged; please sign in again."));
      return NULL;
    }
  object = json_node_get_object (root);
  token->client_key = g_strdup (wbps_json_get_string (object, "client_key"));
  token->open_id = g_strdup (wbps_json_get_string (object, "open_id"));
  token->access_token = g_strdup (wbps_json_get_string (object, "access_token"));
  token->refresh_token = g_strdup (wbps_json_get_string (object, "refresh_token"));
  token->scope = g_strdup (wbps_json_get_string (object, "scope"));
  token->display_name = g_strdup (wbps_json_get_string (object, "display_name"));
  token->username = g_strdup (wbps_json_get_string (object, "username"));
  token->avatar_url = g_strdup (wbps_json_get_string (object, "avatar_url"));
  token->access_expires_at = json_object_get_int_member_with_default (object, "access_expires_at", 0);
  token->refresh_expires_at = json_object_get_int_member_with_default (object, "refresh_expires_at", 0);
  if (token->open_id == NULL || token->access_token == NULL || token->refresh_token == NULL)
    {
      g_set_error_literal (error, WBPS_ERROR, WBPS_ERROR_FAILED,
                           _("The stored sign-in is incomplete; please sign in again."));
      return NULL;
    }
  wbps_redact_register (token->access_token);
  wbps_redact_register (token->refresh_token);
  return g_steal_pointer (&token);
}

gboolean
wbps_token_has_scope (const WbpsToken *token,
                      const char      *scope)
{
  g_auto(GStrv) scopes = NULL;

  if (token->scope == NULL)
    return FALSE;
  scopes = g_strsplit (token->scope, ",", -1);
  for (guint i = 0; scopes[i] != NULL; i++)
    if (g_str_equal (g_strstrip (scopes[i]), scope))
      return TRUE;
  return FALSE;
}

gboolean
wbps_token_access_expiring (const WbpsToken *token,
                            gint64           now,
                            gint64           margin)
{
  return token->access_expires_at - margin <= now;
}

gboolean
wbps_token_refresh_expired (const WbpsToken *token,
                            gint64           now)
{
  return token->refresh_expires_at <= now;
}
