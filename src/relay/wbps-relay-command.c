/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-relay.h"
#include "wbps-relay-command.h"
#include "wbps-webhook-signature.h"

#define EXIT_USAGE 2

typedef struct {
  char *listen;
  char *database;
  char *certificate;
  char *key;
  char *secret_file;
} RelayStrings;

static void
relay_strings_clear (RelayStrings *strings)
{
  g_free (strings->listen);
  g_free (strings->database);
  g_free (strings->certificate);
  g_free (strings->key);
  g_free (strings->secret_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RelayStrings, relay_strings_clear)

static GOptionContext *
relay_context (RelayStrings     *strings,
               WbpsRelayOptions *options)
{
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &strings->listen, N_("Address and port to listen on (default 127.0.0.1:8790; port 0 = any free one)"), N_("ADDR:PORT") },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &strings->database, N_("Event database (default $STATE_DIRECTORY/relay.db or $XDG_DATA_HOME/wbps/relay.db)"), N_("PATH") },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &strings->certificate, N_("Serve HTTPS with this PEM certificate (chain)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &strings->key, N_("The certificate's PEM private key"), N_("FILE") },
    { "retention-days", 0, 0, G_OPTION_ARG_INT, &options->retention_days, N_("Keep events this many days (default 30)"), N_("N") },
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &strings->secret_file, N_("Read the client secret(s) from FILE instead of WBPS_CLIENT_SECRET"), N_("FILE") },
    { "broker", 0, 0, G_OPTION_ARG_NONE, &options->broker, N_("Broker token requests for desktops that have no client secret"), NULL },
    { "tolerance", 0, 0, G_OPTION_ARG_INT, &options->tolerance, N_("Seconds a signature's time may differ from now (default 300)"), N_("SECONDS") },
    { "heartbeat-seconds", 0, 0, G_OPTION_ARG_INT, &options->heartbeat_seconds, N_("Seconds between heartbeat comments on event streams (default 15)"), N_("SECONDS") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &options->threads, N_("Worker threads sharing the port (default: one per processor)"), N_("N") },
    { "auth-cache-seconds", 0, 0, G_OPTION_ARG_INT, &options->auth_cache_seconds, N_("Seconds a desktop's token is trusted before TikTok is asked again (default 300)"), N_("SECONDS") },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_summary (context,
                                _("Receive TikTok's signed webhooks, keep them and stream each creator's events to their desktops. "
                                  "The client secret(s) come from WBPS_CLIENT_SECRET (comma-separated during a rotation) or --secret-file."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

int
wbps_relay_command (int           argc,
                    char        **argv,
                    const char   *api_base,
                    GCancellable *cancellable)
{
  g_auto(RelayStrings) strings = { 0 };
  WbpsRelayOptions options = {
    .retention_days = 30,
    .tolerance = WBPS_WEBHOOK_SIGNATURE_DEFAULT_TOLERANCE,
    .heartbeat_seconds = 15,
    .auth_cache_seconds = 300,
  };
  g_autoptr(GOptionContext) context = relay_context (&strings, &options);
  g_autoptr(GError) error = NULL;

  /* --help's usage line names the program as it was called. */
  g_set_prgname (argv[0]);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("Unexpected argument “%s”.\n"), argv[1]);
      return EXIT_USAGE;
    }
  options.listen = strings.listen;
  options.database = strings.database;
  options.tls_certificate = strings.certificate;
  options.tls_key = strings.key;
  options.secret_file = strings.secret_file;
  options.api_base = api_base;
  return wbps_relay_run (&options, cancellable);
}
