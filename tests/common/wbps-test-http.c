/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-test-http.h"

#include <string.h>

static SoupSession *
session (void)
{
  static SoupSession *shared;

  /* Bounded so a broken emulator fails the test instead of hanging it. */
  if (shared == NULL)
    shared = soup_session_new_with_options ("timeout", 30, "idle-timeout", 30, NULL);
  return shared;
}

void
emu_reply_free (EmuReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->body);
  g_free (reply->location);
  g_free (reply->content_type);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

static EmuReply *
send_message (SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  EmuReply *reply = g_new0 (EmuReply, 1);
  SoupMessageHeaders *headers;
  gint64 start = g_get_monotonic_time ();
  gsize size;
  const char *data;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  bytes = soup_session_send_and_read (session (), msg, NULL, &error);
  g_assert_no_error (error);
  reply->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  data = g_bytes_get_data (bytes, &size);
  reply->body = g_strndup (data != NULL ? data : "", size);
  reply->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  reply->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  if (g_strcmp0 (reply->content_type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      json_parser_load_from_data (parser, reply->body, -1, &error);
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }
  return reply;
}

EmuReply *
emu_request (const char *method,
             const char *url,
             const char *authorization,
             const char *content_type,
             const char *body,
             gssize      body_size)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, body_size < 0 ? strlen (body) : (gsize) body_size);

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  return send_message (msg);
}

EmuReply *
emu_get_auth (const char *url,
              const char *authorization)
{
  return emu_request ("GET", url, authorization, NULL, NULL, 0);
}

EmuReply *
emu_get (const char *url,
         const char *bearer)
{
  g_autofree char *authorization = bearer != NULL ? g_strconcat ("Bearer ", bearer, NULL) : NULL;

  return emu_get_auth (url, authorization);
}

EmuReply *
emu_post_form (const char *url,
               ...)
{
  g_autoptr(GString) body = g_string_new (NULL);
  const char *name;
  va_list args;

  va_start (args, url);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = NULL;

      if (value == NULL)
        continue;
      escaped = g_uri_escape_string (value, NULL, FALSE);
      g_string_append_printf (body, "%s%s=%s", body->len > 0 ? "&" : "", name, escaped);
    }
  va_end (args);
  return emu_request ("POST", url, NULL, "application/x-www-form-urlencoded", body->str, body->len);
}

EmuReply *
emu_post_json (const char *url,
               const char *bearer,
               const char *body)
{
  g_autofree char *authorization = bearer != NULL ? g_strconcat ("Bearer ", bearer, NULL) : NULL;

  return emu_request ("POST", url, authorization, "application/json; charset=UTF-8", body, -1);
}

JsonObject *
emu_reply_object (EmuReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

const char *
emu_reply_string (EmuReply   *reply,
                  const char *member)
{
  JsonObject *object = emu_reply_object (reply);

  return json_object_has_member (object, member) ? json_object_get_string_member (object, member) : NULL;
}

static JsonObject *
v2_error (EmuReply *reply)
{
  JsonObject *object = emu_reply_object (reply);

  g_assert_true (json_object_has_member (object, "error"));
  return json_object_get_object_member (object, "error");
}

const char *
emu_reply_v2_code (EmuReply *reply)
{
  return json_object_get_string_member (v2_error (reply), "code");
}

const char *
emu_reply_v2_message (EmuReply *reply)
{
  return json_object_get_string_member (v2_error (reply), "message");
}

const char *
emu_reply_v2_log_id (EmuReply *reply)
{
  return json_object_get_string_member (v2_error (reply), "log_id");
}

JsonObject *
emu_reply_v2_data (EmuReply *reply)
{
  JsonObject *object = emu_reply_object (reply);

  g_assert_true (json_object_has_member (object, "data"));
  return json_object_get_object_member (object, "data");
}

void
emu_assert_log_id (const char *log_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y%m%d");

  g_assert_nonnull (log_id);
  g_assert_cmpuint (strlen (log_id), ==, 34);
  g_assert_true (g_regex_match_simple ("^[0-9]{14}[0-9A-F]{20}$", log_id, 0, 0));
  /* The timestamp part is the current UTC date (allow a midnight rollover). */
  if (!g_str_has_prefix (log_id, today))
    {
      g_autoptr(GDateTime) before = g_date_time_add_minutes (now, -5);
      g_autofree char *yesterday = g_date_time_format (before, "%Y%m%d");

      g_assert_true (g_str_has_prefix (log_id, yesterday));
    }
}

void
emu_assert_oauth_error (EmuReply   *reply,
                        const char *error,
                        const char *description)
{
  g_assert_cmpstr (emu_reply_string (reply, "error"), ==, error);
  if (description != NULL)
    g_assert_cmpstr (emu_reply_string (reply, "error_description"), ==, description);
  emu_assert_log_id (emu_reply_string (reply, "log_id"));
  g_assert_false (json_object_has_member (emu_reply_object (reply), "access_token"));
}

void
emu_assert_v2_error (EmuReply   *reply,
                     guint       status,
                     const char *code)
{
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (emu_reply_v2_code (reply), ==, code);
  emu_assert_log_id (emu_reply_v2_log_id (reply));
  g_assert_cmpuint (json_object_get_size (emu_reply_v2_data (reply)), ==, 0);
}
