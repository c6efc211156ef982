/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Checklist rules 19-24 (v2 envelope, bearer auth, rate limits, /v2/user/info/)
 * and the emulator's infrastructure: compressed clock, persistence across a
 * restart, fault injection, clean shutdown, and no secrets in its log.
 */
#include <string.h>

#include "emu-oauth-util.h"

static WbpsTestEmulator *demo;   /* demo world with auto-approve */

static JsonObject *
v2_user (EmuReply *reply)
{
  JsonObject *data = json_object_get_object_member (emu_reply_object (reply), "data");

  return json_object_get_object_member (data, "user");
}

static void
test_rule_19_access_token_invalid (void)
{
  g_autofree char *url = wbps_test_emulator_url (demo, "/v2/user/info/?fields=open_id");
  const char *headers[] = { NULL, "Basic d2Jwczp4", "Bearer", "Bearer ", "bearer act.nope", "act.nope" };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autoptr(EmuReply) reply = emu_get_auth (url, headers[i]);

      emu_assert_v2_error (reply, 401, "access_token_invalid");
      g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (emu_reply_object (reply), "error"), "message"),
                       ==, "The access token is invalid or not found in the request.");
    }
}

static void
test_rule_20_scope_not_authorized (void)
{
  /* A token without user.info.basic cannot call /v2/user/info/ at all. */
  g_autoptr(EmuReply) tokens = emu_sign_in (demo, "video.publish");
  g_autoptr(EmuReply) reply = emu_user_info (demo, emu_reply_string (tokens, "access_token"), "open_id");

  emu_assert_v2_error (reply, 401, "scope_not_authorized");
}

static void
test_rule_21_rate_limit (void)
{
  /* 3x clock: the one-minute window lasts 20 real seconds, room for 600 requests even
   * under ASan on a busy machine (at 10x, 6 s, the sanitizer suite missed the window). */
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start ("[emulator]\nauto-approve=true\nclock-scale=3\n");
  g_autoptr(EmuReply) first_tokens = emu_sign_in (emu, "user.info.basic");
  g_autoptr(EmuReply) other_tokens = emu_sign_in (emu, "user.info.basic");
  const char *token = emu_reply_string (first_tokens, "access_token");
  gint64 start = g_get_monotonic_time ();
  g_autoptr(EmuReply) limited = NULL;
  g_autoptr(EmuReply) other = NULL;
  g_autoptr(EmuReply) later = NULL;

  for (guint i = 0; i < 600; i++)
    {
      g_autoptr(EmuReply) reply = emu_user_info (emu, token, "open_id");

      g_assert_cmpuint (reply->status, ==, 200);
    }
  limited = emu_user_info (emu, token, "open_id");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  emu_assert_v2_error (limited, 429, "rate_limit_exceeded");
  /* The window is per token. */
  other = emu_user_info (emu, emu_reply_string (other_tokens, "access_token"), "open_id");
  g_assert_cmpuint (other->status, ==, 200);
  /* Sliding: once the first requests leave the window, calls succeed again. */
  /* The sleep is the thing under test: the emulated minute passing. */
  g_usleep (MAX (0, start + 20500 * 1000 - g_get_monotonic_time ()));
  later = emu_user_info (emu, token, "open_id");
  g_assert_cmpuint (later->status, ==, 200);
}

static void
test_rule_22_envelope_log_id (void)
{
  g_autoptr(EmuReply) tokens = emu_sign_in (demo, "user.info.basic");
  g_autoptr(EmuReply) ok = emu_user_info (demo, emu_reply_string (tokens, "access_token"), "open_id");
  g_autoptr(EmuReply) failed = emu_user_info (demo, "act.unknown", "open_id");
  g_autofree char *token_url = wbps_test_emulator_url (demo, "/v2/oauth/token/");
  g_autoptr(EmuReply) oauth_failed = emu_post_form (token_url, "client_key", "nope", NULL);
  JsonObject *error;

  g_assert_cmpuint (ok->status, ==, 200);
  error = json_object_get_object_member (emu_reply_object (ok), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "ok");
  g_assert_cmpstr (json_object_get_string_member (error, "message"), ==, "");
  emu_assert_log_id (json_object_get_string_member (error, "log_id"));
  emu_assert_log_id (emu_reply_v2_log_id (failed));
  emu_assert_log_id (emu_reply_string (oauth_failed, "log_id"));
  g_assert_cmpstr (emu_reply_v2_log_id (ok), !=, emu_reply_v2_log_id (failed));
}

static void
test_rule_23_fields (void)
{
  g_autoptr(EmuReply) tokens = emu_sign_in (demo, "user.info.basic,user.info.profile");
  const char *token = emu_reply_string (tokens, "access_token");
  g_autoptr(EmuReply) missing = emu_user_info (demo, token, NULL);
  g_autoptr(EmuReply) empty = emu_user_info (demo, token, "");
  g_autoptr(EmuReply) unknown = emu_user_info (demo, token, "open_id,email");
  g_autoptr(EmuReply) two = emu_user_info (demo, token, "display_name,open_id");
  g_autoptr(EmuReply) profile = emu_user_info (demo, token, "username,avatar_url,is_verified");
  JsonObject *user;

  emu_assert_v2_error (missing, 400, "invalid_params");
  emu_assert_v2_error (empty, 400, "invalid_params");
  emu_assert_v2_error (unknown, 400, "invalid_params");
  g_assert_cmpuint (two->status, ==, 200);
  user = v2_user (two);
  g_assert_cmpuint (json_object_get_size (user), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (user, "open_id"), ==, "demo-creator");
  g_assert_cmpstr (json_object_get_string_member (user, "display_name"), ==, "Demo Creator");
  user = v2_user (profile);
  g_assert_cmpuint (json_object_get_size (user), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, "democreator");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (user, "avatar_url"), demo->base_url));
  g_assert_false (json_object_get_boolean_member (user, "is_verified"));
}

static void
test_rule_24_scope_permission_missed (void)
{
  g_autoptr(EmuReply) tokens = emu_sign_in (demo, "user.info.basic");
  const char *token = emu_reply_string (tokens, "access_token");
  g_autoptr(EmuReply) profile = emu_user_info (demo, token, "open_id,username");
  g_autoptr(EmuReply) stats = emu_user_info (demo, token, "follower_count");
  g_autoptr(WbpsTestEmulator) strict = wbps_test_emulator_start (
    "[emulator]\nauto-approve=true\nuser-info-scope-error=401\n");
  g_autoptr(EmuReply) strict_tokens = emu_sign_in (strict, "user.info.basic");
  g_autoptr(EmuReply) strict_reply = emu_user_info (strict, emu_reply_string (strict_tokens, "access_token"),
                                                    "username");
  g_autoptr(EmuReply) all_tokens = emu_sign_in (demo, "user.info.basic,user.info.stats");
  g_autoptr(EmuReply) granted = emu_user_info (demo, emu_reply_string (all_tokens, "access_token"),
                                               "follower_count,video_count");

  emu_assert_v2_error (profile, 400, "scope_permission_missed");
  emu_assert_v2_error (stats, 400, "scope_permission_missed");
  emu_assert_v2_error (strict_reply, 401, "scope_not_authorized");
  g_assert_cmpuint (granted->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (v2_user (granted), "follower_count"), ==, 1200);
}

static void
test_clock_compressed_expiry (void)
{
  /* 7200 emulated seconds at 3600x: two real seconds. */
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start (
    "[emulator]\nauto-approve=true\nclock-scale=3600\naccess-lifetime=7200\n");
  g_autoptr(EmuReply) tokens = emu_sign_in (emu, "user.info.basic");
  const char *token = emu_reply_string (tokens, "access_token");
  g_autoptr(EmuReply) fresh = emu_user_info (emu, token, "open_id");
  g_autoptr(EmuReply) dead = NULL;

  /* expires_in is in the seconds a client will see pass. */
  g_assert_cmpint (json_object_get_int_member (emu_reply_object (tokens), "expires_in"), ==, 2);
  g_assert_cmpuint (fresh->status, ==, 200);
  g_usleep (2500 * 1000);  /* the emulated two hours passing: the thing under test */
  dead = emu_user_info (emu, token, "open_id");
  emu_assert_v2_error (dead, 401, "access_token_invalid");
}

/* ---- own emulator processes: fixed data dir, captured stderr ---- */

static WbpsTestEmulator *
spawn_emulator (const char *data_dir,
                const char *config_path,
                const char *stderr_path)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  WbpsTestEmulator *emu = g_new0 (WbpsTestEmulator, 1);

  if (stderr_path != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  emu->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("WBPS_EMULATOR"),
                                              "--port", "0", "--data-dir", data_dir,
                                              "--config", config_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (emu->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  emu->base_url = g_strdup (line + strlen ("listening on "));
  return emu;
}

static char *
write_config (const char *dir,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "emulator.ini", NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_persistence_across_restart (void)
{
  g_autoptr(WbpsTestEmulator) holder = wbps_test_emulator_start (NULL);  /* owns a temp dir we reuse */
  g_autofree char *data_dir = g_build_filename (holder->data_dir, "persist", NULL);
  g_autofree char *config = write_config (holder->data_dir, "[emulator]\nauto-approve=true\npersist=true\n");
  g_autofree char *verifier = wbps_test_oauth_verifier ();
  g_autofree char *challenge = wbps_test_oauth_challenge (verifier);
  g_autofree char *state_path = g_build_filename (data_dir, "state.ini", NULL);
  g_autofree char *state_text = NULL;
  WbpsTestEmulator *first = spawn_emulator (data_dir, config, NULL);
  g_autoptr(EmuReply) tokens = emu_sign_in (first, "user.info.basic");
  g_autofree char *spare_code = wbps_test_oauth_obtain_code (first, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, challenge);
  const char *access = emu_reply_string (tokens, "access_token");
  const char *refresh = emu_reply_string (tokens, "refresh_token");
  WbpsTestEmulator *second;
  g_autoptr(EmuReply) info = NULL;
  g_autoptr(EmuReply) refreshed = NULL;
  g_autoptr(EmuReply) exchanged = NULL;
  g_autofree char *token_url = NULL;

  /* SIGKILL right after the replies: nothing may depend on a clean shutdown. */
  wbps_test_emulator_kill (first);
  wbps_test_emulator_stop (first);
  g_file_get_contents (state_path, &state_text, NULL, NULL);
  g_assert_nonnull (state_text);
  g_assert_null (strstr (state_text, access));
  g_assert_null (strstr (state_text, refresh));
  g_assert_null (strstr (state_text, spare_code));

  second = spawn_emulator (data_dir, config, NULL);
  info = emu_user_info (second, access, "open_id");
  g_assert_cmpuint (info->status, ==, 200);
  token_url = wbps_test_emulator_url (second, "/v2/oauth/token/");
  refreshed = emu_post_form (token_url, "client_key", DEMO_KEY, "client_secret", DEMO_SECRET,
                             "grant_type", "refresh_token", "refresh_token", refresh, NULL);
  g_assert_nonnull (emu_reply_string (refreshed, "access_token"));
  exchanged = emu_exchange_code (second, DEMO_KEY, DEMO_SECRET, spare_code, DEMO_REDIRECT, verifier);
  g_assert_nonnull (emu_reply_string (exchanged, "access_token"));
  wbps_test_emulator_stop (second);
}

static void
test_fault_fail_request_n (void)
{
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start (
    "[emulator]\nauto-approve=true\n"
    "[faults]\nfail-request-n=2,3\nfail-path=/v2/user/info/\nfail-status=503\n");
  g_autoptr(EmuReply) tokens = emu_sign_in (emu, "user.info.basic");
  const char *token = emu_reply_string (tokens, "access_token");
  g_autoptr(EmuReply) r1 = emu_user_info (emu, token, "open_id");
  g_autoptr(EmuReply) r2 = emu_user_info (emu, token, "open_id");
  g_autoptr(EmuReply) r3 = emu_user_info (emu, token, "open_id");
  g_autoptr(EmuReply) r4 = emu_user_info (emu, token, "open_id");

  /* The sign-in requests did not count: only paths under fail-path do. */
  g_assert_cmpuint (r1->status, ==, 200);
  emu_assert_v2_error (r2, 503, "internal_error");
  emu_assert_v2_error (r3, 503, "internal_error");
  g_assert_cmpuint (r4->status, ==, 200);
}

static void
test_fault_oauth_path (void)
{
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start ("[faults]\nfail-request-n=1\nfail-status=500\n");
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/oauth/token/");
  g_autoptr(EmuReply) failed = emu_post_form (url, "client_key", DEMO_KEY, "client_secret", DEMO_SECRET,
                                              "grant_type", "client_credentials", NULL);
  g_autoptr(EmuReply) ok = emu_post_form (url, "client_key", DEMO_KEY, "client_secret", DEMO_SECRET,
                                          "grant_type", "client_credentials", NULL);

  g_assert_cmpuint (failed->status, ==, 500);
  emu_assert_oauth_error (failed, "temporarily_unavailable", NULL);
  g_assert_cmpuint (ok->status, ==, 200);
}

static void
test_fault_slow_ms (void)
{
  g_autoptr(WbpsTestEmulator) emu = wbps_test_emulator_start ("[faults]\nslow-ms=400\n");
  g_autofree char *url = wbps_test_emulator_url (emu, "/v2/user/info/?fields=open_id");
  g_autoptr(EmuReply) reply = emu_get (url, "act.unknown");

  emu_assert_v2_error (reply, 401, "access_token_invalid");
  g_assert_cmpfloat (reply->seconds, >=, 0.4);
  g_assert_cmpfloat (reply->seconds, <, 10.0);
}

/* A full sign-in, refresh and revoke: the emulator's log names paths, never secrets. */
static void
test_log_has_no_secrets_and_sigterm_exits (void)
{
  g_autoptr(WbpsTestEmulator) holder = wbps_test_emulator_start (NULL);
  g_autofree char *config = write_config (holder->data_dir, "[emulator]\nauto-approve=true\n");
  g_autofree char *log_path = g_build_filename (holder->data_dir, "stderr.log", NULL);
  g_autofree char *data_dir = g_build_filename (holder->data_dir, "data", NULL);
  g_autoptr(WbpsTestEmulator) emu = spawn_emulator (data_dir, config, log_path);
  g_autofree char *verifier = wbps_test_oauth_verifier ();
  g_autofree char *challenge = wbps_test_oauth_challenge (verifier);
  g_autofree char *code = wbps_test_oauth_obtain_code (emu, DEMO_KEY, "user.info.basic", DEMO_REDIRECT, challenge);
  g_autoptr(EmuReply) tokens = emu_exchange_code (emu, DEMO_KEY, DEMO_SECRET, code, DEMO_REDIRECT, verifier);
  g_autoptr(EmuReply) info = emu_user_info (emu, emu_reply_string (tokens, "access_token"), "open_id");
  g_autofree char *token_url = wbps_test_emulator_url (emu, "/v2/oauth/token/");
  g_autoptr(EmuReply) refreshed = emu_post_form (token_url, "client_key", DEMO_KEY, "client_secret", DEMO_SECRET,
                                                 "grant_type", "refresh_token",
                                                 "refresh_token", emu_reply_string (tokens, "refresh_token"), NULL);
  g_autofree char *log = NULL;
  g_autofree char *escaped_code = g_uri_escape_string (code, NULL, FALSE);
  const char *secrets[] = {
    code, escaped_code, verifier, challenge, DEMO_SECRET,
    emu_reply_string (tokens, "access_token"), emu_reply_string (tokens, "refresh_token"),
    emu_reply_string (refreshed, "access_token"), emu_reply_string (refreshed, "refresh_token"),
  };

  g_assert_cmpuint (info->status, ==, 200);
  wbps_test_emulator_terminate (emu);
  g_file_get_contents (log_path, &log, NULL, NULL);
  g_assert_nonnull (log);
  g_assert_nonnull (strstr (log, "POST /v2/oauth/token/ -> 200"));
  g_assert_nonnull (strstr (log, "GET /v2/user/info/ -> 200"));
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    g_assert_null (strstr (log, secrets[i]));
}

static void
test_binds_loopback_only (void)
{
  g_assert_true (g_str_has_prefix (demo->base_url, "http://127.0.0.1:"));
  g_assert_cmpuint (g_ascii_strtoull (demo->base_url + strlen ("http://127.0.0.1:"), NULL, 10), >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/emulator/oauth/rule-19-access-token-invalid", test_rule_19_access_token_invalid);
  g_test_add_func ("/emulator/oauth/rule-20-scope-not-authorized", test_rule_20_scope_not_authorized);
  g_test_add_func ("/emulator/oauth/rule-21-rate-limit", test_rule_21_rate_limit);
  g_test_add_func ("/emulator/oauth/rule-22-envelope-log-id", test_rule_22_envelope_log_id);
  g_test_add_func ("/emulator/oauth/rule-23-fields", test_rule_23_fields);
  g_test_add_func ("/emulator/oauth/rule-24-scope-permission-missed", test_rule_24_scope_permission_missed);
  g_test_add_func ("/emulator/oauth/clock-compressed-expiry", test_clock_compressed_expiry);
  g_test_add_func ("/emulator/oauth/persistence-across-restart", test_persistence_across_restart);
  g_test_add_func ("/emulator/oauth/fault-fail-request-n", test_fault_fail_request_n);
  g_test_add_func ("/emulator/oauth/fault-oauth-path", test_fault_oauth_path);
  g_test_add_func ("/emulator/oauth/fault-slow-ms", test_fault_slow_ms);
  g_test_add_func ("/emulator/oauth/log-has-no-secrets-and-sigterm-exits", test_log_has_no_secrets_and_sigterm_exits);
  g_test_add_func ("/emulator/oauth/binds-loopback-only", test_binds_loopback_only);

  return emu_run_tests_with (&demo, "[emulator]\nauto-approve=true\n");
}
