/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wbps-relay: the relay alone, for a server (the package wbps-relay), linking no
 * toolkit and no GStreamer; `wbps relay` runs the same command. */
#include "config.h"

#include <locale.h>
#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "wbps-config.h"
#include "wbps-redact.h"
#include "wbps-relay-command.h"

static gboolean
on_terminate_signal (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(WbpsConfig) config = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* stdout carries the `listening on` line alone; logs go to stderr, redacted. */
  g_log_writer_default_set_use_stderr (TRUE);
  wbps_redact_install_log_writer ();

  g_unix_signal_add (SIGINT, on_terminate_signal, cancellable);
  g_unix_signal_add (SIGTERM, on_terminate_signal, cancellable);
  /* TikTok's API: WBPS_API_URL, then the build's default (a server has no settings). */
  config = wbps_config_new (NULL, NULL, NULL);
  argv[0] = (char *) "wbps-relay";
  return wbps_relay_command (argc, argv, wbps_config_get_api_url (config), cancellable);
}
