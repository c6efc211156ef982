/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Raw HTTP against a real wbps-emulator, shared by the emulator's test suites:
 * requests with no wbps code involved, and assertions on TikTok's two reply
 * envelopes (v2 {"data","error"} and the flat OAuth error).
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wbps-test-emulator.h"

G_BEGIN_DECLS

typedef struct {
  guint       status;
  char       *body;
  char       *location;   /* Location header or NULL */
  char       *content_type;
  JsonNode   *json;       /* parsed body when it is JSON, else NULL */
  double      seconds;    /* how long the request took */
} EmuReply;

void        emu_reply_free         (EmuReply   *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuReply, emu_reply_free)

/*
 * @method to @url (no redirects followed) with a raw Authorization header value
 * (NULL = none) and @body_size bytes of @body (NULL = no body; -1 = strlen).
 */
EmuReply   *emu_request            (const char *method,
                                    const char *url,
                                    const char *authorization,
                                    const char *content_type,
                                    const char *body,
                                    gssize      body_size);
/* GET @url, with "Authorization: Bearer @bearer" unless NULL. */
EmuReply   *emu_get                (const char *url,
                                    const char *bearer);
/* GET with a raw Authorization header value (may be NULL = none). */
EmuReply   *emu_get_auth           (const char *url,
                                    const char *authorization);
/* POST a form of NAME, VALUE pairs ending with NULL (a NULL value skips that field). */
EmuReply   *emu_post_form          (const char *url,
                                    ...) G_GNUC_NULL_TERMINATED;
/* POST a JSON @body (NULL = none) with "Authorization: Bearer @bearer" unless NULL. */
EmuReply   *emu_post_json          (const char *url,
                                    const char *bearer,
                                    const char *body);

JsonObject *emu_reply_object       (EmuReply   *reply);
const char *emu_reply_string       (EmuReply   *reply,
                                    const char *member);
/* The v2 envelope's error.code / error.message / error.log_id, and its data object. */
const char *emu_reply_v2_code      (EmuReply   *reply);
const char *emu_reply_v2_message   (EmuReply   *reply);
const char *emu_reply_v2_log_id    (EmuReply   *reply);
JsonObject *emu_reply_v2_data      (EmuReply   *reply);

/* A TikTok log_id: 14 digits of the current UTC time and 20 upper-hex digits. */
void        emu_assert_log_id      (const char *log_id);
/* Asserts a flat OAuth error with @error (and @description unless NULL). */
void        emu_assert_oauth_error (EmuReply   *reply,
                                    const char *error,
                                    const char *description);
/* Asserts a v2 error envelope: HTTP @status, error.code @code, "data":{} and a log_id. */
void        emu_assert_v2_error    (EmuReply   *reply,
                                    guint       status,
                                    const char *code);

G_END_DECLS
