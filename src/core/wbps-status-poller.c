/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "wbps-status-poller.h"

#include "wbps-error.h"
#include "wbps-relay-status.h"
#include "wbps-timeout.h"

struct _WbpsStatusPoller
{
  GObject            parent_instance;

  WbpsApiClient     *api;
  char              *open_id;
  char              *publish_id;
  WbpsPublishStatus *status;

  WbpsRelayClient   *relay;          /* pushes this post's events, or NULL */

  GTask             *follow;         /* the running follow, or NULL */
  GCancellable      *sleep;          /* the follow's current wait, cancelled to reschedule it */
  gulong             cancelled_id;   /* on the follow's cancellable */
  gint64             deadline;       /* monotonic µs */
  guint              interval_ms;

  /* The request of a follow in flight: cancelled by the follow's cancellable or at the deadline. */
  GCancellable      *request_cancellable;
  GCancellable      *request_parent;
  gulong             request_parent_handler;
  guint              request_deadline_id;
  gboolean           request_timed_out;
};

G_DEFINE_FINAL_TYPE (WbpsStatusPoller, wbps_status_poller, G_TYPE_OBJECT)

enum {
  SIGNAL_STATUS,
  SIGNAL_RETRYING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void follow_schedule (WbpsStatusPoller *self);

static void
wbps_status_poller_finalize (GObject *object)
{
  WbpsStatusPoller *self = WBPS_STATUS_POLLER (object);

  g_clear_object (&self->api);
  g_clear_object (&self->relay);
  g_free (self->open_id);
  g_free (self->publish_id);
  g_clear_pointer (&self->status, wbps_publish_status_free);

  G_OBJECT_CLASS (wbps_status_poller_parent_class)->finalize (object);
}

static void
wbps_status_poller_class_init (WbpsStatusPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_status_poller_finalize;

  signals[SIGNAL_STATUS] =
    g_signal_new ("status", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  WBPS_TYPE_PUBLISH_STATUS | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_RETRYING] =
    g_signal_new ("retrying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
wbps_status_poller_init (WbpsStatusPoller *self)
{
}

WbpsStatusPoller *
wbps_status_poller_new (WbpsApiClient *api,
                        const char    *open_id,
                        const char    *publish_id)
{
  WbpsStatusPoller *self;

  g_return_val_if_fail (WBPS_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (publish_id != NULL, NULL);

  self = g_object_new (WBPS_TYPE_STATUS_POLLER, NULL);
  self->api = g_object_ref (api);
  self->open_id = g_strdup (open_id);
  self->publish_id = g_strdup (publish_id);
  return self;
}

const char *
wbps_status_poller_get_publish_id (WbpsStatusPoller *self)
{
  g_return_val_if_fail (WBPS_IS_STATUS_POLLER (self), NULL);

  return self->publish_id;
}

const WbpsPublishStatus *
wbps_status_poller_get_status (WbpsStatusPoller *self)
{
  g_return_val_if_fail (WBPS_IS_STATUS_POLLER (self), NULL);

  return self->status;
}

void
wbps_publish_status_apply_to_record (const WbpsPublishStatus *status,
                                     WbpsPostRecord          *record)
{
  g_return_if_fail (status != NULL && record != NULL);

  g_free (record->status);
  record->status = g_strdup (status->status);
  g_free (record->fail_reason);
  record->fail_reason = g_strdup (status->fail_reason);
  g_strfreev (record->post_ids);
  record->post_ids = g_strdupv (status->post_ids != NULL ? status->post_ids
                                                         : (GStrv) (const char *[]) { NULL });
}

/* Keeps @status as the latest and tells the listeners. */
static void
take_status (WbpsStatusPoller        *self,
             const WbpsPublishStatus *status)
{
  g_clear_pointer (&self->status, wbps_publish_status_free);
  self->status = wbps_publish_status_copy (status);
  g_signal_emit (self, signals[SIGNAL_STATUS], 0, self->status);
}

/* One status request for a task of @self's, answered to @reply_cb. */
static void
request_status (WbpsStatusPoller    *self,
                gpointer             source_tag,
                GAsyncReadyCallback  reply_cb,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  wbps_api_client_status_async (self->api, self->open_id, self->publish_id, cancellable, reply_cb, task);
}

/* fetch */

static void
fetch_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsStatusPoller *self = g_task_get_source_object (task);
  WbpsPublishStatus *status;
  GError *error = NULL;

  g_assert (WBPS_IS_STATUS_POLLER (self));

  status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);
  if (status == NULL)
    return g_task_return_error (task, error);
  take_status (self, status);
  g_task_return_pointer (task, status, (GDestroyNotify) wbps_publish_status_free);
}

void
wbps_status_poller_fetch_async (WbpsStatusPoller    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_STATUS_POLLER (self));

  request_status (self, wbps_status_poller_fetch_async, fetch_reply_cb, cancellable, callback, user_data);
}

WbpsPublishStatus *
wbps_status_poller_fetch_finish (WbpsStatusPoller  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* uploaded bytes: one request, no "status" signal */

static void
uploaded_bytes_reply_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(WbpsPublishStatus) status = NULL;
  GError *error = NULL;

  status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);
  if (status == NULL)
    g_task_return_error (task, error);
  else if (status->uploaded_bytes < 0)
    g_task_return_new_error (task, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                             _("TikTok did not say how many bytes of the upload it holds."));
  else
    g_task_return_int (task, status->uploaded_bytes);
}

void
wbps_status_poller_uploaded_bytes_async (WbpsStatusPoller    *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_STATUS_POLLER (self));

  request_status (self, wbps_status_poller_uploaded_bytes_async, uploaded_bytes_reply_cb,
                  cancellable, callback, user_data);
}

gint64
wbps_status_poller_uploaded_bytes_finish (WbpsStatusPoller  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/* follow: wait -> fetch -> (final? done : wait longer) */

static gboolean
error_is_transient (const GError *error)
{
  return wbps_tiktok_error_is_transient (error) ||
         error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
         error->domain == SOUP_SESSION_ERROR || g_error_matches (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY) ||
         g_error_matches (error, WBPS_ERROR, WBPS_ERROR_TIMEOUT);
}

static void
follow_return (WbpsStatusPoller *self,
               GError           *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->follow);

  g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
  self->cancelled_id = 0;
  g_clear_object (&self->sleep);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, wbps_publish_status_copy (self->status),
                           (GDestroyNotify) wbps_publish_status_free);
}

static GError *
timed_out_error (WbpsStatusPoller *self)
{
  return g_error_new (WBPS_ERROR, WBPS_ERROR_TIMEOUT, _("TikTok gave no final status for %s in time."),
                      self->publish_id);
}

static void
request_parent_cancelled_cb (GCancellable *parent,
                             GCancellable *request)
{
  g_cancellable_cancel (request);
}

static gboolean
request_deadline_cb (gpointer user_data)
{
  WbpsStatusPoller *self = user_data;

  g_assert (WBPS_IS_STATUS_POLLER (self));

  self->request_deadline_id = 0;
  self->request_timed_out = TRUE;
  g_cancellable_cancel (self->request_cancellable);
  return G_SOURCE_REMOVE;
}

/* A cancellable for the next status request that also fires at the give-up time. */
static GCancellable *
request_begin (WbpsStatusPoller *self)
{
  GCancellable *parent = g_task_get_cancellable (self->follow);
  gint64 remaining_ms = MAX (0, (self->deadline - g_get_monotonic_time ()) / 1000);

  self->request_cancellable = g_cancellable_new ();
  self->request_timed_out = FALSE;
  if (parent != NULL)
    {
      self->request_parent = g_object_ref (parent);
      self->request_parent_handler = g_cancellable_connect (parent, G_CALLBACK (request_parent_cancelled_cb),
                                                            g_object_ref (self->request_cancellable),
                                                            g_object_unref);
    }
  self->request_deadline_id = g_timeout_add ((guint) MIN (remaining_ms, G_MAXUINT), request_deadline_cb, self);
  return self->request_cancellable;
}

/* Ends what request_begin() set up; TRUE when it was the give-up time that cancelled the request. */
static gboolean
request_end (WbpsStatusPoller *self)
{
  gboolean timed_out = self->request_timed_out;

  g_clear_handle_id (&self->request_deadline_id, g_source_remove);
  if (self->request_parent != NULL)
    g_cancellable_disconnect (self->request_parent, self->request_parent_handler);
  self->request_parent_handler = 0;
  g_clear_object (&self->request_parent);
  g_clear_object (&self->request_cancellable);
  self->request_timed_out = FALSE;
  return timed_out;
}

static void
follow_reply_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(WbpsStatusPoller) self = user_data;
  g_autoptr(WbpsPublishStatus) status = NULL;
  GError *error = NULL;
  gboolean timed_out;

  g_assert (WBPS_IS_STATUS_POLLER (self));

  status = wbps_api_client_status_finish (WBPS_API_CLIENT (source), result, &error);
  timed_out = request_end (self);
  if (self->follow == NULL)
    {
      /* A pushed final status ended the follow while this request ran. */
      g_clear_error (&error);
      return;
    }
  if (status == NULL && timed_out && !g_cancellable_is_cancelled (g_task_get_cancellable (self->follow)))
    {
      /* A request that hangs must not outlast the give-up time. */
      g_clear_error (&error);
      return follow_return (self, timed_out_error (self));
    }
  if (status == NULL && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !error_is_transient (error)))
    return follow_return (self, error);
  if (status == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_RETRYING], 0, error->message);
      g_clear_error (&error);
    }
  else
    take_status (self, status);
  if (status != NULL && wbps_publish_status_is_final (status))
    return follow_return (self, NULL);
  self->interval_ms = MIN (self->interval_ms * 3 / 2, WBPS_STATUS_POLL_MAX_INTERVAL_MS);
  follow_schedule (self);
}

static void
follow_woke_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(WbpsStatusPoller) self = user_data;
  GError *error = NULL;

  g_assert (WBPS_IS_STATUS_POLLER (self));

  /* Ended, or a wait the relay's coming or going replaced. */
  if (self->follow == NULL || (GObject *) self->sleep != source)
    return;
  g_clear_object (&self->sleep);
  if (!wbps_timeout_finish (result, &error))
    return follow_return (self, error);
  if (g_get_monotonic_time () >= self->deadline)
    return follow_return (self, timed_out_error (self));
  wbps_api_client_status_async (self->api, self->open_id, self->publish_id, request_begin (self),
                                follow_reply_cb, g_object_ref (self));
}

static gboolean
relay_connected (WbpsStatusPoller *self)
{
  return self->relay != NULL && wbps_relay_client_get_connected (self->relay);
}

/*
 * Sleeps at least the status limit's spacing (much longer while the relay
 * delivers the events), but never past the give-up time.
 */
static void
follow_schedule (WbpsStatusPoller *self)
{
  gint64 remaining_ms = (self->deadline - g_get_monotonic_time ()) / 1000;
  guint interval_ms = relay_connected (self) ? WBPS_STATUS_POLL_RELAY_INTERVAL_MS : self->interval_ms;
  GCancellable *cancellable = g_task_get_cancellable (self->follow);

  if (self->sleep != NULL)
    g_cancellable_cancel (self->sleep);
  g_clear_object (&self->sleep);
  self->sleep = g_cancellable_new ();
  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    g_cancellable_cancel (self->sleep);
  wbps_timeout_async (self->sleep, CLAMP (remaining_ms, 0, (gint64) interval_ms),
                      self->sleep, follow_woke_cb, g_object_ref (self));
}

/* A cancel of the follow ends its wait (a GCancellable of its own, to reschedule it). */
static void
follow_cancelled_cb (GCancellable     *cancellable,
                     WbpsStatusPoller *self)
{
  if (self->sleep != NULL)
    g_cancellable_cancel (self->sleep);
}

void
wbps_status_poller_follow_async (WbpsStatusPoller    *self,
                                 guint                give_up_seconds,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_STATUS_POLLER (self));
  g_return_if_fail (self->follow == NULL);

  self->follow = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->follow, wbps_status_poller_follow_async);
  self->deadline = g_get_monotonic_time () + (gint64) give_up_seconds * G_USEC_PER_SEC;
  self->interval_ms = WBPS_STATUS_POLL_MIN_INTERVAL_MS;
  if (self->status != NULL && wbps_publish_status_is_final (self->status))
    {
      /* The relay told the outcome before the upload's end was even seen here. */
      follow_return (self, NULL);
      return;
    }
  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (follow_cancelled_cb), self, NULL);
  follow_schedule (self);
}

WbpsPublishStatus *
wbps_status_poller_follow_finish (WbpsStatusPoller  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_status_poller_push (WbpsStatusPoller        *self,
                         const WbpsPublishStatus *status)
{
  g_return_if_fail (WBPS_IS_STATUS_POLLER (self));
  g_return_if_fail (status != NULL);

  take_status (self, status);
  if (self->follow != NULL && wbps_publish_status_is_final (status))
    follow_return (self, NULL);
}

/* ---- relay ------------------------------------------------------------------------ */

static void
relay_event_cb (WbpsRelayClient  *relay,
                WbpsWebhookEvent *event,
                WbpsStatusPoller *self)
{
  g_autoptr(WbpsPublishStatus) status = NULL;

  g_assert (WBPS_IS_STATUS_POLLER (self));

  if (g_strcmp0 (wbps_webhook_event_get_publish_id (event), self->publish_id) != 0 ||
      (status = wbps_publish_status_new_from_event (event)) == NULL)
    return;
  /* A duplicate, or complete after publicly_available: nothing new, keep the post id. */
  if (self->status != NULL && g_strcmp0 (self->status->status, status->status) == 0 &&
      (status->post_ids == NULL || status->post_ids[0] == NULL))
    return;
  wbps_status_poller_push (self, status);
}

/* The relay came or went: a running follow's wait is measured again from now. */
static void
relay_connected_cb (WbpsRelayClient  *relay,
                    GParamSpec       *pspec,
                    WbpsStatusPoller *self)
{
  g_assert (WBPS_IS_STATUS_POLLER (self));

  if (self->follow == NULL || self->sleep == NULL)
    return;
  g_debug ("Relay %s: status requests for %s %s", wbps_relay_client_get_connected (relay) ? "connected" : "down",
           self->publish_id, wbps_relay_client_get_connected (relay) ? "paused" : "resumed");
  self->interval_ms = WBPS_STATUS_POLL_MIN_INTERVAL_MS;
  follow_schedule (self);
}

void
wbps_status_poller_set_relay (WbpsStatusPoller *self,
                              WbpsRelayClient  *relay)
{
  g_return_if_fail (WBPS_IS_STATUS_POLLER (self));
  g_return_if_fail (relay == NULL || WBPS_IS_RELAY_CLIENT (relay));

  if (self->relay == relay)
    return;
  if (self->relay != NULL)
    g_signal_handlers_disconnect_by_data (self->relay, self);
  g_set_object (&self->relay, relay);
  if (relay == NULL)
    return;
  g_signal_connect_object (relay, "event", G_CALLBACK (relay_event_cb), self, 0);
  g_signal_connect_object (relay, "notify::connected", G_CALLBACK (relay_connected_cb), self, 0);
}
