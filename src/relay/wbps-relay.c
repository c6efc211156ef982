/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gi18n.h>

#include "wbps-redact.h"
#include "wbps-relay.h"
#include "wbps-relay-server.h"
#include "wbps-sqlite-event-store.h"
#include "wbps-webhook-signature.h"

#define EXIT_CANNOT_START 1
#define EXIT_USAGE 2

/* Comma- or newline-separated secrets, each trimmed; NULL when there is none. */
static GStrv
split_secrets (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", ",\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) secrets = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *secret = g_strstrip (parts[i]);

      if (*secret == '\0')
        continue;
      wbps_redact_register (secret);
      g_strv_builder_add (builder, secret);
    }
  secrets = g_strv_builder_end (builder);
  for (guint i = 0; parts[i] != NULL; i++)
    memset (parts[i], 0, strlen (parts[i]));
  return secrets[0] != NULL ? g_steal_pointer (&secrets) : NULL;
}

static GStrv
load_secrets (const WbpsRelayOptions  *options,
              GError                 **error)
{
  g_autofree char *contents = NULL;
  GStrv secrets;

  if (options->secret_file != NULL &&
      !g_file_get_contents (options->secret_file, &contents, NULL, error))
    return NULL;
  secrets = split_secrets (contents != NULL ? contents : g_getenv ("WBPS_CLIENT_SECRET"));
  if (contents != NULL)
    memset (contents, 0, strlen (contents));
  if (secrets == NULL)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("No client secret: set WBPS_CLIENT_SECRET (comma-separated during a rotation) or use --secret-file FILE."));
  return secrets;
}

/* "ADDR:PORT" or "[V6ADDR]:PORT" with a literal IP address (no name look-up). */
static GSocketAddress *
parse_listen (const char  *listen,
              GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *host;

  connectable = g_network_address_parse (listen != NULL ? listen : "127.0.0.1", WBPS_RELAY_DEFAULT_PORT, error);
  if (connectable == NULL)
    return NULL;
  host = g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable));
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--listen wants an IP address and a port, e.g. 127.0.0.1:8790 or [::1]:8790, not “%s”."), listen);
      return NULL;
    }
  return g_inet_socket_address_new (inet, g_network_address_get_port (G_NETWORK_ADDRESS (connectable)));
}

static char *
default_database (void)
{
  const char *state_directory = g_getenv ("STATE_DIRECTORY");

  /* systemd's StateDirectory= (the unit's user wbps-relay owns it). */
  if (state_directory != NULL && *state_directory != '\0' && strchr (state_directory, ':') == NULL)
    return g_build_filename (state_directory, "relay.db", NULL);
  return g_build_filename (g_get_user_data_dir (), "wbps", "relay.db", NULL);
}

static gboolean
check_options (const WbpsRelayOptions  *options,
               GError                 **error)
{
  if ((options->tls_certificate == NULL) != (options->tls_key == NULL))
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--tls-certificate and --tls-key go together."));
  else if (options->retention_days < 1 || options->tolerance < 1 || options->heartbeat_seconds < 1 ||
           options->auth_cache_seconds < 0 || options->threads < 0)
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--retention-days, --tolerance and --heartbeat-seconds must be at least 1, --threads at least 0."));
  else
    return TRUE;
  return FALSE;
}

static WbpsRelayServer *
start_server (const WbpsRelayOptions  *options,
              GStrv                    secrets,
              char                   **url,
              GError                 **error)
{
  g_autofree char *path = options->database != NULL ? g_strdup (options->database) : default_database ();
  g_autoptr(WbpsSqliteEventStore) store = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(WbpsRelayServer) server = NULL;
  WbpsRelaySettings settings = {
    .secrets = secrets,
    .tolerance = options->tolerance,
    .retention_days = options->retention_days,
    .heartbeat_seconds = options->heartbeat_seconds,
    .auth_cache_seconds = options->auth_cache_seconds,
    .api_base = options->api_base,
    .broker = options->broker,
    .threads = options->threads,
  };

  if ((address = parse_listen (options->listen, error)) == NULL ||
      (store = wbps_sqlite_event_store_new (path, error)) == NULL)
    return NULL;
  if (options->tls_certificate != NULL &&
      (certificate = g_tls_certificate_new_from_files (options->tls_certificate, options->tls_key, error)) == NULL)
    return NULL;
  server = wbps_relay_server_new (WBPS_EVENT_STORE (store), &settings);
  *url = wbps_relay_server_listen (server, address, certificate, error);
  return *url != NULL ? g_steal_pointer (&server) : NULL;
}

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *stopped = user_data;

  wbps_relay_server_stop_finish (WBPS_RELAY_SERVER (source), result, NULL);
  *stopped = TRUE;
}

/*
 * A server keeps its heap: libsoup grows each request's header buffer 8 KiB a
 * line and frees it, and glibc's default returned those pages to the kernel
 * and faulted them back in on every request (about 1.5 µs of each).
 */
static void
keep_heap (void)
{
#ifdef __GLIBC__
  mallopt (M_TRIM_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TOP_PAD, 4 * 1024 * 1024);
#endif
}

int
wbps_relay_run (const WbpsRelayOptions *options,
                GCancellable           *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) secrets = NULL;
  g_autoptr(WbpsRelayServer) server = NULL;
  g_autofree char *url = NULL;
  gboolean stopped = FALSE;

  if (!check_options (options, &error) || (secrets = load_secrets (options, &error)) == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_USAGE;
    }
  keep_heap ();
  if ((server = start_server (options, secrets, &url, &error)) == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return EXIT_CANNOT_START;
    }
  g_print ("listening on %s\n", url);
  fflush (stdout);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  wbps_relay_server_stop_async (server, stopped_cb, &stopped);
  while (!stopped)
    g_main_context_iteration (NULL, TRUE);
  g_printerr ("%s: stopped\n", g_get_prgname ());
  return 0;
}
