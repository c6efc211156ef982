/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * TikTok's Login Kit against a running emulator by raw HTTP only (no wbps code):
 * the pieces the emulator's OAuth tests check one by one, and the whole
 * sign-in that other suites use to get tokens.
 */

#include <json-glib/json-glib.h>

#include "wbps-test-emulator.h"
#include "wbps-test-http.h"

G_BEGIN_DECLS

/* A loopback redirect URI that every client registered as http://127.0.0.1:*\/callback/ accepts. */
#define WBPS_TEST_REDIRECT_URI "http://127.0.0.1:45678/callback/"

/* A fresh PKCE verifier (64 unreserved chars) and its lowercase hex SHA-256 challenge (TikTok's S256). */
char       *wbps_test_oauth_verifier          (void);
char       *wbps_test_oauth_challenge         (const char *verifier);

/* The authorize URL; NULL arguments are left out of the query. */
char       *wbps_test_oauth_authorize_url     (WbpsTestEmulator *emu,
                                               const char       *client_key,
                                               const char       *scope,
                                               const char       *redirect_uri,
                                               const char       *state,
                                               const char       *challenge);
/* The hidden request_id of a consent page, or NULL. */
char       *wbps_test_oauth_consent_request_id (const char *html);
/* Query parameter @name of a redirect Location (decoded once), or NULL. */
char       *wbps_test_oauth_location_param    (const char *location,
                                               const char *name);
/*
 * Authorizes as the signed-in user through the consent page (or auto-approve)
 * and returns the code (decoded) for @scope, @redirect_uri and @challenge.
 */
char       *wbps_test_oauth_obtain_code       (WbpsTestEmulator *emu,
                                               const char       *client_key,
                                               const char       *scope,
                                               const char       *redirect_uri,
                                               const char       *challenge);
/* Exchanges @code at @token_url; a NULL @client_secret is left out of the form. */
EmuReply   *wbps_test_oauth_exchange_code     (const char *token_url,
                                               const char *client_key,
                                               const char *client_secret,
                                               const char *code,
                                               const char *redirect_uri,
                                               const char *verifier);

/*
 * The whole sign-in: switches the browser's signed-in user to @open_id (NULL =
 * leave it), authorizes @scope with a fresh verifier, and exchanges the code.
 * Returns the flat token reply, asserted to hold an access_token.
 */
JsonObject *wbps_test_emulator_sign_in        (WbpsTestEmulator *emu,
                                               const char       *client_key,
                                               const char       *client_secret,
                                               const char       *scope,
                                               const char       *open_id);

/* The same, exchanging the code at @token_url (e.g. a relay's token broker); @client_secret may be NULL. */
JsonObject *wbps_test_emulator_sign_in_at     (WbpsTestEmulator *emu,
                                               const char       *token_url,
                                               const char       *client_key,
                                               const char       *client_secret,
                                               const char       *scope,
                                               const char       *open_id);

G_END_DECLS
