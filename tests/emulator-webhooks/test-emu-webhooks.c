/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The emulator sends TikTok's webhooks (checklist rules 46-48): a real
 * wbps-emulator delivering to a real SoupServer on loopback that checks each
 * signature itself, the envelope, the order of events, retries after a 500 or
 * a timeout, deliberate duplicates, and deliberately broken signatures.
 */
#include "wbps-test-posting.h"
#include "webhook-receiver.h"

#include <string.h>

#define SECRET  "posting-test-secret"
#define WAIT_MS 20000

/* The fixture's world, a callback URL and @extra_ini (starting in [webhooks]); first retry 200 ms unless set. */
static WbpsTestPosting *
fixture_for (WebhookReceiver *receiver,
             const char      *extra_ini)
{
  const char *extra = extra_ini != NULL ? extra_ini : "";
  g_autofree char *ini = g_strdup_printf ("[webhooks]\nurl=%s\n%s%s", webhook_receiver_url (receiver),
                                          strstr (extra, "retry-initial-ms=") == NULL ? "retry-initial-ms=200\n" : "",
                                          extra);

  return wbps_test_posting_new_api (ini);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A POSTed JSON envelope of exactly TikTok's five keys, signed now with @secret; returns its content. */
static JsonObject *
assert_event (const WebhookRequest *request,
              const char           *event,
              const char           *user_openid)
{
  g_autoptr(JsonObject) envelope = parse_object (request->body);
  gint64 timestamp = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/webhook");
  g_assert_cmpstr (request->content_type, ==, "application/json");
  g_assert_true (webhook_signature_valid (request, SECRET, &timestamp));
  g_assert_cmpint (ABS (now - timestamp), <=, 60);
  g_assert_cmpuint (json_object_get_size (envelope), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (envelope, "client_key"), ==, "posting-test");
  g_assert_cmpstr (json_object_get_string_member (envelope, "event"), ==, event);
  g_assert_cmpstr (json_object_get_string_member (envelope, "user_openid"), ==, user_openid);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (envelope, "create_time")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (envelope, "create_time"), >, 1600000000);
  /* content is JSON serialized into a string, parsed a second time. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (envelope, "content")), ==, G_TYPE_STRING);
  return parse_object (json_object_get_string_member (envelope, "content"));
}

static void
assert_post_content (JsonObject *content,
                     const char *publish_id,
                     const char *publish_type)
{
  g_assert_cmpstr (json_object_get_string_member (content, "publish_id"), ==, publish_id);
  g_assert_cmpstr (json_object_get_string_member (content, "publish_type"), ==, publish_type);
}

/* A whole file upload: the post's events follow once processing ends. */
static char *
post_video (WbpsTestPosting *fx,
            const char      *privacy)
{
  g_autoptr(GBytes) video = wbps_test_posting_random_bytes (4096, 48);
  g_autofree char *upload_url = NULL;
  char *publish_id = wbps_test_posting_api_init_file (fx, 4096, 4096, 1, privacy, &upload_url);

  wbps_test_posting_api_upload_all (upload_url, video, 4096, 1);
  return publish_id;
}

/* GET /emulator/events: the emulator's own account of every event's delivery. */
static JsonArray *
recorded_events (WbpsTestPosting *fx)
{
  g_autofree char *url = wbps_test_emulator_url (fx->emu, "/emulator/events");
  g_autoptr(EmuReply) reply = emu_get (url, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  return json_array_ref (json_object_get_array_member (emu_reply_v2_data (reply), "events"));
}

/*
 * Waits until the emulator has settled event @serial (@acknowledged 200s, or
 * dropped when @acknowledged is -1): after that it sends nothing more for it.
 */
typedef struct {
  WbpsTestPosting *fx;
  guint            serial;
  gint64           acknowledged;
  JsonObject      *recorded;
} SettledWait;

static gboolean
settled (gpointer data)
{
  SettledWait *wait = data;
  g_autoptr(JsonArray) events = recorded_events (wait->fx);
  JsonObject *recorded = json_array_get_length (events) >= wait->serial
                         ? json_array_get_object_element (events, wait->serial - 1) : NULL;

  if (recorded == NULL ||
      !(wait->acknowledged < 0 ? json_object_get_boolean_member (recorded, "dropped")
                               : json_object_get_int_member (recorded, "acknowledged") == wait->acknowledged))
    return FALSE;
  wait->recorded = json_object_ref (recorded);
  return TRUE;
}

static JsonObject *
wait_settled (WbpsTestPosting *fx,
              guint            serial,
              gint64           acknowledged)
{
  SettledWait wait = { fx, serial, acknowledged, NULL };
  g_autofree char *what = g_strdup_printf ("event #%u settled (%" G_GINT64_FORMAT " acknowledgements, or dropped if -1)",
                                           serial, acknowledged);

  wbps_test_await_until (settled, &wait, (WAIT_MS + 999) / 1000, what);
  return wait.recorded;
}

/* Exactly @count events recorded: with each settled, nothing more is on its way to a receiver. */
static void
assert_recorded_count (WbpsTestPosting *fx,
                       guint            count)
{
  g_autoptr(JsonArray) events = recorded_events (fx);

  g_assert_cmpuint (json_array_get_length (events), ==, count);
}

static void
test_signature_checker_known_answer (void)
{
  /* TikTok's documented example body, signed by hand (Python's hmac) with "example-secret" at t=1633174587. */
  WebhookRequest request = {
    .signature = (char *) "s=a11a23db94e089e6452fa08af32cd5932b765421a4c7e75c3456297ead939743,t=1633174587",
    .body = (char *) "{\"client_key\":\"bwo2m45353a6k85\",\"event\":\"authorization.removed\","
                     "\"create_time\":1615338610,\"user_openid\":\"act.example12345Example12345Example\","
                     "\"content\":\"{\\\"reason\\\": 1 }\"}",
  };
  gint64 timestamp = 0;

  g_assert_true (webhook_signature_valid (&request, "example-secret", &timestamp));
  g_assert_cmpint (timestamp, ==, 1633174587);
  g_assert_false (webhook_signature_valid (&request, "other-secret", &timestamp));
}

static void
test_direct_public_post (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, NULL);
  g_autofree char *publish_id = post_video (fx, "PUBLIC_TO_EVERYONE");
  g_autoptr(JsonObject) complete = assert_event (webhook_receiver_wait (receiver, 1, WAIT_MS),
                                                 "post.publish.complete", "creator");
  g_autoptr(JsonObject) available = assert_event (webhook_receiver_wait (receiver, 2, WAIT_MS),
                                                  "post.publish.publicly_available", "creator");
  g_autoptr(JsonObject) status = wbps_test_posting_api_wait_status (fx, publish_id, "PUBLISH_COMPLETE", WAIT_MS, NULL);
  JsonArray *post_ids = json_object_get_array_member (status, "publicaly_available_post_id");

  assert_post_content (complete, publish_id, "DIRECT_PUBLISH");
  g_assert_false (json_object_has_member (complete, "post_id"));
  assert_post_content (available, publish_id, "DIRECT_PUBLISH");
  g_assert_cmpuint (json_array_get_length (post_ids), ==, 1);
  g_assert_cmpint (json_object_get_int_member (available, "post_id"), ==, json_array_get_int_element (post_ids, 0));
  g_assert_cmpuint (webhook_receiver_count (receiver), ==, 2);
}

static void
test_direct_private_post (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, NULL);
  g_autofree char *first = post_video (fx, "SELF_ONLY");
  g_autofree char *second = post_video (fx, "SELF_ONLY");
  g_autoptr(JsonObject) one = assert_event (webhook_receiver_wait (receiver, 1, WAIT_MS),
                                            "post.publish.complete", "creator");
  g_autoptr(JsonObject) two = assert_event (webhook_receiver_wait (receiver, 2, WAIT_MS),
                                            "post.publish.complete", "creator");

  /* Not public: no publicly_available; two posts, two complete events in the order they finished. */
  assert_post_content (one, first, "DIRECT_PUBLISH");
  assert_post_content (two, second, "DIRECT_PUBLISH");
  wbps_test_posting_api_wait_status (fx, second, "PUBLISH_COMPLETE", WAIT_MS, NULL);
  json_object_unref (wait_settled (fx, 2, 1));
  assert_recorded_count (fx, 2);
  g_assert_cmpuint (webhook_receiver_count (receiver), ==, 2);
}

static void
test_inbox_delivered_then_complete (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, "[emulator]\ninbox-posted-after-ms=300\n");
  g_autofree char *publish_id = post_video (fx, NULL);
  g_autoptr(JsonObject) delivered = assert_event (webhook_receiver_wait (receiver, 1, WAIT_MS),
                                                  "post.publish.inbox_delivered", "creator");
  g_autoptr(JsonObject) complete = assert_event (webhook_receiver_wait (receiver, 2, WAIT_MS),
                                                 "post.publish.complete", "creator");
  g_autoptr(JsonObject) status = wbps_test_posting_api_wait_status (fx, publish_id, "PUBLISH_COMPLETE", WAIT_MS, NULL);

  assert_post_content (delivered, publish_id, "INBOX_SHARE");
  assert_post_content (complete, publish_id, "INBOX_SHARE");
  /* The creator posts 300 ms after the delivery (allow the first request 100 ms on the way). */
  g_assert_cmpint (webhook_receiver_get (receiver, 1)->received_us - webhook_receiver_get (receiver, 0)->received_us,
                   >=, 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpstr (json_object_get_string_member (status, "status"), ==, "PUBLISH_COMPLETE");
}

static void
test_failed_post (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, "[user:creator]\nfail-reason=spam_risk_text\n");
  g_autofree char *publish_id = post_video (fx, "PUBLIC_TO_EVERYONE");
  g_autoptr(JsonObject) failed = assert_event (webhook_receiver_wait (receiver, 1, WAIT_MS),
                                               "post.publish.failed", "creator");

  assert_post_content (failed, publish_id, "DIRECT_PUBLISH");
  g_assert_cmpstr (json_object_get_string_member (failed, "reason"), ==, "spam_risk_text");
  wbps_test_posting_api_wait_status (fx, publish_id, "FAILED", WAIT_MS, NULL);
  json_object_unref (wait_settled (fx, 1, 1));
  assert_recorded_count (fx, 1);
  g_assert_cmpuint (webhook_receiver_count (receiver), ==, 1);
}

static void
test_authorization_removed (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, NULL);
  g_autofree char *revoked_token = wbps_test_posting_api_sign_in (fx, NULL);
  g_autofree char *disconnected_token = NULL;
  g_autofree char *revoke_url = wbps_test_emulator_url (fx->emu, "/v2/oauth/revoke/");
  g_autofree char *deauthorize_url = wbps_test_emulator_url (fx->emu, "/emulator/deauthorize");
  g_autoptr(EmuReply) revoked = emu_post_form (revoke_url, "client_key", "posting-test", "client_secret", SECRET,
                                               "token", revoked_token, NULL);
  g_autoptr(JsonObject) by_developer = assert_event (webhook_receiver_wait (receiver, 1, WAIT_MS),
                                                     "authorization.removed", "creator");
  g_autoptr(EmuReply) bad_reason = NULL;
  g_autoptr(EmuReply) disconnected = NULL;
  g_autoptr(EmuReply) after = NULL;
  g_autoptr(JsonObject) by_user = NULL;
  g_autoptr(JsonObject) refused = NULL;
  guint status;

  g_assert_cmpuint (revoked->status, ==, 200);
  g_assert_cmpuint (json_object_get_size (by_developer), ==, 1);
  g_assert_cmpint (json_object_get_int_member (by_developer, "reason"), ==, 5);

  /* The creator disconnects the app in TikTok (reason 1): the token is already dead when the event comes. */
  disconnected_token = wbps_test_posting_api_sign_in (fx, NULL);
  bad_reason = emu_post_form (deauthorize_url, "user", "creator", "reason", "6", NULL);
  emu_assert_v2_error (bad_reason, 400, "invalid_params");
  disconnected = emu_post_form (deauthorize_url, "user", "creator", "reason", "1", NULL);
  g_assert_cmpuint (disconnected->status, ==, 200);
  by_user = assert_event (webhook_receiver_wait (receiver, 2, WAIT_MS), "authorization.removed", "creator");
  g_assert_cmpint (json_object_get_int_member (by_user, "reason"), ==, 1);
  refused = wbps_test_posting_api_request (fx, disconnected_token, "/v2/post/publish/creator_info/query/", NULL, &status, NULL);
  wbps_test_posting_api_assert_error (refused, status, 401, "access_token_invalid");
  /* Nothing left to remove: no second event. */
  after = emu_post_form (deauthorize_url, "user", "creator", "reason", "1", NULL);
  g_assert_cmpuint (after->status, ==, 200);
  assert_recorded_count (fx, 2);
  json_object_unref (wait_settled (fx, 2, 1));
  g_assert_cmpuint (webhook_receiver_count (receiver), ==, 2);
}

/* Every attempt of one event carries the same bytes, each validly signed. */
static void
assert_identical_bodies (WebhookReceiver *receiver,
                         guint            count)
{
  for (guint i = 0; i < count; i++)
    {
      const WebhookRequest *request = webhook_receiver_get (receiver, i);
      gint64 timestamp;

      g_assert_cmpstr (request->body, ==, webhook_receiver_get (receiver, 0)->body);
      g_assert_true (webhook_signature_valid (request, SECRET, &timestamp));
    }
}

static void
test_retries_after_500 (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (2, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, NULL);
  g_autofree char *publish_id = post_video (fx, "SELF_ONLY");
  g_autoptr(JsonObject) content = assert_event (webhook_receiver_wait (receiver, 3, WAIT_MS),
                                                "post.publish.complete", "creator");
  g_autoptr(JsonObject) recorded = NULL;
  gint64 first_gap, second_gap;

  assert_post_content (content, publish_id, "DIRECT_PUBLISH");
  assert_identical_bodies (receiver, 3);
  g_assert_cmpuint (webhook_receiver_get (receiver, 0)->answered, ==, 500);
  g_assert_cmpuint (webhook_receiver_get (receiver, 2)->answered, ==, 200);
  /* Exponential backoff: 200 ms, then 400 ms (emulated = real at clock-scale 1). */
  first_gap = webhook_receiver_get (receiver, 1)->received_us - webhook_receiver_get (receiver, 0)->received_us;
  second_gap = webhook_receiver_get (receiver, 2)->received_us - webhook_receiver_get (receiver, 1)->received_us;
  g_assert_cmpint (first_gap, >=, 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (second_gap, >=, 400 * G_TIME_SPAN_MILLISECOND);
  recorded = wait_settled (fx, 1, 1);
  g_assert_cmpint (json_object_get_int_member (recorded, "attempts"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (recorded, "body"), ==, webhook_receiver_get (receiver, 0)->body);
  assert_recorded_count (fx, 1);
  g_assert_cmpuint (webhook_receiver_count (receiver), ==, 3);
}

static void
test_retries_after_timeout (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 1);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, "timeout-ms=300\n");
  g_autofree char *publish_id = post_video (fx, "SELF_ONLY");
  g_autoptr(JsonObject) content = assert_event (webhook_receiver_wait (receiver, 2, WAIT_MS),
                                                "post.publish.complete", "creator");

  assert_post_content (content, publish_id, "DIRECT_PUBLISH");
  g_assert_cmpuint (webhook_receiver_get (receiver, 0)->answered, ==, 0);
  assert_identical_bodies (receiver, 2);
  /* Given up after timeout-ms (300), retried 200 ms later; allow the first request 100 ms on the way. */
  g_assert_cmpint (webhook_receiver_get (receiver, 1)->received_us - webhook_receiver_get (receiver, 0)->received_us,
                   >=, 400 * G_TIME_SPAN_MILLISECOND);
}

static void
test_dropped_after_retry_window (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (G_MAXUINT / 2, 0);
  /* Attempts at 0, 100, 300 and 700 ms; the next (1500 ms) would be past the 1000 ms window. */
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, "retry-window-ms=1000\nretry-initial-ms=100\n");
  g_autofree char *publish_id = post_video (fx, "SELF_ONLY");
  g_autoptr(JsonObject) content = NULL;
  g_autoptr(JsonObject) recorded = NULL;

  /* Every attempt carried the post's event, the last one too. */
  content = assert_event (webhook_receiver_wait (receiver, 4, WAIT_MS), "post.publish.complete", "creator");
  assert_post_content (content, publish_id, "DIRECT_PUBLISH");
  recorded = wait_settled (fx, 1, -1);
  g_assert_cmpuint (webhook_receiver_count (receiver), ==, 4);
  assert_identical_bodies (receiver, 4);
  g_assert_true (json_object_get_boolean_member (recorded, "dropped"));
  g_assert_cmpint (json_object_get_int_member (recorded, "attempts"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (recorded, "acknowledged"), ==, 0);
}

static void
test_deliberate_duplicates (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, "duplicates=2\n");
  g_autofree char *publish_id = post_video (fx, "SELF_ONLY");
  g_autoptr(JsonObject) content = assert_event (webhook_receiver_wait (receiver, 3, WAIT_MS),
                                                "post.publish.complete", "creator");
  g_autoptr(JsonObject) recorded = NULL;

  assert_post_content (content, publish_id, "DIRECT_PUBLISH");
  assert_identical_bodies (receiver, 3);
  recorded = wait_settled (fx, 1, 3);
  assert_recorded_count (fx, 1);
  g_assert_cmpuint (webhook_receiver_count (receiver), ==, 3);
  g_assert_cmpint (json_object_get_int_member (recorded, "attempts"), ==, 3);
}

static void
test_wrong_secret (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, "sign-secret=not-the-client-secret\n");
  g_autofree char *publish_id = post_video (fx, "SELF_ONLY");
  const WebhookRequest *request = webhook_receiver_wait (receiver, 1, WAIT_MS);
  gint64 timestamp;

  g_assert_nonnull (strstr (request->body, publish_id));
  g_assert_false (webhook_signature_valid (request, SECRET, &timestamp));
  g_assert_true (webhook_signature_valid (request, "not-the-client-secret", &timestamp));
}

static void
test_stale_timestamp (void)
{
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autoptr(WbpsTestPosting) fx = fixture_for (receiver, "timestamp-offset=-600\n");
  g_autofree char *publish_id = post_video (fx, "SELF_ONLY");
  const WebhookRequest *request = webhook_receiver_wait (receiver, 1, WAIT_MS);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 timestamp = 0;

  /* Correctly signed, but ten minutes old: a receiver must refuse it on the timestamp alone. */
  g_assert_nonnull (strstr (request->body, publish_id));
  g_assert_true (webhook_signature_valid (request, SECRET, &timestamp));
  g_assert_cmpint (now - timestamp, >=, 600 - 60);
  g_assert_cmpint (now - timestamp, <=, 600 + 60);
}

/* A client's own webhook-url beats [webhooks] url; POST /emulator/events queues an event by hand. */
static void
test_client_url_and_injected_event (void)
{
  g_autoptr(WebhookReceiver) shared = webhook_receiver_start (0, 0);
  g_autoptr(WebhookReceiver) own = webhook_receiver_start (0, 0);
  g_autofree char *extra = g_strdup_printf ("[client:posting-test]\nwebhook-url=%s\n"
                                            "[client:other]\nsecret=other-secret\n",
                                            webhook_receiver_url (own));
  g_autoptr(WbpsTestPosting) fx = fixture_for (shared, extra);
  g_autofree char *events_url = wbps_test_emulator_url (fx->emu, "/emulator/events");
  g_autoptr(EmuReply) mine = emu_post_form (events_url, "client_key", "posting-test",
                                            "event", "post.publish.no_longer_publicaly_available",
                                            "user_openid", "creator",
                                            "content", "{\"publish_id\":\"v_pub_file~v2-1.1\",\"post_id\":\"7\"}",
                                            NULL);
  g_autoptr(EmuReply) theirs = emu_post_form (events_url, "client_key", "other", "event", "authorization.removed",
                                              "user_openid", "someone", "content", "{\"reason\":2}", NULL);
  g_autoptr(EmuReply) incomplete = emu_post_form (events_url, "client_key", "other", "event", "x", NULL);
  g_autoptr(JsonObject) content = assert_event (webhook_receiver_wait (own, 1, WAIT_MS),
                                                "post.publish.no_longer_publicaly_available", "creator");
  const WebhookRequest *other = webhook_receiver_wait (shared, 1, WAIT_MS);
  gint64 timestamp;

  g_assert_cmpint (json_object_get_int_member (emu_reply_v2_data (mine), "serial"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (emu_reply_v2_data (theirs), "serial"), ==, 2);
  emu_assert_v2_error (incomplete, 400, "invalid_params");
  g_assert_cmpstr (json_object_get_string_member (content, "post_id"), ==, "7");
  g_assert_true (webhook_signature_valid (other, "other-secret", &timestamp));
  g_assert_nonnull (strstr (other->body, "\"user_openid\":\"someone\""));
  g_assert_cmpuint (webhook_receiver_count (own), ==, 1);
  g_assert_cmpuint (webhook_receiver_count (shared), ==, 1);
}

/* POST /emulator/webhook-url names a receiver started after the emulator (port 0, no race). */
static void
test_webhook_url_set_later (void)
{
  g_autoptr(WbpsTestPosting) fx = wbps_test_posting_new_api ("[webhooks]\nretry-initial-ms=200\n");
  g_autoptr(WebhookReceiver) receiver = webhook_receiver_start (0, 0);
  g_autofree char *url = wbps_test_emulator_url (fx->emu, "/emulator/webhook-url");
  g_autofree char *events_url = wbps_test_emulator_url (fx->emu, "/emulator/events");
  g_autoptr(EmuReply) not_http = emu_post_form (url, "url", "ftp://127.0.0.1/webhook", NULL);
  g_autoptr(EmuReply) missing = emu_post_form (url, NULL);
  g_autoptr(EmuReply) named = emu_post_form (url, "url", webhook_receiver_url (receiver), NULL);
  g_autoptr(EmuReply) injected = emu_post_form (events_url, "client_key", "posting-test", "event",
                                                "authorization.removed", "user_openid", "creator",
                                                "content", "{\"reason\":2}", NULL);
  g_autoptr(JsonObject) content = assert_event (webhook_receiver_wait (receiver, 1, WAIT_MS),
                                                "authorization.removed", "creator");

  emu_assert_v2_error (not_http, 400, "invalid_params");
  emu_assert_v2_error (missing, 400, "invalid_params");
  g_assert_cmpuint (named->status, ==, 200);
  g_assert_cmpuint (injected->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (content, "reason"), ==, 2);
}

static void
test_invalid_callback_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                                     &error, g_getenv ("WBPS_EMULATOR"), "--port", "0",
                                                     "--webhook-url", "ftp://example.com/webhook", NULL);
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_nonnull (strstr (err, "--webhook-url must be an http or https URL"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/emulator/webhooks/signature-checker", test_signature_checker_known_answer);
  g_test_add_func ("/emulator/webhooks/rule-48-direct-public", test_direct_public_post);
  g_test_add_func ("/emulator/webhooks/rule-48-direct-private", test_direct_private_post);
  g_test_add_func ("/emulator/webhooks/rule-48-inbox", test_inbox_delivered_then_complete);
  g_test_add_func ("/emulator/webhooks/rule-48-failed", test_failed_post);
  g_test_add_func ("/emulator/webhooks/rule-48-authorization-removed", test_authorization_removed);
  g_test_add_func ("/emulator/webhooks/rule-47-retry-after-500", test_retries_after_500);
  g_test_add_func ("/emulator/webhooks/rule-47-retry-after-timeout", test_retries_after_timeout);
  g_test_add_func ("/emulator/webhooks/rule-47-dropped-after-window", test_dropped_after_retry_window);
  g_test_add_func ("/emulator/webhooks/rule-47-duplicates", test_deliberate_duplicates);
  g_test_add_func ("/emulator/webhooks/wrong-secret", test_wrong_secret);
  g_test_add_func ("/emulator/webhooks/stale-timestamp", test_stale_timestamp);
  g_test_add_func ("/emulator/webhooks/client-url-and-injected-event", test_client_url_and_injected_event);
  g_test_add_func ("/emulator/webhooks/url-set-later", test_webhook_url_set_later);
  g_test_add_func ("/emulator/webhooks/invalid-callback-url", test_invalid_callback_url);
  return g_test_run ();
}
