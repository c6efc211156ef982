/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Raw-HTTP helpers for the emulator's OAuth tests: no wbps code involved. */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wbps-test-emulator.h"
#include "wbps-test-oauth.h"

G_BEGIN_DECLS

#define DEMO_KEY "wbps-demo"
#define DEMO_SECRET "wbps-demo-secret"
#define DEMO_REDIRECT "http://127.0.0.1:5555/callback/"

typedef struct {
  guint       status;
  char       *body;
  char       *location;   /* Location header or NULL */
  char       *content_type;
  JsonNode   *json;       /* parsed body when it is JSON, else NULL */
  double      seconds;    /* how long the request took */
} EmuReply;

void        emu_reply_free        (EmuReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuReply, emu_reply_free)

/* GET @url (no redirects followed), with "Authorization: Bearer @bearer" unless NULL. */
EmuReply   *emu_get               (const char *url,
                                   const char *bearer);
/* GET with a raw Authorization header value (may be NULL = none). */
EmuReply   *emu_get_auth          (const char *url,
                                   const char *authorization);
/* POST a form of NAME, VALUE pairs ending with NULL (a NULL value skips that field). */
EmuReply   *emu_post_form         (const char *url,
                                   ...) G_GNUC_NULL_TERMINATED;

JsonObject *emu_reply_object      (EmuReply   *reply);
const char *emu_reply_string      (EmuReply   *reply,
                                   const char *member);
/* The v2 envelope's error.code / error.log_id. */
const char *emu_reply_v2_code     (EmuReply   *reply);
const char *emu_reply_v2_log_id   (EmuReply   *reply);
void        emu_assert_log_id     (const char *log_id);
/* Asserts a flat OAuth error with @error (and @description unless NULL). */
void        emu_assert_oauth_error (EmuReply   *reply,
                                    const char *error,
                                    const char *description);
/* Asserts a v2 error envelope: HTTP @status, error.code @code, "data":{} and a log_id. */
void        emu_assert_v2_error   (EmuReply   *reply,
                                   guint       status,
                                   const char *code);

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
