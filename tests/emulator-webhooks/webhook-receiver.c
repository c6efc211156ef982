/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "webhook-receiver.h"

#include <string.h>

#include "wbps-test-server.h"

struct _WebhookReceiver
{
  WbpsTestServer *server;
  char           *url;
  GMutex          mutex;
  GCond           cond;
  GPtrArray      *requests;    /* WebhookRequest*, guarded by mutex */
  guint           fail_first;
  guint           stall_first;
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
  WebhookRequest *request;
  guint index;

  if (!g_str_equal (path, "/webhook"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  request = g_new0 (WebhookRequest, 1);
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
  receiver->server = wbps_test_server_new (WBPS_TEST_SERVER_OWN_THREAD, webhook_cb, receiver);
  receiver->url = g_strconcat (wbps_test_server_get_url (receiver->server), "/webhook", NULL);
  return receiver;
}

void
webhook_receiver_stop (WebhookReceiver *receiver)
{
  if (receiver == NULL)
    return;
  wbps_test_server_free (receiver->server);
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
