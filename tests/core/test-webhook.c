/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Core's webhook signature check and event envelope, against vectors computed elsewhere (openssl dgst -hmac). */
#include "wbps-relay-status.h"
#include "wbps-webhook-envelope.h"
#include "wbps-webhook-event.h"
#include "wbps-webhook-signature.h"

#define BODY "{\"client_key\":\"k\",\"event\":\"authorization.removed\",\"create_time\":1615338610,\"user_openid\":\"u\",\"content\":\"{\\\"reason\\\": 1 }\"}"
#define T 1633174587
/* printf '%s' 'T.BODY' | openssl dgst -sha256 -hmac s3cr3t */
#define EXPECTED "f566da0997d682b3c810381fc07f25d84cfaa914ad6cc08bd8772a81bdcb99af"

static gboolean
verify (const char   *header,
        const char  **secrets,
        gint64        now,
        GError      **error)
{
  return wbps_webhook_signature_verify (header, (const guint8 *) BODY, strlen (BODY),
                                        secrets, now, 300, error);
}

static void
test_vector (void)
{
  g_autofree char *signature = wbps_webhook_signature_compute ("s3cr3t", T, (const guint8 *) BODY, strlen (BODY));
  const char *secrets[] = { "s3cr3t", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *at_zero = wbps_webhook_signature_compute ("s3cr3t", 0, (const guint8 *) BODY, strlen (BODY));
  g_autofree char *at_min = wbps_webhook_signature_compute ("s3cr3t", G_MININT64, (const guint8 *) BODY, strlen (BODY));

  g_assert_cmpstr (signature, ==, EXPECTED);
  /* The edges of the "SECONDS." prefix (python3's hmac over "0." and "-9223372036854775808." + BODY). */
  g_assert_cmpstr (at_zero, ==, "4b8596f4c3c2318f4c1b310b11c623847340881673eebda3da6f22287501ecef");
  g_assert_cmpstr (at_min, ==, "88129de8ad9c0f1024dc0073a23751338408f6743fed78d6d7e57601a4c613f0");
  g_assert_true (verify ("t=1633174587,s=" EXPECTED, secrets, T, &error));
  g_assert_no_error (error);
  g_assert_true (verify ("s=" EXPECTED ",t=1633174587", secrets, T, NULL));
  g_assert_true (verify (" t=1633174587 , s=" EXPECTED " ", secrets, T, NULL));
  g_assert_true (verify ("t=1633174587,v=9,s=" EXPECTED, secrets, T, NULL));
}

static void
test_rotation (void)
{
  const char *secrets[] = { "", "new-secret", "s3cr3t", NULL };
  const char *other[] = { "new-secret", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (verify ("t=1633174587,s=" EXPECTED, secrets, T, NULL));
  g_assert_false (verify ("t=1633174587,s=" EXPECTED, other, T, &error));
  g_assert_error (error, WBPS_WEBHOOK_SIGNATURE_ERROR, WBPS_WEBHOOK_SIGNATURE_ERROR_MISMATCH);
}

static void
test_time_window (void)
{
  const char *secrets[] = { "s3cr3t", NULL };
  g_autoptr(GError) stale = NULL;
  g_autoptr(GError) future = NULL;

  g_assert_true (verify ("t=1633174587,s=" EXPECTED, secrets, T + 300, NULL));
  g_assert_true (verify ("t=1633174587,s=" EXPECTED, secrets, T - 300, NULL));
  g_assert_false (verify ("t=1633174587,s=" EXPECTED, secrets, T + 301, &stale));
  g_assert_error (stale, WBPS_WEBHOOK_SIGNATURE_ERROR, WBPS_WEBHOOK_SIGNATURE_ERROR_TIMESTAMP);
  g_assert_false (verify ("t=1633174587,s=" EXPECTED, secrets, T - 301, &future));
  g_assert_error (future, WBPS_WEBHOOK_SIGNATURE_ERROR, WBPS_WEBHOOK_SIGNATURE_ERROR_TIMESTAMP);
}

static void
test_malformed (void)
{
  const char *secrets[] = { "s3cr3t", NULL };
  const char *bad[] = {
    "", "garbage", "t=1633174587", "s=" EXPECTED, "t=1633174587,s=" EXPECTED "0",
    "t=1633174587,s=F566DA0997D682B3C810381FC07F25D84CFAA914AD6CC08BD8772A81BDCB99AF",
    "t=-1633174587,s=" EXPECTED, "t=16331745x7,s=" EXPECTED, "t=1,t=1633174587,s=" EXPECTED,
    "t=1633174587,s=" EXPECTED ",s=" EXPECTED, "t=1633174587;s=" EXPECTED,
  };
  g_autoptr(GError) missing = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (verify (bad[i], secrets, T, &error));
      g_assert_error (error, WBPS_WEBHOOK_SIGNATURE_ERROR, WBPS_WEBHOOK_SIGNATURE_ERROR_MALFORMED);
    }
  g_assert_false (verify (NULL, secrets, T, &missing));
  g_assert_error (missing, WBPS_WEBHOOK_SIGNATURE_ERROR, WBPS_WEBHOOK_SIGNATURE_ERROR_MISSING);
}

static void
test_event (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsWebhookEvent) removed = wbps_webhook_event_new_from_data (BODY, -1, &error);
  const char *post = "{\"client_key\":\"k\",\"event\":\"post.publish.publicly_available\",\"create_time\":1,"
                     "\"user_openid\":\"u\",\"content\":\"{\\\"publish_id\\\":\\\"v_pub_file~v2-1.7\\\","
                     "\\\"post_id\\\":7261463769757501445,\\\"publish_type\\\":\\\"DIRECT_PUBLISH\\\"}\"}";
  g_autoptr(WbpsWebhookEvent) available = wbps_webhook_event_new_from_data (post, -1, &error);
  g_autofree char *post_id = NULL;
  g_autofree char *name = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (wbps_webhook_event_get_name (removed), ==, "authorization.removed");
  g_assert_cmpint (wbps_webhook_event_get_removal_reason (removed), ==, 1);
  g_assert_cmpint (wbps_webhook_event_get_create_time (removed), ==, 1615338610);
  g_assert_cmpstr (wbps_webhook_event_get_data (removed), ==, BODY);
  g_assert_null (wbps_webhook_event_get_publish_id (removed));
  g_assert_cmpstr (wbps_webhook_removal_reason_describe (5), ==, "the app's developer revoked the access");

  g_assert_cmpstr (wbps_webhook_event_get_publish_id (available), ==, "v_pub_file~v2-1.7");
  post_id = wbps_webhook_event_dup_post_id (available);
  g_assert_cmpstr (post_id, ==, "7261463769757501445");
  g_assert_cmpint (wbps_webhook_event_get_removal_reason (available), ==, -1);
  g_object_get (available, "name", &name, NULL);
  g_assert_cmpstr (name, ==, "post.publish.publicly_available");
}

/* Not TikTok's envelope, for json-glib's parse and the relay's scan alike. */
static const char *not_envelopes[] = {
  "not json", "[]", "{}", "\"text\"",
  "{\"event\":\"e\",\"create_time\":1,\"content\":\"{}\"}",
  "{\"client_key\":\"k\",\"create_time\":1,\"content\":\"{}\"}",
  "{\"client_key\":\"k\",\"event\":\"\",\"create_time\":1,\"content\":\"{}\"}",
  "{\"client_key\":\"k\",\"event\":\"e\",\"content\":\"{}\"}",
  "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":\"1\",\"content\":\"{}\"}",
  "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1.5,\"content\":\"{}\"}",
  "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1}",
  "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":{}}",
  "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"[1]\"}",
  "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{}\",\"user_openid\":5}",
};

static void
test_not_envelopes (void)
{
  g_autoptr(WbpsWebhookEvent) no_user = wbps_webhook_event_new_from_data (
    "{\"client_key\":\"k\",\"event\":\"portability.download.ready\",\"create_time\":1,\"content\":\"{\\\"request_id\\\":5}\"}",
    -1, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (not_envelopes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WbpsWebhookEvent) event = wbps_webhook_event_new_from_data (not_envelopes[i], -1, &error);

      g_assert_null (event);
      g_assert_error (error, WBPS_WEBHOOK_EVENT_ERROR, WBPS_WEBHOOK_EVENT_ERROR_INVALID);
    }
  g_assert_nonnull (no_user);
  g_assert_null (wbps_webhook_event_get_user_openid (no_user));
}

/* The relay's scan reads what json-glib's parse reads, escapes decoded, the last of duplicate members kept. */
static void
test_envelope_scan (void)
{
  const char *good[] = {
    BODY,
    " \r\n{ \"content\" : \" { } \" , \"client_key\":\"k\",\"create_time\":0,\"event\":\"a\\u00e9\\ud83d\\ude00\\n\",\"x\":[1,-2.5e+3,true,null,{\"y\":[]}]}\t",
    "{\"client_key\":\"k\",\"event\":5,\"ev\\u0065nt\":\"last\",\"create_time\":9223372036854775807,\"user_openid\":\"\\\"u\\\\\",\"content\":\"{\\\"a\\\":\\\"\\\\u00e9\\\"}\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(WbpsWebhookEnvelope) envelope = { NULL, NULL, 0 };
      g_autoptr(WbpsWebhookEvent) event = wbps_webhook_event_new_from_data (good[i], -1, &error);

      g_assert_no_error (error);
      g_assert_true (wbps_webhook_envelope_check (good[i], strlen (good[i]), &envelope, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (envelope.name, ==, wbps_webhook_event_get_name (event));
      g_assert_cmpstr (envelope.user_openid, ==, wbps_webhook_event_get_user_openid (event));
      g_assert_cmpint (envelope.create_time, ==, wbps_webhook_event_get_create_time (event));
    }
}

/* Every body json-glib refuses, the scan refuses; and where json-glib is lenient, the scan is strict. */
static void
test_envelope_scan_refuses (void)
{
  const char *lenient[] = {
    "{'client_key':'k','event':'e','create_time':1,'content':'{}'}",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":01,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":0x1,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\\x41\",\"create_time\":1,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\tf\",\"create_time\":1,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\\ud800x\",\"create_time\":1,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\\u0000\",\"create_time\":1,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":-0,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":9223372036854775808,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{\\\"a\\\":.5}\"}",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{}\",}",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{}\"} x",
    "{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{}\"",
    "\xef\xbb\xbf{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{}\"}",
    "{\"client_key\":\"k\",\"event\":\"\xc3\",\"create_time\":1,\"content\":\"{}\"}",
    "",
  };
  g_autoptr(GString) deep = g_string_new ("{\"client_key\":\"k\",\"event\":\"e\",\"create_time\":1,\"content\":\"{}\",\"x\":");
  g_autoptr(GPtrArray) refused = g_ptr_array_new ();

  for (guint i = 0; i < 32; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 32; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  for (guint i = 0; i < G_N_ELEMENTS (not_envelopes); i++)
    g_ptr_array_add (refused, (gpointer) not_envelopes[i]);
  for (guint i = 0; i < G_N_ELEMENTS (lenient); i++)
    g_ptr_array_add (refused, (gpointer) lenient[i]);
  g_ptr_array_add (refused, deep->str);
  for (guint i = 0; i < refused->len; i++)
    {
      const char *body = g_ptr_array_index (refused, i);
      g_autoptr(GError) error = NULL;
      g_auto(WbpsWebhookEnvelope) envelope = { NULL, NULL, 0 };

      g_assert_false (wbps_webhook_envelope_check (body, strlen (body), &envelope, &error));
      g_assert_error (error, WBPS_WEBHOOK_EVENT_ERROR, WBPS_WEBHOOK_EVENT_ERROR_INVALID);
      g_assert_null (envelope.name);
    }
}

static WbpsPublishStatus *
status_of (const char *event,
           const char *content)
{
  g_autofree char *escaped = g_strescape (content, NULL);
  g_autofree char *body = g_strdup_printf ("{\"client_key\":\"k\",\"event\":\"%s\",\"create_time\":1,"
                                           "\"user_openid\":\"u\",\"content\":\"%s\"}", event, escaped);
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsWebhookEvent) parsed = wbps_webhook_event_new_from_data (body, -1, &error);

  g_assert_no_error (error);
  return wbps_publish_status_new_from_event (parsed);
}

/* A relayed event as the status status/fetch would have given. */
static void
test_event_status (void)
{
  g_autoptr(WbpsPublishStatus) complete = status_of ("post.publish.complete", "{\"publish_id\":\"p\",\"publish_type\":\"DIRECT_PUBLISH\"}");
  g_autoptr(WbpsPublishStatus) available = status_of ("post.publish.publicly_available", "{\"publish_id\":\"p\",\"post_id\":7261463769757501445}");
  g_autoptr(WbpsPublishStatus) inbox = status_of ("post.publish.inbox_delivered", "{\"publish_id\":\"p\",\"publish_type\":\"INBOX_SHARE\"}");
  g_autoptr(WbpsPublishStatus) failed = status_of ("post.publish.failed", "{\"publish_id\":\"p\",\"reason\":\"spam_risk_too_many_posts\"}");
  g_autoptr(WbpsPublishStatus) gone = status_of ("post.publish.no_longer_publicaly_available", "{\"publish_id\":\"p\",\"post_id\":\"1\"}");
  g_autoptr(WbpsPublishStatus) removed = status_of ("authorization.removed", "{\"reason\":1}");

  g_assert_cmpstr (complete->status, ==, "PUBLISH_COMPLETE");
  g_assert_cmpuint (g_strv_length (complete->post_ids), ==, 0);
  g_assert_cmpstr (available->status, ==, "PUBLISH_COMPLETE");
  g_assert_cmpstr (available->post_ids[0], ==, "7261463769757501445");
  g_assert_cmpstr (inbox->status, ==, "SEND_TO_USER_INBOX");
  g_assert_cmpstr (failed->status, ==, "FAILED");
  g_assert_cmpstr (failed->fail_reason, ==, "spam_risk_too_many_posts");
  g_assert_null (gone);
  g_assert_null (removed);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/webhook/signature/vector", test_vector);
  g_test_add_func ("/webhook/signature/rotation", test_rotation);
  g_test_add_func ("/webhook/signature/time-window", test_time_window);
  g_test_add_func ("/webhook/signature/malformed", test_malformed);
  g_test_add_func ("/webhook/event/parse", test_event);
  g_test_add_func ("/webhook/event/not-envelopes", test_not_envelopes);
  g_test_add_func ("/webhook/event/status", test_event_status);
  g_test_add_func ("/webhook/envelope/scan", test_envelope_scan);
  g_test_add_func ("/webhook/envelope/refuses", test_envelope_scan_refuses);
  return g_test_run ();
}
