/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Helpers for the emulator's Content Posting tests: a real wbps-emulator
 * process, tokens obtained through its OAuth endpoints with raw HTTP, and raw
 * libsoup requests to the posting API and the upload URL.
 */

#include "emu-test-http.h"

G_BEGIN_DECLS

#define MIB (G_GINT64_CONSTANT (1048576))

typedef struct {
  WbpsTestEmulator *emu;
  char             *client_key;
  char             *client_secret;
  char             *user;          /* open_id signed in for fx->token, NULL = configured default */
  char             *token;
  guint             token_uses;
} EmuPostingFixture;

/* Starts an emulator with the tests' base world plus @extra_ini (groups merge). */
EmuPostingFixture *emu_posting_fixture_new   (const char     *extra_ini);
void               emu_posting_fixture_free  (EmuPostingFixture *fx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuPostingFixture, emu_posting_fixture_free)

/* Signs @open_id in (NULL = the configured user) and logs in again with @client_key. */
void               emu_posting_fixture_use   (EmuPostingFixture *fx,
                                              const char        *client_key,
                                              const char        *client_secret,
                                              const char        *open_id);
/* A fresh access token for @open_id through authorize + token (hex S256 PKCE). */
char              *emu_posting_fixture_login (EmuPostingFixture *fx,
                                              const char        *open_id);
/* The fixture's token; logs in again every few calls so per-token rate limits never bite. */
const char        *emu_posting_fixture_token (EmuPostingFixture *fx);

/* POST @body (NULL = none) to @path with @token; returns the parsed root object. */
JsonObject        *emu_posting_api           (EmuPostingFixture  *fx,
                                              const char         *token,
                                              const char         *path,
                                              const char         *body,
                                              guint              *http_status,
                                              char              **raw);
JsonObject        *emu_posting_call          (EmuPostingFixture *fx,
                                              const char        *path,
                                              const char        *body,
                                              guint             *http_status);
const char        *emu_posting_error_code    (JsonObject     *root);
const char        *emu_posting_error_message (JsonObject     *root);
JsonObject        *emu_posting_data          (JsonObject     *root);
void               emu_posting_assert_error  (JsonObject *root,
                                              guint       http_status,
                                              guint       expected_status,
                                              const char *expected_code);

char              *emu_posting_file_body     (gint64      size,
                                              gint64      chunk,
                                              gint64      count,
                                              const char *privacy);
/* Direct (privacy != NULL) or inbox FILE_UPLOAD init that must succeed; returns publish_id. */
char              *emu_posting_init_file     (EmuPostingFixture  *fx,
                                              gint64              size,
                                              gint64              chunk,
                                              gint64              count,
                                              const char         *privacy,
                                              char              **upload_url);

/* One PUT on a fresh connection; @content_type/@range NULL = header left out. */
guint              emu_posting_put           (const char  *upload_url,
                                              const char  *content_type,
                                              GBytes      *body,
                                              const char  *range,
                                              char       **response_range,
                                              GError     **error);
guint              emu_posting_put_chunk     (const char  *upload_url,
                                              GBytes      *video,
                                              gint64       first,
                                              gint64       last,
                                              char       **response_range);
/* All chunks of @video in order, asserting 206 ... 201. */
void               emu_posting_upload_all    (const char *upload_url,
                                              GBytes     *video,
                                              gint64      chunk,
                                              gint64      count);

/* Deterministic pseudo-random bytes. */
GBytes            *emu_posting_make_video    (gsize   size,
                                              guint32 seed);

JsonObject        *emu_posting_status        (EmuPostingFixture  *fx,
                                              const char         *publish_id,
                                              guint              *http_status,
                                              char              **raw);
/* Polls status/fetch until @status (or fails after @timeout_ms real ms); returns the data object. */
JsonObject        *emu_posting_wait_status   (EmuPostingFixture  *fx,
                                              const char         *publish_id,
                                              const char         *status,
                                              guint               timeout_ms,
                                              char              **raw);

G_END_DECLS
