/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Login Kit helpers for the emulator's OAuth tests: raw HTTP, no wbps code involved. */

#include "wbps-test-http.h"
#include "wbps-test-oauth.h"

G_BEGIN_DECLS

#define DEMO_KEY "wbps-demo"
#define DEMO_SECRET "wbps-demo-secret"
#define DEMO_REDIRECT "http://127.0.0.1:5555/callback/"

/* A fresh PKCE verifier (64 unreserved chars) and its lowercase hex SHA-256 challenge. */
char       *emu_new_verifier      (void);
char       *emu_hex_challenge     (const char *verifier);
char       *emu_base64url_challenge (const char *verifier);

/* The authorize URL; NULL arguments are left out of the query. */
char       *emu_authorize_url     (WbpsTestEmulator *emu,
                                   const char       *client_key,
                                   const char       *scope,
                                   const char       *redirect_uri,
                                   const char       *state,
                                   const char       *challenge);
/* The hidden request_id of a consent page, or NULL. */
char       *emu_consent_request_id (const char *html);
/* Query parameter @name of a redirect Location (decoded once), or NULL. */
char       *emu_location_param    (const char *location,
                                   const char *name);

/*
 * Authorize as the signed-in user through the consent page (or auto-approve)
 * and return the code (decoded) for @scope, @redirect_uri and @challenge.
 */
char       *emu_obtain_code       (WbpsTestEmulator *emu,
                                   const char       *client_key,
                                   const char       *scope,
                                   const char       *redirect_uri,
                                   const char       *challenge);
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

G_END_DECLS
