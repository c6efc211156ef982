/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "emu-posting-util.h"

#include <string.h>

#include "wbps-test-oauth.h"
#include "wbps-test-util.h"

#define CALLS_PER_TOKEN 5

static const char base_world[] =
  "[emulator]\n"
  "auto-approve=true\n"
  "signed-in-user=creator\n"
  "processing-delay-ms=500\n"
  "[client:posting-test]\n"
  "secret=posting-test-secret\n"
  "redirect-uris=http://127.0.0.1:*/callback/\n"
  "scopes=user.info.basic,video.publish,video.upload\n"
  "desktop=true\n"
  "audited=true\n"
  "verified-url-prefixes=https://media.example.com/v/\n"
  "[user:creator]\n"
  "display-name=Test Creator\n"
  "username=testcreator\n"
  "private=false\n"
  "[user:hidden]\n"
  "display-name=Hidden Creator\n"
  "username=hiddencreator\n"
  "private=true\n"
  "comment-disabled=true\n";

EmuPostingFixture *
emu_posting_fixture_new (const char *extra_ini)
{
  EmuPostingFixture *fx = g_new0 (EmuPostingFixture, 1);
  g_autofree char *ini = g_strconcat (base_world, extra_ini != NULL ? extra_ini : "", NULL);

  fx->emu = wbps_test_emulator_start (ini);
  fx->client_key = g_strdup ("posting-test");
  fx->client_secret = g_strdup ("posting-test-secret");
  return fx;
}

void
emu_posting_fixture_free (EmuPostingFixture *fx)
{
  g_clear_pointer (&fx->emu, wbps_test_emulator_stop);
  g_free (fx->client_key);
  g_free (fx->client_secret);
  g_free (fx->user);
  g_free (fx->token);
  g_free (fx);
}

char *
emu_posting_fixture_login (EmuPostingFixture *fx,
                           const char        *open_id)
{
  g_autoptr(JsonObject) reply = wbps_test_emulator_sign_in (fx->emu, fx->client_key, fx->client_secret,
                                                            "user.info.basic,video.publish,video.upload",
                                                            open_id);

  return g_strdup (json_object_get_string_member (reply, "access_token"));
}

void
emu_posting_fixture_use (EmuPostingFixture *fx,
                         const char        *client_key,
                         const char        *client_secret,
                         const char        *open_id)
{
  g_free (fx->client_key);
  fx->client_key = g_strdup (client_key);
  g_free (fx->client_secret);
  fx->client_secret = g_strdup (client_secret);
  g_free (fx->user);
  fx->user = g_strdup (open_id);
  g_clear_pointer (&fx->token, g_free);
}

const char *
emu_posting_fixture_token (EmuPostingFixture *fx)
{
  if (fx->token == NULL || fx->token_uses >= CALLS_PER_TOKEN)
    {
      g_free (fx->token);
      fx->token = emu_posting_fixture_login (fx, fx->user);
      fx->token_uses = 0;
    }
  fx->token_uses++;
  return fx->token;
}

JsonObject *
emu_posting_api (EmuPostingFixture  *fx,
                 const char         *token,
                 const char         *path,
                 const char         *body,
                 guint              *http_status,
                 char              **raw)
{
  g_autofree char *url = wbps_test_emulator_url (fx->emu, path);
  g_autoptr(EmuReply) reply = emu_post_json (url, token, body);

  *http_status = reply->status;
  if (raw != NULL)
    *raw = g_strdup (reply->body);
  emu_reply_v2_code (reply);
  emu_reply_v2_data (reply);
  return json_object_ref (emu_reply_object (reply));
}

JsonObject *
emu_posting_call (EmuPostingFixture *fx,
                  const char        *path,
                  const char        *body,
                  guint             *http_status)
{
  return emu_posting_api (fx, emu_posting_fixture_token (fx), path, body, http_status, NULL);
}

const char *
emu_posting_error_code (JsonObject *root)
{
  return json_object_get_string_member (json_object_get_object_member (root, "error"), "code");
}

const char *
emu_posting_error_message (JsonObject *root)
{
  return json_object_get_string_member (json_object_get_object_member (root, "error"), "message");
}

JsonObject *
emu_posting_data (JsonObject *root)
{
  return json_object_get_object_member (root, "data");
}

void
emu_posting_assert_error (JsonObject *root,
                          guint       http_status,
                          guint       expected_status,
                          const char *expected_code)
{
  g_assert_cmpstr (emu_posting_error_code (root), ==, expected_code);
  g_assert_cmpuint (http_status, ==, expected_status);
  emu_assert_log_id (json_object_get_string_member (json_object_get_object_member (root, "error"), "log_id"));
}

char *
emu_posting_file_body (gint64      size,
                       gint64      chunk,
                       gint64      count,
                       const char *privacy)
{
  g_autofree char *post_info = NULL;

  if (privacy != NULL)
    post_info = g_strdup_printf ("\"post_info\":{\"privacy_level\":\"%s\",\"title\":\"test #wbps\"},", privacy);
  return g_strdup_printf ("{%s\"source_info\":{\"source\":\"FILE_UPLOAD\",\"video_size\":%" G_GINT64_FORMAT
                          ",\"chunk_size\":%" G_GINT64_FORMAT ",\"total_chunk_count\":%" G_GINT64_FORMAT "}}",
                          post_info != NULL ? post_info : "", size, chunk, count);
}

char *
emu_posting_init_file (EmuPostingFixture  *fx,
                       gint64              size,
                       gint64              chunk,
                       gint64              count,
                       const char         *privacy,
                       char              **upload_url)
{
  g_autofree char *body = emu_posting_file_body (size, chunk, count, privacy);
  const char *path = privacy != NULL ? "/v2/post/publish/video/init/" : "/v2/post/publish/inbox/video/init/";
  guint status;
  g_autoptr(JsonObject) root = emu_posting_call (fx, path, body, &status);
  JsonObject *data = emu_posting_data (root);

  g_assert_cmpstr (emu_posting_error_code (root), ==, "ok");
  g_assert_cmpuint (status, ==, 200);
  if (upload_url != NULL)
    *upload_url = g_strdup (json_object_get_string_member (data, "upload_url"));
  return g_strdup (json_object_get_string_member (data, "publish_id"));
}

guint
emu_posting_put (const char  *upload_url,
                 const char  *content_type,
                 GBytes      *body,
                 const char  *range,
                 char       **response_range,
                 GError     **error)
{
  /* A fresh session per PUT: libsoup would silently resend on a reused connection that drops. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", upload_url);
  g_autoptr(GBytes) reply = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_set_request_body_from_bytes (msg, NULL, body);
  if (content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", content_type);
  if (range != NULL)
    soup_message_headers_replace (headers, "Content-Range", range);
  reply = soup_session_send_and_read (session, msg, NULL, error);
  if (reply == NULL)
    return 0;
  if (response_range != NULL)
    *response_range = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                              "Content-Range"));
  return soup_message_get_status (msg);
}

guint
emu_posting_put_chunk (const char  *upload_url,
                       GBytes      *video,
                       gint64       first,
                       gint64       last,
                       char       **response_range)
{
  g_autoptr(GBytes) part = g_bytes_new_from_bytes (video, first, last - first + 1);
  g_autofree char *range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GSIZE_FORMAT,
                                            first, last, g_bytes_get_size (video));
  g_autoptr(GError) error = NULL;
  guint status = emu_posting_put (upload_url, "video/mp4", part, range, response_range, &error);

  g_assert_no_error (error);
  return status;
}

void
emu_posting_upload_all (const char *upload_url,
                        GBytes     *video,
                        gint64      chunk,
                        gint64      count)
{
  gint64 size = g_bytes_get_size (video);

  for (gint64 i = 0; i < count; i++)
    {
      gint64 first = i * chunk;
      gint64 last = i == count - 1 ? size - 1 : first + chunk - 1;

      g_assert_cmpuint (emu_posting_put_chunk (upload_url, video, first, last, NULL), ==,
                        i == count - 1 ? 201 : 206);
    }
}

GBytes *
emu_posting_make_video (gsize   size,
                        guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

JsonObject *
emu_posting_status (EmuPostingFixture  *fx,
                    const char         *publish_id,
                    guint              *http_status,
                    char              **raw)
{
  g_autofree char *body = g_strdup_printf ("{\"publish_id\":\"%s\"}", publish_id);

  return emu_posting_api (fx, emu_posting_fixture_token (fx), "/v2/post/publish/status/fetch/", body,
                      http_status, raw);
}

JsonObject *
emu_posting_wait_status (EmuPostingFixture  *fx,
                         const char         *publish_id,
                         const char         *status,
                         guint               timeout_ms,
                         char              **raw)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      g_autofree char *text = NULL;
      guint http_status;
      g_autoptr(JsonObject) root = emu_posting_status (fx, publish_id, &http_status, &text);
      JsonObject *data = emu_posting_data (root);

      g_assert_cmpstr (emu_posting_error_code (root), ==, "ok");
      if (g_strcmp0 (json_object_get_string_member (data, "status"), status) == 0)
        {
          if (raw != NULL)
            *raw = g_steal_pointer (&text);
          return json_object_ref (data);
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("%s still %s after %u ms, expected %s", publish_id,
                 json_object_get_string_member (data, "status"), timeout_ms, status);
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
}
