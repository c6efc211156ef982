/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <libsoup/soup.h>
#include <nettle/sha2.h>

#include "wbps-http.h"
#include "wbps-relay-authenticator.h"
#include "wbps-relay-broker.h"
#include "wbps-relay-stream.h"
#include "wbps-relay-worker.h"
#include "wbps-webhook-envelope.h"
#include "wbps-webhook-signature.h"

/* Events replayed per store read. */
#define REPLAY_PAGE 256
/* Longest wait for acknowledged work when stopping. */
#define STOP_GRACE_MS 10000

/* A verified webhook waiting for its commit; its message is paused until then. */
typedef struct {
  SoupServerMessage *msg;
  WbpsStoredEvent   *event;
} Intake;

/* Per-message bookkeeping, kept as the message's qdata. */
typedef struct {
  gint64           started;   /* monotonic µs */
  const char      *outcome;   /* static string for the log line */
  gboolean         finished;  /* the connection is done with it: never unpause */
  gboolean         counted;   /* an acknowledgement the stop waits for */
  WbpsRelayStream *stream;    /* the SSE stream it carries, if any (not a reference) */
  guint            status;    /* what the stream's headers said: a closed stream's message says 500 */
  char             remote[48];/* read at the start: gone once the peer has hung up */
} RequestInfo;

struct _WbpsRelayWorker
{
  GObject                 parent_instance;

  WbpsRelayShared        *shared;
  GMainContext           *context;
  GMainLoop              *loop;
  GThread                *thread;

  /* Made and used in the worker's thread only. */
  SoupServer             *soup;
  SoupSession            *session;
  WbpsRelayAuthenticator *authenticator;
  WbpsRelayBroker        *broker;
  GPtrArray              *pending;      /* Intake*: verified, waiting for the next commit */
  GSource                *commit_source;
  guint                   unanswered;   /* intake messages not yet fully answered */
  GHashTable             *streams;      /* open_id → GPtrArray of WbpsRelayStream */
  GString                *log;
  gint64                  log_second;
  char                   *log_stamp;
  GSource                *log_source;
  GSource                *heartbeat_source;
  gboolean                stopping;
  GMainContext           *notify_context;
  GSourceFunc             done;
  gpointer                done_data;

  /* Start-up hand-shake with the thread that called start. */
  GMutex                  ready_lock;
  GCond                   ready_cond;
  gboolean                ready;
  GSocket                *socket;
  GError                 *start_error;
};

static GQuark request_info_quark;

G_DEFINE_FINAL_TYPE (WbpsRelayWorker, wbps_relay_worker, G_TYPE_OBJECT)

static void start_commit (WbpsRelayWorker *self);
static void maybe_finish_stop (WbpsRelayWorker *self);

static void
intake_free (Intake *intake)
{
  g_clear_object (&intake->msg);
  wbps_stored_event_free (intake->event);
  g_free (intake);
}

static void
wbps_relay_worker_finalize (GObject *object)
{
  WbpsRelayWorker *self = (WbpsRelayWorker *) object;

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->ready_lock);
  g_cond_clear (&self->ready_cond);
  g_clear_error (&self->start_error);
  g_clear_object (&self->socket);
  g_clear_object (&self->authenticator);

  G_OBJECT_CLASS (wbps_relay_worker_parent_class)->finalize (object);
}

static void
wbps_relay_worker_class_init (WbpsRelayWorkerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_relay_worker_finalize;
  request_info_quark = g_quark_from_static_string ("wbps-relay-request-info");
}

static void
wbps_relay_worker_init (WbpsRelayWorker *self)
{
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_init (&self->ready_lock);
  g_cond_init (&self->ready_cond);
}

WbpsRelayWorker *
wbps_relay_worker_new (WbpsRelayShared *shared)
{
  WbpsRelayWorker *self = g_object_new (WBPS_TYPE_RELAY_WORKER, NULL);

  self->shared = shared;
  return self;
}

/* A source on this worker's context (g_timeout_add would use the global default one). */
static GSource *
attach (WbpsRelayWorker *self,
        GSource         *source,
        GSourceFunc      func)
{
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static RequestInfo *
request_info (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), request_info_quark);
}

static void
set_outcome (SoupServerMessage *msg,
             const char        *outcome)
{
  RequestInfo *info = request_info (msg);

  if (info != NULL)
    info->outcome = outcome;
}

/* ---- request log ------------------------------------------------------ */

static void
flush_log (WbpsRelayWorker *self)
{
  if (self->log->len == 0)
    return;
  /* One fwrite of whole lines: stdio's lock keeps workers' lines apart. */
  fwrite (self->log->str, 1, self->log->len, stderr);
  fflush (stderr);
  g_string_truncate (self->log, 0);
}

/* Lines are gathered and written a few times a second: one write per request would cost more than the request. */
static gboolean
flush_log_cb (gpointer user_data)
{
  WbpsRelayWorker *self = user_data;

  g_assert (WBPS_IS_RELAY_WORKER (self));

  flush_log (self);
  g_clear_pointer (&self->log_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* The time to the second, formatted once a second rather than once a request. */
static const char *
log_time (WbpsRelayWorker *self)
{
  gint64 second = g_get_real_time () / G_USEC_PER_SEC;

  if (second != self->log_second)
    {
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (second);

      g_free (self->log_stamp);
      self->log_stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
      self->log_second = second;
    }
  return self->log_stamp;
}

/* Decimal digits of @value, appended: printf's format parsing was a tenth of a request's cost. */
static void
append_uint (GString *log,
             guint64  value)
{
  char digits[20];
  guint n = 0;

  do
    digits[n++] = '0' + value % 10;
  while ((value /= 10) > 0);
  while (n > 0)
    g_string_append_c (log, digits[--n]);
}

static void
log_request (WbpsRelayWorker   *self,
             SoupServerMessage *msg,
             RequestInfo       *info,
             gboolean           aborted)
{
  GUri *uri = soup_server_message_get_uri (msg);
  /* Hundredths of a millisecond, rounded: the `ms=%.2f` of the line. */
  guint64 hundredths = (g_get_monotonic_time () - info->started + 5) / 10;

  g_string_append (self->log, "wbps-relay: time=");
  g_string_append (self->log, log_time (self));
  g_string_append (self->log, " method=");
  g_string_append (self->log, soup_server_message_get_method (msg));
  g_string_append (self->log, " path=");
  g_string_append (self->log, uri != NULL ? g_uri_get_path (uri) : "?");
  g_string_append (self->log, " status=");
  append_uint (self->log, info->status != 0 ? info->status : soup_server_message_get_status (msg));
  g_string_append (self->log, " outcome=");
  g_string_append (self->log, info->outcome != NULL ? info->outcome : "-");
  g_string_append (self->log, " ms=");
  append_uint (self->log, hundredths / 100);
  g_string_append_c (self->log, '.');
  g_string_append_c (self->log, '0' + hundredths / 10 % 10);
  g_string_append_c (self->log, '0' + hundredths % 10);
  g_string_append (self->log, " remote=");
  g_string_append (self->log, info->remote[0] != '\0' ? info->remote : "?");
  g_string_append (self->log, aborted ? " aborted=true\n" : "\n");
  if (self->log->len > 32 * 1024)
    flush_log (self);
  else if (self->log_source == NULL)
    self->log_source = attach (self, g_timeout_source_new (200), flush_log_cb);
}

/* ---- counters ------------------------------------------------------------- */

static void
count_reject (WbpsRelayWorker *self,
              WbpsRelayReject  reason)
{
  g_mutex_lock (&self->shared->lock);
  self->shared->rejected[reason]++;
  g_mutex_unlock (&self->shared->lock);
}

static void
count_subscribers (WbpsRelayWorker *self,
                   int              change)
{
  g_mutex_lock (&self->shared->lock);
  self->shared->subscribers += change;
  g_mutex_unlock (&self->shared->lock);
}

/* ---- streams ------------------------------------------------------------ */

static void
add_stream (WbpsRelayWorker *self,
            WbpsRelayStream *stream)
{
  const char *open_id = wbps_relay_stream_get_open_id (stream);
  GPtrArray *list = g_hash_table_lookup (self->streams, open_id);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->streams, g_strdup (open_id), list);
    }
  g_ptr_array_add (list, g_object_ref (stream));
  count_subscribers (self, 1);
}

static void
remove_stream (WbpsRelayWorker *self,
               WbpsRelayStream *stream)
{
  const char *open_id = wbps_relay_stream_get_open_id (stream);
  GPtrArray *list = g_hash_table_lookup (self->streams, open_id);

  if (list == NULL || !g_ptr_array_remove (list, stream))
    return;
  count_subscribers (self, -1);
  if (list->len == 0)
    g_hash_table_remove (self->streams, open_id);
}

/* Sends the stream everything after its cursor: the store decides, so order and completeness hold across workers. */
static gboolean
replay (WbpsRelayWorker *self,
        WbpsRelayStream *stream)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) events = wbps_event_store_list_after (self->shared->store,
                                                                 wbps_relay_stream_get_open_id (stream),
                                                                 wbps_relay_stream_get_cursor (stream),
                                                                 REPLAY_PAGE, &error);

      if (events == NULL)
        {
          g_warning ("Replay failed: %s", error->message);
          return FALSE;
        }
      for (guint i = 0; i < events->len; i++)
        wbps_relay_stream_send (stream, g_ptr_array_index (events, i));
      if (events->len < REPLAY_PAGE)
        return TRUE;
    }
}

typedef struct {
  WbpsRelayWorker *self;
  GStrv            open_ids;
} CatchUp;

static void
catch_up_free (gpointer data)
{
  CatchUp *catch_up = data;

  g_object_unref (catch_up->self);
  g_strfreev (catch_up->open_ids);
  g_free (catch_up);
}

static gboolean
catch_up_cb (gpointer data)
{
  CatchUp *catch_up = data;

  for (guint i = 0; catch_up->open_ids[i] != NULL; i++)
    {
      GPtrArray *list = g_hash_table_lookup (catch_up->self->streams, catch_up->open_ids[i]);

      for (guint j = 0; list != NULL && j < list->len; j++)
        replay (catch_up->self, g_ptr_array_index (list, j));
    }
  return G_SOURCE_REMOVE;
}

void
wbps_relay_worker_catch_up (WbpsRelayWorker *self,
                            GStrv            open_ids)
{
  CatchUp *catch_up = g_new0 (CatchUp, 1);

  catch_up->self = g_object_ref (self);
  catch_up->open_ids = g_strdupv (open_ids);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, catch_up_cb, catch_up, catch_up_free);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  WbpsRelayWorker *self = user_data;
  GHashTableIter iter;
  GPtrArray *list;

  g_assert (WBPS_IS_RELAY_WORKER (self));

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    for (guint i = 0; i < list->len; i++)
      wbps_relay_stream_comment (g_ptr_array_index (list, i), "heartbeat");
  return G_SOURCE_CONTINUE;
}

/* ---- request lifecycle --------------------------------------------------- */

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  RequestInfo *info = g_new0 (RequestInfo, 1);
  const char *remote = soup_server_message_get_remote_host (msg);

  info->started = g_get_monotonic_time ();
  g_strlcpy (info->remote, remote != NULL ? remote : "", sizeof info->remote);
  g_object_set_qdata_full (G_OBJECT (msg), request_info_quark, info, g_free);
}

static void
request_ended (WbpsRelayWorker   *self,
               SoupServerMessage *msg,
               gboolean           aborted)
{
  RequestInfo *info = request_info (msg);

  if (info == NULL || info->finished)
    return;
  info->finished = TRUE;
  log_request (self, msg, info, aborted);
  if (info->stream != NULL)
    {
      wbps_relay_stream_detach (info->stream);
      remove_stream (self, info->stream);
      info->stream = NULL;
    }
  if (info->counted)
    {
      info->counted = FALSE;
      self->unanswered--;
      maybe_finish_stop (self);
    }
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  request_ended (user_data, msg, FALSE);
}

static void
request_aborted_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  request_ended (user_data, msg, TRUE);
}

/* Unpauses @msg unless its connection is already gone. */
static void
resume (SoupServerMessage *msg)
{
  RequestInfo *info = request_info (msg);

  if (info == NULL || !info->finished)
    soup_server_message_unpause (msg);
}

/* ---- POST /webhook ------------------------------------------------------- */

static void
reject (WbpsRelayWorker   *self,
        SoupServerMessage *msg,
        guint              status,
        WbpsRelayReject    reason)
{
  count_reject (self, reason);
  set_outcome (msg, wbps_relay_reject_names[reason]);
  soup_server_message_set_status (msg, status, NULL);
}

/* Before the body is read: a declared body over the cap is refused unread. */
static void
webhook_early_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  WbpsRelayWorker *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  g_assert (WBPS_IS_RELAY_WORKER (self));

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    return;
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (headers) > WBPS_RELAY_MAX_BODY)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      reject (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, WBPS_RELAY_REJECT_TOO_LARGE);
    }
  else if (encoding != SOUP_ENCODING_CONTENT_LENGTH && encoding != SOUP_ENCODING_NONE)
    {
      /* Without a length the cap could only be checked after reading everything. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      reject (self, msg, SOUP_STATUS_LENGTH_REQUIRED, WBPS_RELAY_REJECT_LENGTH_REQUIRED);
    }
}

static WbpsRelayReject
signature_reject_reason (const GError *error)
{
  switch (error->code)
    {
    case WBPS_WEBHOOK_SIGNATURE_ERROR_MISSING:   return WBPS_RELAY_REJECT_SIGNATURE_MISSING;
    case WBPS_WEBHOOK_SIGNATURE_ERROR_MALFORMED: return WBPS_RELAY_REJECT_SIGNATURE_MALFORMED;
    case WBPS_WEBHOOK_SIGNATURE_ERROR_TIMESTAMP: return WBPS_RELAY_REJECT_SIGNATURE_TIMESTAMP;
    default:                                     return WBPS_RELAY_REJECT_SIGNATURE_MISMATCH;
    }
}

static WbpsStoredEvent *
stored_event_new (WbpsWebhookEnvelope *envelope,
                  const char          *body,
                  gsize                len)
{
  WbpsStoredEvent *stored = wbps_stored_event_new ();
  struct sha256_ctx sha256;

  G_STATIC_ASSERT (sizeof stored->digest == SHA256_DIGEST_SIZE);
  /* Nettle, not GChecksum: the processor's SHA instructions, no allocation. */
  sha256_init (&sha256);
  sha256_update (&sha256, len, (const guint8 *) body);
  sha256_digest (&sha256, SHA256_DIGEST_SIZE, stored->digest);
  stored->open_id = g_steal_pointer (&envelope->user_openid);
  stored->name = g_steal_pointer (&envelope->name);
  stored->create_time = envelope->create_time;
  stored->received_at = g_get_real_time () / G_USEC_PER_SEC;
  stored->body = g_strndup (body, len);
  return stored;
}

static void
queue_intake (WbpsRelayWorker   *self,
              SoupServerMessage *msg,
              WbpsStoredEvent   *event)
{
  Intake *intake = g_new0 (Intake, 1);
  RequestInfo *info = request_info (msg);

  intake->msg = g_object_ref (msg);
  intake->event = event;
  if (info != NULL)
    {
      info->counted = TRUE;
      self->unanswered++;
    }
  soup_server_message_pause (msg);
  g_ptr_array_add (self->pending, intake);
  start_commit (self);
}

static void
handle_webhook (WbpsRelayWorker   *self,
                SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     WBPS_WEBHOOK_SIGNATURE_HEADER);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(WbpsWebhookEnvelope) envelope = { NULL, NULL, 0 };
  const char *data;
  gsize len = 0;

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      reject (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, WBPS_RELAY_REJECT_METHOD);
      return;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (body, &len);
  if (len > WBPS_RELAY_MAX_BODY)
    reject (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, WBPS_RELAY_REJECT_TOO_LARGE);
  else if (!wbps_webhook_signature_verify (header, (const guint8 *) data, len,
                                           (const char * const *) self->shared->secrets,
                                           g_get_real_time () / G_USEC_PER_SEC, self->shared->tolerance, &error))
    reject (self, msg, SOUP_STATUS_UNAUTHORIZED, signature_reject_reason (error));
  else if (!wbps_webhook_envelope_check (data, len, &envelope, NULL))
    reject (self, msg, SOUP_STATUS_BAD_REQUEST, WBPS_RELAY_REJECT_NOT_ENVELOPE);
  else if (self->stopping)
    reject (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, WBPS_RELAY_REJECT_UNAVAILABLE);
  else
    queue_intake (self, msg, stored_event_new (&envelope, data, len));
}

static void
webhook_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  handle_webhook (user_data, msg);
}

/* ---- the commit ------------------------------------------------------------ */

static void
answer_intake (WbpsRelayWorker *self,
               Intake          *intake,
               gboolean         stored)
{
  if (!stored)
    reject (self, intake->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, WBPS_RELAY_REJECT_UNAVAILABLE);
  else
    {
      set_outcome (intake->msg, intake->event->duplicate ? "duplicate" : "accepted");
      soup_server_message_set_status (intake->msg, SOUP_STATUS_OK, NULL);
    }
  resume (intake->msg);
}

static void
count_commit (WbpsRelayWorker *self,
              GPtrArray       *intakes)
{
  guint new_events = 0;

  for (guint i = 0; i < intakes->len; i++)
    new_events += !((Intake *) g_ptr_array_index (intakes, i))->event->duplicate;
  g_mutex_lock (&self->shared->lock);
  self->shared->accepted += new_events;
  self->shared->duplicates += intakes->len - new_events;
  self->shared->stored += new_events;
  g_mutex_unlock (&self->shared->lock);
}

/* Every worker's streams of these creators catch up from the store. */
static void
announce (WbpsRelayWorker *self,
          GPtrArray       *intakes)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) open_ids = NULL;

  for (guint i = 0; i < intakes->len; i++)
    {
      WbpsStoredEvent *event = ((Intake *) g_ptr_array_index (intakes, i))->event;

      if (!event->duplicate && event->open_id != NULL && g_hash_table_add (seen, event->open_id))
        g_strv_builder_add (builder, event->open_id);
    }
  if (g_hash_table_size (seen) == 0)
    return;
  open_ids = g_strv_builder_end (builder);
  for (guint i = 0; i < self->shared->workers->len; i++)
    wbps_relay_worker_catch_up (g_ptr_array_index (self->shared->workers, i), open_ids);
}

/*
 * Group commit: every event verified since the last turn of this worker's loop
 * goes into one transaction, and only then are their requests answered. In WAL
 * mode with synchronous=NORMAL a commit is a write() into the WAL, no fsync.
 */
static gboolean
commit_cb (gpointer user_data)
{
  WbpsRelayWorker *self = user_data;
  g_autoptr(GPtrArray) intakes = g_steal_pointer (&self->pending);
  g_autoptr(GPtrArray) events = g_ptr_array_sized_new (intakes->len);
  g_autoptr(GError) error = NULL;
  gboolean stored;

  g_assert (WBPS_IS_RELAY_WORKER (self));

  g_clear_pointer (&self->commit_source, g_source_unref);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) intake_free);
  for (guint i = 0; i < intakes->len; i++)
    g_ptr_array_add (events, ((Intake *) g_ptr_array_index (intakes, i))->event);
  stored = wbps_event_store_append (self->shared->store, events, &error);
  if (!stored)
    g_warning ("Events could not be stored (answered 503, TikTok will retry): %s", error->message);
  else
    count_commit (self, intakes);
  for (guint i = 0; i < intakes->len; i++)
    answer_intake (self, g_ptr_array_index (intakes, i), stored);
  if (stored)
    announce (self, intakes);
  maybe_finish_stop (self);
  return G_SOURCE_REMOVE;
}

static void
start_commit (WbpsRelayWorker *self)
{
  GSource *source;

  if (self->commit_source != NULL)
    return;
  source = g_idle_source_new ();
  /* Default priority: below it, a loop that always has sockets ready would never commit. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  self->commit_source = attach (self, source, commit_cb);
}

/* ---- GET /events ----------------------------------------------------------- */

/* The Bearer token of @msg, or NULL. */
static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return *value != '\0' ? value : NULL;
}

/* Last-Event-ID as a cursor: absent = 0, anything but a decimal number = -1. */
static gint64
last_event_id (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Last-Event-ID");
  guint64 cursor = 0;

  if (value == NULL || *value == '\0')
    return 0;
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &cursor, NULL))
    return -1;
  return (gint64) cursor;
}

static void
unauthorized (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Bearer");
  set_outcome (msg, "unauthorized");
  soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
}

/* Registered before the replay reads the store: an event committed meanwhile is caught up after. */
static void
open_stream (WbpsRelayWorker   *self,
             SoupServerMessage *msg,
             const char        *open_id)
{
  RequestInfo *info = request_info (msg);
  g_autoptr(WbpsRelayStream) stream = wbps_relay_stream_new (msg, open_id, last_event_id (msg));

  set_outcome (msg, "stream");
  add_stream (self, stream);
  if (info != NULL)
    {
      info->stream = stream;
      info->status = SOUP_STATUS_OK;
    }
  if (!replay (self, stream))
    {
      wbps_relay_stream_close (stream);
      return;
    }
  /* Tells a desktop that what follows is live (`wbps events` without --follow stops here). */
  wbps_relay_stream_comment (stream, "replayed");
}

static void
authenticated_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  WbpsRelayWorker *self = g_object_get_data (G_OBJECT (msg), "wbps-relay-worker");
  RequestInfo *info = request_info (msg);
  g_autoptr(GError) error = NULL;
  g_autofree char *open_id = wbps_relay_authenticator_lookup_finish (WBPS_RELAY_AUTHENTICATOR (source),
                                                                     result, &error);

  if (info == NULL || info->finished || self == NULL)
    return;
  if (open_id != NULL && !self->stopping)
    open_stream (self, msg, open_id);
  else if (g_error_matches (error, WBPS_RELAY_AUTHENTICATOR_ERROR, WBPS_RELAY_AUTHENTICATOR_ERROR_INVALID_TOKEN))
    unauthorized (msg);
  else
    {
      set_outcome (msg, "tiktok_unavailable");
      soup_server_message_set_status (msg, self->stopping ? SOUP_STATUS_SERVICE_UNAVAILABLE
                                                          : SOUP_STATUS_BAD_GATEWAY, NULL);
    }
  soup_server_message_unpause (msg);
}

static void
events_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  WbpsRelayWorker *self = user_data;
  const char *token;

  g_assert (WBPS_IS_RELAY_WORKER (self));

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_GET))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if ((token = bearer_token (msg)) == NULL)
    {
      unauthorized (msg);
      return;
    }
  if (last_event_id (msg) < 0)
    {
      set_outcome (msg, "bad_last_event_id");
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }
  /* Not a reference: the worker outlives every message it serves. */
  g_object_set_data (G_OBJECT (msg), "wbps-relay-worker", self);
  soup_server_message_pause (msg);
  wbps_relay_authenticator_lookup_async (self->authenticator, token, NULL, authenticated_cb, g_object_ref (msg));
}

/* ---- health, metrics, broker --------------------------------------------- */

static void
healthz_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  WbpsRelayWorker *self = user_data;
  const char *text = self->stopping ? "stopping\n" : "ok\n";

  g_assert (WBPS_IS_RELAY_WORKER (self));

  soup_server_message_set_status (msg, self->stopping ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC, text, strlen (text));
}

static void
metrics_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  WbpsRelayWorker *self = user_data;
  char *text = wbps_relay_shared_metrics (self->shared);

  g_assert (WBPS_IS_RELAY_WORKER (self));

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, strlen (text));
}

/* A token revoked through the broker stops opening streams at once, not when its cache entry ends. */
static void
forget_revoked_token (WbpsRelayWorker   *self,
                      SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = wbps_http_read_form (msg);
  const char *token = g_hash_table_lookup (form, "token");

  if (token == NULL)
    return;
  /* Every worker keeps its own cache. */
  for (guint i = 0; i < self->shared->workers->len; i++)
    {
      WbpsRelayWorker *worker = g_ptr_array_index (self->shared->workers, i);

      if (worker->authenticator != NULL)
        wbps_relay_authenticator_forget (worker->authenticator, token);
    }
}

static void
broker_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  WbpsRelayWorker *self = user_data;

  g_assert (WBPS_IS_RELAY_WORKER (self));

  set_outcome (msg, "broker");
  if (g_str_equal (path, "/oauth/revoke"))
    forget_revoked_token (self, msg);
  wbps_relay_broker_handle (self->broker, msg, path);
}

static void
not_found_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* ---- thread, start, stop ----------------------------------------------------- */

static void
add_routes (WbpsRelayWorker *self)
{
  soup_server_add_early_handler (self->soup, "/webhook", webhook_early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, not_found_cb, self, NULL);
  soup_server_add_handler (self->soup, "/webhook", webhook_cb, self, NULL);
  soup_server_add_handler (self->soup, "/events", events_cb, self, NULL);
  soup_server_add_handler (self->soup, "/healthz", healthz_cb, self, NULL);
  soup_server_add_handler (self->soup, "/metrics", metrics_cb, self, NULL);
  if (self->broker != NULL)
    soup_server_add_handler (self->soup, "/oauth", broker_cb, self, NULL);
}

/* In the worker's thread, its context the thread default: libsoup binds to it. */
static gboolean
set_up (WbpsRelayWorker  *self,
        GError          **error)
{
  WbpsRelayShared *shared = self->shared;
  g_autofree char *user_info_url = g_strconcat (shared->api_base, "/v2/user/info/", NULL);

  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) intake_free);
  self->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->log = g_string_sized_new (64 * 1024);
  self->session = soup_session_new_with_options ("user-agent", "wbps-relay/" PACKAGE_VERSION, "timeout", 30, NULL);
  self->authenticator = wbps_relay_authenticator_new (self->session, user_info_url, shared->auth_cache_seconds);
  if (shared->broker && shared->secrets != NULL && shared->secrets[0] != NULL)
    self->broker = wbps_relay_broker_new (self->session, shared->api_base, shared->secrets[0]);
  self->soup = soup_server_new ("server-header", "wbps-relay", NULL);
  if (shared->certificate != NULL)
    g_object_set (self->soup, "tls-certificate", shared->certificate, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_aborted_cb), self);
  add_routes (self);
  self->heartbeat_source = attach (self, g_timeout_source_new_seconds (MAX (shared->heartbeat_seconds, 1)),
                                   heartbeat_cb);
  return soup_server_listen_socket (self->soup, self->socket,
                                    shared->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

static void
tear_down (WbpsRelayWorker *self)
{
  clear_source (&self->heartbeat_source);
  clear_source (&self->log_source);
  clear_source (&self->commit_source);
  soup_server_disconnect (self->soup);
  /* Let the disconnection's callbacks run before the objects go. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_object (&self->soup);
  g_clear_pointer (&self->streams, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->broker);
  g_clear_object (&self->session);
  flush_log (self);
  g_string_free (self->log, TRUE);
  g_free (self->log_stamp);
}

static gpointer
worker_thread (gpointer data)
{
  WbpsRelayWorker *self = data;
  GError *error = NULL;
  gboolean listening;

  g_main_context_push_thread_default (self->context);
  listening = set_up (self, &error);
  g_mutex_lock (&self->ready_lock);
  self->start_error = error;
  self->ready = TRUE;
  g_cond_signal (&self->ready_cond);
  g_mutex_unlock (&self->ready_lock);
  if (listening)
    g_main_loop_run (self->loop);
  tear_down (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

gboolean
wbps_relay_worker_start (WbpsRelayWorker  *self,
                         GSocket          *socket,
                         GError          **error)
{
  g_return_val_if_fail (WBPS_IS_RELAY_WORKER (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  self->socket = g_object_ref (socket);
  self->thread = g_thread_new ("wbps-relay", worker_thread, self);
  g_mutex_lock (&self->ready_lock);
  while (!self->ready)
    g_cond_wait (&self->ready_cond, &self->ready_lock);
  g_mutex_unlock (&self->ready_lock);
  if (self->start_error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&self->start_error));
  g_thread_join (g_steal_pointer (&self->thread));
  return FALSE;
}

static void
close_streams (WbpsRelayWorker *self)
{
  GHashTableIter iter;
  GPtrArray *list;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    for (guint i = 0; i < list->len; i++)
      {
        WbpsRelayStream *stream = g_ptr_array_index (list, i);
        SoupServerMessage *msg = wbps_relay_stream_get_message (stream);
        RequestInfo *info = msg != NULL ? request_info (msg) : NULL;

        /* Logged now: the message's "finished" comes after this worker's last flush. */
        if (info != NULL && !info->finished)
          {
            info->finished = TRUE;
            log_request (self, msg, info, FALSE);
          }
        wbps_relay_stream_close (stream);
      }
}

static void
maybe_finish_stop (WbpsRelayWorker *self)
{
  GSourceFunc done = self->done;

  if (done == NULL || self->pending->len > 0 || self->commit_source != NULL || self->unanswered > 0)
    return;
  self->done = NULL;
  close_streams (self);
  flush_log (self);
  g_main_context_invoke (self->notify_context, done, self->done_data);
  g_clear_pointer (&self->notify_context, g_main_context_unref);
}

static gboolean
stop_grace_over_cb (gpointer user_data)
{
  WbpsRelayWorker *self = user_data;

  g_assert (WBPS_IS_RELAY_WORKER (self));

  if (self->done != NULL)
    {
      g_warning ("Stopping with %u answers unsent after %d ms", self->unanswered, STOP_GRACE_MS);
      self->unanswered = 0;
      maybe_finish_stop (self);
    }
  return G_SOURCE_REMOVE;
}

typedef struct {
  WbpsRelayWorker *self;
  GMainContext    *notify_context;
  GSourceFunc      done;
  gpointer         done_data;
} StopRequest;

static gboolean
stop_cb (gpointer data)
{
  StopRequest *request = data;
  WbpsRelayWorker *self = request->self;
  GSource *grace = g_timeout_source_new (STOP_GRACE_MS);

  self->stopping = TRUE;
  self->notify_context = g_main_context_ref (request->notify_context);
  self->done = request->done;
  self->done_data = request->done_data;
  g_source_set_callback (grace, stop_grace_over_cb, g_object_ref (self), g_object_unref);
  g_source_attach (grace, self->context);
  g_source_unref (grace);
  maybe_finish_stop (self);
  return G_SOURCE_REMOVE;
}

void
wbps_relay_worker_stop (WbpsRelayWorker *self,
                        GMainContext    *notify_context,
                        GSourceFunc      done,
                        gpointer         done_data)
{
  StopRequest *request = g_new0 (StopRequest, 1);

  g_return_if_fail (WBPS_IS_RELAY_WORKER (self));
  request->self = self;
  request->notify_context = notify_context;
  request->done = done;
  request->done_data = done_data;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, stop_cb, request, g_free);
}

void
wbps_relay_worker_join (WbpsRelayWorker *self)
{
  g_return_if_fail (WBPS_IS_RELAY_WORKER (self));
  if (self->thread == NULL)
    return;
  g_main_loop_quit (self->loop);
  g_thread_join (g_steal_pointer (&self->thread));
}
