/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "wbps-test-emulator.h"

G_BEGIN_DECLS

/* A loopback redirect URI that every client registered as http://127.0.0.1:*\/callback/ accepts. */
#define WBPS_TEST_REDIRECT_URI "http://127.0.0.1:45678/callback/"

/*
 * Signs in through a running emulator by raw HTTP only (no wbps code): switches
 * the browser's signed-in user to @open_id (NULL = leave it), authorizes @scope
 * with TikTok's hex S256 PKCE (consent page or auto-approve), and exchanges the
 * code. Returns the flat token reply, asserted to hold an access_token.
 */
JsonObject *wbps_test_emulator_sign_in (WbpsTestEmulator *emu,
                                        const char       *client_key,
                                        const char       *client_secret,
                                        const char       *scope,
                                        const char       *open_id);

/* The same, exchanging the code at @token_url (e.g. a relay's token broker); @client_secret may be NULL. */
JsonObject *wbps_test_emulator_sign_in_at (WbpsTestEmulator *emu,
                                           const char       *token_url,
                                           const char       *client_key,
                                           const char       *client_secret,
                                           const char       *scope,
                                           const char       *open_id);

G_END_DECLS
