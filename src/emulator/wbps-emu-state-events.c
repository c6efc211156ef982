/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Webhook events (spec section 6) the emulator records for delivery. */
#include "wbps-emu-state-private.h"

void
wbps_emu_event_free (WbpsEmuEvent *event)
{
  g_free (event->client_key);
  g_free (event->event);
  g_free (event->user_openid);
  g_free (event->content);
  g_free (event);
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
  g_ptr_array_add (self->events, event);
  wbps_emu_state_emit_event_added (self, event);
}

GPtrArray *
wbps_emu_state_get_events (WbpsEmuState *self)
{
  return self->events;
}
