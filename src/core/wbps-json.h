/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Tolerant readers of TikTok's JSON: a missing member or one of another type
 * gives NULL, where json-glib's own getters would emit a critical.
 */

static inline const char *
wbps_json_get_string (JsonObject *object,
                      const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static inline JsonObject *
wbps_json_get_object (JsonObject *object,
                      const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* TRUE only for a JSON true. */
static inline gboolean
wbps_json_get_boolean (JsonObject *object,
                       const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* An integer member, or @fallback when absent or not an integer. */
static inline gint64
wbps_json_get_int (JsonObject *object,
                   const char *name,
                   gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

/* The string elements of an array member (others skipped); never NULL. */
static inline GStrv
wbps_json_get_strv (JsonObject *object,
                    const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  return g_strv_builder_end (builder);
}

/* Writers keep every member present: an unknown value is null, not missing. */
static inline void
wbps_json_add_string_or_null (JsonBuilder *builder,
                              const char  *name,
                              const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static inline void
wbps_json_add_int (JsonBuilder *builder,
                   const char  *name,
                   gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* TikTok's replies are a few hundred bytes and a few levels deep; anything far beyond is hostile. */
#define WBPS_JSON_MAX_BYTES (1024 * 1024)
#define WBPS_JSON_MAX_DEPTH 32

/*
 * Parses @data (@length bytes) after checking it against WBPS_JSON_MAX_BYTES
 * and WBPS_JSON_MAX_DEPTH, which json-glib itself does not bound (its parser
 * recurses once per level: 100,000 `[` overflow the stack). Returns the root
 * node, or NULL with WBPS_ERROR_MALFORMED_REPLY.
 */
gboolean  wbps_json_check_bounds  (const char  *data,
                                   gsize        length,
                                   GError     **error);
/* (transfer full) (nullable): NULL with @error set */
JsonNode *wbps_json_parse_bounded (const char  *data,
                                   gsize        length,
                                   GError     **error);

G_END_DECLS
