/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-http.h"
#include "wbps-redact.h"
#include "wbps-relay-broker.h"

struct _WbpsRelayBroker
{
  GObject      parent_instance;

  SoupSession *session;
  char        *api_base;
  char        *client_secret;
};

G_DEFINE_FINAL_TYPE (WbpsRelayBroker, wbps_relay_broker, G_TYPE_OBJECT)

static void
wbps_relay_broker_finalize (GObject *object)
{
  WbpsRelayBroker *self = (WbpsRelayBroker *) object;

  g_clear_object (&self->session);
  g_free (self->api_base);
  wbps_secret_free (self->client_secret);

  G_OBJECT_CLASS (wbps_relay_broker_parent_class)->finalize (object);
}

static void
wbps_relay_broker_class_init (WbpsRelayBrokerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = wbps_relay_broker_finalize;
}

static void
wbps_relay_broker_init (WbpsRelayBroker *self)
{
}

WbpsRelayBroker *
wbps_relay_broker_new (SoupSession *session,
                       const char  *api_base,
                       const char  *client_secret)
{
  WbpsRelayBroker *self = g_object_new (WBPS_TYPE_RELAY_BROKER, NULL);
  gsize len = strlen (api_base);

  while (len > 0 && api_base[len - 1] == '/')
    len--;
  self->session = g_object_ref (session);
  self->api_base = g_strndup (api_base, len);
  self->client_secret = g_strdup (client_secret);
  return self;
}

/* A flat OAuth error, as TikTok's own endpoint would word a refusal. */
static void
refuse (SoupServerMessage *msg,
        guint              status,
        const char        *description)
{
  g_autofree char *body = g_strdup_printf ("{\"error\":\"invalid_request\",\"error_description\":\"%s\",\"log_id\":\"\"}",
                                           description);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* Which TikTok path serves @path, and the grant_type it requires (NULL = none). */
static const char *
target_path (const char  *path,
             const char **grant_type)
{
  *grant_type = NULL;
  if (g_str_equal (path, "/oauth/token"))
    return (*grant_type = "authorization_code", "/v2/oauth/token/");
  if (g_str_equal (path, "/oauth/refresh"))
    return (*grant_type = "refresh_token", "/v2/oauth/token/");
  if (g_str_equal (path, "/oauth/revoke"))
    return "/v2/oauth/revoke/";
  return NULL;
}

static void
forwarded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  SoupMessage *upstream = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  const char *content_type;
  gsize size = 0;
  gconstpointer data;

  if (body == NULL)
    {
      g_debug ("Broker: TikTok could not be reached: %s", error->message);
      refuse (msg, SOUP_STATUS_BAD_GATEWAY, "TikTok could not be reached.");
      soup_server_message_unpause (msg);
      return;
    }
  content_type = soup_message_headers_get_one (soup_message_get_response_headers (upstream), "Content-Type");
  data = g_bytes_get_data (body, &size);
  soup_server_message_set_status (msg, soup_message_get_status (upstream), NULL);
  soup_server_message_set_response (msg, content_type != NULL ? content_type : "application/json",
                                    SOUP_MEMORY_COPY, data, size);
  soup_server_message_unpause (msg);
}

/* The desktop's form plus the client secret; NULL when it is not what @grant_type needs. */
static char *
build_form (WbpsRelayBroker   *self,
            SoupServerMessage *msg,
            const char        *grant_type)
{
  g_autoptr(GHashTable) form = wbps_http_read_form (msg);
  g_autoptr(GHashTable) with_secret = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_lookup (form, "client_key") == NULL ||
      (grant_type != NULL && g_strcmp0 (g_hash_table_lookup (form, "grant_type"), grant_type) != 0))
    return NULL;
  /* soup_form_decode's table frees keys only (values share their memory): add to a borrowing copy. */
  with_secret = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (with_secret, key, value);
  g_hash_table_insert (with_secret, (gpointer) "client_secret", self->client_secret);
  return soup_form_encode_hash (with_secret);
}

void
wbps_relay_broker_handle (WbpsRelayBroker   *self,
                          SoupServerMessage *msg,
                          const char        *path)
{
  const char *grant_type;
  const char *tiktok_path = target_path (path, &grant_type);
  g_autofree char *form = NULL;
  g_autofree char *url = NULL;
  SoupMessage *upstream;

  if (tiktok_path == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  form = build_form (self, msg, grant_type);
  if (form == NULL)
    {
      refuse (msg, SOUP_STATUS_BAD_REQUEST, "The form needs client_key and the grant_type this address brokers.");
      return;
    }
  url = g_strconcat (self->api_base, tiktok_path, NULL);
  upstream = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url, g_steal_pointer (&form));
  if (upstream == NULL)
    {
      refuse (msg, SOUP_STATUS_BAD_GATEWAY, "The TikTok API address is not a valid URL.");
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (upstream), "Cache-Control", "no-cache");
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (self->session, upstream, G_PRIORITY_DEFAULT, NULL,
                                    forwarded_cb, g_object_ref (msg));
  g_object_unref (upstream);
}
