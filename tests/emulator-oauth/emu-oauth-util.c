/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "emu-oauth-util.h"

#include <string.h>

char *
emu_base64url_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GString) out = NULL;
  g_autofree char *b64 = NULL;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &length);
  b64 = g_base64_encode (digest, length);
  out = g_string_new (b64);
  g_string_replace (out, "+", "-", 0);
  g_string_replace (out, "/", "_", 0);
  g_string_replace (out, "=", "", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

EmuReply *
emu_exchange_code (WbpsTestEmulator *emu,
                   const char       *client_key,
                   const char       *secret,
                   const char       *code,
                   const char       *redirect_uri,
                   const char       *verifier)
{
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/oauth/token/");

  return wbps_test_oauth_exchange_code (url, client_key, secret, code, redirect_uri, verifier);
}

EmuReply *
emu_sign_in (WbpsTestEmulator *emu,
             const char       *scope)
{
  g_autoptr(JsonObject) tokens = wbps_test_emulator_sign_in (emu, DEMO_KEY, DEMO_SECRET, scope, NULL);
  EmuReply *reply = g_new0 (EmuReply, 1);

  reply->status = SOUP_STATUS_OK;
  reply->content_type = g_strdup ("application/json");
  reply->json = json_node_init_object (json_node_alloc (), tokens);
  reply->body = json_to_string (reply->json, FALSE);
  return reply;
}

EmuReply *
emu_user_info (WbpsTestEmulator *emu,
               const char       *token,
               const char       *fields)
{
  g_autofree char *escaped = fields != NULL ? g_uri_escape_string (fields, ",", FALSE) : NULL;
  g_autofree char *path = fields != NULL ? g_strconcat ("/v2/user/info/?fields=", escaped, NULL)
                                         : g_strdup ("/v2/user/info/");
  g_autofree char *url = wbps_test_emulator_url (emu, path);

  return emu_get (url, token);
}

int
emu_run_tests_with (WbpsTestEmulator **demo,
                    const char        *config)
{
  int status;

  *demo = wbps_test_emulator_start (config);
  status = g_test_run ();
  g_clear_pointer (demo, wbps_test_emulator_stop);
  return status;
}
