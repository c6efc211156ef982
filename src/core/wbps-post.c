/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-post-private.h"
#include "wbps-json.h"

struct _WbpsPost
{
  GObject         parent_instance;

  WbpsPostRecord *record;
};

G_DEFINE_FINAL_TYPE (WbpsPost, wbps_post, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FILE_PATH,
  PROP_FILE_SIZE,
  PROP_TITLE,
  PROP_OPEN_ID,
  PROP_MODE,
  PROP_PRIVACY,
  PROP_PUBLISH_ID,
  PROP_STATE,
  PROP_STATUS,
  PROP_FAIL_REASON,
  PROP_POST_IDS,
  PROP_UPLOADED_BYTES,
  PROP_UPLOAD_EXPIRES_AT,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wbps_post_finalize (GObject *object)
{
  WbpsPost *self = WBPS_POST (object);

  g_clear_pointer (&self->record, wbps_post_record_free);

  G_OBJECT_CLASS (wbps_post_parent_class)->finalize (object);
}

static void
wbps_post_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  WbpsPost *self = WBPS_POST (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->record->id);
      break;

    case PROP_FILE_PATH:
      g_value_set_string (value, self->record->file_path);
      break;

    case PROP_FILE_SIZE:
      g_value_set_int64 (value, self->record->file_size);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->record->title);
      break;

    case PROP_OPEN_ID:
      g_value_set_string (value, self->record->open_id);
      break;

    case PROP_MODE:
      g_value_set_string (value, self->record->mode);
      break;

    case PROP_PRIVACY:
      g_value_set_string (value, self->record->privacy);
      break;

    case PROP_PUBLISH_ID:
      g_value_set_string (value, self->record->publish_id);
      break;

    case PROP_STATE:
      g_value_set_string (value, self->record->state);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->record->status);
      break;

    case PROP_FAIL_REASON:
      g_value_set_string (value, self->record->fail_reason);
      break;

    case PROP_POST_IDS:
      g_value_set_boxed (value, self->record->post_ids);
      break;

    case PROP_UPLOADED_BYTES:
      g_value_set_int64 (value, self->record->next_offset);
      break;

    case PROP_UPLOAD_EXPIRES_AT:
      g_value_set_int64 (value, self->record->upload_expires_at);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->record->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->record->updated_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_post_class_init (WbpsPostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_post_finalize;
  object_class->get_property = wbps_post_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_PATH] =
    g_param_spec_string ("file-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE_SIZE] =
    g_param_spec_int64 ("file-size", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPEN_ID] =
    g_param_spec_string ("open-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIVACY] =
    g_param_spec_string ("privacy", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUBLISH_ID] =
    g_param_spec_string ("publish-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAIL_REASON] =
    g_param_spec_string ("fail-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POST_IDS] =
    g_param_spec_boxed ("post-ids", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPLOADED_BYTES] =
    g_param_spec_int64 ("uploaded-bytes", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPLOAD_EXPIRES_AT] =
    g_param_spec_int64 ("upload-expires-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_post_init (WbpsPost *self)
{
}

WbpsPost *
wbps_post_new (const WbpsPostRecord *record)
{
  WbpsPost *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (WBPS_TYPE_POST, NULL);
  self->record = wbps_post_record_copy (record);
  return self;
}

static gboolean
strings_differ (const char *a,
                const char *b)
{
  return g_strcmp0 (a, b) != 0;
}

static gboolean
strvs_differ (GStrv a,
              GStrv b)
{
  if (a == NULL || b == NULL)
    return a != b;
  return !g_strv_equal ((const char * const *) a, (const char * const *) b);
}

void
wbps_post_update (WbpsPost             *self,
                  const WbpsPostRecord *record)
{
  g_autoptr(WbpsPostRecord) old = NULL;

  g_return_if_fail (WBPS_IS_POST (self));
  /* A job's post gets its id once the row is written. */
  g_return_if_fail (record != NULL && (record->id == self->record->id || self->record->id == 0));

  old = g_steal_pointer (&self->record);
  self->record = wbps_post_record_copy (record);
  /* When the post was made never changes; a writer that never read the row back sends 0. */
  self->record->created_at = old->created_at;
  g_object_freeze_notify (G_OBJECT (self));
  if (old->id != record->id)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
  if (strings_differ (old->file_path, record->file_path))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE_PATH]);
  if (old->file_size != record->file_size)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE_SIZE]);
  if (strings_differ (old->title, record->title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  if (strings_differ (old->open_id, record->open_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_ID]);
  if (strings_differ (old->mode, record->mode))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  if (strings_differ (old->privacy, record->privacy))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY]);
  if (strings_differ (old->publish_id, record->publish_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLISH_ID]);
  if (strings_differ (old->state, record->state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (strings_differ (old->status, record->status))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (strings_differ (old->fail_reason, record->fail_reason))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAIL_REASON]);
  if (strvs_differ (old->post_ids, record->post_ids))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POST_IDS]);
  if (old->next_offset != record->next_offset)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOADED_BYTES]);
  if (old->upload_expires_at != record->upload_expires_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOAD_EXPIRES_AT]);
  if (old->created_at != self->record->created_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
  if (old->updated_at != record->updated_at)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
  g_object_thaw_notify (G_OBJECT (self));
}

const WbpsPostRecord *
wbps_post_get_record (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record;
}

gint64
wbps_post_get_id (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), 0);

  return self->record->id;
}

const char *
wbps_post_get_file_path (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->file_path;
}

gint64
wbps_post_get_file_size (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), 0);

  return self->record->file_size;
}

const char *
wbps_post_get_title (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->title;
}

const char *
wbps_post_get_open_id (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->open_id;
}

const char *
wbps_post_get_mode (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->mode;
}

const char *
wbps_post_get_privacy (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->privacy;
}

const char *
wbps_post_get_publish_id (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->publish_id;
}

const char *
wbps_post_get_state (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->state;
}

const char *
wbps_post_get_status (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->status;
}

const char *
wbps_post_get_fail_reason (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return self->record->fail_reason;
}

const char * const *
wbps_post_get_post_ids (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  return (const char * const *) self->record->post_ids;
}

gint64
wbps_post_get_uploaded_bytes (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), 0);

  return self->record->next_offset;
}

gint64
wbps_post_get_upload_expires_at (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), 0);

  return self->record->upload_expires_at;
}

gint64
wbps_post_get_created_at (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), 0);

  return self->record->created_at;
}

gint64
wbps_post_get_updated_at (WbpsPost *self)
{
  g_return_val_if_fail (WBPS_IS_POST (self), 0);

  return self->record->updated_at;
}

static char *
format_iso (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format_iso8601 (time) : NULL;
}

/* Post ids stay strings: 19-digit numbers do not survive a double. */
void
wbps_json_add_post_ids (JsonBuilder        *builder,
                        const char * const *post_ids)
{
  json_builder_set_member_name (builder, "post_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; post_ids != NULL && post_ids[i] != NULL; i++)
    json_builder_add_string_value (builder, post_ids[i]);
  json_builder_end_array (builder);
}

JsonNode *
wbps_post_to_json (WbpsPost *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const WbpsPostRecord *r;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;

  g_return_val_if_fail (WBPS_IS_POST (self), NULL);

  r = self->record;
  created = format_iso (r->created_at);
  updated = format_iso (r->updated_at);
  json_builder_begin_object (builder);
  wbps_json_add_int (builder, "id", r->id);
  wbps_json_add_string_or_null (builder, "file", r->file_path);
  wbps_json_add_int (builder, "file_size", r->file_size);
  wbps_json_add_string_or_null (builder, "title", r->title);
  wbps_json_add_string_or_null (builder, "account", r->open_id);
  wbps_json_add_string_or_null (builder, "mode", r->mode);
  wbps_json_add_string_or_null (builder, "privacy", r->privacy);
  wbps_json_add_string_or_null (builder, "publish_id", r->publish_id);
  wbps_json_add_string_or_null (builder, "state", r->state);
  wbps_json_add_string_or_null (builder, "status", r->status);
  wbps_json_add_string_or_null (builder, "fail_reason", r->fail_reason);
  wbps_json_add_post_ids (builder, (const char * const *) r->post_ids);
  wbps_json_add_int (builder, "uploaded_bytes", r->next_offset);
  wbps_json_add_string_or_null (builder, "created_at", created);
  wbps_json_add_string_or_null (builder, "updated_at", updated);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
