/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "wbps-relay-server.h"
#include "wbps-relay-shared.h"
#include "wbps-relay-worker.h"

/* Seconds between retention purges. */
#define PURGE_INTERVAL 3600
/* Most worker threads, whatever the processor count. */
#define MAX_THREADS 8

struct _WbpsRelayServer
{
  GObject          parent_instance;

  WbpsRelayShared  shared;
  guint            threads;
  guint            retention_days;
  GPtrArray       *workers;        /* WbpsRelayWorker*, started ones */
  guint            purge_id;
  gboolean         purging;
  guint            workers_stopping;
  GTask           *stop_task;
};

G_DEFINE_FINAL_TYPE (WbpsRelayServer, wbps_relay_server, G_TYPE_OBJECT)

static void maybe_finish_stop (WbpsRelayServer *self);

static void
join_workers (WbpsRelayServer *self)
{
  for (guint i = 0; i < self->workers->len; i++)
    wbps_relay_worker_join (g_ptr_array_index (self->workers, i));
}

static void
wbps_relay_server_dispose (GObject *object)
{
  WbpsRelayServer *self = (WbpsRelayServer *) object;

  g_clear_handle_id (&self->purge_id, g_source_remove);
  if (self->workers != NULL)
    join_workers (self);
  g_clear_pointer (&self->workers, g_ptr_array_unref);

  G_OBJECT_CLASS (wbps_relay_server_parent_class)->dispose (object);
}

static void
wbps_relay_server_finalize (GObject *object)
{
  WbpsRelayServer *self = (WbpsRelayServer *) object;

  g_clear_object (&self->shared.store);
  g_clear_object (&self->shared.certificate);
  g_strfreev (self->shared.secrets);
  g_free (self->shared.api_base);
  g_mutex_clear (&self->shared.lock);

  G_OBJECT_CLASS (wbps_relay_server_parent_class)->finalize (object);
}

static void
wbps_relay_server_class_init (WbpsRelayServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_relay_server_dispose;
  object_class->finalize = wbps_relay_server_finalize;
}

static void
wbps_relay_server_init (WbpsRelayServer *self)
{
  g_mutex_init (&self->shared.lock);
  self->workers = g_ptr_array_new_with_free_func (g_object_unref);
  self->shared.workers = self->workers;
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
  gint64 removed = wbps_event_store_purge (self->shared.store, cutoff, &error);

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
      g_mutex_lock (&self->shared.lock);
      self->shared.stored -= removed;
      g_mutex_unlock (&self->shared.lock);
      g_printerr ("wbps-relay: purged=%" G_GSSIZE_FORMAT " retention_days=%u\n", removed, self->retention_days);
    }
  maybe_finish_stop (self);
}

static gboolean
purge_cb (gpointer user_data)
{
  WbpsRelayServer *self = user_data;
  g_autoptr(GTask) task = NULL;

  g_assert (WBPS_IS_RELAY_SERVER (self));

  if (self->purging || self->stop_task != NULL)
    return G_SOURCE_CONTINUE;
  self->purging = TRUE;
  task = g_task_new (self, NULL, purge_done_cb, NULL);
  g_task_set_source_tag (task, purge_cb);
  g_task_run_in_thread (task, purge_thread);
  return G_SOURCE_CONTINUE;
}

/* ---- construction, listening, stopping ------------------------------------- */

WbpsRelayServer *
wbps_relay_server_new (WbpsEventStore          *store,
                       const WbpsRelaySettings *settings)
{
  WbpsRelayServer *self = g_object_new (WBPS_TYPE_RELAY_SERVER, NULL);
  g_autoptr(GError) error = NULL;
  char *base = g_strstrip (g_strdup (settings->api_base));

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  self->shared.store = g_object_ref (store);
  self->shared.secrets = g_strdupv (settings->secrets);
  self->shared.tolerance = settings->tolerance;
  self->shared.heartbeat_seconds = settings->heartbeat_seconds;
  self->shared.auth_cache_seconds = settings->auth_cache_seconds;
  self->shared.api_base = base;
  self->shared.broker = settings->broker;
  self->retention_days = settings->retention_days;
  self->threads = settings->threads > 0 ? settings->threads : CLAMP (g_get_num_processors (), 1, MAX_THREADS);
  self->shared.stored = wbps_event_store_count (store, &error);
  if (self->shared.stored < 0)
    {
      g_warning ("Counting stored events failed: %s", error->message);
      self->shared.stored = 0;
    }
  self->purge_id = g_timeout_add_seconds (PURGE_INTERVAL, purge_cb, self);
  purge_cb (self);
  return self;
}

/* bind(2) itself: g_socket_bind() turns SO_REUSEPORT off on stream sockets. */
static gboolean
bind_shared (GSocket         *socket,
             GSocketAddress  *address,
             GError         **error)
{
  struct sockaddr_storage native;
  gssize len = g_socket_address_get_native_size (address);
  int saved_errno;

  if (!g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error) ||
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error) ||
      !g_socket_address_to_native (address, &native, sizeof native, error))
    return FALSE;
  if (bind (g_socket_get_fd (socket), (struct sockaddr *) &native, len) == 0)
    return TRUE;
  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Cannot listen on that address: %s", g_strerror (saved_errno));
  return FALSE;
}

/* A listening socket on @address that other sockets may share (SO_REUSEPORT). */
static GSocket *
shared_socket (GSocketAddress  *address,
               GError         **error)
{
  g_autoptr(GSocket) socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL || !bind_shared (socket, address, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static char *
base_url (GSocketAddress *bound,
          gboolean        tls)
{
  GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (bound));
  g_autofree char *host = g_inet_address_to_string (inet);

  return g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? "%s://[%s]:%u" : "%s://%s:%u",
                          tls ? "https" : "http", host,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

char *
wbps_relay_server_listen (WbpsRelayServer  *self,
                          GSocketAddress   *address,
                          GTlsCertificate  *certificate,
                          GError          **error)
{
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GPtrArray) sockets = NULL;

  g_return_val_if_fail (WBPS_IS_RELAY_SERVER (self), NULL);
  g_return_val_if_fail (self->workers->len == 0, NULL);

  g_set_object (&self->shared.certificate, certificate);
  sockets = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->threads; i++)
    {
      /* Port 0 is resolved by the first socket; the others take the same one. */
      GSocket *socket = shared_socket (bound != NULL ? bound : address, error);

      if (socket == NULL)
        return NULL;
      g_ptr_array_add (sockets, socket);
      if (bound == NULL && (bound = g_socket_get_local_address (socket, error)) == NULL)
        return NULL;
      /* Every worker is listed before any starts: a running one announces commits to all. */
      g_ptr_array_add (self->workers, wbps_relay_worker_new (&self->shared));
    }
  for (guint i = 0; i < self->threads; i++)
    if (!wbps_relay_worker_start (g_ptr_array_index (self->workers, i), g_ptr_array_index (sockets, i), error))
      return NULL;
  return base_url (bound, certificate != NULL);
}

static void
maybe_finish_stop (WbpsRelayServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->stop_task == NULL || self->workers_stopping > 0 || self->purging)
    return;
  task = g_steal_pointer (&self->stop_task);
  join_workers (self);
  g_task_return_boolean (task, TRUE);
}

static gboolean
worker_stopped_cb (gpointer user_data)
{
  WbpsRelayServer *self = user_data;

  g_assert (WBPS_IS_RELAY_SERVER (self));

  self->workers_stopping--;
  maybe_finish_stop (self);
  return G_SOURCE_REMOVE;
}

void
wbps_relay_server_stop_async (WbpsRelayServer     *self,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_return_if_fail (WBPS_IS_RELAY_SERVER (self));
  g_return_if_fail (self->stop_task == NULL);

  self->stop_task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->stop_task, wbps_relay_server_stop_async);
  g_mutex_lock (&self->shared.lock);
  self->shared.stopping = TRUE;
  g_mutex_unlock (&self->shared.lock);
  self->workers_stopping = self->workers->len;
  for (guint i = 0; i < self->workers->len; i++)
    wbps_relay_worker_stop (g_ptr_array_index (self->workers, i), context, worker_stopped_cb, self);
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
