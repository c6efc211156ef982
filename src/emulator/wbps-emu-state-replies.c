/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replies in TikTok's two envelopes (v2 and flat OAuth), refusals, and held replies. */
#include "wbps-emu-state-private.h"

#include <string.h>

#define HOLDS_KEY "wbps-emu-holds"
#define FINISHED_KEY "wbps-emu-finished"

char *
wbps_emu_state_new_log_id (WbpsEmuState *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d%H%M%S");
  guint8 bytes[10];
  GString *id = g_string_new (stamp);

  wbps_emu_fill_random (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (id, "%02X", bytes[i]);
  return g_string_free (id, FALSE);
}

static void
set_json_body (WbpsEmuState      *self,
               SoupServerMessage *msg,
               guint              http_status,
               JsonNode          *node,
               const char        *log_id)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  char *text;
  gsize length;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, http_status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (log_id != NULL)
    soup_message_headers_replace (headers, "X-Tt-Logid", log_id);
  soup_server_message_set_response (msg, "application/json; charset=UTF-8", SOUP_MEMORY_TAKE, text, length);
}

JsonNode *
wbps_emu_json_empty_object (void)
{
  g_autoptr(JsonObject) object = json_object_new ();

  /* The node takes a reference of its own: ours goes with the g_autoptr. */
  return json_node_init_object (json_node_alloc (), object);
}

void
wbps_emu_reply_v2 (WbpsEmuState      *self,
                   SoupServerMessage *msg,
                   guint              http_status,
                   JsonNode          *data,
                   const char        *code,
                   const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *log_id = wbps_emu_state_new_log_id (self);

  if (data == NULL)
    data = wbps_emu_json_empty_object ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_add_value (builder, data);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code != NULL ? code : "ok");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message != NULL ? message : "");
  json_builder_set_member_name (builder, "log_id");
  json_builder_add_string_value (builder, log_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  set_json_body (self, msg, http_status, root, log_id);
}

void
wbps_emu_reply_oauth_error_status (WbpsEmuState      *self,
                                   SoupServerMessage *msg,
                                   guint              http_status,
                                   const char        *error,
                                   const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *log_id = wbps_emu_state_new_log_id (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description != NULL ? description : "");
  json_builder_set_member_name (builder, "log_id");
  json_builder_add_string_value (builder, log_id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  set_json_body (self, msg, http_status, root, log_id);
}

void
wbps_emu_reply_oauth_error (WbpsEmuState      *self,
                            SoupServerMessage *msg,
                            const char        *error,
                            const char        *description)
{
  guint status = wbps_emu_state_get_int (self, "oauth-error-status", SOUP_STATUS_OK);

  wbps_emu_reply_oauth_error_status (self, msg, status, error, description);
}

void
wbps_emu_reply_json (WbpsEmuState      *self,
                     SoupServerMessage *msg,
                     guint              http_status,
                     JsonNode          *node)
{
  g_autoptr(JsonNode) owned = node;
  g_autofree char *log_id = wbps_emu_state_new_log_id (self);

  set_json_body (self, msg, http_status, owned, log_id);
}

/* A refusal in the envelope of the endpoint family of @msg's path. */
static void
reply_refusal_for_path (WbpsEmuState      *self,
                        SoupServerMessage *msg,
                        guint              http_status,
                        const char        *message)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (g_str_has_prefix (path, "/v2/oauth/"))
    wbps_emu_reply_oauth_error_status (self, msg, http_status, "invalid_request", message);
  else if (g_str_has_prefix (path, "/v2/") && !g_str_has_prefix (path, "/v2/auth/"))
    wbps_emu_reply_v2 (self, msg, http_status, NULL, "invalid_params", message);
  else
    {
      soup_server_message_set_status (msg, http_status, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY,
                                        message, strlen (message));
    }
}

void
wbps_emu_reply_method_not_allowed (WbpsEmuState      *self,
                                   SoupServerMessage *msg,
                                   const char        *allowed)
{
  g_autofree char *message = g_strdup_printf ("This endpoint only accepts %s requests.", allowed);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  reply_refusal_for_path (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, message);
}

gboolean
wbps_emu_refuse_large_body (WbpsEmuState      *self,
                            SoupServerMessage *msg,
                            goffset            limit)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      soup_message_headers_get_content_length (headers) <= limit)
    return FALSE;
  reply_refusal_for_path (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "The request body is too large.");
  return TRUE;
}

gboolean
wbps_emu_require_method (WbpsEmuState      *self,
                         SoupServerMessage *msg,
                         const char        *method)
{
  if (g_str_equal (soup_server_message_get_method (msg), method))
    return TRUE;
  wbps_emu_reply_method_not_allowed (self, msg, method);
  return FALSE;
}

GHashTable *
wbps_emu_read_form (SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_strndup (data != NULL ? data : "", size);

  return soup_form_decode (text);
}

/* ---- holding replies ---- */

static void
message_finished_cb (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), FINISHED_KEY, GINT_TO_POINTER (TRUE));
}

void
wbps_emu_state_hold_reply (WbpsEmuState      *self,
                           SoupServerMessage *msg)
{
  guint holds = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), HOLDS_KEY));

  if (g_object_get_data (G_OBJECT (msg), FINISHED_KEY) != NULL)
    return;
  if (holds == 0)
    {
      if (g_object_get_data (G_OBJECT (msg), "wbps-emu-watched") == NULL)
        {
          g_object_set_data (G_OBJECT (msg), "wbps-emu-watched", GINT_TO_POINTER (TRUE));
          g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), NULL);
        }
      soup_server_message_pause (msg);
    }
  g_object_set_data (G_OBJECT (msg), HOLDS_KEY, GUINT_TO_POINTER (holds + 1));
}

void
wbps_emu_state_release_reply (WbpsEmuState      *self,
                              SoupServerMessage *msg)
{
  guint holds = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), HOLDS_KEY));

  if (holds == 0)
    return;
  g_object_set_data (G_OBJECT (msg), HOLDS_KEY, GUINT_TO_POINTER (holds - 1));
  /* Unpausing a message whose connection is gone would be a critical in libsoup. */
  if (holds == 1 && g_object_get_data (G_OBJECT (msg), FINISHED_KEY) == NULL)
    soup_server_message_unpause (msg);
}
