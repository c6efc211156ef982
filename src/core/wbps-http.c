/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "wbps-error.h"
#include "wbps-http.h"
#include "wbps-json.h"

#define READ_SIZE (64 * 1024)

typedef struct {
  SoupMessage  *msg;
  GCancellable *own;          /* cancelled by the caller's cancellable or by the deadline */
  GCancellable *caller;
  gulong        caller_handler;
  GSource      *deadline;
  guint         seconds;
  gboolean      timed_out;
  GInputStream *stream;
  GByteArray   *body;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  if (exchange->caller != NULL)
    g_cancellable_disconnect (exchange->caller, exchange->caller_handler);
  g_clear_object (&exchange->caller);
  if (exchange->deadline != NULL)
    g_source_destroy (exchange->deadline);
  g_clear_pointer (&exchange->deadline, g_source_unref);
  g_clear_object (&exchange->own);
  g_clear_object (&exchange->msg);
  g_clear_object (&exchange->stream);
  g_clear_pointer (&exchange->body, g_byte_array_unref);
  g_free (exchange);
}

static GError *
too_large_error (void)
{
  return g_error_new (WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                      _("The reply is larger than the %u KiB wbps accepts, so it was not read."),
                      WBPS_JSON_MAX_BYTES / 1024);
}

/* The deadline's cancellation reads as a timeout; the caller's stays a cancellation. */
static void
return_error (GTask  *task,
              GError *error)
{
  Exchange *exchange = g_task_get_task_data (task);

  if (exchange->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      error = g_error_new (WBPS_ERROR, WBPS_ERROR_TIMEOUT,
                           g_dngettext (GETTEXT_PACKAGE, "TikTok did not answer within %u second.",
                                        "TikTok did not answer within %u seconds.", exchange->seconds),
                           exchange->seconds);
    }
  g_task_return_error (task, error);
}

static void read_more (GTask *task);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GBytes) piece = NULL;
  GError *error = NULL;

  piece = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (piece == NULL)
    {
      return_error (task, error);
      return;
    }
  if (g_bytes_get_size (piece) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&exchange->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (exchange->body->len + g_bytes_get_size (piece) > WBPS_JSON_MAX_BYTES)
    {
      g_task_return_error (task, too_large_error ());
      return;
    }
  g_byte_array_append (exchange->body, g_bytes_get_data (piece, NULL), g_bytes_get_size (piece));
  read_more (task);
}

static void
read_more (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (exchange->stream, READ_SIZE, G_PRIORITY_DEFAULT,
                                   exchange->own, on_read, g_object_ref (task));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (exchange->msg);
  GError *error = NULL;

  exchange->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (exchange->stream == NULL)
    {
      return_error (task, error);
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > WBPS_JSON_MAX_BYTES)
    {
      g_task_return_error (task, too_large_error ());
      return;
    }
  exchange->body = g_byte_array_new ();
  read_more (task);
}

static gboolean
on_deadline (gpointer user_data)
{
  Exchange *exchange = user_data;

  exchange->timed_out = TRUE;
  g_cancellable_cancel (exchange->own);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     GCancellable *own)
{
  g_cancellable_cancel (own);
}

void
wbps_http_send_and_read_async (SoupSession         *session,
                               SoupMessage         *msg,
                               guint                deadline_seconds,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (session, cancellable, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);

  g_task_set_source_tag (task, wbps_http_send_and_read_async);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);
  exchange->msg = g_object_ref (msg);
  exchange->own = g_cancellable_new ();
  exchange->seconds = deadline_seconds;
  if (cancellable != NULL)
    {
      exchange->caller = g_object_ref (cancellable);
      exchange->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                        exchange->own, NULL);
    }
  exchange->deadline = g_timeout_source_new_seconds (deadline_seconds);
  g_source_set_callback (exchange->deadline, on_deadline, exchange, NULL);
  g_source_attach (exchange->deadline, g_task_get_context (task));
  soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, exchange->own, on_sent, g_object_ref (task));
}

/* Returns: (transfer full): the reply body */
GBytes *
wbps_http_send_and_read_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL) || G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
wbps_http_retry_after_usec (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  guint64 seconds;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (value == NULL)
    return -1;
  if (g_ascii_string_to_unsigned (value, 10, 0, 3600, &seconds, NULL))
    return (gint64) seconds * G_USEC_PER_SEC;
  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  /* A date far ahead is as good as a refusal: wait at most an hour, as with seconds. */
  return CLAMP (g_date_time_difference (date, now), 0, (gint64) 3600 * G_USEC_PER_SEC);
}

GHashTable *
wbps_http_read_form (SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_strndup (data != NULL ? data : "", size);

  return soup_form_decode (text);
}
