/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "wbps-event-store.h"

G_BEGIN_DECLS

#define WBPS_TYPE_RELAY_STREAM (wbps_relay_stream_get_type ())
G_DECLARE_FINAL_TYPE (WbpsRelayStream, wbps_relay_stream, WBPS, RELAY_STREAM, GObject)

/*
 * One desktop's Server-Sent Events response: `id:` the event's cursor,
 * `event:` TikTok's name, `data:` the stored envelope. Starts the chunked 200
 * response on @msg; events at or below the last cursor sent are skipped, so a
 * replay and a live push of the same event send it once.
 */
WbpsRelayStream   *wbps_relay_stream_new        (SoupServerMessage     *msg,
                                                 const char            *open_id,
                                                 gint64                 last_event_id);
SoupServerMessage *wbps_relay_stream_get_message (WbpsRelayStream      *self);
const char        *wbps_relay_stream_get_open_id (WbpsRelayStream      *self);
gint64             wbps_relay_stream_get_cursor  (WbpsRelayStream      *self);

void               wbps_relay_stream_send       (WbpsRelayStream       *self,
                                                 const WbpsStoredEvent *event);
/* A comment line (heartbeat): ignored by clients, keeps proxies from closing the stream. */
void               wbps_relay_stream_comment    (WbpsRelayStream       *self,
                                                 const char            *text);
/* Ends the response (relay stopping). */
void               wbps_relay_stream_close      (WbpsRelayStream       *self);
/* The connection went away: nothing is written any more. */
void               wbps_relay_stream_detach     (WbpsRelayStream       *self);

G_END_DECLS
