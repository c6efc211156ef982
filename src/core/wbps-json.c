/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "wbps-error.h"
#include "wbps-json.h"

/* The deepest nesting of arrays and objects in @data, outside strings; stops past @limit. */
static guint
nesting_depth (const char *data,
               gsize       length,
               guint       limit)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE, escaped = FALSE;

  for (gsize i = 0; i < length && deepest <= limit; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        deepest = MAX (deepest, ++depth);
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return deepest;
}

gboolean
wbps_json_check_bounds (const char  *data,
                        gsize        length,
                        GError     **error)
{
  if (length > WBPS_JSON_MAX_BYTES)
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                   _("The reply is larger than the %u KiB wbps accepts, so it was not read."),
                   WBPS_JSON_MAX_BYTES / 1024);
      return FALSE;
    }
  if (nesting_depth (data, length, WBPS_JSON_MAX_DEPTH) > WBPS_JSON_MAX_DEPTH)
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                   _("The reply is nested deeper than the %u levels wbps accepts, so it was not read."),
                   WBPS_JSON_MAX_DEPTH);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
wbps_json_parse_bounded (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (!wbps_json_check_bounds (data, length, error))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY,
                   _("The reply is not valid JSON (%s)."), parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY, _("The reply is empty."));
      return NULL;
    }
  return json_node_ref (root);
}
