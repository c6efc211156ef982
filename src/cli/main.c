/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "wbps-cli.h"
#include "wbps-redact.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Before anything can log: every message goes through the redaction, and to
   * stderr, so stdout stays what scripts parse (the URL, the result lines). */
  g_log_writer_default_set_use_stderr (TRUE);
  wbps_redact_install_log_writer ();

  return wbps_cli_main (argc, argv);
}
