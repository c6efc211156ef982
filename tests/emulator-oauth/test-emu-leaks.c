/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The emulator under valgrind: error replies in both envelopes, sign-ins,
 * revokes and their (failing, retried) webhook deliveries leak nothing, and
 * SIGTERM ends it cleanly (exit 0) with every block it allocated either freed
 * or still reachable. Library leaks are listed, each with its reason, in
 * tests/emulator-oauth/valgrind.supp.
 */
#include "emu-oauth-util.h"
#include "wbps-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define ROUNDS 8

static char *
valgrind_path (void)
{
  char *path = g_find_program_in_path ("valgrind");

  /* CI installs valgrind (build-aux/dev): missing there means a broken install. */
  if (path == NULL && g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("valgrind is not installed");
  return path;
}

static void
exercise (WbpsTestEmulator *emu)
{
  g_autofree char *revoke_url = wbps_test_emulator_url (emu, "/v2/oauth/revoke/");
  g_autofree char *token_url = wbps_test_emulator_url (emu, "/v2/oauth/token/");
  g_autofree char *creator_url = wbps_test_emulator_url (emu, "/v2/post/publish/creator_info/query/");

  /* A fresh grant each round: a revoke ends every grant of the user. */
  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(EmuReply) tokens = emu_sign_in (emu, "user.info.basic");
      const char *access = emu_reply_string (tokens, "access_token");
      g_autoptr(EmuReply) invalid = emu_user_info (emu, "act.unknown", "open_id");
      g_autoptr(EmuReply) scope = emu_post_json (creator_url, access, NULL);
      g_autoptr(EmuReply) method = emu_get (creator_url, access);
      g_autoptr(EmuReply) grant = emu_post_form (token_url, "client_key", DEMO_KEY, "client_secret", DEMO_SECRET,
                                                 "grant_type", "refresh_token", "refresh_token", "rft.unknown",
                                                 NULL);
      g_autoptr(EmuReply) revoked = emu_post_form (revoke_url, "client_key", DEMO_KEY, "client_secret", DEMO_SECRET,
                                                   "token", access, NULL);

      emu_assert_v2_error (invalid, 401, "access_token_invalid");
      emu_assert_v2_error (scope, 401, "scope_not_authorized");
      emu_assert_v2_error (method, 405, "invalid_params");
      emu_assert_oauth_error (grant, "invalid_grant", NULL);
      g_assert_cmpuint (revoked->status, ==, 200);
      g_assert_cmpstr (revoked->body, ==, "{}");
    }
}

static void
test_no_leaks_and_clean_exit (void)
{
  g_autofree char *valgrind = valgrind_path ();
  g_autofree char *suppressions = NULL;
  g_autofree char *log_option = NULL;
  g_autofree char *supp_option = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *log = NULL;
  g_autoptr(WbpsTestEmulator) emu = NULL;

  if (valgrind == NULL)
    {
      wbps_test_skip_missing ("valgrind is not installed");
      return;
    }
  suppressions = g_build_filename (g_getenv ("WBPS_SOURCE_DIR"), "tests", "emulator-oauth", "valgrind.supp", NULL);
  log_path = g_build_filename (g_get_tmp_dir (), "wbps-emu-valgrind-XXXXXX.log", NULL);
  g_close (g_mkstemp (log_path), NULL);
  log_option = g_strconcat ("--log-file=", log_path, NULL);
  supp_option = g_strconcat ("--suppressions=", suppressions, NULL);
  {
    const char *wrapper[] = {
      valgrind, "--leak-check=full", "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite",
      "--num-callers=30", supp_option, log_option, NULL
    };

    /* Each revoke's webhook goes to a closed port: the failed deliveries and their retries run too. */
    emu = wbps_test_emulator_start_wrapped ("[emulator]\nauto-approve=true\n"
                                            "[webhooks]\nurl=http://127.0.0.1:9/webhook\nretry-initial-ms=50\n",
                                            wrapper);
  }
  exercise (emu);
  wbps_test_emulator_terminate (emu);

  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_unlink (log_path);
  if (strstr (log, "ERROR SUMMARY: 0 errors") == NULL)
    g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "HEAP SUMMARY"));
  g_assert_nonnull (strstr (log, "ERROR SUMMARY: 0 errors"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/emulator/leaks/error-replies-and-revokes", test_no_leaks_and_clean_exit);
  return g_test_run ();
}
