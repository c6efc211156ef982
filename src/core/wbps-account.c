/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-account-private.h"
#include "wbps-json.h"

struct _WbpsAccount
{
  GObject   parent_instance;

  char     *open_id;
  char     *display_name;
  char     *username;
  char     *avatar_url;
  char     *scope;            /* comma-separated, as granted */
  GStrv     scopes;
  gint64    access_expires_at;
  gint64    refresh_expires_at;
  gboolean  needs_sign_in;
};

G_DEFINE_FINAL_TYPE (WbpsAccount, wbps_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OPEN_ID,
  PROP_DISPLAY_NAME,
  PROP_NAME,
  PROP_USERNAME,
  PROP_AVATAR_URL,
  PROP_SCOPES,
  PROP_ACCESS_EXPIRES_AT,
  PROP_REFRESH_EXPIRES_AT,
  PROP_NEEDS_SIGN_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wbps_account_finalize (GObject *object)
{
  WbpsAccount *self = WBPS_ACCOUNT (object);

  g_free (self->open_id);
  g_free (self->display_name);
  g_free (self->username);
  g_free (self->avatar_url);
  g_free (self->scope);
  g_strfreev (self->scopes);

  G_OBJECT_CLASS (wbps_account_parent_class)->finalize (object);
}

static void
wbps_account_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  WbpsAccount *self = WBPS_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_OPEN_ID:
      g_value_set_string (value, self->open_id);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_NAME:
      g_value_set_string (value, wbps_account_get_name (self));
      break;

    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;

    case PROP_AVATAR_URL:
      g_value_set_string (value, self->avatar_url);
      break;

    case PROP_SCOPES:
      g_value_set_boxed (value, self->scopes);
      break;

    case PROP_ACCESS_EXPIRES_AT:
      g_value_set_int64 (value, self->access_expires_at);
      break;

    case PROP_REFRESH_EXPIRES_AT:
      g_value_set_int64 (value, self->refresh_expires_at);
      break;

    case PROP_NEEDS_SIGN_IN:
      g_value_set_boolean (value, self->needs_sign_in);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_account_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  WbpsAccount *self = WBPS_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_OPEN_ID:
      self->open_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_account_class_init (WbpsAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_account_finalize;
  object_class->get_property = wbps_account_get_property;
  object_class->set_property = wbps_account_set_property;

  properties[PROP_OPEN_ID] =
    g_param_spec_string ("open-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVATAR_URL] =
    g_param_spec_string ("avatar-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCOPES] =
    g_param_spec_boxed ("scopes", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCESS_EXPIRES_AT] =
    g_param_spec_int64 ("access-expires-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESH_EXPIRES_AT] =
    g_param_spec_int64 ("refresh-expires-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEEDS_SIGN_IN] =
    g_param_spec_boolean ("needs-sign-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_account_init (WbpsAccount *self)
{
  self->scopes = g_new0 (char *, 1);
}

WbpsAccount *
wbps_account_new (const char *open_id)
{
  g_return_val_if_fail (open_id != NULL, NULL);

  return g_object_new (WBPS_TYPE_ACCOUNT, "open-id", open_id, NULL);
}

const char *
wbps_account_get_open_id (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), NULL);

  return self->open_id;
}

const char *
wbps_account_get_display_name (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), NULL);

  return self->display_name;
}

const char *
wbps_account_get_name (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), NULL);

  return self->display_name != NULL && *self->display_name != '\0'
         ? self->display_name : self->open_id;
}

const char *
wbps_account_get_username (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), NULL);

  return self->username;
}

const char *
wbps_account_get_avatar_url (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), NULL);

  return self->avatar_url;
}

const char * const *
wbps_account_get_scopes (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), NULL);

  return (const char * const *) self->scopes;
}

gboolean
wbps_account_has_scope (WbpsAccount *self,
                        const char  *scope)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (scope != NULL, FALSE);

  return g_strv_contains ((const char * const *) self->scopes, scope);
}

gint64
wbps_account_get_access_expires_at (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), 0);

  return self->access_expires_at;
}

gint64
wbps_account_get_refresh_expires_at (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), 0);

  return self->refresh_expires_at;
}

gboolean
wbps_account_get_needs_sign_in (WbpsAccount *self)
{
  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), FALSE);

  return self->needs_sign_in;
}

/* Replaces *@field with @value and notifies @prop when they differ. */
static gboolean
set_string (WbpsAccount  *self,
            char        **field,
            const char   *value,
            guint         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

static void
set_int64 (WbpsAccount *self,
           gint64      *field,
           gint64       value,
           guint        prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_scope (WbpsAccount *self,
           const char  *scope)
{
  if (g_strcmp0 (self->scope, scope) == 0)
    return;
  g_free (self->scope);
  self->scope = g_strdup (scope);
  g_strfreev (self->scopes);
  self->scopes = scope != NULL ? g_strsplit (scope, ",", -1) : g_new0 (char *, 1);
  for (guint i = 0; self->scopes[i] != NULL; i++)
    g_strstrip (self->scopes[i]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCOPES]);
}

void
wbps_account_update (WbpsAccount     *self,
                     const WbpsToken *token,
                     gboolean         needs_sign_in)
{
  g_return_if_fail (WBPS_IS_ACCOUNT (self));
  g_return_if_fail (token != NULL && g_strcmp0 (token->open_id, self->open_id) == 0);

  g_object_freeze_notify (G_OBJECT (self));
  if (set_string (self, &self->display_name, token->display_name, PROP_DISPLAY_NAME))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  set_string (self, &self->username, token->username, PROP_USERNAME);
  set_string (self, &self->avatar_url, token->avatar_url, PROP_AVATAR_URL);
  set_scope (self, token->scope);
  set_int64 (self, &self->access_expires_at, token->access_expires_at, PROP_ACCESS_EXPIRES_AT);
  set_int64 (self, &self->refresh_expires_at, token->refresh_expires_at, PROP_REFRESH_EXPIRES_AT);
  if (self->needs_sign_in != needs_sign_in)
    {
      self->needs_sign_in = needs_sign_in;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_SIGN_IN]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static char *
iso8601 (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return dt != NULL ? g_date_time_format_iso8601 (dt) : NULL;
}

JsonNode *
wbps_account_to_json (WbpsAccount *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;

  g_return_val_if_fail (WBPS_IS_ACCOUNT (self), NULL);

  access = iso8601 (self->access_expires_at);
  refresh = iso8601 (self->refresh_expires_at);
  json_builder_begin_object (builder);
  wbps_json_add_string_or_null (builder, "open_id", self->open_id);
  wbps_json_add_string_or_null (builder, "display_name", self->display_name);
  wbps_json_add_string_or_null (builder, "username", self->username);
  wbps_json_add_string_or_null (builder, "avatar_url", self->avatar_url);
  wbps_json_add_string_or_null (builder, "scope", self->scope);
  wbps_json_add_string_or_null (builder, "access_expires_at", access);
  wbps_json_add_string_or_null (builder, "refresh_expires_at", refresh);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
