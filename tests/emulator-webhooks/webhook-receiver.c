/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "webhook-receiver.h"

#include <string.h>

struct _WebhookReceiver
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  GMutex        mutex;
  GCond         cond;
  GPtrArray    *requests;    /* WebhookRequest*, guarded by mutex */
  guint         fail_first;
  guint         stall_first;
};

static void
webhook_request_free (WebhookRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->content_type);
  g_free (request->signature);
  g_free (request->body);
  g_free (request);
}

static void
webhook_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  WebhookReceiver *receiver = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  WebhookRequest *request = g_new0 (WebhookRequest, 1);
  guint index;

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (path);
  request->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  request->signature = g_strdup (soup_message_headers_get_one (headers, "TikTok-Signature"));
  request->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  request->received_us = g_get_monotonic_time ();
  g_mutex_lock (&receiver->mutex);
  index = receiver->requests->len;
  if (index < receiver->stall_first)
    soup_server_message_pause (msg);   /* never answered: the sender must time out */
  else
    request->answered = index < receiver->stall_first + receiver->fail_first ? 500 : 200;
  if (request->answered != 0)
    soup_server_message_set_status (msg, request->answered, NULL);
  g_ptr_array_add (receiver->requests, request);
  g_cond_broadcast (&receiver->cond);
  g_mutex_unlock (&receiver->mutex);
}

static gpointer
receiver_thread (gpointer data)
{
  WebhookReceiver *receiver = data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (receiver->context);
  receiver->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (receiver->server, "/webhook", webhook_cb, receiver, NULL);
  soup_server_listen (receiver->server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (receiver->server);
  g_mutex_lock (&receiver->mutex);
  receiver->url = g_strdup_printf ("http://127.0.0.1:%d/webhook", g_uri_get_port (uris->data));
  g_cond_broadcast (&receiver->cond);
  g_mutex_unlock (&receiver->mutex);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (receiver->loop);
  soup_server_disconnect (receiver->server);
  g_clear_object (&receiver->server);
  g_main_context_pop_thread_default (receiver->context);
  return NULL;
}

WebhookReceiver *
webhook_receiver_start (guint fail_first,
                        guint stall_first)
{
  WebhookReceiver *receiver = g_new0 (WebhookReceiver, 1);

  g_mutex_init (&receiver->mutex);
  g_cond_init (&receiver->cond);
  receiver->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) webhook_request_free);
  receiver->fail_first = fail_first;
  receiver->stall_first = stall_first;
  receiver->context = g_main_context_new ();
  receiver->loop = g_main_loop_new (receiver->context, FALSE);
  receiver->thread = g_thread_new ("webhook-receiver", receiver_thread, receiver);
  g_mutex_lock (&receiver->mutex);
  while (receiver->url == NULL)
    g_cond_wait (&receiver->cond, &receiver->mutex);
  g_mutex_unlock (&receiver->mutex);
  return receiver;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
webhook_receiver_stop (WebhookReceiver *receiver)
{
  if (receiver == NULL)
    return;
  g_main_context_invoke (receiver->context, quit_cb, receiver->loop);
  g_thread_join (receiver->thread);
  g_main_loop_unref (receiver->loop);
  g_main_context_unref (receiver->context);
  g_ptr_array_unref (receiver->requests);
  g_mutex_clear (&receiver->mutex);
  g_cond_clear (&receiver->cond);
  g_free (receiver->url);
  g_free (receiver);
}

const char *
webhook_receiver_url (WebhookReceiver *receiver)
{
  return receiver->url;
}

const WebhookRequest *
webhook_receiver_wait (WebhookReceiver *receiver,
                       guint            count,
                       guint            timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  const WebhookRequest *request;

  g_mutex_lock (&receiver->mutex);
  while (receiver->requests->len < count)
    if (!g_cond_wait_until (&receiver->cond, &receiver->mutex, deadline))
      {
        guint got = receiver->requests->len;

        g_mutex_unlock (&receiver->mutex);
        g_error ("%u webhook requests after %u ms, expected %u", got, timeout_ms, count);
      }
  request = g_ptr_array_index (receiver->requests, count - 1);
  g_mutex_unlock (&receiver->mutex);
  return request;
}

guint
webhook_receiver_count (WebhookReceiver *receiver)
{
  guint count;

  g_mutex_lock (&receiver->mutex);
  count = receiver->requests->len;
  g_mutex_unlock (&receiver->mutex);
  return count;
}

const WebhookRequest *
webhook_receiver_get (WebhookReceiver *receiver,
                      guint            index)
{
  const WebhookRequest *request;

  g_mutex_lock (&receiver->mutex);
  g_assert_cmpuint (index, <, receiver->requests->len);
  request = g_ptr_array_index (receiver->requests, index);
  g_mutex_unlock (&receiver->mutex);
  return request;
}

gboolean
webhook_signature_valid (const WebhookRequest *request,
                         const char           *secret,
                         gint64               *timestamp)
{
  g_auto(GStrv) parts = NULL;
  const char *t = NULL;
  const char *s = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *expected = NULL;

  if (request->signature == NULL)
    return FALSE;
  parts = g_strsplit (request->signature, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_has_prefix (parts[i], "t="))
      t = parts[i] + 2;
    else if (g_str_has_prefix (parts[i], "s="))
      s = parts[i] + 2;
  if (t == NULL || s == NULL || !g_ascii_string_to_signed (t, 10, 0, G_MAXINT64, timestamp, NULL))
    return FALSE;
  payload = g_strconcat (t, ".", request->body, NULL);
  expected = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret), payload, -1);
  return strlen (s) == 64 && g_str_equal (s, expected);
}
