/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "wbps-json.h"
#include "wbps-relay-authenticator.h"

/* Cache entries beyond this are dropped wholesale: a flood of bad tokens cannot grow memory. */
#define MAX_CACHED 10000

typedef struct {
  char   *open_id;
  gint64  expires_at;   /* monotonic µs */
} CacheEntry;

struct _WbpsRelayAuthenticator
{
  GObject      parent_instance;

  SoupSession *session;
  char        *user_info_url;
  guint        cache_seconds;
  GMutex       lock;    /* forget may come from another worker's thread */
  GHashTable  *cache;   /* hex SHA-256 of the token → CacheEntry */
};

G_DEFINE_QUARK (wbps-relay-authenticator-error-quark, wbps_relay_authenticator_error)
G_DEFINE_FINAL_TYPE (WbpsRelayAuthenticator, wbps_relay_authenticator, G_TYPE_OBJECT)

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->open_id);
  g_free (entry);
}

static void
wbps_relay_authenticator_finalize (GObject *object)
{
  WbpsRelayAuthenticator *self = (WbpsRelayAuthenticator *) object;

  g_clear_object (&self->session);
  g_free (self->user_info_url);
  g_hash_table_unref (self->cache);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (wbps_relay_authenticator_parent_class)->finalize (object);
}

static void
wbps_relay_authenticator_class_init (WbpsRelayAuthenticatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_relay_authenticator_finalize;
}

static void
wbps_relay_authenticator_init (WbpsRelayAuthenticator *self)
{
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cache_entry_free);
  g_mutex_init (&self->lock);
}

WbpsRelayAuthenticator *
wbps_relay_authenticator_new (SoupSession *session,
                              const char  *user_info_url,
                              guint        cache_seconds)
{
  WbpsRelayAuthenticator *self = g_object_new (WBPS_TYPE_RELAY_AUTHENTICATOR, NULL);

  self->session = g_object_ref (session);
  self->user_info_url = g_strdup (user_info_url);
  self->cache_seconds = cache_seconds;
  return self;
}

static char *
cached_open_id (WbpsRelayAuthenticator *self,
                const char             *key)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  CacheEntry *entry = g_hash_table_lookup (self->cache, key);

  if (entry == NULL)
    return NULL;
  if (entry->expires_at > g_get_monotonic_time ())
    return g_strdup (entry->open_id);
  g_hash_table_remove (self->cache, key);
  return NULL;
}

static void
remember (WbpsRelayAuthenticator *self,
          const char             *key,
          const char             *open_id)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  CacheEntry *entry = g_new0 (CacheEntry, 1);

  if (g_hash_table_size (self->cache) >= MAX_CACHED)
    g_hash_table_remove_all (self->cache);
  entry->open_id = g_strdup (open_id);
  entry->expires_at = g_get_monotonic_time () + (gint64) self->cache_seconds * G_USEC_PER_SEC;
  g_hash_table_replace (self->cache, g_strdup (key), entry);
}

/* data.user.open_id of a v2 reply whose error.code is "ok", or NULL. */
static char *
open_id_from_reply (GBytes *body)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *user;
  const char *code, *open_id;

  if (data == NULL || (root = wbps_json_parse_bounded (data, size, NULL)) == NULL)
    return NULL;
  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  code = wbps_json_get_string (wbps_json_get_object (object, "error"), "code");
  user = wbps_json_get_object (wbps_json_get_object (object, "data"), "user");
  open_id = wbps_json_get_string (user, "open_id");
  if (g_strcmp0 (code, "ok") != 0 || open_id == NULL || *open_id == '\0')
    return NULL;
  return g_strdup (open_id);
}

static void
user_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsRelayAuthenticator *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = msg != NULL ? soup_message_get_status (msg) : 0;
  g_autofree char *open_id = NULL;

  g_assert (WBPS_IS_RELAY_AUTHENTICATOR (self));

  if (body == NULL || status >= 500 || status == 429)
    {
      g_task_return_new_error (task, WBPS_RELAY_AUTHENTICATOR_ERROR, WBPS_RELAY_AUTHENTICATOR_ERROR_UNAVAILABLE,
                               "TikTok's user info could not be asked (HTTP %u)", status);
      return;
    }
  open_id = open_id_from_reply (body);
  if (open_id == NULL)
    {
      g_task_return_new_error (task, WBPS_RELAY_AUTHENTICATOR_ERROR, WBPS_RELAY_AUTHENTICATOR_ERROR_INVALID_TOKEN,
                               "TikTok did not accept the access token (HTTP %u)", status);
      return;
    }
  remember (self, g_task_get_task_data (task), open_id);
  g_task_return_pointer (task, g_steal_pointer (&open_id), g_free);
}

void
wbps_relay_authenticator_lookup_async (WbpsRelayAuthenticator *self,
                                       const char             *access_token,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, access_token, -1);
  g_autofree char *url = g_strconcat (self->user_info_url, "?fields=open_id", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", access_token, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  char *open_id;

  g_task_set_source_tag (task, wbps_relay_authenticator_lookup_async);
  g_task_set_task_data (task, key, g_free);
  if ((open_id = cached_open_id (self, key)) != NULL)
    {
      g_task_return_pointer (task, open_id, g_free);
      return;
    }
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, WBPS_RELAY_AUTHENTICATOR_ERROR, WBPS_RELAY_AUTHENTICATOR_ERROR_UNAVAILABLE,
                               "The TikTok API address is not a valid URL");
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    user_info_cb, g_steal_pointer (&task));
}

char *
wbps_relay_authenticator_lookup_finish (WbpsRelayAuthenticator  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_relay_authenticator_forget (WbpsRelayAuthenticator *self,
                                 const char             *access_token)
{
  g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, access_token, -1);

  g_return_if_fail (WBPS_IS_RELAY_AUTHENTICATOR (self));
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->cache, key);
  g_mutex_unlock (&self->lock);
}
