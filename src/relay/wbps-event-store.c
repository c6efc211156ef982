/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-event-store.h"

G_DEFINE_INTERFACE (WbpsEventStore, wbps_event_store, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (WbpsStoredEvent, wbps_stored_event, wbps_stored_event_copy, wbps_stored_event_free)

static void
wbps_event_store_default_init (WbpsEventStoreInterface *iface)
{
}

WbpsStoredEvent *
wbps_stored_event_new (void)
{
  return g_new0 (WbpsStoredEvent, 1);
}

WbpsStoredEvent *
wbps_stored_event_copy (const WbpsStoredEvent *event)
{
  WbpsStoredEvent *copy = g_memdup2 (event, sizeof *event);

  copy->open_id = g_strdup (event->open_id);
  copy->name = g_strdup (event->name);
  copy->body = g_strdup (event->body);
  return copy;
}

void
wbps_stored_event_free (WbpsStoredEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->open_id);
  g_free (event->name);
  g_free (event->body);
  g_free (event);
}

gboolean
wbps_event_store_append (WbpsEventStore  *self,
                         GPtrArray       *events,
                         GError         **error)
{
  g_return_val_if_fail (WBPS_IS_EVENT_STORE (self), FALSE);
  return WBPS_EVENT_STORE_GET_IFACE (self)->append (self, events, error);
}

GPtrArray *
wbps_event_store_list_after (WbpsEventStore  *self,
                             const char      *open_id,
                             gint64           after,
                             guint            limit,
                             GError         **error)
{
  g_return_val_if_fail (WBPS_IS_EVENT_STORE (self), NULL);
  return WBPS_EVENT_STORE_GET_IFACE (self)->list_after (self, open_id, after, limit, error);
}

gint64
wbps_event_store_count (WbpsEventStore  *self,
                        GError         **error)
{
  g_return_val_if_fail (WBPS_IS_EVENT_STORE (self), -1);
  return WBPS_EVENT_STORE_GET_IFACE (self)->count (self, error);
}

gint64
wbps_event_store_purge (WbpsEventStore  *self,
                        gint64           received_before,
                        GError         **error)
{
  g_return_val_if_fail (WBPS_IS_EVENT_STORE (self), -1);
  return WBPS_EVENT_STORE_GET_IFACE (self)->purge (self, received_before, error);
}
