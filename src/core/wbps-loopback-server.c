/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "wbps-error.h"
#include "wbps-loopback-server.h"
#include "wbps-pkce.h"
#include "wbps-redact.h"
#include "wbps-timeout.h"

#define CALLBACK_PATH "/callback/"
/* How long the browser gets to receive the final page before the port closes anyway. */
#define PAGE_GRACE_SECONDS 5

struct _WbpsLoopbackServer
{
  GObject     parent_instance;

  SoupServer *server;
  char       *redirect_uri;
  guint       port;

  /* The pending wait and what ends it. */
  GTask        *task;
  char         *expected_state;
  /* The timed phase under way (the browser's deadline, then the page's grace
   * time): cancelled to end it early, or through the caller's cancellable. */
  GCancellable *phase;
  gulong        phase_forward_id;
  GSource      *finish_source;
  /* Outcome of the accepted callback, handed over once its page is written. */
  char       *code;
  char       *scopes;
  GError     *outcome_error;
};

G_DEFINE_TYPE (WbpsLoopbackServer, wbps_loopback_server, G_TYPE_OBJECT)
G_DEFINE_QUARK (wbps-loopback-server-error-quark, wbps_loopback_server_error)

typedef struct {
  char *code;
  char *scopes;
} WaitResult;

static void
wait_result_free (gpointer data)
{
  WaitResult *result = data;

  wbps_secret_free (result->code);
  g_free (result->scopes);
  g_free (result);
}

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Ends the timed phase under way; its wait then completes as stale and is ignored. */
static void
end_phase (WbpsLoopbackServer *self)
{
  GCancellable *caller = self->task != NULL ? g_task_get_cancellable (self->task) : NULL;

  if (self->phase == NULL)
    return;
  if (caller != NULL)
    g_cancellable_disconnect (caller, self->phase_forward_id);
  self->phase_forward_id = 0;
  g_cancellable_cancel (self->phase);
  g_clear_object (&self->phase);
}

static void
forward_cancel_cb (GCancellable *caller,
                   GCancellable *phase)
{
  /* May run on the thread that cancelled: it touches only the phase's cancellable. */
  g_cancellable_cancel (phase);
}

static void phase_over_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

/* Waits @ms, unless the caller cancels first or the phase is ended (phase_over_cb tells which). */
static void
start_phase (WbpsLoopbackServer *self,
             guint               ms)
{
  GCancellable *caller = g_task_get_cancellable (self->task);

  end_phase (self);
  self->phase = g_cancellable_new ();
  wbps_timeout_async (self, ms, self->phase, phase_over_cb, g_object_ref (self->phase));
  if (caller != NULL)
    self->phase_forward_id = g_cancellable_connect (caller, G_CALLBACK (forward_cancel_cb),
                                                    g_object_ref (self->phase), g_object_unref);
}

static void
clear_wait (WbpsLoopbackServer *self)
{
  end_phase (self);
  destroy_source (&self->finish_source);
  g_clear_pointer (&self->expected_state, wbps_secret_free);
  g_clear_pointer (&self->code, wbps_secret_free);
  g_clear_pointer (&self->scopes, g_free);
  g_clear_error (&self->outcome_error);
}

/* Ends the pending wait; the port is closed before the caller hears of it. */
static void
finish_wait (WbpsLoopbackServer *self,
             GError             *error)
{
  g_autoptr(GTask) task = NULL;
  WaitResult *result;

  end_phase (self);
  task = g_steal_pointer (&self->task);
  wbps_loopback_server_close (self);
  if (error != NULL)
    {
      clear_wait (self);
      g_task_return_error (task, error);
      return;
    }
  result = g_new0 (WaitResult, 1);
  result->code = g_steal_pointer (&self->code);
  result->scopes = g_steal_pointer (&self->scopes);
  clear_wait (self);
  g_task_return_pointer (task, result, wait_result_free);
}

static void
wbps_loopback_server_dispose (GObject *object)
{
  WbpsLoopbackServer *self = WBPS_LOOPBACK_SERVER (object);

  wbps_loopback_server_close (self);
  clear_wait (self);
  g_clear_object (&self->server);
  G_OBJECT_CLASS (wbps_loopback_server_parent_class)->dispose (object);
}

static void
wbps_loopback_server_finalize (GObject *object)
{
  WbpsLoopbackServer *self = WBPS_LOOPBACK_SERVER (object);

  g_free (self->redirect_uri);
  G_OBJECT_CLASS (wbps_loopback_server_parent_class)->finalize (object);
}

static void
wbps_loopback_server_class_init (WbpsLoopbackServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_loopback_server_dispose;
  object_class->finalize = wbps_loopback_server_finalize;
}

static void
wbps_loopback_server_init (WbpsLoopbackServer *self)
{
}

/* ---- pages for the browser tab ---------------------------------------- */

static const char page_template[] =
  "<!DOCTYPE html>\n"
  "<html lang=\"en\"><head><meta charset=\"utf-8\">"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
  "<title>wbps: %s</title>"
  "<style>body{font-family:system-ui,sans-serif;background:#fafafa;color:#222;"
  "display:flex;justify-content:center;margin:0;padding:4em 1em}"
  "main{max-width:32em;background:#fff;border-radius:12px;padding:2em;"
  "box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4em;margin-top:0}"
  "</style></head><body><main><h1>%s</h1><p>%s</p><p>%s</p></main></body></html>\n";

static void
serve_page (SoupServerMessage *msg,
            guint              status,
            const char        *title,
            const char        *detail,
            const char        *hint)
{
  g_autofree char *e_title = g_markup_escape_text (title, -1);
  g_autofree char *e_detail = g_markup_escape_text (detail, -1);
  g_autofree char *e_hint = g_markup_escape_text (hint, -1);
  g_autofree char *body = g_strdup_printf (page_template, e_title, e_title, e_detail, e_hint);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* The callback URL holds the code: keep it out of caches and referrers. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8",
                                    SOUP_MEMORY_COPY, body, strlen (body));
}

static void
serve_outcome_page (SoupServerMessage *msg,
                    const GError      *error)
{
  const char *hint = _("You can close this tab and return to wbps.");

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  if (error == NULL)
    serve_page (msg, SOUP_STATUS_OK, _("Signed in"),
                _("wbps received TikTok's permission."), hint);
  else
    serve_page (msg, SOUP_STATUS_OK, _("Sign-in failed"), error->message, hint);
}

/* ---- the callback ------------------------------------------------------- */

static gboolean
finish_source_cb (gpointer user_data)
{
  WbpsLoopbackServer *self = user_data;

  g_assert (WBPS_IS_LOOPBACK_SERVER (self));

  g_clear_pointer (&self->finish_source, g_source_unref);
  finish_wait (self, g_steal_pointer (&self->outcome_error));
  return G_SOURCE_REMOVE;
}

/* The page is out (or the browser went away): now it is safe to close the port. */
static void
outcome_page_finished_cb (SoupServerMessage  *msg,
                          WbpsLoopbackServer *self)
{
  if (self->task == NULL || self->finish_source != NULL)
    return;
  self->finish_source = g_idle_source_new ();
  g_source_set_callback (self->finish_source, finish_source_cb, self, NULL);
  g_source_attach (self->finish_source, g_task_get_context (self->task));
}

/*
 * A timed phase is over: the caller cancelled; or the browser's deadline passed
 * (no callback accepted yet); or, once one was, the page's grace time (a safety
 * net: the outcome is delivered even if the page's "finished" never comes).
 * Stale when the phase was ended meanwhile.
 */
static void
phase_over_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WbpsLoopbackServer *self = WBPS_LOOPBACK_SERVER (source);
  g_autoptr(GCancellable) phase = user_data;
  gboolean ran_out = wbps_timeout_finish (result, NULL);

  g_assert (WBPS_IS_LOOPBACK_SERVER (self));

  if (phase != self->phase)
    return;
  if (!ran_out)
    finish_wait (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                            _("The TikTok sign-in was cancelled.")));
  else if (self->expected_state != NULL)
    finish_wait (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                            _("The TikTok sign-in was not completed in time.")));
  else
    finish_wait (self, g_steal_pointer (&self->outcome_error));
}

/* error_type is the more precise category (non_sandbox_target comes as access_denied). */
static GError *
error_from_query (GHashTable *query)
{
  const char *category = g_hash_table_lookup (query, "error_type");

  if (category == NULL || *category == '\0')
    category = g_hash_table_lookup (query, "error");
  return wbps_tiktok_error_new (category,
                                g_hash_table_lookup (query, "error_description"),
                                g_hash_table_lookup (query, "log_id"),
                                0);
}

static gboolean
query_has (GHashTable *query,
           const char *key)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, key) : NULL;

  return value != NULL && *value != '\0';
}

gboolean
wbps_loopback_server_read_callback (GHashTable  *query,
                                    char       **code,
                                    char       **scopes,
                                    GError     **error)
{
  if (query_has (query, "error") || query_has (query, "error_type"))
    {
      g_propagate_error (error, error_from_query (query));
      return FALSE;
    }
  if (!query_has (query, "code"))
    {
      g_set_error_literal (error, WBPS_LOOPBACK_SERVER_ERROR, WBPS_LOOPBACK_SERVER_ERROR_MISSING_CODE,
                           _("TikTok's answer reached wbps without an authorization code."));
      return FALSE;
    }
  *code = g_strdup (g_hash_table_lookup (query, "code"));
  wbps_redact_register (*code);
  *scopes = g_strdup (g_hash_table_lookup (query, "scopes"));
  return TRUE;
}

/* The callback carries the right state: it decides the sign-in. */
static void
accept_callback (WbpsLoopbackServer *self,
                 SoupServerMessage  *msg,
                 GHashTable         *query)
{
  wbps_loopback_server_read_callback (query, &self->code, &self->scopes, &self->outcome_error);
  g_clear_pointer (&self->expected_state, wbps_secret_free);
  serve_outcome_page (msg, self->outcome_error);
  start_phase (self, PAGE_GRACE_SECONDS * 1000);
  g_signal_connect_object (msg, "finished", G_CALLBACK (outcome_page_finished_cb), self, 0);
}

static void
handle_callback (WbpsLoopbackServer *self,
                 SoupServerMessage  *msg,
                 GHashTable         *query)
{
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;

  if (self->task == NULL || self->expected_state == NULL)
    serve_page (msg, SOUP_STATUS_CONFLICT, _("Not waiting for a sign-in"),
                _("wbps is not waiting for a TikTok sign-in right now."),
                _("Start the sign-in again from wbps."));
  else if (!wbps_pkce_secret_equal (state, self->expected_state))
    /* Possibly forged (CSRF): refuse it but keep waiting for the genuine redirect. */
    serve_page (msg, SOUP_STATUS_BAD_REQUEST, _("Unexpected sign-in response"),
                _("This response does not belong to the sign-in wbps started, so it was ignored."),
                _("wbps is still waiting for the sign-in it opened in your browser."));
  else
    accept_callback (self, msg, query);
}

/* The browser names the redirect's host in Host: exactly 127.0.0.1:PORT or localhost:PORT. */
static gboolean
host_is_loopback (WbpsLoopbackServer *self,
                  SoupServerMessage  *msg)
{
  const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Host");
  g_autofree char *numeric = g_strdup_printf ("127.0.0.1:%u", self->port);
  g_autofree char *named = g_strdup_printf ("localhost:%u", self->port);

  return host != NULL && (g_str_equal (host, numeric) || g_ascii_strcasecmp (host, named) == 0);
}

static void
server_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  WbpsLoopbackServer *self = user_data;

  g_assert (WBPS_IS_LOOPBACK_SERVER (self));

  if (!host_is_loopback (self, msg))
    /* A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) lands here. */
    serve_page (msg, SOUP_STATUS_BAD_REQUEST, _("Unexpected address"),
                _("This page is only for wbps's own sign-in, reached as 127.0.0.1 or localhost."),
                _("You can close this tab."));
  else if (g_strcmp0 (path, CALLBACK_PATH) != 0)
    serve_page (msg, SOUP_STATUS_NOT_FOUND, _("Not found"),
                _("There is nothing here."), _("You can close this tab."));
  else if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
      serve_page (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("Not allowed"),
                  _("Only the browser redirect is accepted here."), _("You can close this tab."));
    }
  else
    handle_callback (self, msg, query);
}

/* ---- construction and the wait ------------------------------------------ */

static guint
listening_port (SoupServer *server)
{
  GSList *uris = soup_server_get_uris (server);
  guint port = uris != NULL ? (guint) g_uri_get_port (uris->data) : 0;

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

WbpsLoopbackServer *
wbps_loopback_server_new (GError **error)
{
  g_autoptr(WbpsLoopbackServer) self = g_object_new (WBPS_TYPE_LOOPBACK_SERVER, NULL);
  g_autoptr(GError) local_error = NULL;

  self->server = soup_server_new ("server-header", "wbps ", NULL);
  soup_server_add_handler (self->server, NULL, server_request_cb, self, NULL);
  /* IPV4_ONLY with listen_local means exactly 127.0.0.1: never a wildcard address. */
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &local_error))
    {
      g_set_error (error, WBPS_LOOPBACK_SERVER_ERROR, WBPS_LOOPBACK_SERVER_ERROR_BIND,
                   _("Could not open a local port for the TikTok sign-in: %s"), local_error->message);
      return NULL;
    }
  self->port = listening_port (self->server);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%u" CALLBACK_PATH, self->port);
  return g_steal_pointer (&self);
}

guint
wbps_loopback_server_get_port (WbpsLoopbackServer *self)
{
  g_return_val_if_fail (WBPS_IS_LOOPBACK_SERVER (self), 0);

  return self->port;
}

const char *
wbps_loopback_server_get_redirect_uri (WbpsLoopbackServer *self)
{
  g_return_val_if_fail (WBPS_IS_LOOPBACK_SERVER (self), NULL);

  return self->redirect_uri;
}

gboolean
wbps_loopback_server_is_listening (WbpsLoopbackServer *self)
{
  g_autoptr(GSList) listeners = NULL;

  g_return_val_if_fail (WBPS_IS_LOOPBACK_SERVER (self), FALSE);

  if (self->server == NULL)
    return FALSE;
  listeners = soup_server_get_listeners (self->server);
  return listeners != NULL;
}

void
wbps_loopback_server_close (WbpsLoopbackServer *self)
{
  g_return_if_fail (WBPS_IS_LOOPBACK_SERVER (self));

  if (self->server != NULL)
    soup_server_disconnect (self->server);
}

void
wbps_loopback_server_wait_async (WbpsLoopbackServer  *self,
                                 const char          *expected_state,
                                 guint                timeout_seconds,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WBPS_IS_LOOPBACK_SERVER (self));
  g_return_if_fail (expected_state != NULL && *expected_state != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_loopback_server_wait_async);
  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A sign-in is already waiting for the browser."));
      return;
    }
  if (!wbps_loopback_server_is_listening (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("The sign-in's local port is already closed."));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->expected_state = g_strdup (expected_state);
  wbps_redact_register (self->expected_state);
  if (timeout_seconds == 0)
    timeout_seconds = WBPS_LOOPBACK_DEFAULT_TIMEOUT;
  start_phase (self, MIN (timeout_seconds, G_MAXUINT / 1000) * 1000);
}

char *
wbps_loopback_server_wait_finish (WbpsLoopbackServer  *self,
                                  GAsyncResult        *result,
                                  char               **granted_scopes,
                                  GError             **error)
{
  WaitResult *wait_result;
  char *code;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  wait_result = g_task_propagate_pointer (G_TASK (result), error);
  if (wait_result == NULL)
    return NULL;
  code = g_steal_pointer (&wait_result->code);
  if (granted_scopes != NULL)
    *granted_scopes = g_steal_pointer (&wait_result->scopes);
  wait_result_free (wait_result);
  return code;
}
