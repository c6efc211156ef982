/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TikTok's flat OAuth envelope (token and revoke replies) and the token read
 * from it; the same bytes as a stored keyring bundle (wbps_token_deserialize),
 * which a damaged or hostile keyring item could hold.
 */
#include "config.h"

#include "wbps-oauth-client.h"
#include "wbps-token.h"
#include "wbps-redact.h"
#include "fuzz-common.h"

static const guint statuses[] = { 200, 400, 401, 500 };

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(WbpsToken) token = NULL;
  g_autoptr(WbpsToken) stored = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (size < 1)
    return 0;
  bytes = g_bytes_new (data + 1, size - 1);
  reply = wbps_oauth_client_parse_reply (statuses[data[0] % G_N_ELEMENTS (statuses)], bytes, &error);
  g_assert ((reply == NULL) != (error == NULL));
  if (reply != NULL)
    token = wbps_token_new_from_response (reply, "fuzz-client-key", 1700000000, NULL);
  text = fuzz_string (data + 1, size - 1);
  stored = wbps_token_deserialize (text, NULL);
  if (stored != NULL)
    g_free (wbps_token_serialize (stored));
  /* Secrets registered by the parsers would pile up over millions of inputs. */
  wbps_redact_forget_all ();
  return 0;
}
