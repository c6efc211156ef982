/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <libsoup/soup.h>

#include "wbps-relay-authenticator.h"
#include "wbps-relay-broker.h"
#include "wbps-relay-server.h"
#include "wbps-relay-stream.h"
#include "wbps-webhook-event.h"
#include "wbps-webhook-signature.h"

/* Events replayed per store read. */
#define REPLAY_PAGE 256
/* Seconds between retention purges. */
#define PURGE_INTERVAL 3600
/* Longest wait for acknowledged work when stopping. */
#define STOP_GRACE_MS 10000

/* Why a request was refused; the metrics' `reason` label. */
typedef enum {
  REJECT_METHOD,
  REJECT_TOO_LARGE,
  REJECT_LENGTH_REQUIRED,
  REJECT_SIGNATURE_MISSING,
  REJECT_SIGNATURE_MALFORMED,
  REJECT_SIGNATURE_MISMATCH,
  REJECT_SIGNATURE_TIMESTAMP,
  REJECT_NOT_ENVELOPE,
  REJECT_UNAVAILABLE,
  N_REJECTS
} RejectReason;

static const char *reject_names[N_REJECTS] = {
  "method", "too_large", "length_required", "signature_missing", "signature_malformed",
  "signature_mismatch", "signature_timestamp", "not_envelope", "unavailable",
};

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
} RequestInfo;

struct _WbpsRelayServer
{
  GObject                 parent_instance;

  SoupServer             *soup;
  SoupSession            *session;
  WbpsEventStore         *store;
  WbpsRelayAuthenticator *authenticator;
  WbpsRelayBroker        *broker;
  GStrv                   secrets;
  guint                   tolerance;
  guint                   retention_days;

  GPtrArray              *pending;      /* Intake*: verified, not yet being committed */
  guint                   commit_id;    /* the idle that commits pending */
  guint                   unanswered;   /* intake messages not yet fully answered */
  GHashTable             *streams;      /* open_id → GPtrArray of WbpsRelayStream */
  guint                   n_streams;

  guint64                 accepted;
  guint64                 duplicates;
  guint64                 rejected[N_REJECTS];
  gint64                  stored;

  GString                *log;
  gint64                  log_second;
  char                   *log_stamp;
  guint                   log_flush_id;
  guint                   heartbeat_id;
  guint                   purge_id;
  gboolean                purging;
  gboolean                stopping;
  GTask                  *stop_task;
};

static GQuark request_info_quark;

G_DEFINE_FINAL_TYPE (WbpsRelayServer, wbps_relay_server, G_TYPE_OBJECT)

static void start_commit (WbpsRelayServer *self);
static void maybe_finish_stop (WbpsRelayServer *self);

static void
intake_free (Intake *intake)
{
  g_clear_object (&intake->msg);
  wbps_stored_event_free (intake->event);
  g_free (intake);
}

static void
flush_log (WbpsRelayServer *self)
{
  if (self->log->len == 0)
    return;
  fwrite (self->log->str, 1, self->log->len, stderr);
  fflush (stderr);
  g_string_truncate (self->log, 0);
}

static void
wbps_relay_server_dispose (GObject *object)
{
  WbpsRelayServer *self = (WbpsRelayServer *) object;

  g_clear_handle_id (&self->log_flush_id, g_source_remove);
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  g_clear_handle_id (&self->purge_id, g_source_remove);
  g_clear_handle_id (&self->commit_id, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->streams, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->authenticator);
  g_clear_object (&self->broker);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (wbps_relay_server_parent_class)->dispose (object);
}

static void
wbps_relay_server_finalize (GObject *object)
{
  WbpsRelayServer *self = (WbpsRelayServer *) object;

  flush_log (self);
  g_string_free (self->log, TRUE);
  g_free (self->log_stamp);
  g_clear_object (&self->store);
  g_strfreev (self->secrets);

  G_OBJECT_CLASS (wbps_relay_server_parent_class)->finalize (object);
}

static void
wbps_relay_server_class_init (WbpsRelayServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_relay_server_dispose;
  object_class->finalize = wbps_relay_server_finalize;
  request_info_quark = g_quark_from_static_string ("wbps-relay-request-info");
}

static void
wbps_relay_server_init (WbpsRelayServer *self)
{
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) intake_free);
  self->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->log = g_string_sized_new (64 * 1024);
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

/* Lines are gathered and written a few times a second: one write per request would cost more than the request. */
static gboolean
flush_log_cb (gpointer user_data)
{
  WbpsRelayServer *self = user_data;

  flush_log (self);
  self->log_flush_id = 0;
  return G_SOURCE_REMOVE;
}

/* The time to the second, formatted once a second rather than once a request. */
static const char *
log_time (WbpsRelayServer *self)
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

static void
log_request (WbpsRelayServer   *self,
             SoupServerMessage *msg,
             RequestInfo       *info,
             gboolean           aborted)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *remote = soup_server_message_get_remote_host (msg);

  g_string_append_printf (self->log,
                          "wbps-relay: time=%s method=%s path=%s status=%u outcome=%s ms=%.2f remote=%s%s\n",
                          log_time (self), soup_server_message_get_method (msg),
                          uri != NULL ? g_uri_get_path (uri) : "?",
                          soup_server_message_get_status (msg),
                          info->outcome != NULL ? info->outcome : "-",
                          (g_get_monotonic_time () - info->started) / 1000.0,
                          remote != NULL ? remote : "?",
                          aborted ? " aborted=true" : "");
  if (self->log->len > 32 * 1024)
    flush_log (self);
  else if (self->log_flush_id == 0)
    self->log_flush_id = g_timeout_add (200, flush_log_cb, self);
}

/* ---- streams ------------------------------------------------------------ */

static void
add_stream (WbpsRelayServer *self,
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
  self->n_streams++;
}

static void
remove_stream (WbpsRelayServer *self,
               WbpsRelayStream *stream)
{
  const char *open_id = wbps_relay_stream_get_open_id (stream);
  GPtrArray *list = g_hash_table_lookup (self->streams, open_id);

  if (list == NULL || !g_ptr_array_remove (list, stream))
    return;
  self->n_streams--;
  if (list->len == 0)
    g_hash_table_remove (self->streams, open_id);
}

static void
push_event (WbpsRelayServer       *self,
            const WbpsStoredEvent *event)
{
  GPtrArray *list = event->open_id != NULL ? g_hash_table_lookup (self->streams, event->open_id) : NULL;

  for (guint i = 0; list != NULL && i < list->len; i++)
    wbps_relay_stream_send (g_ptr_array_index (list, i), event);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  WbpsRelayServer *self = user_data;
  GHashTableIter iter;
  GPtrArray *list;

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

  info->started = g_get_monotonic_time ();
  g_object_set_qdata_full (G_OBJECT (msg), request_info_quark, info, g_free);
}

static void
request_ended (WbpsRelayServer   *self,
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
reject (WbpsRelayServer   *self,
        SoupServerMessage *msg,
        guint              status,
        RejectReason       reason)
{
  self->rejected[reason]++;
  set_outcome (msg, reject_names[reason]);
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
  WbpsRelayServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    return;
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > WBPS_RELAY_MAX_BODY)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      reject (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, REJECT_TOO_LARGE);
    }
  else if (encoding != SOUP_ENCODING_CONTENT_LENGTH && encoding != SOUP_ENCODING_NONE)
    {
      /* Without a length the cap could only be checked after reading everything. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      reject (self, msg, SOUP_STATUS_LENGTH_REQUIRED, REJECT_LENGTH_REQUIRED);
    }
}

static RejectReason
signature_reject_reason (const GError *error)
{
  switch (error->code)
    {
    case WBPS_WEBHOOK_SIGNATURE_ERROR_MISSING:   return REJECT_SIGNATURE_MISSING;
    case WBPS_WEBHOOK_SIGNATURE_ERROR_MALFORMED: return REJECT_SIGNATURE_MALFORMED;
    case WBPS_WEBHOOK_SIGNATURE_ERROR_TIMESTAMP: return REJECT_SIGNATURE_TIMESTAMP;
    default:                                     return REJECT_SIGNATURE_MISMATCH;
    }
}

static WbpsStoredEvent *
stored_event_new (WbpsWebhookEvent *event,
                  const char       *body,
                  gsize             len)
{
  WbpsStoredEvent *stored = wbps_stored_event_new ();
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = sizeof stored->digest;

  g_checksum_update (checksum, (const guchar *) body, len);
  g_checksum_get_digest (checksum, stored->digest, &digest_len);
  stored->open_id = g_strdup (wbps_webhook_event_get_user_openid (event));
  stored->name = g_strdup (wbps_webhook_event_get_name (event));
  stored->create_time = wbps_webhook_event_get_create_time (event);
  stored->received_at = g_get_real_time () / G_USEC_PER_SEC;
  stored->body = g_strndup (body, len);
  return stored;
}

static void
queue_intake (WbpsRelayServer   *self,
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
handle_webhook (WbpsRelayServer   *self,
                SoupServerMessage *msg)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     WBPS_WEBHOOK_SIGNATURE_HEADER);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsWebhookEvent) event = NULL;
  const char *data;
  gsize len = 0;

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      reject (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, REJECT_METHOD);
      return;
    }
  body = soup_message_body_flatten (request);
  data = g_bytes_get_data (body, &len);
  if (len > WBPS_RELAY_MAX_BODY)
    reject (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, REJECT_TOO_LARGE);
  else if (!wbps_webhook_signature_verify (header, (const guint8 *) data, len,
                                           (const char * const *) self->secrets,
                                           g_get_real_time () / G_USEC_PER_SEC, self->tolerance, &error))
    reject (self, msg, SOUP_STATUS_UNAUTHORIZED, signature_reject_reason (error));
  else if ((event = wbps_webhook_event_new_from_data (data != NULL ? data : "", len, NULL)) == NULL)
    reject (self, msg, SOUP_STATUS_BAD_REQUEST, REJECT_NOT_ENVELOPE);
  else if (self->stopping)
    reject (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, REJECT_UNAVAILABLE);
  else
    queue_intake (self, msg, stored_event_new (event, data, len));
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
answer_intake (WbpsRelayServer *self,
               Intake          *intake,
               gboolean         stored)
{
  if (!stored)
    {
      reject (self, intake->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, REJECT_UNAVAILABLE);
    }
  else if (intake->event->duplicate)
    {
      self->duplicates++;
      set_outcome (intake->msg, "duplicate");
      soup_server_message_set_status (intake->msg, SOUP_STATUS_OK, NULL);
    }
  else
    {
      self->accepted++;
      self->stored++;
      set_outcome (intake->msg, "accepted");
      soup_server_message_set_status (intake->msg, SOUP_STATUS_OK, NULL);
      push_event (self, intake->event);
    }
  resume (intake->msg);
}

/*
 * Group commit: every event verified since the last turn of the main loop goes
 * into one transaction, and only then are their requests answered. A commit in
 * WAL mode with synchronous=NORMAL is a write() into the WAL, no fsync, so the
 * main loop is held for tens of microseconds, less than a hop to a thread.
 */
static gboolean
commit_cb (gpointer user_data)
{
  WbpsRelayServer *self = user_data;
  g_autoptr(GPtrArray) intakes = g_steal_pointer (&self->pending);
  g_autoptr(GPtrArray) events = g_ptr_array_sized_new (intakes->len);
  g_autoptr(GError) error = NULL;
  gboolean stored;

  self->commit_id = 0;
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) intake_free);
  for (guint i = 0; i < intakes->len; i++)
    g_ptr_array_add (events, ((Intake *) g_ptr_array_index (intakes, i))->event);
  stored = wbps_event_store_append (self->store, events, &error);
  if (!stored)
    g_warning ("Events could not be stored (answered 503, TikTok will retry): %s", error->message);
  for (guint i = 0; i < intakes->len; i++)
    answer_intake (self, g_ptr_array_index (intakes, i), stored);
  maybe_finish_stop (self);
  return G_SOURCE_REMOVE;
}

static void
start_commit (WbpsRelayServer *self)
{
  if (self->commit_id == 0)
    self->commit_id = g_idle_add_full (G_PRIORITY_DEFAULT, commit_cb, self, NULL);
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

/* Everything the creator missed, oldest first, then live. */
static gboolean
replay (WbpsRelayServer *self,
        WbpsRelayStream *stream)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) events = wbps_event_store_list_after (self->store,
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

static void
open_stream (WbpsRelayServer   *self,
             SoupServerMessage *msg,
             const char        *open_id)
{
  RequestInfo *info = request_info (msg);
  g_autoptr(WbpsRelayStream) stream = wbps_relay_stream_new (msg, open_id, last_event_id (msg));

  set_outcome (msg, "stream");
  if (!replay (self, stream))
    {
      wbps_relay_stream_close (stream);
      return;
    }
  /* Tells a desktop that what follows is live (`wbps events` without --follow stops here). */
  wbps_relay_stream_comment (stream, "replayed");
  add_stream (self, stream);
  if (info != NULL)
    info->stream = stream;
}

static void
authenticated_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  WbpsRelayServer *self = g_object_get_data (G_OBJECT (msg), "wbps-relay-server");
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
  WbpsRelayServer *self = user_data;
  const char *token;

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
  /* Not a reference: the server outlives every message it serves. */
  g_object_set_data (G_OBJECT (msg), "wbps-relay-server", self);
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
  WbpsRelayServer *self = user_data;
  const char *text = self->stopping ? "stopping\n" : "ok\n";

  soup_server_message_set_status (msg, self->stopping ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC, text, strlen (text));
}

static char *
metrics_text (WbpsRelayServer *self)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          "# HELP wbps_relay_webhooks_accepted_total Webhook events verified and stored.\n"
                          "# TYPE wbps_relay_webhooks_accepted_total counter\n"
                          "wbps_relay_webhooks_accepted_total %" G_GUINT64_FORMAT "\n"
                          "# HELP wbps_relay_webhooks_duplicates_total Verified events already stored (answered 200).\n"
                          "# TYPE wbps_relay_webhooks_duplicates_total counter\n"
                          "wbps_relay_webhooks_duplicates_total %" G_GUINT64_FORMAT "\n"
                          "# HELP wbps_relay_webhooks_rejected_total Webhook requests refused, by reason.\n"
                          "# TYPE wbps_relay_webhooks_rejected_total counter\n",
                          self->accepted, self->duplicates);
  for (guint i = 0; i < N_REJECTS; i++)
    g_string_append_printf (text, "wbps_relay_webhooks_rejected_total{reason=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            reject_names[i], self->rejected[i]);
  g_string_append_printf (text,
                          "# HELP wbps_relay_subscribers Desktop event streams open.\n"
                          "# TYPE wbps_relay_subscribers gauge\n"
                          "wbps_relay_subscribers %u\n"
                          "# HELP wbps_relay_stored_events Events kept in the store.\n"
                          "# TYPE wbps_relay_stored_events gauge\n"
                          "wbps_relay_stored_events %" G_GINT64_FORMAT "\n",
                          self->n_streams, self->stored);
  return g_string_free (text, FALSE);
}

static void
metrics_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  char *text = metrics_text (user_data);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, text, strlen (text));
}

/* A token revoked through the broker stops opening streams at once, not when its cache entry ends. */
static void
forget_revoked_token (WbpsRelayServer   *self,
                      SoupServerMessage *msg)
{
  g_autoptr(GBytes) request = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (request, NULL), g_bytes_get_size (request));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *token = g_hash_table_lookup (form, "token");

  if (token != NULL)
    wbps_relay_authenticator_forget (self->authenticator, token);
}

static void
broker_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  WbpsRelayServer *self = user_data;

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

/* ---- retention -------------------------------------------------------------- */

static void
purge_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WbpsRelayServer *self = source_object;
  gint64 cutoff = g_get_real_time () / G_USEC_PER_SEC - (gint64) self->retention_days * 86400;
  GError *error = NULL;
  gint64 removed = wbps_event_store_purge (self->store, cutoff, &error);

  if (removed < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, removed);
}

static void
purge_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WbpsRelayServer *self = WBPS_RELAY_SERVER (source);
  g_autoptr(GError) error = NULL;
  gssize removed = g_task_propagate_int (G_TASK (result), &error);

  self->purging = FALSE;
  if (removed < 0)
    g_warning ("Purging old events failed: %s", error->message);
  else if (removed > 0)
    {
      self->stored -= removed;
      g_string_append_printf (self->log, "wbps-relay: purged=%" G_GSSIZE_FORMAT " retention_days=%u\n",
                              removed, self->retention_days);
      flush_log (self);
    }
  maybe_finish_stop (self);
}

static gboolean
purge_cb (gpointer user_data)
{
  WbpsRelayServer *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (self->purging || self->stopping)
    return G_SOURCE_CONTINUE;
  self->purging = TRUE;
  task = g_task_new (self, NULL, purge_done_cb, NULL);
  g_task_set_source_tag (task, purge_cb);
  g_task_run_in_thread (task, purge_thread);
  return G_SOURCE_CONTINUE;
}

/* ---- construction, listening, stopping ------------------------------------- */

static void
add_routes (WbpsRelayServer *self)
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

WbpsRelayServer *
wbps_relay_server_new (WbpsEventStore          *store,
                       const WbpsRelaySettings *settings)
{
  WbpsRelayServer *self = g_object_new (WBPS_TYPE_RELAY_SERVER, NULL);
  g_autofree char *base = g_strdup (settings->api_base);
  g_autofree char *user_info_url = NULL;
  g_autoptr(GError) error = NULL;

  g_strchomp (base);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  user_info_url = g_strconcat (base, "/v2/user/info/", NULL);
  self->store = g_object_ref (store);
  self->secrets = g_strdupv (settings->secrets);
  self->tolerance = settings->tolerance;
  self->retention_days = settings->retention_days;
  self->stored = wbps_event_store_count (store, &error);
  if (self->stored < 0)
    {
      g_warning ("Counting stored events failed: %s", error->message);
      self->stored = 0;
    }
  self->session = soup_session_new_with_options ("user-agent", "wbps-relay/" PACKAGE_VERSION,
                                                 "timeout", 30, NULL);
  self->authenticator = wbps_relay_authenticator_new (self->session, user_info_url, settings->auth_cache_seconds);
  if (settings->broker && settings->secrets != NULL && settings->secrets[0] != NULL)
    self->broker = wbps_relay_broker_new (self->session, base, settings->secrets[0]);
  self->soup = soup_server_new ("server-header", "wbps-relay", NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_aborted_cb), self);
  add_routes (self);
  self->heartbeat_id = g_timeout_add_seconds (MAX (settings->heartbeat_seconds, 1), heartbeat_cb, self);
  self->purge_id = g_timeout_add_seconds (PURGE_INTERVAL, purge_cb, self);
  purge_cb (self);
  return self;
}

char *
wbps_relay_server_listen (WbpsRelayServer  *self,
                          GSocketAddress   *address,
                          GTlsCertificate  *certificate,
                          GError          **error)
{
  GSList *uris;
  g_autofree char *host = NULL;
  char *url;
  GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));

  g_return_val_if_fail (WBPS_IS_RELAY_SERVER (self), NULL);
  if (certificate != NULL)
    g_object_set (self->soup, "tls-certificate", certificate, NULL);
  if (!soup_server_listen (self->soup, address, certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return NULL;
  uris = soup_server_get_uris (self->soup);
  host = g_inet_address_to_string (inet);
  url = g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? "%s://[%s]:%d" : "%s://%s:%d",
                         certificate != NULL ? "https" : "http", host,
                         g_uri_get_port (g_slist_last (uris)->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

static void
close_streams (WbpsRelayServer *self)
{
  GHashTableIter iter;
  GPtrArray *list;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
    for (guint i = 0; i < list->len; i++)
      wbps_relay_stream_close (g_ptr_array_index (list, i));
}

static void
maybe_finish_stop (WbpsRelayServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->stop_task == NULL || self->pending->len > 0 ||
      self->unanswered > 0 || self->purging)
    return;
  task = g_steal_pointer (&self->stop_task);
  close_streams (self);
  flush_log (self);
  g_task_return_boolean (task, TRUE);
}

static gboolean
stop_grace_over_cb (gpointer user_data)
{
  WbpsRelayServer *self = user_data;

  if (self->stop_task != NULL)
    {
      g_warning ("Stopping with %u answers unsent after %d ms", self->unanswered, STOP_GRACE_MS);
      self->unanswered = 0;
      maybe_finish_stop (self);
    }
  return G_SOURCE_REMOVE;
}

void
wbps_relay_server_stop_async (WbpsRelayServer     *self,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_RELAY_SERVER (self));
  g_return_if_fail (self->stop_task == NULL);

  self->stopping = TRUE;
  self->stop_task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->stop_task, wbps_relay_server_stop_async);
  g_timeout_add_full (G_PRIORITY_DEFAULT, STOP_GRACE_MS, stop_grace_over_cb, g_object_ref (self), g_object_unref);
  maybe_finish_stop (self);
}

gboolean
wbps_relay_server_stop_finish (WbpsRelayServer  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
