/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The relay's command line, shared by `wbps relay` and the `wbps-relay` program:
 * parses @argv (argv[0] is the command's name as --help shows it, e.g. "wbps relay"),
 * then runs the relay against TikTok's API at @api_base until @cancellable is
 * cancelled. Returns the exit status (0, 1 cannot start, 2 usage).
 */
int wbps_relay_command (int           argc,
                        char        **argv,
                        const char   *api_base,
                        GCancellable *cancellable);

G_END_DECLS
