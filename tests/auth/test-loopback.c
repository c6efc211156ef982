/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <libsoup/soup.h>

#include "wbps-error.h"
#include "wbps-loopback-server.h"
#include "wbps-pkce.h"
#include "wbps-redact.h"
#include "wbps-test-util.h"

/* Longest any single step may take before the test fails instead of hanging. */
#define STEP_DEADLINE_S 15

typedef struct {
  WbpsLoopbackServer *server;
  SoupSession        *session;
  char               *state;
  /* The wait's outcome. */
  gboolean            done;
  char               *code;
  char               *scopes;
  GError             *error;
} Fixture;

typedef struct {
  gboolean  done;
  guint     status;
  char     *body;
  GError   *error;
} Reply;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = wbps_loopback_server_new (&error);
  g_assert_no_error (error);
  f->session = soup_session_new ();
  f->state = wbps_pkce_new_state ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->server);
  g_clear_object (&f->session);
  g_clear_pointer (&f->state, g_free);
  g_clear_pointer (&f->code, g_free);
  g_clear_pointer (&f->scopes, g_free);
  g_clear_error (&f->error);
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_for_ms (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, set_flag_cb, &elapsed);
  wbps_test_await_flag (&elapsed, STEP_DEADLINE_S);
}

static void
wait_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->code = wbps_loopback_server_wait_finish (WBPS_LOOPBACK_SERVER (source), result,
                                              &f->scopes, &f->error);
  f->done = TRUE;
}

static void
start_wait (Fixture      *f,
            guint         timeout_seconds,
            GCancellable *cancellable)
{
  wbps_loopback_server_wait_async (f->server, f->state, timeout_seconds, cancellable,
                                   wait_done_cb, f);
}

static void
reply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &reply->error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  reply->status = soup_message_get_status (msg);
  if (bytes != NULL)
    reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reply->done = TRUE;
}

/* A request through a real libsoup client, like a browser following the redirect. */
static Reply *
request (Fixture    *f,
         const char *method,
         const char *path_and_query)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          wbps_loopback_server_get_port (f->server), path_and_query);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Reply *reply = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, reply_cb, reply);
  wbps_test_await_flag (&reply->done, STEP_DEADLINE_S);
  return reply;
}

static void
reply_free (Reply *reply)
{
  g_clear_error (&reply->error);
  g_free (reply->body);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* "/callback/?" + the form-encoded pairs (NULL-terminated name, value, ...). */
static char *
callback_path (const char *first_name,
               ...)
{
  va_list args;
  g_autofree char *query = NULL;

  va_start (args, first_name);
  query = soup_form_encode_valist (first_name, args);
  va_end (args);
  return g_strconcat ("/callback/?", query, NULL);
}

static void
assert_port_closed (Fixture *f)
{
  g_autoptr(Reply) reply = request (f, "GET", "/callback/");

  g_assert_false (wbps_loopback_server_is_listening (f->server));
  g_assert_error (reply->error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_redirect_uri (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%u/callback/",
                                               wbps_loopback_server_get_port (f->server));

  g_assert_cmpuint (wbps_loopback_server_get_port (f->server), >, 0);
  g_assert_cmpstr (wbps_loopback_server_get_redirect_uri (f->server), ==, expected);
  g_assert_true (wbps_loopback_server_is_listening (f->server));
}

static gboolean
can_connect (const char *address,
             guint       port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (inet, port);
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (socket_address), NULL, NULL);
  return connection != NULL;
}

/* 127.0.0.1 only: other loopback addresses (which a wildcard bind would answer) get nothing. */
static void
test_bound_to_127_0_0_1 (Fixture       *f,
                         gconstpointer  data)
{
  guint port = wbps_loopback_server_get_port (f->server);

  g_assert_true (can_connect ("127.0.0.1", port));
  g_assert_false (can_connect ("127.0.0.2", port));
  g_assert_false (can_connect ("::1", port));
}

static void
test_valid_callback (Fixture       *f,
                     gconstpointer  data)
{
  /* Real codes hold * ! . - _; "%2F" proves the code is URL-decoded exactly once. */
  const char *code = "Qx3abc*0!6410.u1-_%2F~";
  g_autofree char *path = callback_path ("code", code, "scopes", "user.info.basic,video.publish",
                                         "state", f->state, NULL);
  g_autoptr(Reply) reply = NULL;
  g_autofree char *redacted = NULL;

  start_wait (f, 10, NULL);
  reply = request (f, "GET", path);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (strstr (reply->body, "You can close this tab and return to wbps"));
  g_assert_null (strstr (reply->body, code));
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->code, ==, code);
  g_assert_cmpstr (f->scopes, ==, "user.info.basic,video.publish");
  redacted = wbps_redact (f->code);
  g_assert_cmpstr (redacted, !=, code);
}

/* Once the wait is over, nothing listens any more: a second callback is refused. */
static void
test_second_callback_refused (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = callback_path ("code", "first-code-123", "state", f->state, NULL);
  g_autoptr(Reply) first = NULL;
  g_autoptr(Reply) second = NULL;
  g_autoptr(GError) error = NULL;

  start_wait (f, 10, NULL);
  first = request (f, "GET", path);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->code, ==, "first-code-123");
  second = request (f, "GET", path);
  g_assert_error (second->error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_false (can_connect ("127.0.0.1", wbps_loopback_server_get_port (f->server)));
  /* And the server cannot be reused for another wait. */
  f->done = FALSE;
  g_clear_pointer (&f->code, g_free);
  start_wait (f, 10, NULL);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* A wrong or missing state may be forged: refused with a page, the real one still wins. */
static void
test_wrong_state (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *forged = callback_path ("code", "attacker-code", "state", "not-the-state", NULL);
  g_autofree char *stateless = callback_path ("code", "attacker-code", NULL);
  g_autofree char *truncated_state = g_strndup (f->state, strlen (f->state) - 1);
  g_autofree char *truncated = callback_path ("code", "attacker-code", "state", truncated_state, NULL);
  g_autofree char *forged_error = callback_path ("error", "access_denied", "state", "nope", NULL);
  g_autofree char *genuine = callback_path ("code", "genuine-code", "state", f->state, NULL);
  const char *bad[] = { forged, stateless, truncated, forged_error };

  start_wait (f, 10, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Reply) reply = request (f, "GET", bad[i]);

      g_assert_no_error (reply->error);
      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_nonnull (strstr (reply->body, "does not belong to the sign-in wbps started"));
      spin_for_ms (50);
      g_assert_false (f->done);
      g_assert_true (wbps_loopback_server_is_listening (f->server));
    }
  g_autoptr(Reply) reply = request (f, "GET", genuine);
  g_assert_cmpuint (reply->status, ==, 200);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->code, ==, "genuine-code");
}

/* A page whose own name resolves to 127.0.0.1 (DNS rebinding) must not complete the sign-in. */
static void
test_foreign_host_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *genuine = callback_path ("code", "genuine-code", "state", f->state, NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          wbps_loopback_server_get_port (f->server), genuine);
  g_autofree char *evil = g_strdup_printf ("evil.example:%u", wbps_loopback_server_get_port (f->server));
  g_autofree char *other_port = g_strdup_printf ("127.0.0.1:%u", wbps_loopback_server_get_port (f->server) + 1);
  g_autofree char *localhost = g_strdup_printf ("localhost:%u", wbps_loopback_server_get_port (f->server));
  const char *hosts[] = { evil, other_port, "127.0.0.1" };

  start_wait (f, 10, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      Reply *reply = g_new0 (Reply, 1);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Host", hosts[i]);
      soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, reply_cb, reply);
      wbps_test_await_flag (&reply->done, STEP_DEADLINE_S);
      g_assert_no_error (reply->error);
      g_assert_cmpuint (reply->status, ==, 400);
      g_assert_nonnull (strstr (reply->body, "only for wbps"));
      reply_free (reply);
      spin_for_ms (50);
      g_assert_false (f->done);
    }
  {
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    Reply *reply = g_new0 (Reply, 1);

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Host", localhost);
    soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, reply_cb, reply);
    wbps_test_await_flag (&reply->done, STEP_DEADLINE_S);
    g_assert_cmpuint (reply->status, ==, 200);
    reply_free (reply);
  }
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->code, ==, "genuine-code");
}

static void
test_missing_code (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = callback_path ("scopes", "user.info.basic", "state", f->state, NULL);
  g_autoptr(Reply) reply = NULL;

  start_wait (f, 10, NULL);
  reply = request (f, "GET", path);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (strstr (reply->body, "Sign-in failed"));
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_error (f->error, WBPS_LOOPBACK_SERVER_ERROR, WBPS_LOOPBACK_SERVER_ERROR_MISSING_CODE);
  g_assert_null (f->code);
  assert_port_closed (f);
}

/* The browser reports TikTok's refusal: the flow fails with that category, in plain words. */
static void
check_redirect_error (Fixture    *f,
                      const char *path,
                      gint        expected_code,
                      const char *expected_tiktok_code)
{
  g_autoptr(Reply) reply = NULL;

  start_wait (f, 10, NULL);
  reply = request (f, "GET", path);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (strstr (reply->body, "Sign-in failed"));
  g_assert_nonnull (strstr (reply->body, "You can close this tab and return to wbps"));
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_error (f->error, WBPS_TIKTOK_ERROR, expected_code);
  g_assert_cmpstr (wbps_tiktok_error_get_code (f->error), ==, expected_tiktok_code);
  g_assert_null (strstr (f->error->message, "_"));
  assert_port_closed (f);
}

static void
test_access_denied (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = callback_path ("error", "access_denied",
                                         "error_description", "User denied authorization",
                                         "state", f->state, NULL);

  check_redirect_error (f, path, WBPS_TIKTOK_ERROR_ACCESS_DENIED, "access_denied");
  g_assert_cmpstr (wbps_tiktok_error_get_message (f->error), ==, "User denied authorization");
  g_assert_nonnull (strstr (f->error->message, "cancelled or refused"));
}

static void
test_non_sandbox_target (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = callback_path ("error", "access_denied",
                                         "error_type", "non_sandbox_target",
                                         "state", f->state, NULL);

  check_redirect_error (f, path, WBPS_TIKTOK_ERROR_NON_SANDBOX_TARGET, "non_sandbox_target");
  g_assert_nonnull (strstr (f->error->message, "sandbox"));
}

static void
test_invalid_scope (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = callback_path ("error", "invalid_scope", "state", f->state, NULL);

  check_redirect_error (f, path, WBPS_TIKTOK_ERROR_INVALID_SCOPE, "invalid_scope");
}

/* Anything but GET /callback/ is not the redirect and does not end the wait. */
static void
test_other_paths (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *query = soup_form_encode ("code", "c0de-value", "state", f->state, NULL);
  g_autofree char *no_slash = g_strconcat ("/callback?", query, NULL);
  g_autofree char *deeper = g_strconcat ("/callback/extra?", query, NULL);
  g_autofree char *root = g_strconcat ("/?", query, NULL);
  g_autofree char *genuine = g_strconcat ("/callback/?", query, NULL);
  const char *paths[] = { root, no_slash, deeper, "/favicon.ico" };
  g_autoptr(Reply) post = NULL;
  g_autoptr(Reply) reply = NULL;

  start_wait (f, 10, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(Reply) other = request (f, "GET", paths[i]);

      g_assert_cmpuint (other->status, ==, 404);
    }
  post = request (f, "POST", genuine);
  g_assert_cmpuint (post->status, ==, 405);
  spin_for_ms (50);
  g_assert_false (f->done);
  reply = request (f, "GET", genuine);
  g_assert_cmpuint (reply->status, ==, 200);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_cmpstr (f->code, ==, "c0de-value");
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed_ms;

  start_wait (f, 1, NULL);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (elapsed_ms, >=, 900);
  g_assert_cmpint (elapsed_ms, <, 5000);
  assert_port_closed (f);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  start_wait (f, 10, cancellable);
  g_timeout_add (100, cancel_cb, cancellable);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_port_closed (f);
}

/* Cancelled from another thread (as a signal handler thread might). */
static gpointer
cancel_thread (gpointer data)
{
  g_usleep (50000);  /* a moment into the wait already started: the cancel crosses threads while it runs */
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel_from_thread (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GThread *thread;

  start_wait (f, 10, cancellable);
  thread = g_thread_new ("canceller", cancel_thread, cancellable);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_thread_join (thread);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_port_closed (f);
}

static void
test_already_cancelled (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  start_wait (f, 10, cancellable);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_port_closed (f);
}

static void
second_wait_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;
  char *code = wbps_loopback_server_wait_finish (WBPS_LOOPBACK_SERVER (source), result, NULL, error);

  g_assert_null (code);
}

static gboolean
error_set (gpointer error)
{
  return *(GError **) error != NULL;
}

/* One wait at a time: a second one fails without disturbing the first. */
static void
test_one_wait_at_a_time (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = callback_path ("code", "the-code", "state", f->state, NULL);
  g_autoptr(GError) second_error = NULL;
  g_autoptr(Reply) reply = NULL;

  start_wait (f, 10, NULL);
  wbps_loopback_server_wait_async (f->server, "other-state-value", 10, NULL, second_wait_cb, &second_error);
  wbps_test_await_until (error_set, &second_error, STEP_DEADLINE_S, "the second wait to fail");
  g_assert_error (second_error, G_IO_ERROR, G_IO_ERROR_PENDING);
  reply = request (f, "GET", path);
  wbps_test_await_flag (&f->done, STEP_DEADLINE_S);
  g_assert_cmpstr (f->code, ==, "the-code");
}

/* Dropping the server mid-wait frees the port without a callback ever coming. */
static void
test_close_releases_port (Fixture       *f,
                          gconstpointer  data)
{
  guint port = wbps_loopback_server_get_port (f->server);

  wbps_loopback_server_close (f->server);
  g_assert_false (wbps_loopback_server_is_listening (f->server));
  g_assert_false (can_connect ("127.0.0.1", port));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/loopback/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("redirect-uri", test_redirect_uri);
  ADD ("bound-to-127.0.0.1", test_bound_to_127_0_0_1);
  ADD ("valid-callback", test_valid_callback);
  ADD ("second-callback-refused", test_second_callback_refused);
  ADD ("wrong-state", test_wrong_state);
  ADD ("foreign-host-refused", test_foreign_host_refused);
  ADD ("missing-code", test_missing_code);
  ADD ("error/access-denied", test_access_denied);
  ADD ("error/non-sandbox-target", test_non_sandbox_target);
  ADD ("error/invalid-scope", test_invalid_scope);
  ADD ("other-paths", test_other_paths);
  ADD ("timeout", test_timeout);
  ADD ("cancel", test_cancel);
  ADD ("cancel-from-thread", test_cancel_from_thread);
  ADD ("already-cancelled", test_already_cancelled);
  ADD ("one-wait-at-a-time", test_one_wait_at_a_time);
  ADD ("close-releases-port", test_close_releases_port);
#undef ADD

  return g_test_run ();
}
