/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-error.h"
#include "wbps-token.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *reply_2h =
  "{\"access_token\":\"act.example12345Example12345Example\",\"expires_in\":7200,"
  "\"open_id\":\"afd97af1-b87b-48b9-ac98-410aghda5344\",\"refresh_expires_in\":15552000,"
  "\"refresh_token\":\"rft.example12345Example12345Example\",\"scope\":\"user.info.basic,video.publish\","
  "\"token_type\":\"Bearer\"}";

static void
test_expiry_from_reply (void)
{
  g_autoptr(JsonObject) reply = parse_object (reply_2h);
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = wbps_token_new_from_response (reply, "ck", 1000000, &error);

  g_assert_no_error (error);
  /* November 2026 lifetimes (2 h / 180 days) come from the reply, not from assumptions. */
  g_assert_cmpint (token->access_expires_at, ==, 1000000 + 7200);
  g_assert_cmpint (token->refresh_expires_at, ==, 1000000 + 15552000);
  g_assert_cmpstr (token->open_id, ==, "afd97af1-b87b-48b9-ac98-410aghda5344");
  g_assert_true (wbps_token_has_scope (token, "video.publish"));
  g_assert_false (wbps_token_has_scope (token, "video.upload"));
  g_assert_false (wbps_token_access_expiring (token, 1000000, 300));
  g_assert_true (wbps_token_access_expiring (token, 1000000 + 6901, 300));
  g_assert_false (wbps_token_refresh_expired (token, 1000000 + 15551999));
  g_assert_true (wbps_token_refresh_expired (token, 1000000 + 15552000));
}

static void
test_malformed_replies (void)
{
  const char *bad[] = {
    "{\"expires_in\":7200,\"open_id\":\"o\",\"refresh_expires_in\":1,\"refresh_token\":\"r\"}",
    "{\"access_token\":\"a\",\"expires_in\":\"7200\",\"open_id\":\"o\",\"refresh_expires_in\":1,\"refresh_token\":\"r\"}",
    "{\"access_token\":\"a\",\"expires_in\":0,\"open_id\":\"o\",\"refresh_expires_in\":1,\"refresh_token\":\"r\"}",
    "{\"access_token\":\"a\",\"expires_in\":10,\"refresh_expires_in\":1,\"refresh_token\":\"r\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) reply = parse_object (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(WbpsToken) token = wbps_token_new_from_response (reply, "ck", 0, &error);

      g_assert_null (token);
      g_assert_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY);
    }
}

static void
test_refresh_rotation (void)
{
  g_autoptr(JsonObject) first = parse_object (reply_2h);
  g_autoptr(JsonObject) second = parse_object (
    "{\"access_token\":\"act.second\",\"expires_in\":3600,\"open_id\":\"afd97af1-b87b-48b9-ac98-410aghda5344\","
    "\"refresh_expires_in\":100,\"refresh_token\":\"rft.rotated\",\"scope\":\"user.info.basic\",\"token_type\":\"Bearer\"}");
  g_autoptr(JsonObject) other = parse_object (
    "{\"access_token\":\"act.x\",\"expires_in\":3600,\"open_id\":\"someone-else\","
    "\"refresh_expires_in\":100,\"refresh_token\":\"rft.x\",\"token_type\":\"Bearer\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsToken) token = wbps_token_new_from_response (first, "ck", 10, &error);

  token->display_name = g_strdup ("Jane");
  g_assert_true (wbps_token_update_from_response (token, second, 20, &error));
  g_assert_cmpstr (token->refresh_token, ==, "rft.rotated");
  g_assert_cmpstr (token->access_token, ==, "act.second");
  g_assert_cmpint (token->access_expires_at, ==, 3620);
  g_assert_cmpstr (token->display_name, ==, "Jane");
  g_assert_false (wbps_token_update_from_response (token, other, 30, &error));
  g_assert_error (error, WBPS_ERROR, WBPS_ERROR_MALFORMED_REPLY);
}

static void
test_serialize_round_trip (void)
{
  g_autoptr(JsonObject) reply = parse_object (reply_2h);
  g_autoptr(WbpsToken) token = wbps_token_new_from_response (reply, "ck", 5, NULL);
  g_autofree char *json = NULL;
  g_autoptr(WbpsToken) back = NULL;
  g_autoptr(GError) error = NULL;

  token->display_name = g_strdup ("Zoë \"quoted\"");
  json = wbps_token_serialize (token);
  back = wbps_token_deserialize (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->display_name, ==, "Zoë \"quoted\"");
  g_assert_cmpstr (back->refresh_token, ==, token->refresh_token);
  g_assert_cmpint (back->refresh_expires_at, ==, token->refresh_expires_at);
  g_assert_cmpstr (back->client_key, ==, "ck");

  g_assert_null (wbps_token_deserialize ("{not json", &error) );
}

/* An empty keyring secret parses to no root node at all: an error, not a critical. */
static void
test_deserialize_empty (void)
{
  const char *texts[] = { "", "   \n", "[]" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (wbps_token_deserialize (texts[i], &error));
      g_assert_error (error, WBPS_ERROR, WBPS_ERROR_FAILED);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/token/expiry-from-reply", test_expiry_from_reply);
  g_test_add_func ("/core/token/malformed-replies", test_malformed_replies);
  g_test_add_func ("/core/token/refresh-rotation", test_refresh_rotation);
  g_test_add_func ("/core/token/serialize-round-trip", test_serialize_round_trip);
  g_test_add_func ("/core/token/deserialize-empty", test_deserialize_empty);
  return g_test_run ();
}
