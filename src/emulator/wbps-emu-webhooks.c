/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Deliveries go in order per callback URL: the event at the head of a URL's
 * queue is sent until it is answered 200 (or dropped once the retry window has
 * passed) before the next one goes, so a receiver sees each post's events in
 * the order they happened, as TikTok's retries make likely but do not promise.
 */
#include "wbps-emu-webhooks.h"

#include <string.h>

#define SIGNATURE_HEADER "TikTok-Signature"
#define MAX_EVENT_FIELD  (64 * 1024)

struct _WbpsEmuWebhooks
{
  GObject       parent_instance;

  WbpsEmuState *state;
  char         *default_url;
  SoupSession  *session;
  GHashTable   *endpoints;      /* callback URL -> Endpoint */
  gulong        event_added_id;
};

G_DEFINE_FINAL_TYPE (WbpsEmuWebhooks, wbps_emu_webhooks, G_TYPE_OBJECT)

/* One event on its way to one URL. */
typedef struct {
  WbpsEmuEvent *event;           /* owned by the state, which outlives us */
  guint         copies_left;     /* deliberate duplicates still to send after a 200 */
  guint         failures;        /* in a row: the backoff exponent */
  gint64        first_attempt_ms;
} Delivery;

typedef struct {
  WbpsEmuWebhooks *webhooks;     /* unowned: the table holding us is its own */
  char            *url;
  GQueue           queue;        /* Delivery*, head = being delivered */
  gboolean         busy;         /* a request in flight or a retry waiting */
  guint            retry_id;
  GCancellable    *cancellable;  /* of the request in flight */
} Endpoint;

/* The request in flight, with what its callback needs once we may be gone. */
typedef struct {
  WbpsEmuWebhooks *webhooks;     /* a reference */
  char            *url;
  SoupMessage     *msg;
  GCancellable    *cancellable;
  guint            timeout_id;
} Attempt;

static void
endpoint_free (Endpoint *endpoint)
{
  g_queue_clear_full (&endpoint->queue, g_free);
  g_clear_handle_id (&endpoint->retry_id, g_source_remove);
  if (endpoint->cancellable != NULL)
    g_cancellable_cancel (endpoint->cancellable);
  g_clear_object (&endpoint->cancellable);
  g_free (endpoint->url);
  g_free (endpoint);
}

static void
attempt_free (Attempt *attempt)
{
  g_clear_handle_id (&attempt->timeout_id, g_source_remove);
  g_object_unref (attempt->webhooks);
  g_free (attempt->url);
  g_object_unref (attempt->msg);
  g_object_unref (attempt->cancellable);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attempt, attempt_free)

gboolean
wbps_emu_webhooks_url_valid (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL &&
         (g_str_equal (g_uri_get_scheme (uri), "http") || g_str_equal (g_uri_get_scheme (uri), "https"));
}

static const char *
url_for_client (WbpsEmuWebhooks *self,
                const char      *client_key)
{
  WbpsEmuClient *client = wbps_emu_state_get_client (self->state, client_key);
  const char *url = self->default_url;

  if (client != NULL && client->webhook_url != NULL)
    url = client->webhook_url;
  else if (url == NULL)
    url = wbps_emu_state_get_webhook_string (self->state, "url", NULL);
  if (url != NULL && !wbps_emu_webhooks_url_valid (url))
    {
      g_printerr ("wbps-emulator: not delivering %s events: the callback URL is not http(s)\n", client_key);
      return NULL;
    }
  return url;
}

/* "t=SECONDS,s=HEX": HMAC-SHA256 keyed with the secret over t + "." + the exact body. */
static char *
signature_for (const char   *secret,
               gint64        timestamp,
               const char   *body)
{
  g_autofree char *payload = g_strdup_printf ("%" G_GINT64_FORMAT ".%s", timestamp, body);
  g_autofree char *hex = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret,
                                                    strlen (secret), payload, -1);

  return g_strdup_printf ("t=%" G_GINT64_FORMAT ",s=%s", timestamp, hex);
}

/* sign-secret and timestamp-offset deliberately break the signature, for receivers' tests. */
static char *
sign_event (WbpsEmuWebhooks *self,
            WbpsEmuEvent    *event)
{
  WbpsEmuClient *client = wbps_emu_state_get_client (self->state, event->client_key);
  const char *secret = wbps_emu_state_get_webhook_string (self->state, "sign-secret",
                                                          client != NULL ? client->secret : NULL);
  gint64 offset = wbps_emu_state_get_webhook_int (self->state, "timestamp-offset", 0);

  /* t is the wall clock of the delivery (receivers compare it with theirs), not the emulated one. */
  return signature_for (secret != NULL ? secret : "", g_get_real_time () / G_USEC_PER_SEC + offset, event->body);
}

static void endpoint_send_head (WbpsEmuWebhooks *self,
                                Endpoint        *endpoint);

static gboolean
retry_cb (gpointer user_data)
{
  Endpoint *endpoint = user_data;

  endpoint->retry_id = 0;
  endpoint_send_head (endpoint->webhooks, endpoint);
  return G_SOURCE_REMOVE;
}

static void
delivery_done (WbpsEmuWebhooks *self,
               Endpoint        *endpoint)
{
  g_free (g_queue_pop_head (&endpoint->queue));
  endpoint_send_head (self, endpoint);
}

static void
delivery_acknowledged (WbpsEmuWebhooks *self,
                       Endpoint        *endpoint,
                       Delivery        *delivery)
{
  delivery->event->acknowledged++;
  delivery->failures = 0;
  if (delivery->copies_left > 0)
    {
      delivery->copies_left--;
      endpoint_send_head (self, endpoint);
      return;
    }
  delivery_done (self, endpoint);
}

/* Exponential backoff on the emulated clock; dropped once the retry window would be passed. */
static void
delivery_failed (WbpsEmuWebhooks *self,
                 Endpoint        *endpoint,
                 Delivery        *delivery)
{
  gint64 initial = MAX (wbps_emu_state_get_webhook_int (self->state, "retry-initial-ms", 30000), 1);
  gint64 ceiling = MAX (wbps_emu_state_get_webhook_int (self->state, "retry-max-ms", 3600000), initial);
  gint64 window = wbps_emu_state_get_webhook_int (self->state, "retry-window-ms", 72 * 3600 * 1000);
  gint64 delay = initial;

  delivery->failures++;
  for (guint i = 1; i < delivery->failures && delay < ceiling; i++)
    delay *= 2;
  delay = MIN (delay, ceiling);
  if (wbps_emu_state_now_ms (self->state) + delay - delivery->first_attempt_ms > window)
    {
      delivery->event->dropped = TRUE;
      g_printerr ("wbps-emulator: webhook %s #%u dropped after %u attempts\n",
                  delivery->event->event, delivery->event->serial, delivery->event->attempts);
      delivery_done (self, endpoint);
      return;
    }
  endpoint->retry_id = wbps_emu_state_timeout_add (self->state, delay, retry_cb, endpoint, NULL);
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  Attempt *attempt = user_data;

  attempt->timeout_id = 0;
  g_cancellable_cancel (attempt->cancellable);
  return G_SOURCE_REMOVE;
}

static void
attempt_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  WbpsEmuWebhooks *self = attempt->webhooks;
  Endpoint *endpoint;
  Delivery *delivery;
  guint status;

  g_assert (WBPS_IS_EMU_WEBHOOKS (self));
  if (self->endpoints == NULL)
    return;
  endpoint = g_hash_table_lookup (self->endpoints, attempt->url);
  if (endpoint == NULL || endpoint->cancellable != attempt->cancellable)
    return;
  g_clear_object (&endpoint->cancellable);
  delivery = g_queue_peek_head (&endpoint->queue);
  status = reply != NULL ? soup_message_get_status (attempt->msg) : 0;
  g_printerr ("wbps-emulator: webhook %s #%u attempt %u -> %s%u\n", delivery->event->event,
              delivery->event->serial, delivery->event->attempts,
              reply != NULL ? "" : "no reply ", status);
  if (status == SOUP_STATUS_OK)
    delivery_acknowledged (self, endpoint, delivery);
  else
    delivery_failed (self, endpoint, delivery);
}

static void
endpoint_send_head (WbpsEmuWebhooks *self,
                    Endpoint        *endpoint)
{
  Delivery *delivery = g_queue_peek_head (&endpoint->queue);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *signature = NULL;
  Attempt *attempt;
  gint64 timeout_ms;

  endpoint->busy = delivery != NULL;
  if (delivery == NULL)
    return;
  if (delivery->first_attempt_ms == 0)
    delivery->first_attempt_ms = wbps_emu_state_now_ms (self->state);
  delivery->event->attempts++;
  attempt = g_new0 (Attempt, 1);
  attempt->webhooks = g_object_ref (self);
  attempt->url = g_strdup (endpoint->url);
  attempt->msg = soup_message_new ("POST", endpoint->url);
  attempt->cancellable = g_cancellable_new ();
  endpoint->cancellable = g_object_ref (attempt->cancellable);
  body = g_bytes_new (delivery->event->body, strlen (delivery->event->body));
  signature = sign_event (self, delivery->event);
  soup_message_set_request_body_from_bytes (attempt->msg, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (attempt->msg), SIGNATURE_HEADER, signature);
  /* TikTok never resends on its own: a failed attempt is ours to retry, with backoff. */
  soup_message_add_flags (attempt->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_NEW_CONNECTION);
  timeout_ms = MAX (wbps_emu_state_get_webhook_int (self->state, "timeout-ms", 5000), 1);
  attempt->timeout_id = g_timeout_add ((guint) MIN (timeout_ms, G_MAXUINT), attempt_timeout_cb, attempt);
  soup_session_send_and_read_async (self->session, attempt->msg, G_PRIORITY_DEFAULT, attempt->cancellable,
                                    attempt_sent_cb, attempt);
}

static void
queue_event (WbpsEmuWebhooks *self,
             WbpsEmuEvent    *event)
{
  const char *url = url_for_client (self, event->client_key);
  Endpoint *endpoint;
  Delivery *delivery;

  if (url == NULL)
    return;
  endpoint = g_hash_table_lookup (self->endpoints, url);
  if (endpoint == NULL)
    {
      endpoint = g_new0 (Endpoint, 1);
      endpoint->webhooks = self;
      endpoint->url = g_strdup (url);
      g_queue_init (&endpoint->queue);
      g_hash_table_insert (self->endpoints, endpoint->url, endpoint);
    }
  delivery = g_new0 (Delivery, 1);
  delivery->event = event;
  delivery->copies_left = (guint) CLAMP (wbps_emu_state_get_webhook_int (self->state, "duplicates", 0), 0, 100);
  g_queue_push_tail (&endpoint->queue, delivery);
  if (!endpoint->busy)
    endpoint_send_head (self, endpoint);
}

static void
event_added_cb (WbpsEmuState    *state,
                WbpsEmuEvent    *event,
                WbpsEmuWebhooks *self)
{
  g_assert (WBPS_IS_EMU_WEBHOOKS (self));
  queue_event (self, event);
}

/* ---- test helpers: /emulator/events ---- */

static void
add_event_json (JsonBuilder  *builder,
                WbpsEmuEvent *event)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "serial");
  json_builder_add_int_value (builder, event->serial);
  wbps_emu_event_add_envelope (event, builder);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, event->body);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, event->attempts);
  json_builder_set_member_name (builder, "acknowledged");
  json_builder_add_int_value (builder, event->acknowledged);
  json_builder_set_member_name (builder, "dropped");
  json_builder_add_boolean_value (builder, event->dropped);
  json_builder_end_object (builder);
}

/* The recorded events (no secrets in them) and how each delivery went. */
static void
list_events (WbpsEmuWebhooks   *self,
             SoupServerMessage *msg)
{
  GPtrArray *events = wbps_emu_state_get_events (self->state);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    add_event_json (builder, g_ptr_array_index (events, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_OK, json_builder_get_root (builder), "ok", "");
}

static gboolean
form_field_ok (GHashTable *form,
               const char *name)
{
  const char *value = form != NULL ? g_hash_table_lookup (form, name) : NULL;

  return value != NULL && *value != '\0' && strlen (value) <= MAX_EVENT_FIELD && g_utf8_validate (value, -1, NULL);
}

/* A form of client_key, event, user_openid and content (JSON text): an event as if it happened. */
static void
inject_event (WbpsEmuWebhooks   *self,
              SoupServerMessage *msg)
{
  g_autoptr(GHashTable) form = wbps_emu_read_form (msg);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *names[] = { "client_key", "event", "user_openid", "content" };
  GPtrArray *events = wbps_emu_state_get_events (self->state);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (!form_field_ok (form, names[i]))
      {
        g_autofree char *message = g_strdup_printf ("The form field %s is missing or invalid.", names[i]);

        wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_BAD_REQUEST, NULL, "invalid_params", message);
        return;
      }
  wbps_emu_state_add_event (self->state, g_hash_table_lookup (form, "client_key"),
                            g_hash_table_lookup (form, "event"), g_hash_table_lookup (form, "user_openid"),
                            g_hash_table_lookup (form, "content"));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "serial");
  json_builder_add_int_value (builder, events->len);
  json_builder_end_object (builder);
  wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_OK, json_builder_get_root (builder), "ok", "");
}

static void
events_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  WbpsEmuWebhooks *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  g_assert (WBPS_IS_EMU_WEBHOOKS (self));
  if (g_str_equal (method, "GET"))
    list_events (self, msg);
  else if (g_str_equal (method, "POST"))
    inject_event (self, msg);
  else
    wbps_emu_reply_method_not_allowed (self->state, msg, "GET, POST");
}

/*
 * POST /emulator/webhook-url, form url=URL: from now on, as --webhook-url. A
 * test starts its receiver on port 0 after the emulator and names it here.
 */
static void
webhook_url_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  WbpsEmuWebhooks *self = user_data;
  g_autoptr(GHashTable) form = NULL;
  const char *url;

  g_assert (WBPS_IS_EMU_WEBHOOKS (self));
  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    return wbps_emu_reply_method_not_allowed (self->state, msg, "POST");
  form = wbps_emu_read_form (msg);
  url = g_hash_table_lookup (form, "url");
  if (!form_field_ok (form, "url") || !wbps_emu_webhooks_url_valid (url))
    return wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_BAD_REQUEST, NULL, "invalid_params",
                              "The form field url must be an http or https URL.");
  g_free (self->default_url);
  self->default_url = g_strdup (url);
  wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_OK, NULL, "ok", "");
}

void
wbps_emu_webhooks_register (WbpsEmuWebhooks *self,
                            SoupServer      *server)
{
  soup_server_add_handler (server, "/emulator/events", events_cb, self, NULL);
  soup_server_add_handler (server, "/emulator/webhook-url", webhook_url_cb, self, NULL);
}

/* ---- GObject ---- */

static void
wbps_emu_webhooks_dispose (GObject *object)
{
  WbpsEmuWebhooks *self = (WbpsEmuWebhooks *) object;

  g_clear_signal_handler (&self->event_added_id, self->state);
  g_clear_pointer (&self->endpoints, g_hash_table_unref);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (wbps_emu_webhooks_parent_class)->dispose (object);
}

static void
wbps_emu_webhooks_finalize (GObject *object)
{
  WbpsEmuWebhooks *self = (WbpsEmuWebhooks *) object;

  g_clear_object (&self->state);
  g_free (self->default_url);

  G_OBJECT_CLASS (wbps_emu_webhooks_parent_class)->finalize (object);
}

static void
wbps_emu_webhooks_class_init (WbpsEmuWebhooksClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_emu_webhooks_dispose;
  object_class->finalize = wbps_emu_webhooks_finalize;
}

static void
wbps_emu_webhooks_init (WbpsEmuWebhooks *self)
{
  self->endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) endpoint_free);
}

WbpsEmuWebhooks *
wbps_emu_webhooks_new (WbpsEmuState *state,
                       const char   *default_url)
{
  WbpsEmuWebhooks *self = g_object_new (WBPS_TYPE_EMU_WEBHOOKS, NULL);

  self->state = g_object_ref (state);
  self->default_url = default_url != NULL && *default_url != '\0' ? g_strdup (default_url) : NULL;
  self->session = soup_session_new_with_options ("user-agent", "wbps-emulator-webhooks",
                                                 "max-conns-per-host", 4, NULL);
  self->event_added_id = g_signal_connect (state, "event-added", G_CALLBACK (event_added_cb), self);
  return self;
}
