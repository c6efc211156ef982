/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <gio/gfiledescriptorbased.h>
#include <glib/gi18n-lib.h>

#include "wbps-uploader.h"
#include "wbps-chunk-input-stream.h"
#include "wbps-http.h"
#include "wbps-timeout.h"

/* ------------------------------------------------------------------------ */
/* WbpsUploader                                                              */

#define PROGRESS_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)
#define RATE_INTERVAL_US     (500 * G_TIME_SPAN_MILLISECOND)
#define MAX_RECONCILE_ROUNDS 3
#define PREFETCH_BYTES       (4 * 1024 * 1024)

struct _WbpsUploader
{
  GObject                  parent_instance;

  GFile                   *file;
  char                    *upload_url;
  char                    *content_type;
  WbpsChunkPlan            plan;
  SoupSession             *session;

  WbpsUploadReconcileFunc  reconcile_func;
  gpointer                 reconcile_data;
  GDestroyNotify           reconcile_destroy;

  guint                    max_attempts;
  guint                    base_delay_ms;
  guint                    max_delay_ms;

  /* State of the running upload. */
  GTask                   *task;
  GFileInputStream        *file_stream;
  SoupMessage             *message;
  guint64                  index;           /* chunk being sent */
  guint                    attempt;         /* 1-based, for the current chunk */
  guint                    reconcile_rounds;
  char                    *reconcile_reason; /* set while reconciling a lost reply */
  gboolean                 body_sent;       /* the current chunk's body went out in full */

  GMainContext            *context;         /* the upload's; worker threads report back here */

  /* Progress. */
  guint64                  next_offset;
  /* Chunks are sent from a worker thread: @lock guards @body and @sockets. */
  GMutex                   lock;
  WbpsChunkInputStream    *body;            /* the chunk in flight; its position is progress */
  GHashTable              *sockets;         /* libsoup connection id -> GSocket, for TCP_CORK */
  GSource                 *progress_source;
  double                   rate;
  gint64                   eta_seconds;
  gint64                   rate_time;
  guint64                  rate_bytes;
  gint64                   progress_time;
};

G_DEFINE_FINAL_TYPE (WbpsUploader, wbps_uploader, G_TYPE_OBJECT)
G_DEFINE_QUARK (wbps-upload-error-quark, wbps_upload_error)

gboolean
wbps_upload_error_is_resumable (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != WBPS_UPLOAD_ERROR)
    return TRUE;
  return error->code == WBPS_UPLOAD_ERROR_TOO_MANY_RETRIES ||
         error->code == WBPS_UPLOAD_ERROR_RANGE_MISMATCH ||
         error->code == WBPS_UPLOAD_ERROR_FAILED;
}

enum {
  PROP_0,
  PROP_BYTES_SENT,
  PROP_TOTAL_BYTES,
  PROP_RATE,
  PROP_ETA_SECONDS,
  PROP_NEXT_OFFSET,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_CHUNK_DONE,
  SIGNAL_RETRYING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void send_chunk (WbpsUploader *self);

/* Replaces the chunk in flight (NULL: none); any thread. */
static void
set_body (WbpsUploader *self,
          GInputStream *body)
{
  g_autoptr(WbpsChunkInputStream) old = NULL;

  g_mutex_lock (&self->lock);
  old = g_steal_pointer (&self->body);
  self->body = body != NULL ? g_object_ref (WBPS_CHUNK_INPUT_STREAM (body)) : NULL;
  g_mutex_unlock (&self->lock);
}

/* ---- progress ---- */

static void
update_rate (WbpsUploader *self,
             gint64        now)
{
  guint64 sent = wbps_uploader_get_bytes_sent (self);
  double instant;

  if (self->rate_time == 0 || sent < self->rate_bytes)
    {
      self->rate_time = now;
      self->rate_bytes = sent;
      return;
    }
  if (now - self->rate_time < RATE_INTERVAL_US)
    return;

  instant = (double) (sent - self->rate_bytes) * G_USEC_PER_SEC / (double) (now - self->rate_time);
  /* Exponential smoothing: steady ETA, yet follows a real change within seconds. */
  self->rate = self->rate == 0 ? instant : 0.7 * self->rate + 0.3 * instant;
  self->rate_time = now;
  self->rate_bytes = sent;
  self->eta_seconds = self->rate > 0 ? (gint64) ((self->plan.video_size - sent) / self->rate) : -1;
}

static void
emit_progress (WbpsUploader *self,
               gboolean      force)
{
  gint64 now = g_get_monotonic_time ();

  update_rate (self, now);
  if (!force && now - self->progress_time < PROGRESS_INTERVAL_US)
    return;
  self->progress_time = now;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA_SECONDS]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0,
                 wbps_uploader_get_bytes_sent (self), self->plan.video_size,
                 self->rate, self->eta_seconds);
}

/* Polled rather than driven by libsoup's per-8-KiB "wrote-body-data": cheaper. */
static gboolean
progress_tick_cb (gpointer user_data)
{
  emit_progress (WBPS_UPLOADER (user_data), FALSE);
  return G_SOURCE_CONTINUE;
}

static void
start_progress_ticks (WbpsUploader *self)
{
  self->progress_source = g_timeout_source_new (PROGRESS_INTERVAL_US / G_TIME_SPAN_MILLISECOND);
  g_source_set_callback (self->progress_source, progress_tick_cb, self, NULL);
  g_source_attach (self->progress_source, g_task_get_context (self->task));
}

static void
stop_progress_ticks (WbpsUploader *self)
{
  if (self->progress_source != NULL)
    g_source_destroy (self->progress_source);
  g_clear_pointer (&self->progress_source, g_source_unref);
}

/* ---- finishing ---- */

static void
clear_message (WbpsUploader *self)
{
  if (self->message == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->message, self);
  g_clear_object (&self->message);
}

static void
finish_upload (WbpsUploader *self,
               GError       *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  clear_message (self);
  stop_progress_ticks (self);
  g_clear_object (&self->file_stream);
  set_body (self, NULL);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  emit_progress (self, TRUE);
  g_task_return_boolean (task, TRUE);
}

static gboolean
finish_if_cancelled (WbpsUploader *self)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (self->task), &error))
    return FALSE;
  finish_upload (self, error);
  return TRUE;
}

/* Records that TikTok holds the first @offset bytes (a chunk boundary) and goes on. */
static void
advance_to (WbpsUploader *self,
            guint64       offset)
{
  gboolean gained = offset > self->next_offset;

  if (gained)
    {
      self->reconcile_rounds = 0;
      self->attempt = 0;
    }
  self->next_offset = offset;
  set_body (self, NULL);
  wbps_chunk_plan_index_at_offset (&self->plan, offset, &self->index);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_OFFSET]);
  if (gained)
    g_signal_emit (self, signals[SIGNAL_CHUNK_DONE], 0, self->index - 1, offset);
  emit_progress (self, TRUE);

  if (self->index >= self->plan.total_chunk_count)
    finish_upload (self, NULL);
  else
    send_chunk (self);
}

/* ---- retries ---- */

static guint
backoff_delay_ms (WbpsUploader *self)
{
  guint64 delay = self->base_delay_ms;

  for (guint i = 1; i < self->attempt && delay < self->max_delay_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->max_delay_ms);
  /* ±25 % jitter so many clients hitting one outage do not retry in step. */
  return (guint) (delay * g_random_double_range (0.75, 1.25));
}

/* The retry wait is over, or was cancelled (which ends the upload at once). */
static void
retry_waited_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WbpsUploader *self = WBPS_UPLOADER (source);
  GError *error = NULL;

  g_assert (WBPS_IS_UPLOADER (self));

  if (!wbps_timeout_finish (result, &error))
    {
      finish_upload (self, error);
      return;
    }
  if (!finish_if_cancelled (self))
    send_chunk (self);
}

static void
schedule_retry (WbpsUploader *self,
                const char   *reason,
                guint         min_delay_ms)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  guint delay;

  if (self->attempt >= self->max_attempts)
    {
      finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_TOO_MANY_RETRIES,
                                        /* Translators: chunk N of M failed K times; %s is the last
                                         * problem, such as an HTTP reply or a network error */
                                        _("Upload of chunk %" PRIu64 " of %" PRIu64
                                          " failed %u times; last problem: %s"),
                                        self->index + 1, self->plan.total_chunk_count,
                                        self->attempt, reason));
      return;
    }
  delay = MAX (backoff_delay_ms (self), min_delay_ms);
  g_debug ("Chunk %" G_GUINT64_FORMAT ": %s; retrying in %u ms", self->index, reason, delay);
  g_signal_emit (self, signals[SIGNAL_RETRYING], 0, self->index, self->attempt, delay, reason);
  set_body (self, NULL);
  emit_progress (self, TRUE);

  wbps_timeout_async (self, delay, cancellable, retry_waited_cb, NULL);
}

/* ---- reconciling ---- */

/* "bytes FIRST-LAST/TOTAL" -> LAST + 1, the number of bytes held; -1 if absent, "*" or unreadable. */
gint64
wbps_uploader_parse_content_range (const char *value)
{
  guint64 first, last;
  char *end;

  if (value == NULL || !g_str_has_prefix (value, "bytes "))
    return -1;
  value += strlen ("bytes ");
  if (!g_ascii_isdigit (*value))
    return -1;
  first = g_ascii_strtoull (value, &end, 10);
  if (end == value || *end != '-' || !g_ascii_isdigit (end[1]))
    return -1;
  value = end + 1;
  last = g_ascii_strtoull (value, &end, 10);
  if (end == value || *end != '/' || last < first || last >= G_MAXINT64)
    return -1;
  return (gint64) last + 1;
}

static gint64
parse_content_range (SoupMessage *message)
{
  return wbps_uploader_parse_content_range (
    soup_message_headers_get_one (soup_message_get_response_headers (message), "Content-Range"));
}

static void
resume_from_reconciled (WbpsUploader *self,
                        gint64        held)
{
  guint64 index;

  if (held < 0 || (guint64) held > self->plan.video_size ||
      !wbps_chunk_plan_index_at_offset (&self->plan, held, &index))
    {
      finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_RANGE_MISMATCH,
                                        /* Translators: bytes received by TikTok of the video's size */
                                        _("TikTok holds %" PRId64 " of %" PRIu64
                                          " bytes, which is not where a chunk ends"),
                                        held, self->plan.video_size));
      return;
    }
  g_debug ("Reconciled: TikTok holds %" G_GINT64_FORMAT " bytes, resuming at chunk %" G_GUINT64_FORMAT,
           held, index);
  /* A lost chunk that did not land is resent like any transient failure. */
  if ((guint64) held == self->next_offset && self->reconcile_reason != NULL)
    schedule_retry (self, self->reconcile_reason, 0);
  else
    advance_to (self, held);
}

static void
reconciled_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WbpsUploader *self = WBPS_UPLOADER (source);
  GError *error = NULL;
  gssize held = g_task_propagate_int (G_TASK (result), &error);

  if (finish_if_cancelled (self))
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    {
      finish_upload (self, error);
      return;
    }
  resume_from_reconciled (self, held);
}

/*
 * Asks how many bytes TikTok holds. @hint is what a 416 reply said, or -1.
 * @transient_reason is set for a lost reply (bounded by the retry attempts);
 * disagreements (416) are bounded by MAX_RECONCILE_ROUNDS instead.
 */
static void
reconcile (WbpsUploader *self,
           const char   *why,
           const char   *transient_reason,
           gint64        hint)
{
  GTask *task;

  if (transient_reason == NULL && ++self->reconcile_rounds > MAX_RECONCILE_ROUNDS)
    {
      finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_RANGE_MISMATCH,
                                        /* Translators: %s is the reason, such as “TikTok refused
                                         * the byte range (416)” */
                                        _("TikTok and wbps keep disagreeing about how much of the "
                                          "video was received (%s)"), why));
      return;
    }
  g_free (self->reconcile_reason);
  self->reconcile_reason = g_strdup (transient_reason);
  clear_message (self);
  set_body (self, NULL);
  g_debug ("Chunk %" G_GUINT64_FORMAT ": %s; asking TikTok how much it holds", self->index, why);

  if (self->reconcile_func == NULL)
    {
      if (hint >= 0)
        resume_from_reconciled (self, hint);
      else
        finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_RANGE_MISMATCH,
                                          /* Translators: %s is the reason, such as “TikTok refused
                                           * the byte range (416)” */
                                          _("TikTok did not accept chunk %" PRIu64 " (%s)"),
                                          self->index + 1, why));
      return;
    }
  task = g_task_new (self, g_task_get_cancellable (self->task), reconciled_cb, NULL);
  g_task_set_source_tag (task, reconcile);
  self->reconcile_func (self, task, self->reconcile_data);
}

/* ---- corking ---- */

/*
 * libsoup writes a streamed body 8 KiB at a time on a TCP_NODELAY socket: one
 * packet per write. Corking the socket while the body goes out lets the kernel
 * send full segments instead (a third of the CPU on loopback); uncorking after
 * the body flushes the tail at once.
 */
static void
message_network_event_cb (SoupMessage        *message,
                          GSocketClientEvent  event,
                          GIOStream          *connection,
                          WbpsUploader       *self)
{
  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_SOCKET_CONNECTION (connection))
    return;
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->sockets, GSIZE_TO_POINTER (soup_message_get_connection_id (message)),
                        g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection))));
  g_mutex_unlock (&self->lock);
}

static void
set_cork (WbpsUploader *self,
          SoupMessage  *message,
          gboolean      cork)
{
#ifdef TCP_CORK
  GSocket *socket;

  g_mutex_lock (&self->lock);
  socket = g_hash_table_lookup (self->sockets, GSIZE_TO_POINTER (soup_message_get_connection_id (message)));
  if (socket != NULL && !g_socket_is_closed (socket))
    g_socket_set_option (socket, IPPROTO_TCP, TCP_CORK, cork, NULL);
  g_mutex_unlock (&self->lock);
#endif
}

static void
message_wrote_headers_cb (SoupMessage  *message,
                          WbpsUploader *self)
{
  set_cork (self, message, TRUE);
}

/* ---- one chunk ---- */

static char *
describe_reply (SoupMessage *message,
                GBytes      *body)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *excerpt = data != NULL ? g_utf8_make_valid (data, MIN (len, 200)) : NULL;

  return g_strdup_printf ("HTTP %u %s%s%s", soup_message_get_status (message),
                          soup_message_get_reason_phrase (message) ?: "",
                          excerpt != NULL && *excerpt ? ": " : "", excerpt ?: "");
}

static gboolean
is_last_chunk (WbpsUploader *self)
{
  return self->index + 1 == self->plan.total_chunk_count;
}

static void
handle_accepted (WbpsUploader *self,
                 guint         status)
{
  guint64 last;
  gint64 held = parse_content_range (self->message);

  wbps_chunk_plan_get_range (&self->plan, self->index, NULL, &last);
  if ((status == SOUP_STATUS_CREATED) != is_last_chunk (self))
    {
      finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_PROTOCOL,
                                        /* Translators: an HTTP status code, then chunk N of M */
                                        _("TikTok answered HTTP %u to chunk %" PRIu64 " of %"
                                          PRIu64), status, self->index + 1,
                                        self->plan.total_chunk_count));
      return;
    }
  /* Content-Range "bytes 0-LAST/TOTAL": some servers send the count instead of LAST. */
  if (held >= 0 && (guint64) held != last + 1 && (guint64) held != last + 2)
    {
      reconcile (self, _("the reply's Content-Range disagrees with the chunk sent"), NULL, held);
      return;
    }
  advance_to (self, last + 1);
}

/* TikTok's limits are per-minute windows: Retry-After when sent, else never under a few seconds. */
static void
schedule_rate_limited_retry (WbpsUploader *self,
                             const char   *reply)
{
  gint64 retry_after = wbps_http_retry_after_usec (soup_message_get_response_headers (self->message));
  g_autofree char *reason = g_strdup_printf (_("TikTok asked wbps to slow down (%s)"), reply);
  guint floor_ms = retry_after >= 0 ? (guint) (retry_after / 1000)
                                    : (guint) g_random_int_range (4000, 8001);

  schedule_retry (self, reason, floor_ms);
}

static void
handle_status (WbpsUploader *self,
               GBytes       *body)
{
  guint status = soup_message_get_status (self->message);
  g_autofree char *reply = NULL;

  if (status == SOUP_STATUS_PARTIAL_CONTENT || status == SOUP_STATUS_CREATED)
    {
      handle_accepted (self, status);
      return;
    }
  reply = describe_reply (self->message, body);
  if (status == SOUP_STATUS_FORBIDDEN)
    finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_URL_EXPIRED,
                                      /* Translators: %s is TikTok's reply, such as “HTTP 403 Forbidden” */
                                      _("The upload link has expired (TikTok allows one hour); "
                                        "start the post again (%s)"), reply));
  else if (status == SOUP_STATUS_NOT_FOUND)
    finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_URL_UNKNOWN,
                                      /* Translators: %s is TikTok's reply, such as “HTTP 404 Not Found” */
                                      _("TikTok does not know this upload link; start the post again (%s)"),
                                      reply));
  else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    reconcile (self, _("TikTok refused the byte range (416)"), NULL, parse_content_range (self->message));
  else if (status == 429)
    schedule_rate_limited_retry (self, reply);
  else if (status >= 500 || status == SOUP_STATUS_REQUEST_TIMEOUT)
    schedule_retry (self, reply, 0);
  else
    finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_REJECTED,
                                      /* Translators: chunk N of M, then TikTok's reply, such as
                                       * “HTTP 400 Bad Request” */
                                      _("TikTok rejected chunk %" PRIu64 " of %" PRIu64
                                        " (%s)"), self->index + 1, self->plan.total_chunk_count, reply));
}

/*
 * Each chunk goes out with libsoup's blocking API in a worker thread (thread
 * safe since libsoup 3.2). The asynchronous API splices a streamed body in
 * 8 KiB pieces with two main-loop turns per piece (a GTask completing in an
 * idle source for the read, another for the write): three times curl's CPU
 * for the same upload. The blocking splice copies the same 8 KiB pieces in a
 * plain loop. Every decision stays on the main context; the message's signals
 * (cork, body sent, restart) arrive in the worker, hence @lock.
 */
typedef struct {
  SoupSession *session;
  SoupMessage *message;
} SendJob;

static void
send_job_free (SendJob *job)
{
  g_object_unref (job->session);
  g_object_unref (job->message);
  g_free (job);
}

static void
chunk_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WbpsUploader *self = WBPS_UPLOADER (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = g_task_propagate_pointer (G_TASK (result), &error);

  if (self->task == NULL)
    return;
  if (finish_if_cancelled (self))
    return;
  if (error == NULL)
    {
      handle_status (self, body);
      return;
    }
  /* No reply: network trouble. If the whole body went out, the chunk may have landed. */
  if (self->body_sent && self->reconcile_func != NULL)
    reconcile (self, _("the connection dropped after the whole chunk was sent"),
               error->message, -1);
  else
    schedule_retry (self, error->message, 0);
}

static void
send_chunk_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SendJob *job = task_data;
  GError *error = NULL;
  GBytes *reply = soup_session_send_and_read (job->session, job->message, cancellable, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) g_bytes_unref);
}

/* Starts the disk reading the next chunk while TikTok answers this one. */
static void
prefetch_next_chunk (WbpsUploader *self)
{
#ifdef POSIX_FADV_WILLNEED
  int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (self->file_stream));
  guint64 first, last;

  if (self->index + 1 >= self->plan.total_chunk_count)
    return;
  wbps_chunk_plan_get_range (&self->plan, self->index + 1, &first, &last);
  posix_fadvise (fd, (off_t) first, (off_t) MIN (last - first + 1, PREFETCH_BYTES), POSIX_FADV_WILLNEED);
#endif
}

/* In the worker thread. */
static void
message_wrote_body_cb (SoupMessage  *message,
                       WbpsUploader *self)
{
  self->body_sent = TRUE;
  set_cork (self, message, FALSE);
  prefetch_next_chunk (self);
}

/* A fresh body stream for the current chunk; sets Content-Length too. Any thread. */
static void
attach_body (WbpsUploader *self,
             SoupMessage  *message)
{
  g_autoptr(GInputStream) body = NULL;
  guint64 first, last;
  int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (self->file_stream));

  wbps_chunk_plan_get_range (&self->plan, self->index, &first, &last);
  body = wbps_chunk_input_stream_new (G_OBJECT (self->file_stream), fd, first, last - first + 1);
  soup_message_set_request_body (message, self->content_type, body, last - first + 1);
  set_body (self, body);
  self->body_sent = FALSE;
}

static gboolean
announce_restart_cb (gpointer user_data)
{
  WbpsUploader *self = user_data;
  const char *reason = _("the connection was lost; sending the chunk again");

  g_assert (WBPS_IS_UPLOADER (self));

  if (self->task == NULL)
    return G_SOURCE_REMOVE;
  g_debug ("Chunk %" G_GUINT64_FORMAT ": %s", self->index, reason);
  self->attempt++;
  g_signal_emit (self, signals[SIGNAL_RETRYING], 0, self->index, self->attempt - 1, 0, reason);
  return G_SOURCE_REMOVE;
}

/* In the worker thread. libsoup resends an idempotent PUT by itself when a
 * reused connection drops: the spent body stream must be replaced, or a short
 * body would go out. The main context hears of it before the chunk's reply. */
static void
message_restarted_cb (SoupMessage  *message,
                      WbpsUploader *self)
{
  attach_body (self, message);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, announce_restart_cb,
                              g_object_ref (self), g_object_unref);
}

static void
send_chunk (WbpsUploader *self)
{
  g_autofree char *range = NULL;
  g_autoptr(GTask) task = NULL;
  SendJob *job;
  guint64 first, last;

  clear_message (self);
  wbps_chunk_plan_get_range (&self->plan, self->index, &first, &last);
  self->attempt++;

  self->message = soup_message_new (SOUP_METHOD_PUT, self->upload_url);
  soup_message_set_flags (self->message, SOUP_MESSAGE_NO_REDIRECT);
  range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                           first, last, self->plan.video_size);
  soup_message_headers_replace (soup_message_get_request_headers (self->message), "Content-Range", range);
  attach_body (self, self->message);
  g_signal_connect (self->message, "network-event", G_CALLBACK (message_network_event_cb), self);
  g_signal_connect (self->message, "wrote-headers", G_CALLBACK (message_wrote_headers_cb), self);
  g_signal_connect (self->message, "wrote-body", G_CALLBACK (message_wrote_body_cb), self);
  g_signal_connect (self->message, "restarted", G_CALLBACK (message_restarted_cb), self);

  job = g_new0 (SendJob, 1);
  job->session = g_object_ref (self->session);
  job->message = g_object_ref (self->message);
  task = g_task_new (self, g_task_get_cancellable (self->task), chunk_sent_cb, NULL);
  g_task_set_source_tag (task, send_chunk);
  g_task_set_task_data (task, job, (GDestroyNotify) send_job_free);
  g_task_run_in_thread (task, send_chunk_thread);
}

/* ---- opening the file ---- */

static void
file_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(WbpsUploader) self = user_data;
  GError *error = NULL;
  g_autoptr(GFileInfo) info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (source),
                                                                     result, &error);
  guint64 size;

  if (info == NULL)
    {
      finish_upload (self, error);
      return;
    }
  size = g_file_info_get_size (info);
  if (size != self->plan.video_size)
    {
      finish_upload (self, g_error_new (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_FILE_CHANGED,
                                        /* Translators: the video's size now, then the size announced */
                                        _("The video is now %" PRIu64 " bytes but %"
                                          PRIu64 " were announced to TikTok; the file changed"),
                                        size, self->plan.video_size));
      return;
    }
  emit_progress (self, TRUE);
  start_progress_ticks (self);
  send_chunk (self);
}

static void
file_opened_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WbpsUploader) self = user_data;
  GError *error = NULL;

  self->file_stream = g_file_read_finish (G_FILE (source), result, &error);
  if (self->file_stream == NULL)
    {
      finish_upload (self, error);
      return;
    }
  if (!G_IS_FILE_DESCRIPTOR_BASED (self->file_stream))
    {
      finish_upload (self, g_error_new_literal (WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_NOT_LOCAL,
                                                _("Only videos on a local disk can be uploaded")));
      return;
    }
#ifdef POSIX_FADV_SEQUENTIAL
  /* Larger kernel read-ahead: the file is read once, front to back. */
  posix_fadvise (g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (self->file_stream)),
                 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  g_file_input_stream_query_info_async (self->file_stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_PRIORITY_DEFAULT, g_task_get_cancellable (self->task),
                                        file_info_cb, g_object_ref (self));
}

void
wbps_uploader_upload_async (WbpsUploader        *self,
                            guint64              start_offset,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (WBPS_IS_UPLOADER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_uploader_upload_async);
  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("An upload is already running"));
      return;
    }
  if (!wbps_chunk_plan_validate (&self->plan, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Created only when no session was shared: an I/O timeout turns a stalled
   * connection into a retry instead of a hang. */
  if (self->session == NULL)
    self->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 60, NULL);
  self->task = g_steal_pointer (&task);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref (g_task_get_context (self->task));
  self->index = MIN (start_offset / self->plan.chunk_size, self->plan.total_chunk_count - 1);
  self->next_offset = self->index * self->plan.chunk_size;
  self->attempt = 0;
  self->reconcile_rounds = 0;
  self->rate = 0;
  self->rate_time = 0;
  self->eta_seconds = -1;
  g_file_read_async (self->file, G_PRIORITY_DEFAULT, cancellable, file_opened_cb, g_object_ref (self));
}

gboolean
wbps_uploader_upload_finish (WbpsUploader  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (WBPS_IS_UPLOADER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- object ---- */

WbpsUploader *
wbps_uploader_new (GFile               *file,
                   const char          *upload_url,
                   const char          *content_type,
                   const WbpsChunkPlan *plan)
{
  WbpsUploader *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (upload_url != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  self = g_object_new (WBPS_TYPE_UPLOADER, NULL);
  self->file = g_object_ref (file);
  self->upload_url = g_strdup (upload_url);
  self->content_type = g_strdup (content_type != NULL ? content_type : "video/mp4");
  self->plan = *plan;
  return self;
}

void
wbps_uploader_set_session (WbpsUploader *self,
                           SoupSession  *session)
{
  g_return_if_fail (WBPS_IS_UPLOADER (self));
  g_return_if_fail (SOUP_IS_SESSION (session));

  g_set_object (&self->session, session);
}

void
wbps_uploader_set_reconcile_func (WbpsUploader            *self,
                                  WbpsUploadReconcileFunc  func,
                                  gpointer                 user_data,
                                  GDestroyNotify           destroy)
{
  g_return_if_fail (WBPS_IS_UPLOADER (self));

  if (self->reconcile_destroy != NULL)
    self->reconcile_destroy (self->reconcile_data);
  self->reconcile_func = func;
  self->reconcile_data = user_data;
  self->reconcile_destroy = destroy;
}

void
wbps_uploader_set_retry_policy (WbpsUploader *self,
                                guint         max_attempts,
                                guint         base_delay_ms,
                                guint         max_delay_ms)
{
  g_return_if_fail (WBPS_IS_UPLOADER (self));
  g_return_if_fail (max_attempts > 0);

  self->max_attempts = max_attempts;
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = MAX (max_delay_ms, base_delay_ms);
}

const WbpsChunkPlan *
wbps_uploader_get_plan (WbpsUploader *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOADER (self), NULL);
  return &self->plan;
}

guint64
wbps_uploader_get_next_offset (WbpsUploader *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOADER (self), 0);
  return self->next_offset;
}

guint64
wbps_uploader_get_bytes_sent (WbpsUploader *self)
{
  guint64 in_flight = 0;

  g_return_val_if_fail (WBPS_IS_UPLOADER (self), 0);

  g_mutex_lock (&self->lock);
  if (self->body != NULL)
    in_flight = wbps_chunk_input_stream_get_position (self->body);
  g_mutex_unlock (&self->lock);
  return MIN (self->next_offset + in_flight, self->plan.video_size);
}

guint64
wbps_uploader_get_total_bytes (WbpsUploader *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOADER (self), 0);
  return self->plan.video_size;
}

double
wbps_uploader_get_rate (WbpsUploader *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOADER (self), 0);
  return self->rate;
}

gint64
wbps_uploader_get_eta_seconds (WbpsUploader *self)
{
  g_return_val_if_fail (WBPS_IS_UPLOADER (self), -1);
  return self->eta_seconds;
}

static void
wbps_uploader_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WbpsUploader *self = WBPS_UPLOADER (object);

  switch (prop_id)
    {
    case PROP_BYTES_SENT:
      g_value_set_uint64 (value, wbps_uploader_get_bytes_sent (self));
      break;
    case PROP_TOTAL_BYTES:
      g_value_set_uint64 (value, self->plan.video_size);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_ETA_SECONDS:
      g_value_set_int64 (value, self->eta_seconds);
      break;
    case PROP_NEXT_OFFSET:
      g_value_set_uint64 (value, self->next_offset);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_uploader_dispose (GObject *object)
{
  WbpsUploader *self = WBPS_UPLOADER (object);

  g_assert (self->task == NULL);
  clear_message (self);
  stop_progress_ticks (self);
  set_body (self, NULL);
  wbps_uploader_set_reconcile_func (self, NULL, NULL, NULL);
  g_clear_object (&self->file_stream);
  g_clear_object (&self->session);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (wbps_uploader_parent_class)->dispose (object);
}

static void
wbps_uploader_finalize (GObject *object)
{
  WbpsUploader *self = WBPS_UPLOADER (object);

  g_free (self->upload_url);
  g_free (self->reconcile_reason);
  g_hash_table_unref (self->sockets);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->content_type);
  G_OBJECT_CLASS (wbps_uploader_parent_class)->finalize (object);
}

static void
wbps_uploader_class_init (WbpsUploaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_uploader_dispose;
  object_class->finalize = wbps_uploader_finalize;
  object_class->get_property = wbps_uploader_get_property;

  properties[PROP_BYTES_SENT] =
    g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOTAL_BYTES] =
    g_param_spec_uint64 ("total-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ETA_SECONDS] =
    g_param_spec_int64 ("eta-seconds", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_OFFSET] =
    g_param_spec_uint64 ("next-offset", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT64, G_TYPE_UINT64, G_TYPE_DOUBLE, G_TYPE_INT64);
  signals[SIGNAL_CHUNK_DONE] =
    g_signal_new ("chunk-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[SIGNAL_RETRYING] =
    g_signal_new ("retrying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT64, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
wbps_uploader_init (WbpsUploader *self)
{
  g_mutex_init (&self->lock);
  self->sockets = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->max_attempts = 6;
  self->base_delay_ms = 1000;
  self->max_delay_ms = 30000;
  self->eta_seconds = -1;
}
