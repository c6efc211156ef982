/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sign-in callback's query string as the loopback server sees it: decoded
 * by libsoup, checked for the state in constant time, then read for the code,
 * the granted scopes or TikTok's refusal.
 */
#include "config.h"

#include <libsoup/soup.h>

#include "wbps-loopback-server.h"
#include "wbps-pkce.h"
#include "wbps-redact.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = fuzz_string (data, size);
  g_autoptr(GHashTable) query = soup_form_decode (text);
  g_autofree char *code = NULL;
  g_autofree char *scopes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean accepted;

  (void) wbps_pkce_secret_equal (g_hash_table_lookup (query, "state"), "fuzz-expected-state");
  accepted = wbps_loopback_server_read_callback (query, &code, &scopes, &error);
  g_assert (accepted ? code != NULL && *code != '\0' && error == NULL : error != NULL);
  /* Secrets registered by the parsers would pile up over millions of inputs. */
  wbps_redact_forget_all ();
  return 0;
}
