/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-post-options.h"
#include "wbps-json.h"

struct _WbpsPostOptions
{
  GObject   parent_instance;

  GFile    *file;
  char     *open_id;
  gboolean  draft;
  char     *privacy_level;
  char     *title;
  gboolean  allow_comment;
  gboolean  allow_duet;
  gboolean  allow_stitch;
  gint64    cover_ms;
  gboolean  commercial_content;
  gboolean  brand_organic;
  gboolean  branded_content;
  gboolean  aigc;
  guint64   chunk_size;
};

G_DEFINE_FINAL_TYPE (WbpsPostOptions, wbps_post_options, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FILE,
  PROP_OPEN_ID,
  PROP_DRAFT,
  PROP_PRIVACY_LEVEL,
  PROP_TITLE,
  PROP_ALLOW_COMMENT,
  PROP_ALLOW_DUET,
  PROP_ALLOW_STITCH,
  PROP_COVER_MS,
  PROP_COMMERCIAL_CONTENT,
  PROP_BRAND_ORGANIC,
  PROP_BRANDED_CONTENT,
  PROP_AIGC,
  PROP_CHUNK_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wbps_post_options_finalize (GObject *object)
{
  WbpsPostOptions *self = WBPS_POST_OPTIONS (object);

  g_clear_object (&self->file);
  g_free (self->open_id);
  g_free (self->privacy_level);
  g_free (self->title);

  G_OBJECT_CLASS (wbps_post_options_parent_class)->finalize (object);
}

static void
wbps_post_options_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  WbpsPostOptions *self = WBPS_POST_OPTIONS (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_OPEN_ID:
      g_value_set_string (value, self->open_id);
      break;

    case PROP_DRAFT:
      g_value_set_boolean (value, self->draft);
      break;

    case PROP_PRIVACY_LEVEL:
      g_value_set_string (value, self->privacy_level);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_ALLOW_COMMENT:
      g_value_set_boolean (value, self->allow_comment);
      break;

    case PROP_ALLOW_DUET:
      g_value_set_boolean (value, self->allow_duet);
      break;

    case PROP_ALLOW_STITCH:
      g_value_set_boolean (value, self->allow_stitch);
      break;

    case PROP_COVER_MS:
      g_value_set_int64 (value, self->cover_ms);
      break;

    case PROP_COMMERCIAL_CONTENT:
      g_value_set_boolean (value, self->commercial_content);
      break;

    case PROP_BRAND_ORGANIC:
      g_value_set_boolean (value, self->brand_organic);
      break;

    case PROP_BRANDED_CONTENT:
      g_value_set_boolean (value, self->branded_content);
      break;

    case PROP_AIGC:
      g_value_set_boolean (value, self->aigc);
      break;

    case PROP_CHUNK_SIZE:
      g_value_set_uint64 (value, self->chunk_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Replaces a string option; TRUE when it changed. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
replace_boolean (gboolean *field,
                 gboolean  value)
{
  if (*field == !!value)
    return FALSE;
  *field = !!value;
  return TRUE;
}

static void
wbps_post_options_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  WbpsPostOptions *self = WBPS_POST_OPTIONS (object);
  gboolean changed = FALSE;

  switch (prop_id)
    {
    case PROP_FILE:
      changed = g_set_object (&self->file, g_value_get_object (value));
      break;

    case PROP_OPEN_ID:
      changed = replace_string (&self->open_id, g_value_get_string (value));
      break;

    case PROP_DRAFT:
      changed = replace_boolean (&self->draft, g_value_get_boolean (value));
      break;

    case PROP_PRIVACY_LEVEL:
      changed = replace_string (&self->privacy_level, g_value_get_string (value));
      break;

    case PROP_TITLE:
      changed = replace_string (&self->title, g_value_get_string (value));
      break;

    case PROP_ALLOW_COMMENT:
      changed = replace_boolean (&self->allow_comment, g_value_get_boolean (value));
      break;

    case PROP_ALLOW_DUET:
      changed = replace_boolean (&self->allow_duet, g_value_get_boolean (value));
      break;

    case PROP_ALLOW_STITCH:
      changed = replace_boolean (&self->allow_stitch, g_value_get_boolean (value));
      break;

    case PROP_COVER_MS:
      changed = self->cover_ms != g_value_get_int64 (value);
      self->cover_ms = g_value_get_int64 (value);
      break;

    case PROP_COMMERCIAL_CONTENT:
      changed = replace_boolean (&self->commercial_content, g_value_get_boolean (value));
      break;

    case PROP_BRAND_ORGANIC:
      changed = replace_boolean (&self->brand_organic, g_value_get_boolean (value));
      break;

    case PROP_BRANDED_CONTENT:
      changed = replace_boolean (&self->branded_content, g_value_get_boolean (value));
      break;

    case PROP_AIGC:
      changed = replace_boolean (&self->aigc, g_value_get_boolean (value));
      break;

    case PROP_CHUNK_SIZE:
      changed = self->chunk_size != g_value_get_uint64 (value);
      self->chunk_size = g_value_get_uint64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
wbps_post_options_class_init (WbpsPostOptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_post_options_finalize;
  object_class->get_property = wbps_post_options_get_property;
  object_class->set_property = wbps_post_options_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPEN_ID] =
    g_param_spec_string ("open-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DRAFT] =
    g_param_spec_boolean ("draft", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIVACY_LEVEL] =
    g_param_spec_string ("privacy-level", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_COMMENT] =
    g_param_spec_boolean ("allow-comment", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_DUET] =
    g_param_spec_boolean ("allow-duet", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_STITCH] =
    g_param_spec_boolean ("allow-stitch", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COVER_MS] =
    g_param_spec_int64 ("cover-ms", NULL, NULL, -1, G_MAXINT32, -1,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMERCIAL_CONTENT] =
    g_param_spec_boolean ("commercial-content", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRAND_ORGANIC] =
    g_param_spec_boolean ("brand-organic", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRANDED_CONTENT] =
    g_param_spec_boolean ("branded-content", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AIGC] =
    g_param_spec_boolean ("aigc", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHUNK_SIZE] =
    g_param_spec_uint64 ("chunk-size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_post_options_init (WbpsPostOptions *self)
{
  self->cover_ms = -1;
}

WbpsPostOptions *
wbps_post_options_new (void)
{
  return g_object_new (WBPS_TYPE_POST_OPTIONS, NULL);
}

WbpsPostOptions *
wbps_post_options_copy (WbpsPostOptions *self)
{
  WbpsPostOptions *copy;

  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), NULL);

  copy = wbps_post_options_new ();
  g_set_object (&copy->file, self->file);
  copy->open_id = g_strdup (self->open_id);
  copy->draft = self->draft;
  copy->privacy_level = g_strdup (self->privacy_level);
  copy->title = g_strdup (self->title);
  copy->allow_comment = self->allow_comment;
  copy->allow_duet = self->allow_duet;
  copy->allow_stitch = self->allow_stitch;
  copy->cover_ms = self->cover_ms;
  copy->commercial_content = self->commercial_content;
  copy->brand_organic = self->brand_organic;
  copy->branded_content = self->branded_content;
  copy->aigc = self->aigc;
  copy->chunk_size = self->chunk_size;
  return copy;
}

void
wbps_post_options_set_file (WbpsPostOptions *self,
                            GFile           *file)
{
  g_return_if_fail (WBPS_IS_POST_OPTIONS (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

GFile *
wbps_post_options_get_file (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), NULL);

  return self->file;
}

const char *
wbps_post_options_get_open_id (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), NULL);

  return self->open_id;
}

gboolean
wbps_post_options_get_draft (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->draft;
}

const char *
wbps_post_options_get_privacy_level (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), NULL);

  return self->privacy_level;
}

const char *
wbps_post_options_get_title (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), NULL);

  return self->title;
}

gboolean
wbps_post_options_get_allow_comment (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->allow_comment;
}

gboolean
wbps_post_options_get_allow_duet (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->allow_duet;
}

gboolean
wbps_post_options_get_allow_stitch (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->allow_stitch;
}

gint64
wbps_post_options_get_cover_ms (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), -1);

  return self->cover_ms;
}

gboolean
wbps_post_options_get_brand_organic (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->brand_organic;
}

gboolean
wbps_post_options_get_commercial_content (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->commercial_content;
}

gboolean
wbps_post_options_get_branded_content (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->branded_content;
}

gboolean
wbps_post_options_get_aigc (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), FALSE);

  return self->aigc;
}

guint64
wbps_post_options_get_chunk_size (WbpsPostOptions *self)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), 0);

  return self->chunk_size;
}

const char *
wbps_post_options_get_effective_privacy (WbpsPostOptions *self,
                                         gboolean         sandbox)
{
  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), NULL);

  return sandbox ? "SELF_ONLY" : self->privacy_level;
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* TikTok names the interactions by what is disabled; the creator chooses what is allowed. */
static void
build_post_info (WbpsPostOptions *self,
                 gboolean         sandbox,
                 JsonBuilder     *builder)
{
  json_builder_set_member_name (builder, "post_info");
  json_builder_begin_object (builder);
  if (self->title != NULL && *self->title != '\0')
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, self->title);
    }
  json_builder_set_member_name (builder, "privacy_level");
  json_builder_add_string_value (builder, wbps_post_options_get_effective_privacy (self, sandbox));
  add_bool (builder, "disable_comment", !self->allow_comment);
  add_bool (builder, "disable_duet", !self->allow_duet);
  add_bool (builder, "disable_stitch", !self->allow_stitch);
  if (self->cover_ms >= 0)
    wbps_json_add_int (builder, "video_cover_timestamp_ms", self->cover_ms);
  add_bool (builder, "brand_content_toggle", self->branded_content);
  add_bool (builder, "brand_organic_toggle", self->brand_organic);
  add_bool (builder, "is_aigc", self->aigc);
  json_builder_end_object (builder);
}

JsonNode *
wbps_post_options_build_init_request (WbpsPostOptions     *self,
                                      const WbpsChunkPlan *plan,
                                      gboolean             sandbox)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (WBPS_IS_POST_OPTIONS (self), NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  json_builder_begin_object (builder);
  if (!self->draft)
    build_post_info (self, sandbox, builder);
  json_builder_set_member_name (builder, "source_info");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "FILE_UPLOAD");
  wbps_json_add_int (builder, "video_size", plan->video_size);
  wbps_json_add_int (builder, "chunk_size", plan->chunk_size);
  wbps_json_add_int (builder, "total_chunk_count", plan->total_chunk_count);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
