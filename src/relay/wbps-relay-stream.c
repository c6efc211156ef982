/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-relay-stream.h"

struct _WbpsRelayStream
{
  GObject            parent_instance;

  SoupServerMessage *msg;     /* NULL once detached or closed */
  char              *open_id;
  gint64             cursor;  /* last id sent */
};

G_DEFINE_FINAL_TYPE (WbpsRelayStream, wbps_relay_stream, G_TYPE_OBJECT)

static void
wbps_relay_stream_finalize (GObject *object)
{
  WbpsRelayStream *self = (WbpsRelayStream *) object;

  g_clear_object (&self->msg);
  g_free (self->open_id);

  G_OBJECT_CLASS (wbps_relay_stream_parent_class)->finalize (object);
}

static void
wbps_relay_stream_class_init (WbpsRelayStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_relay_stream_finalize;
}

static void
wbps_relay_stream_init (WbpsRelayStream *self)
{
}

static void
write_text (WbpsRelayStream *self,
            GString         *text)
{
  gsize len = text->len;

  if (self->msg == NULL)
    {
      g_string_free (text, TRUE);
      return;
    }
  soup_message_body_append (soup_server_message_get_response_body (self->msg), SOUP_MEMORY_TAKE,
                            g_string_free (text, FALSE), len);
  soup_server_message_unpause (self->msg);
}

WbpsRelayStream *
wbps_relay_stream_new (SoupServerMessage *msg,
                       const char        *open_id,
                       gint64             last_event_id)
{
  WbpsRelayStream *self = g_object_new (WBPS_TYPE_RELAY_STREAM, NULL);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  self->msg = g_object_ref (msg);
  self->open_id = g_strdup (open_id);
  self->cursor = last_event_id;
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Content-Type", "text/event-stream; charset=utf-8");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  /* nginx would otherwise buffer the stream and hold events back. */
  soup_message_headers_replace (headers, "X-Accel-Buffering", "no");
  /* Written chunks are dropped instead of kept for the whole life of the stream. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  write_text (self, g_string_new ("retry: 2000\n\n"));
  return self;
}

SoupServerMessage *
wbps_relay_stream_get_message (WbpsRelayStream *self)
{
  return self->msg;
}

const char *
wbps_relay_stream_get_open_id (WbpsRelayStream *self)
{
  return self->open_id;
}

gint64
wbps_relay_stream_get_cursor (WbpsRelayStream *self)
{
  return self->cursor;
}

/* Every line of the body gets its own `data:` (clients join them with newlines). */
static void
append_data (GString    *text,
             const char *body)
{
  g_auto(GStrv) lines = g_strsplit (body, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* A CR ends an SSE line; in JSON it can only be whitespace between tokens. */
      g_strdelimit (lines[i], "\r", ' ');
      g_string_append_printf (text, "data: %s\n", lines[i]);
    }
}

void
wbps_relay_stream_send (WbpsRelayStream       *self,
                        const WbpsStoredEvent *event)
{
  GString *text;

  if (event->id <= self->cursor)
    return;
  self->cursor = event->id;
  text = g_string_sized_new (strlen (event->body) + 64);
  g_string_append_printf (text, "id: %" G_GINT64_FORMAT "\nevent: %s\n", event->id, event->name);
  append_data (text, event->body);
  g_string_append_c (text, '\n');
  write_text (self, text);
}

void
wbps_relay_stream_comment (WbpsRelayStream *self,
                           const char      *comment)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, ": %s\n\n", comment);
  write_text (self, text);
}

void
wbps_relay_stream_close (WbpsRelayStream *self)
{
  if (self->msg == NULL)
    return;
  soup_message_body_complete (soup_server_message_get_response_body (self->msg));
  soup_server_message_unpause (self->msg);
  g_clear_object (&self->msg);
}

void
wbps_relay_stream_detach (WbpsRelayStream *self)
{
  g_clear_object (&self->msg);
}
