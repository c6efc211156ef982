/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "wbps-json.h"
#include "wbps-webhook-event-private.h"

struct _WbpsWebhookEvent
{
  GObject     parent_instance;

  char       *data;
  char       *name;
  char       *client_key;
  char       *user_openid;
  gint64      create_time;
  JsonObject *content;
  gint64      cursor;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_CLIENT_KEY,
  PROP_CREATE_TIME,
  PROP_USER_OPENID,
  PROP_PUBLISH_ID,
  PROP_CURSOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (wbps-webhook-event-error-quark, wbps_webhook_event_error)
G_DEFINE_FINAL_TYPE (WbpsWebhookEvent, wbps_webhook_event, G_TYPE_OBJECT)

static void
wbps_webhook_event_finalize (GObject *object)
{
  WbpsWebhookEvent *self = (WbpsWebhookEvent *) object;

  g_free (self->data);
  g_free (self->name);
  g_free (self->client_key);
  g_free (self->user_openid);
  g_clear_pointer (&self->content, json_object_unref);

  G_OBJECT_CLASS (wbps_webhook_event_parent_class)->finalize (object);
}

static void
wbps_webhook_event_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WbpsWebhookEvent *self = WBPS_WEBHOOK_EVENT (object);

  switch (prop_id)
    {
    case PROP_NAME:        g_value_set_string (value, self->name); break;
    case PROP_CLIENT_KEY:  g_value_set_string (value, self->client_key); break;
    case PROP_CREATE_TIME: g_value_set_int64 (value, self->create_time); break;
    case PROP_USER_OPENID: g_value_set_string (value, self->user_openid); break;
    case PROP_PUBLISH_ID:  g_value_set_string (value, wbps_webhook_event_get_publish_id (self)); break;
    case PROP_CURSOR:      g_value_set_int64 (value, self->cursor); break;
    default:               G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_webhook_event_class_init (WbpsWebhookEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = wbps_webhook_event_finalize;
  object_class->get_property = wbps_webhook_event_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CLIENT_KEY] = g_param_spec_string ("client-key", NULL, NULL, NULL, flags);
  properties[PROP_CREATE_TIME] = g_param_spec_int64 ("create-time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_USER_OPENID] = g_param_spec_string ("user-openid", NULL, NULL, NULL, flags);
  properties[PROP_PUBLISH_ID] = g_param_spec_string ("publish-id", NULL, NULL, NULL, flags);
  properties[PROP_CURSOR] = g_param_spec_int64 ("cursor", NULL, NULL, 0, G_MAXINT64, 0,
                                                flags | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_webhook_event_init (WbpsWebhookEvent *self)
{
}

gboolean
wbps_webhook_event_set_invalid (GError     **error,
                                const char  *what)
{
  g_set_error (error, WBPS_WEBHOOK_EVENT_ERROR, WBPS_WEBHOOK_EVENT_ERROR_INVALID,
               "Not a TikTok webhook envelope: %s", what);
  return FALSE;
}

static gboolean
member_is (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static JsonNode *
parse_json (const char  *data,
            gssize       length,
            GError     **error)
{
  /* Bounded in size and depth: json-glib recurses once per level (100,000 `[` overflow the stack). */
  return wbps_json_parse_bounded (data, length >= 0 ? (gsize) length : strlen (data), error);
}

/* `content` is JSON serialized into a string: TikTok's events are parsed twice. */
static JsonObject *
parse_content (const char  *text,
               GError     **error)
{
  g_autoptr(JsonNode) root = parse_json (text, -1, NULL);

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      wbps_webhook_event_set_invalid (error, "content is not a JSON object in a string");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
read_envelope (WbpsWebhookEvent  *self,
               JsonObject        *envelope,
               GError           **error)
{
  if (!member_is (envelope, "client_key", G_TYPE_STRING))
    return wbps_webhook_event_set_invalid (error, "no client_key string");
  if (!member_is (envelope, "event", G_TYPE_STRING) || *wbps_json_get_string (envelope, "event") == '\0')
    return wbps_webhook_event_set_invalid (error, "no event name");
  if (!member_is (envelope, "create_time", G_TYPE_INT64) ||
      json_object_get_int_member (envelope, "create_time") < 0)
    return wbps_webhook_event_set_invalid (error, "no create_time in seconds");
  if (!member_is (envelope, "content", G_TYPE_STRING))
    return wbps_webhook_event_set_invalid (error, "no content string");
  if (json_object_has_member (envelope, "user_openid") && !member_is (envelope, "user_openid", G_TYPE_STRING))
    return wbps_webhook_event_set_invalid (error, "user_openid is not a string");

  self->content = parse_content (wbps_json_get_string (envelope, "content"), error);
  if (self->content == NULL)
    return FALSE;
  self->client_key = g_strdup (wbps_json_get_string (envelope, "client_key"));
  self->name = g_strdup (wbps_json_get_string (envelope, "event"));
  self->create_time = json_object_get_int_member (envelope, "create_time");
  self->user_openid = g_strdup (wbps_json_get_string (envelope, "user_openid"));
  return TRUE;
}

WbpsWebhookEvent *
wbps_webhook_event_new_from_data (const char  *data,
                                  gssize       length,
                                  GError     **error)
{
  g_autoptr(WbpsWebhookEvent) self = g_object_new (WBPS_TYPE_WEBHOOK_EVENT, NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  if (length < 0)
    length = strlen (data);
  root = parse_json (data, length, &parse_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      wbps_webhook_event_set_invalid (error, "the body is not a JSON object");
      return NULL;
    }
  if (!read_envelope (self, json_node_get_object (root), error))
    return NULL;
  self->data = g_strndup (data, length);
  return g_steal_pointer (&self);
}

const char *
wbps_webhook_event_get_name (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  return self->name;
}

const char *
wbps_webhook_event_get_client_key (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  return self->client_key;
}

gint64
wbps_webhook_event_get_create_time (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), 0);
  return self->create_time;
}

const char *
wbps_webhook_event_get_user_openid (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  return self->user_openid;
}

JsonObject *
wbps_webhook_event_get_content (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  return self->content;
}

const char *
wbps_webhook_event_get_data (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  return self->data;
}

const char *
wbps_webhook_event_get_publish_id (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  return wbps_json_get_string (self->content, "publish_id");
}

char *
wbps_webhook_event_dup_post_id (WbpsWebhookEvent *self)
{
  JsonNode *node;

  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  node = json_object_get_member (self->content, "post_id");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

const char *
wbps_webhook_event_get_fail_reason (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), NULL);
  return wbps_json_get_string (self->content, "reason");
}

gint64
wbps_webhook_event_get_removal_reason (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), -1);
  if (!member_is (self->content, "reason", G_TYPE_INT64))
    return -1;
  return json_object_get_int_member (self->content, "reason");
}

gint64
wbps_webhook_event_get_cursor (WbpsWebhookEvent *self)
{
  g_return_val_if_fail (WBPS_IS_WEBHOOK_EVENT (self), 0);
  return self->cursor;
}

void
wbps_webhook_event_set_cursor (WbpsWebhookEvent *self,
                               gint64            cursor)
{
  g_return_if_fail (WBPS_IS_WEBHOOK_EVENT (self));
  if (self->cursor == cursor)
    return;
  self->cursor = cursor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
}

const char *
wbps_webhook_removal_reason_describe (gint64 reason)
{
  switch (reason)
    {
    case 1: return _("the account holder disconnected wbps in the TikTok app");
    case 2: return _("the TikTok account was deleted");
    case 3: return _("the account holder's age changed");
    case 4: return _("the TikTok account was banned");
    case 5: return _("the app's developer revoked the access");
    default: return _("TikTok gave no reason");
    }
}
