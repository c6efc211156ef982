/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-cli.h"
#include "wbps-relay-command.h"

int
wbps_cli_relay (WbpsCli  *cli,
                int       argc,
                char    **argv)
{
  g_autofree char *name = g_strdup_printf ("wbps %s", argv[0]);

  argv[0] = name;
  return wbps_relay_command (argc, argv, wbps_config_get_api_url (wbps_context_get_config (cli->context)),
                             cli->cancellable);
}
