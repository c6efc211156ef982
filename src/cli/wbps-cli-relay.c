/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-cli.h"
#include "wbps-relay.h"
#include "wbps-webhook-signature.h"

int
wbps_cli_relay (WbpsCli  *cli,
                int       argc,
                char    **argv)
{
  g_autofree char *listen = NULL, *database = NULL, *certificate = NULL, *key = NULL, *secret_file = NULL;
  WbpsRelayOptions options = {
    .retention_days = 30,
    .tolerance = WBPS_WEBHOOK_SIGNATURE_DEFAULT_TOLERANCE,
    .heartbeat_seconds = 15,
    .auth_cache_seconds = 300,
  };
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port to listen on (default 127.0.0.1:8790; port 0 = any free one)"), N_("ADDR:PORT") },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, N_("Event database (default $STATE_DIRECTORY/relay.db or $XDG_DATA_HOME/wbps/relay.db)"), N_("PATH") },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate, N_("Serve HTTPS with this PEM certificate (chain)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, N_("The certificate's PEM private key"), N_("FILE") },
    { "retention-days", 0, 0, G_OPTION_ARG_INT, &options.retention_days, N_("Keep events this many days (default 30)"), N_("N") },
    { "secret-file", 0, 0, G_OPTION_ARG_FILENAME, &secret_file, N_("Read the client secret(s) from FILE instead of WBPS_CLIENT_SECRET"), N_("FILE") },
    { "broker", 0, 0, G_OPTION_ARG_NONE, &options.broker, N_("Broker token requests for desktops that have no client secret"), NULL },
    { "tolerance", 0, 0, G_OPTION_ARG_INT, &options.tolerance, N_("Seconds a signature's time may differ from now (default 300)"), N_("SECONDS") },
    { "heartbeat-seconds", 0, 0, G_OPTION_ARG_INT, &options.heartbeat_seconds, N_("Seconds between heartbeat comments on event streams (default 15)"), N_("SECONDS") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &options.threads, N_("Worker threads sharing the port (default: one per processor)"), N_("N") },
    { "auth-cache-seconds", 0, 0, G_OPTION_ARG_INT, &options.auth_cache_seconds, N_("Seconds a desktop's token is trusted before TikTok is asked again (default 300)"), N_("SECONDS") },
    { NULL }
  };
  int status = 0;

  if (!wbps_cli_parse_options (cli, NULL,
                               _("Receive TikTok's signed webhooks, keep them and stream each creator's events to their desktops. "
                                 "The client secret(s) come from WBPS_CLIENT_SECRET (comma-separated during a rotation) or --secret-file."),
                               entries, &argc, &argv, &status))
    return status;
  if (argc > 1)
    {
      g_printerr (_("Unexpected argument “%s”.\n"), argv[1]);
      return WBPS_CLI_EXIT_USAGE;
    }
  options.listen = listen;
  options.database = database;
  options.tls_certificate = certificate;
  options.tls_key = key;
  options.secret_file = secret_file;
  options.api_base = wbps_config_get_api_url (wbps_context_get_config (cli->context));
  return wbps_relay_run (&options, cli->cancellable);
}
