/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-creator-info-private.h"
#include "wbps-json.h"

struct _WbpsCreatorInfo
{
  GObject   parent_instance;

  char     *open_id;
  char     *nickname;
  char     *username;
  char     *avatar_url;
  GStrv     privacy_level_options;
  gboolean  comment_disabled;
  gboolean  duet_disabled;
  gboolean  stitch_disabled;
  guint     max_video_post_duration_sec;
};

G_DEFINE_FINAL_TYPE (WbpsCreatorInfo, wbps_creator_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OPEN_ID,
  PROP_NICKNAME,
  PROP_USERNAME,
  PROP_AVATAR_URL,
  PROP_PRIVACY_LEVEL_OPTIONS,
  PROP_COMMENT_DISABLED,
  PROP_DUET_DISABLED,
  PROP_STITCH_DISABLED,
  PROP_MAX_VIDEO_POST_DURATION_SEC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wbps_creator_info_finalize (GObject *object)
{
  WbpsCreatorInfo *self = WBPS_CREATOR_INFO (object);

  g_free (self->open_id);
  g_free (self->nickname);
  g_free (self->username);
  g_free (self->avatar_url);
  g_strfreev (self->privacy_level_options);

  G_OBJECT_CLASS (wbps_creator_info_parent_class)->finalize (object);
}

static void
wbps_creator_info_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WbpsCreatorInfo *self = WBPS_CREATOR_INFO (object);

  switch (prop_id)
    {
    case PROP_OPEN_ID:
      g_value_set_string (value, self->open_id);
      break;

    case PROP_NICKNAME:
      g_value_set_string (value, self->nickname);
      break;

    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;

    case PROP_AVATAR_URL:
      g_value_set_string (value, self->avatar_url);
      break;

    case PROP_PRIVACY_LEVEL_OPTIONS:
      g_value_set_boxed (value, self->privacy_level_options);
      break;

    case PROP_COMMENT_DISABLED:
      g_value_set_boolean (value, self->comment_disabled);
      break;

    case PROP_DUET_DISABLED:
      g_value_set_boolean (value, self->duet_disabled);
      break;

    case PROP_STITCH_DISABLED:
      g_value_set_boolean (value, self->stitch_disabled);
      break;

    case PROP_MAX_VIDEO_POST_DURATION_SEC:
      g_value_set_uint (value, self->max_video_post_duration_sec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_creator_info_class_init (WbpsCreatorInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_creator_info_finalize;
  object_class->get_property = wbps_creator_info_get_property;

  properties[PROP_OPEN_ID] =
    g_param_spec_string ("open-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NICKNAME] =
    g_param_spec_string ("nickname", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVATAR_URL] =
    g_param_spec_string ("avatar-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIVACY_LEVEL_OPTIONS] =
    g_param_spec_boxed ("privacy-level-options", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMENT_DISABLED] =
    g_param_spec_boolean ("comment-disabled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DUET_DISABLED] =
    g_param_spec_boolean ("duet-disabled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STITCH_DISABLED] =
    g_param_spec_boolean ("stitch-disabled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_VIDEO_POST_DURATION_SEC] =
    g_param_spec_uint ("max-video-post-duration-sec", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_creator_info_init (WbpsCreatorInfo *self)
{
}

WbpsCreatorInfo *
wbps_creator_info_new_from_data (const char *open_id,
                                 JsonObject *data)
{
  WbpsCreatorInfo *self = g_object_new (WBPS_TYPE_CREATOR_INFO, NULL);

  self->open_id = g_strdup (open_id);
  self->avatar_url = g_strdup (wbps_json_get_string (data, "creator_avatar_url"));
  self->username = g_strdup (wbps_json_get_string (data, "creator_username"));
  self->nickname = g_strdup (wbps_json_get_string (data, "creator_nickname"));
  self->privacy_level_options = wbps_json_get_strv (data, "privacy_level_options");
  self->comment_disabled = wbps_json_get_boolean (data, "comment_disabled");
  self->duet_disabled = wbps_json_get_boolean (data, "duet_disabled");
  self->stitch_disabled = wbps_json_get_boolean (data, "stitch_disabled");
  self->max_video_post_duration_sec =
    (guint) CLAMP (wbps_json_get_int (data, "max_video_post_duration_sec", 0), 0, G_MAXUINT);
  return self;
}

/* query */

static void
query_reply_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) data = NULL;
  GError *error = NULL;

  g_assert (WBPS_IS_API_CLIENT (source));

  data = wbps_api_client_call_finish (WBPS_API_CLIENT (source), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, wbps_creator_info_new_from_data (g_task_get_task_data (task), data),
                         g_object_unref);
}

void
wbps_creator_info_query_async (WbpsApiClient       *api,
                               const char          *open_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WBPS_IS_API_CLIENT (api));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_creator_info_query_async);
  g_task_set_task_data (task, g_strdup (open_id), g_free);
  wbps_api_client_call_async (api, open_id, "POST", WBPS_API_CREATOR_INFO_PATH, NULL, cancellable,
                              query_reply_cb, task);
}

WbpsCreatorInfo *
wbps_creator_info_query_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wbps_creator_info_query_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
wbps_creator_info_get_open_id (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), NULL);

  return self->open_id;
}

const char *
wbps_creator_info_get_nickname (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), NULL);

  return self->nickname;
}

const char *
wbps_creator_info_get_username (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), NULL);

  return self->username;
}

const char *
wbps_creator_info_get_avatar_url (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), NULL);

  return self->avatar_url;
}

const char * const *
wbps_creator_info_get_privacy_level_options (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), NULL);

  return (const char * const *) self->privacy_level_options;
}

gboolean
wbps_creator_info_offers_privacy_level (WbpsCreatorInfo *self,
                                        const char      *privacy_level)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), FALSE);

  return privacy_level != NULL &&
         g_strv_contains ((const char * const *) self->privacy_level_options, privacy_level);
}

gboolean
wbps_creator_info_get_comment_disabled (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), FALSE);

  return self->comment_disabled;
}

gboolean
wbps_creator_info_get_duet_disabled (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), FALSE);

  return self->duet_disabled;
}

gboolean
wbps_creator_info_get_stitch_disabled (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), FALSE);

  return self->stitch_disabled;
}

guint
wbps_creator_info_get_max_video_post_duration_sec (WbpsCreatorInfo *self)
{
  g_return_val_if_fail (WBPS_IS_CREATOR_INFO (self), 0);

  return self->max_video_post_duration_sec;
}
