/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One webhook event as the relay keeps it. */
typedef struct {
  gint64   id;            /* the cursor (SSE id:), set by append; 0 for a duplicate */
  guint8   digest[32];    /* SHA-256 of the raw body: the deduplication key */
  char    *open_id;       /* user_openid, NULL when the event has none */
  char    *name;          /* TikTok's event name */
  gint64   create_time;   /* TikTok's, Unix seconds */
  gint64   received_at;   /* ours, Unix seconds: retention counts from here */
  char    *body;          /* the raw envelope, NUL-terminated */
  gboolean duplicate;     /* set by append: the same body was already stored */
} WbpsStoredEvent;

#define WBPS_TYPE_STORED_EVENT (wbps_stored_event_get_type ())
GType            wbps_stored_event_get_type (void) G_GNUC_CONST;
WbpsStoredEvent *wbps_stored_event_new      (void);
WbpsStoredEvent *wbps_stored_event_copy     (const WbpsStoredEvent *event);
void             wbps_stored_event_free     (WbpsStoredEvent       *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsStoredEvent, wbps_stored_event_free)

#define WBPS_TYPE_EVENT_STORE (wbps_event_store_get_type ())
G_DECLARE_INTERFACE (WbpsEventStore, wbps_event_store, WBPS, EVENT_STORE, GObject)

/*
 * Where the relay keeps events: SQLite on one machine (WbpsSqliteEventStore);
 * a shared database can implement the same four calls when one relay is not
 * enough. Every call blocks and must be safe from any thread: the relay runs
 * append and purge on worker threads, list and count on its main thread.
 */
struct _WbpsEventStoreInterface
{
  GTypeInterface parent_iface;

  /* Durably stores every new event of @events in one transaction before returning
   * (ids set, increasing); an event whose digest is already stored is marked duplicate. */
  gboolean   (*append)     (WbpsEventStore  *self,
                            GPtrArray       *events,
                            GError         **error);
  /* At most @limit events of @open_id with id > @after, oldest first. */
  GPtrArray *(*list_after) (WbpsEventStore  *self,
                            const char      *open_id,
                            gint64           after,
                            guint            limit,
                            GError         **error);
  gint64     (*count)      (WbpsEventStore  *self,
                            GError         **error);
  /* Deletes events received before @received_before; returns how many. */
  gint64     (*purge)      (WbpsEventStore  *self,
                            gint64           received_before,
                            GError         **error);
};

gboolean   wbps_event_store_append     (WbpsEventStore  *self,
                                        GPtrArray       *events,
                                        GError         **error);
GPtrArray *wbps_event_store_list_after (WbpsEventStore  *self,
                                        const char      *open_id,
                                        gint64           after,
                                        guint            limit,
                                        GError         **error);
gint64     wbps_event_store_count      (WbpsEventStore  *self,
                                        GError         **error);
gint64     wbps_event_store_purge      (WbpsEventStore  *self,
                                        gint64           received_before,
                                        GError         **error);

G_END_DECLS
