/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Login Kit helpers for the emulator's OAuth tests: raw HTTP, no wbps code involved. */

#include "wbps-test-oauth.h"

G_BEGIN_DECLS

#define DEMO_KEY "wbps-demo"
#define DEMO_SECRET "wbps-demo-secret"
#define DEMO_REDIRECT "http://127.0.0.1:5555/callback/"

/* The base64url SHA-256 challenge (RFC 7636's S256, which TikTok does not take). */
char       *emu_base64url_challenge (const char *verifier);

/* The code exchange at the emulator's token endpoint. */
EmuReply   *emu_exchange_code     (WbpsTestEmulator *emu,
                                   const char       *client_key,
                                   const char       *secret,
                                   const char       *code,
                                   const char       *redirect_uri,
                                   const char       *verifier);
/* Full demo sign-in for @scope (wbps_test_emulator_sign_in); returns the token reply. */
EmuReply   *emu_sign_in           (WbpsTestEmulator *emu,
                                   const char       *scope);

/* A user/info GET with @fields and @token. */
EmuReply   *emu_user_info         (WbpsTestEmulator *emu,
                                   const char       *token,
                                   const char       *fields);

/* Starts an emulator with @config into *@demo, runs the tests added, stops it; returns g_test_run's status. */
int         emu_run_tests_with    (WbpsTestEmulator **demo,
                                   const char        *config);

G_END_DECLS
