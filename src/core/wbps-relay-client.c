/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "wbps-error.h"
#include "wbps-redact.h"
#include "wbps-relay-client.h"
#include "wbps-token.h"

#define MAX_BACKOFF_SECONDS 30

struct _WbpsRelayClient
{
  GObject             parent_instance;

  WbpsConfig         *config;
  WbpsAccountManager *accounts;
  char               *open_id;
  SoupSession        *session;
  GCancellable       *cancellable;     /* the current connection's */
  GDataInputStream   *lines;
  gint64              cursor;
  guint               retry_id;
  guint               backoff;         /* seconds before the next reconnect */
  gboolean            connected;
  gboolean            running;
  gboolean            refreshed;       /* already retried with a fresh token after a 401 */
  gboolean            give_up;
  guint               removal_checks;  /* authorization.removed being confirmed */
  gboolean            replayed_pending;

  /* The event being read. */
  gint64              event_id;
  GString            *data;
};

enum { PROP_0, PROP_CONNECTED, PROP_CURSOR, N_PROPS };
enum { SIGNAL_EVENT, SIGNAL_REPLAYED, SIGNAL_ACCOUNT_REMOVED, SIGNAL_FAILED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (wbps-relay-client-error-quark, wbps_relay_client_error)
G_DEFINE_FINAL_TYPE (WbpsRelayClient, wbps_relay_client, G_TYPE_OBJECT)

static void connect_to_relay (WbpsRelayClient *self, gboolean force_refresh);
static void read_next_line (WbpsRelayClient *self);

static void
wbps_relay_client_dispose (GObject *object)
{
  WbpsRelayClient *self = (WbpsRelayClient *) object;

  wbps_relay_client_stop (self);
  g_clear_object (&self->session);
  g_clear_object (&self->accounts);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (wbps_relay_client_parent_class)->dispose (object);
}

static void
wbps_relay_client_finalize (GObject *object)
{
  WbpsRelayClient *self = (WbpsRelayClient *) object;

  g_free (self->open_id);
  g_string_free (self->data, TRUE);

  G_OBJECT_CLASS (wbps_relay_client_parent_class)->finalize (object);
}

static void
wbps_relay_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WbpsRelayClient *self = WBPS_RELAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTED: g_value_set_boolean (value, self->connected); break;
    case PROP_CURSOR:    g_value_set_int64 (value, self->cursor); break;
    default:             G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_relay_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  WbpsRelayClient *self = WBPS_RELAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_CURSOR: wbps_relay_client_set_cursor (self, g_value_get_int64 (value)); break;
    default:          G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_relay_client_class_init (WbpsRelayClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_relay_client_dispose;
  object_class->finalize = wbps_relay_client_finalize;
  object_class->get_property = wbps_relay_client_get_property;
  object_class->set_property = wbps_relay_client_set_property;

  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURSOR] = g_param_spec_int64 ("cursor", NULL, NULL, 0, G_MAXINT64, 0,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 1, WBPS_TYPE_WEBHOOK_EVENT);
  signals[SIGNAL_REPLAYED] = g_signal_new ("replayed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ACCOUNT_REMOVED] = g_signal_new ("account-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wbps_relay_client_init (WbpsRelayClient *self)
{
  self->data = g_string_new (NULL);
  self->backoff = 1;
}

WbpsRelayClient *
wbps_relay_client_new (WbpsConfig         *config,
                       WbpsAccountManager *accounts,
                       const char         *open_id)
{
  WbpsRelayClient *self = g_object_new (WBPS_TYPE_RELAY_CLIENT, NULL);

  self->config = g_object_ref (config);
  self->accounts = g_object_ref (accounts);
  self->open_id = g_strdup (open_id);
  /* No overall timeout: a stream is open for hours; heartbeats show it is alive. */
  self->session = soup_session_new_with_options ("user-agent", "wbps/" PACKAGE_VERSION, "idle-timeout", 0, NULL);
  return self;
}

const char *
wbps_relay_client_get_open_id (WbpsRelayClient *self)
{
  g_return_val_if_fail (WBPS_IS_RELAY_CLIENT (self), NULL);
  return self->open_id;
}

gboolean
wbps_relay_client_get_connected (WbpsRelayClient *self)
{
  g_return_val_if_fail (WBPS_IS_RELAY_CLIENT (self), FALSE);
  return self->connected;
}

gint64
wbps_relay_client_get_cursor (WbpsRelayClient *self)
{
  g_return_val_if_fail (WBPS_IS_RELAY_CLIENT (self), 0);
  return self->cursor;
}

void
wbps_relay_client_set_cursor (WbpsRelayClient *self,
                              gint64           cursor)
{
  g_return_if_fail (WBPS_IS_RELAY_CLIENT (self));
  if (self->cursor == cursor)
    return;
  self->cursor = cursor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
}

void
wbps_relay_client_set_give_up_when_unreachable (WbpsRelayClient *self,
                                                gboolean         give_up)
{
  g_return_if_fail (WBPS_IS_RELAY_CLIENT (self));
  self->give_up = give_up;
}

static void
set_connected (WbpsRelayClient *self,
               gboolean         connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
drop_connection (WbpsRelayClient *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lines);
  g_string_truncate (self->data, 0);
  self->event_id = 0;
  set_connected (self, FALSE);
}

void
wbps_relay_client_stop (WbpsRelayClient *self)
{
  g_return_if_fail (WBPS_IS_RELAY_CLIENT (self));
  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_connection (self);
}

static void
fail (WbpsRelayClient *self,
      GError          *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(WbpsRelayClient) alive = g_object_ref (self);

  wbps_relay_client_stop (self);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, owned);
}

static gboolean
retry_cb (gpointer user_data)
{
  WbpsRelayClient *self = user_data;

  g_assert (WBPS_IS_RELAY_CLIENT (self));

  self->retry_id = 0;
  connect_to_relay (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* The stream went down: again after a growing pause, resuming after the cursor. */
static void
reconnect_later (WbpsRelayClient *self,
                 const char      *why)
{
  drop_connection (self);
  if (!self->running)
    return;
  if (self->give_up)
    {
      fail (self, g_error_new (WBPS_RELAY_CLIENT_ERROR, WBPS_RELAY_CLIENT_ERROR_UNREACHABLE,
                               _("The wbps relay could not be reached: %s"), why));
      return;
    }
  g_debug ("Relay stream down (%s); reconnecting in %u s", why, self->backoff);
  self->retry_id = g_timeout_add_seconds (self->backoff, retry_cb, self);
  self->backoff = MIN (self->backoff * 2, MAX_BACKOFF_SECONDS);
}

/* ---- authorization.removed ------------------------------------------------ */

static void
maybe_emit_replayed (WbpsRelayClient *self)
{
  if (self->replayed_pending && self->removal_checks == 0 && self->running)
    {
      self->replayed_pending = FALSE;
      g_signal_emit (self, signals[SIGNAL_REPLAYED], 0);
    }
}

typedef struct {
  WbpsRelayClient *self;
  gint64           reason;
} Removal;

static void
removal_free (Removal *removal)
{
  g_object_unref (removal->self);
  g_free (removal);
}

static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Removal *removal = user_data;
  WbpsRelayClient *self = removal->self;
  g_autoptr(GError) error = NULL;

  self->removal_checks--;
  if (!wbps_account_manager_sign_out_finish (WBPS_ACCOUNT_MANAGER (source), result, NULL, NULL, &error))
    {
      g_warning ("The removed account could not be deleted from the keyring: %s", error->message);
      maybe_emit_replayed (self);
    }
  else
    {
      wbps_relay_client_stop (self);
      g_signal_emit (self, signals[SIGNAL_ACCOUNT_REMOVED], 0, self->open_id, removal->reason);
    }
  removal_free (removal);
}

/*
 * TikTok has revoked the tokens when it sends the event; an older event (before a
 * new sign-in) must not sign the account out again, so the refresh token decides.
 */
static void
removal_checked_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Removal *removal = user_data;
  WbpsRelayClient *self = removal->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = wbps_account_manager_get_token_finish (WBPS_ACCOUNT_MANAGER (source), result, &error);

  if (token != NULL || !g_error_matches (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN))
    {
      g_debug ("authorization.removed not confirmed (%s): kept signed in",
               token != NULL ? "the sign-in still works" : error->message);
      self->removal_checks--;
      maybe_emit_replayed (self);
      removal_free (removal);
      return;
    }
  wbps_account_manager_sign_out_async (self->accounts, self->open_id, NULL, signed_out_cb, removal);
}

static void
check_removal (WbpsRelayClient  *self,
               WbpsWebhookEvent *event)
{
  Removal *removal = g_new0 (Removal, 1);

  removal->self = g_object_ref (self);
  removal->reason = wbps_webhook_event_get_removal_reason (event);
  self->removal_checks++;
  wbps_account_manager_get_token_async (self->accounts, self->open_id, TRUE, NULL, removal_checked_cb, removal);
}

/* ---- the SSE stream ------------------------------------------------------- */

static void
dispatch_event (WbpsRelayClient *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsWebhookEvent) event = wbps_webhook_event_new_from_data (self->data->str, self->data->len, &error);

  if (event == NULL)
    {
      g_warning ("The relay sent an event that is not TikTok's: %s", error->message);
      return;
    }
  if (self->event_id > 0)
    {
      wbps_webhook_event_set_cursor (event, self->event_id);
      wbps_relay_client_set_cursor (self, self->event_id);
    }
  if (g_str_equal (wbps_webhook_event_get_name (event), WBPS_WEBHOOK_AUTHORIZATION_REMOVED) &&
      g_strcmp0 (wbps_webhook_event_get_user_openid (event), self->open_id) == 0)
    check_removal (self, event);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);
}

static void
handle_line (WbpsRelayClient *self,
             const char      *line)
{
  if (*line == '\0')
    {
      if (self->data->len > 0)
        dispatch_event (self);
      g_string_truncate (self->data, 0);
      self->event_id = 0;
    }
  else if (line[0] == ':')
    {
      if (g_str_equal (g_strstrip ((char *) line + 1), "replayed"))
        {
          self->replayed_pending = TRUE;
          maybe_emit_replayed (self);
        }
    }
  else if (g_str_has_prefix (line, "id:"))
    self->event_id = g_ascii_strtoll (line + 3 + (line[3] == ' '), NULL, 10);
  else if (g_str_has_prefix (line, "data:"))
    {
      if (self->data->len > 0)
        g_string_append_c (self->data, '\n');
      g_string_append (self->data, line + 5 + (line[5] == ' '));
    }
}

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(WbpsRelayClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                     NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || (GObject *) self->lines != source)
    return;
  if (line == NULL)
    {
      reconnect_later (self, error != NULL ? error->message : _("the relay ended the stream"));
      return;
    }
  handle_line (self, line);
  if (self->lines != NULL)
    read_next_line (self);
}

static void
read_next_line (WbpsRelayClient *self)
{
  g_data_input_stream_read_line_async (self->lines, G_PRIORITY_DEFAULT, self->cancellable, line_cb,
                                       g_object_ref (self));
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(WbpsRelayClient) self = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  guint status = msg != NULL ? soup_message_get_status (msg) : 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body == NULL)
    return reconnect_later (self, error->message);
  if (status == SOUP_STATUS_UNAUTHORIZED && !self->refreshed)
    {
      /* The access token may have expired or been revoked: once more with a fresh one. */
      self->refreshed = TRUE;
      return connect_to_relay (self, TRUE);
    }
  if (status == SOUP_STATUS_UNAUTHORIZED)
    return fail (self, g_error_new (WBPS_RELAY_CLIENT_ERROR, WBPS_RELAY_CLIENT_ERROR_REFUSED,
                                    _("The wbps relay does not accept this account's TikTok sign-in.")));
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *why = g_strdup_printf (_("HTTP status %u"), status);

      return reconnect_later (self, why);
    }
  self->refreshed = FALSE;
  self->backoff = 1;
  self->lines = g_data_input_stream_new (body);
  g_data_input_stream_set_newline_type (G_DATA_INPUT_STREAM (self->lines), G_DATA_STREAM_NEWLINE_TYPE_ANY);
  set_connected (self, TRUE);
  read_next_line (self);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(WbpsRelayClient) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = wbps_account_manager_get_token_finish (WBPS_ACCOUNT_MANAGER (source), result, &error);
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  SoupMessageHeaders *headers;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
    return;
  if (token == NULL)
    return fail (self, g_steal_pointer (&error));
  url = wbps_config_relay_endpoint (self->config, "/events");
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    return fail (self, g_error_new (WBPS_RELAY_CLIENT_ERROR, WBPS_RELAY_CLIENT_ERROR_NO_RELAY,
                                    _("The relay address “%s” is not a valid URL."), url));
  headers = soup_message_get_request_headers (msg);
  authorization = g_strconcat ("Bearer ", token->access_token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_headers_replace (headers, "Accept", "text/event-stream");
  if (self->cursor > 0)
    {
      g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, self->cursor);

      soup_message_headers_replace (headers, "Last-Event-ID", cursor);
    }
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable, sent_cb, g_object_ref (self));
  wbps_secret_free (g_steal_pointer (&authorization));
}

static void
connect_to_relay (WbpsRelayClient *self,
                  gboolean         force_refresh)
{
  drop_connection (self);
  self->cancellable = g_cancellable_new ();
  wbps_account_manager_get_token_async (self->accounts, self->open_id, force_refresh, self->cancellable,
                                        token_cb, g_object_ref (self));
}

void
wbps_relay_client_start (WbpsRelayClient *self)
{
  g_return_if_fail (WBPS_IS_RELAY_CLIENT (self));

  if (self->running)
    return;
  if (wbps_config_get_relay_url (self->config) == NULL)
    {
      fail (self, g_error_new_literal (WBPS_RELAY_CLIENT_ERROR, WBPS_RELAY_CLIENT_ERROR_NO_RELAY,
                                       _("No wbps relay is configured: use --relay-url, WBPS_RELAY_URL or the relay-url setting.")));
      return;
    }
  self->running = TRUE;
  self->backoff = 1;
  connect_to_relay (self, FALSE);
}
