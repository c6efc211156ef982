/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-error.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

static void
test_v2_code_kept (void)
{
  g_autoptr(GError) error = wbps_tiktok_error_new ("access_token_invalid",
                                                   "The access token is invalid or not found in the request.",
                                                   "202210112248442CB9319E1FB30C1073F3", 401);
  g_autofree char *line = wbps_error_describe (error);

  g_assert_error (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_ACCESS_TOKEN_INVALID);
  g_assert_cmpstr (wbps_tiktok_error_get_code (error), ==, "access_token_invalid");
  g_assert_cmpstr (wbps_tiktok_error_get_log_id (error), ==, "202210112248442CB9319E1FB30C1073F3");
  g_assert_cmpuint (wbps_tiktok_error_get_http_status (error), ==, 401);
  g_assert_true (strstr (line, "sign in again") != NULL);
  g_assert_true (strstr (line, "202210112248442CB9319E1FB30C1073F3") != NULL);
}

static void
test_copy_keeps_data (void)
{
  g_autoptr(GError) error = wbps_tiktok_error_new ("invalid_grant", "Authorization code is expired.", "LOG1", 200);
  g_autoptr(GError) copy = g_error_copy (error);

  g_assert_error (copy, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_INVALID_GRANT);
  g_assert_cmpstr (wbps_tiktok_error_get_message (copy), ==, "Authorization code is expired.");
  g_assert_cmpstr (wbps_tiktok_error_get_log_id (copy), ==, "LOG1");
}

static void
test_spelling_variants (void)
{
  g_assert_cmpint (wbps_tiktok_error_code_from_string ("invalid_param"), ==, WBPS_TIKTOK_ERROR_INVALID_PARAMS);
  g_assert_cmpint (wbps_tiktok_error_code_from_string ("invalid_params"), ==, WBPS_TIKTOK_ERROR_INVALID_PARAMS);
  g_assert_cmpint (wbps_tiktok_error_code_from_string ("something_new"), ==, WBPS_TIKTOK_ERROR_FAILED);
}

static void
test_unknown_code_message (void)
{
  g_autoptr(GError) error = wbps_tiktok_error_new ("brand_new_code", "Something odd.", NULL, 400);

  g_assert_error (error, WBPS_TIKTOK_ERROR, WBPS_TIKTOK_ERROR_FAILED);
  g_assert_true (strstr (error->message, "Something odd.") != NULL);
  g_assert_true (strstr (error->message, "brand_new_code") != NULL);
  g_assert_null (wbps_tiktok_error_get_log_id (error));
}

static void
test_transient (void)
{
  g_autoptr(GError) internal = wbps_tiktok_error_new ("internal_error", NULL, "L", 500);
  g_autoptr(GError) limit = wbps_tiktok_error_new ("rate_limit_exceeded", NULL, "L", 429);
  g_autoptr(GError) denied = wbps_tiktok_error_new ("access_denied", NULL, "L", 200);
  g_autoptr(GError) local = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_true (wbps_tiktok_error_is_transient (internal));
  g_assert_true (wbps_tiktok_error_is_transient (limit));
  g_assert_false (wbps_tiktok_error_is_transient (denied));
  g_assert_false (wbps_tiktok_error_is_transient (local));
}

static void
test_json (void)
{
  g_autoptr(GError) error = wbps_tiktok_error_new ("invalid_client", "Client key and secret do not match.", "LOG2", 200);
  g_autoptr(GError) local = g_error_new_literal (WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN, "Nobody is signed in.");
  g_autofree char *json = wbps_error_to_json (error);
  g_autofree char *local_json = wbps_error_to_json (local);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "invalid_client");
  g_assert_cmpstr (json_object_get_string_member (object, "log_id"), ==, "LOG2");
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, error->message);

  g_assert_true (json_parser_load_from_data (parser, local_json, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "not_signed_in");
  g_assert_true (json_object_get_null_member (object, "log_id"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/error/v2-code-kept", test_v2_code_kept);
  g_test_add_func ("/core/error/copy-keeps-data", test_copy_keeps_data);
  g_test_add_func ("/core/error/spelling-variants", test_spelling_variants);
  g_test_add_func ("/core/error/unknown-code", test_unknown_code_message);
  g_test_add_func ("/core/error/transient", test_transient);
  g_test_add_func ("/core/error/json", test_json);
  return g_test_run ();
}
