/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Webhook events: what TikTok would POST to the app's callback URL (delivery: wbps-emu-webhooks.c). */
#include "wbps-emu-state-private.h"

void
wbps_emu_event_free (WbpsEmuEvent *event)
{
  g_free (event->client_key);
  g_free (event->event);
  g_free (event->user_openid);
  g_free (event->content);
  g_free (event->body);
  g_free (event);
}

void
wbps_emu_event_add_envelope (WbpsEmuEvent *event,
                             JsonBuilder  *builder)
{
  json_builder_set_member_name (builder, "client_key");
  json_builder_add_string_value (builder, event->client_key);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event->event);
  json_builder_set_member_name (builder, "create_time");
  json_builder_add_int_value (builder, event->create_time);
  json_builder_set_member_name (builder, "user_openid");
  json_builder_add_string_value (builder, event->user_openid);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, event->content);
}

static char *
event_body (WbpsEmuEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  wbps_emu_event_add_envelope (event, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

void
wbps_emu_state_add_event (WbpsEmuState *self,
                          const char   *client_key,
                          const char   *event_name,
                          const char   *user_openid,
                          const char   *content_json)
{
  WbpsEmuEvent *event = g_new0 (WbpsEmuEvent, 1);

  event->client_key = g_strdup (client_key);
  event->event = g_strdup (event_name);
  event->user_openid = g_strdup (user_openid);
  event->create_time = wbps_emu_state_now_ms (self) / 1000;
  event->content = g_strdup (content_json);
  event->serial = self->events->len + 1;
  event->body = event_body (event);
  g_ptr_array_add (self->events, event);
  wbps_emu_state_emit_event_added (self, event);
}

GPtrArray *
wbps_emu_state_get_events (WbpsEmuState *self)
{
  return self->events;
}
