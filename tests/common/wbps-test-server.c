/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-test-server.h"

#include <string.h>

struct _WbpsTestServer
{
  SoupServerCallback  handler;
  gpointer            user_data;
  SoupServer         *server;
  char               *url;
  guint               port;
  /* Only with WBPS_TEST_SERVER_OWN_THREAD: */
  GThread            *thread;
  GMainContext       *context;
  GMainLoop          *loop;
  GMutex              mutex;
  GCond               cond;
};

/* Starts listening on the thread-default main context of the calling thread. */
static void
server_listen (WbpsTestServer *self)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, self->handler, self->user_data, NULL);
  soup_server_listen (self->server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
server_close (WbpsTestServer *self)
{
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
}

static gpointer
server_thread (gpointer data)
{
  WbpsTestServer *self = data;

  g_main_context_push_thread_default (self->context);
  server_listen (self);
  g_mutex_lock (&self->mutex);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_main_loop_run (self->loop);
  server_close (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
start_own_thread (WbpsTestServer *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("wbps-test-server", server_thread, self);
  g_mutex_lock (&self->mutex);
  while (self->url == NULL)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

WbpsTestServer *
wbps_test_server_new (WbpsTestServerFlags flags,
                      SoupServerCallback  handler,
                      gpointer            user_data)
{
  WbpsTestServer *self = g_new0 (WbpsTestServer, 1);

  self->handler = handler;
  self->user_data = user_data;
  if (flags & WBPS_TEST_SERVER_OWN_THREAD)
    {
      start_own_thread (self);
      return self;
    }
  server_listen (self);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
wbps_test_server_free (WbpsTestServer *self)
{
  if (self == NULL)
    return;
  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_loop, self->loop);
      g_thread_join (self->thread);
      g_main_loop_unref (self->loop);
      g_main_context_unref (self->context);
      g_mutex_clear (&self->mutex);
      g_cond_clear (&self->cond);
    }
  else
    server_close (self);
  g_free (self->url);
  g_free (self);
}

const char *
wbps_test_server_get_url (WbpsTestServer *self)
{
  return self->url;
}

guint
wbps_test_server_get_port (WbpsTestServer *self)
{
  return self->port;
}

void
wbps_test_server_reply (SoupServerMessage *msg,
                        guint              status,
                        const char        *content_type,
                        const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                    body != NULL ? body : "", body != NULL ? strlen (body) : 0);
}
