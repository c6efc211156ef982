/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The emulator's state, by aspect (each implemented in wbps-emu-state-ASPECT.c):
 * the world (configured clients, users, options), the compressible clock, the
 * replies in TikTok's two envelopes, grants (codes, tokens, v2 authentication),
 * limits (rate windows, injected faults), webhook events, and persistence.
 * Written from TikTok's documentation alone; it never links wbps core.
 */

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  char      *key;
  char      *secret;
  GPtrArray *redirect_uris;        /* char*, registered patterns ("http://127.0.0.1:*\/callback/") */
  GPtrArray *scopes;               /* char*, scopes approved for the app */
  gboolean   desktop;              /* PKCE required (default TRUE) */
  gboolean   sandbox;
  gboolean   audited;
  GPtrArray *target_users;         /* char* open_ids allowed when sandbox */
  GPtrArray *verified_url_prefixes;/* char*, for PULL_FROM_URL */
  char      *webhook_url;          /* the app's callback URL, or NULL for the default */
} WbpsEmuClient;

typedef struct {
  char     *open_id;
  char     *union_id;
  char     *username;
  char     *display_name;
  char     *avatar_url;
  char     *bio_description;
  gboolean  is_private;
  gboolean  banned;
  gboolean  comment_disabled;
  gboolean  duet_disabled;
  gboolean  stitch_disabled;
  guint     max_video_post_duration_sec;   /* default 600 */
  guint     daily_post_cap;                /* default 15 */
  /* creator_info cap state: NULL, "spam_risk_too_many_posts", "spam_risk_user_banned_from_posting", "reached_active_user_cap" */
  char     *cap_state;
} WbpsEmuUser;

typedef struct {
  char     *token;
  char     *open_id;         /* NULL for a client token (clt.) */
  char     *client_key;
  GPtrArray *scopes;         /* char* granted scopes */
  gint64    expires_at_ms;   /* emulated clock */
  gboolean  revoked;
} WbpsEmuAccessToken;

typedef struct {
  char     *code;            /* the value (after a restart: its SHA-256 until presented again) */
  char     *client_key;
  char     *open_id;
  char     *scope_csv;       /* granted scopes */
  char     *redirect_uri;    /* exactly as sent to authorize */
  char     *code_challenge;  /* NULL for non-desktop clients */
  gint64    expires_at_ms;   /* emulated clock */
  gboolean  used;
} WbpsEmuAuthCode;

typedef struct {
  char     *token;
  char     *grant_id;        /* one grant per authorization code exchange */
  char     *client_key;
  char     *open_id;
  char     *scope_csv;
  gint64    expires_at_ms;   /* emulated clock */
  gboolean  revoked;
} WbpsEmuRefreshToken;

/* A webhook event (TikTok's webhook envelope); @content is JSON text. */
typedef struct {
  guint     serial;          /* 1, 2, … in the order the events happened */
  char     *client_key;
  char     *event;
  char     *user_openid;
  gint64    create_time;     /* Unix seconds, emulated clock */
  char     *content;
  char     *body;            /* the envelope as sent, built once: every retry and duplicate is identical */
  guint     attempts;        /* delivery attempts so far (wbps-emu-webhooks.c) */
  guint     acknowledged;    /* HTTP 200 replies received (more than one with deliberate duplicates) */
  gboolean  dropped;         /* given up once the retry window had passed */
} WbpsEmuEvent;

#define WBPS_TYPE_EMU_STATE (wbps_emu_state_get_type ())
G_DECLARE_FINAL_TYPE (WbpsEmuState, wbps_emu_state, WBPS, EMU_STATE, GObject)

/* Built-in demo world when @key_file is NULL; options from the key file otherwise. */
WbpsEmuState        *wbps_emu_state_new                 (GKeyFile      *key_file,
                                                         const char    *data_dir,
                                                         GError       **error);

/* ---- world (wbps-emu-state-world.c) ---- */

const char          *wbps_emu_state_get_data_dir        (WbpsEmuState  *self);
WbpsEmuClient       *wbps_emu_state_get_client          (WbpsEmuState  *self,
                                                         const char    *client_key);
WbpsEmuUser         *wbps_emu_state_get_user            (WbpsEmuState  *self,
                                                         const char    *open_id);

/* An integer option of the [emulator] group (e.g. "processing-delay-ms"), or @fallback. */
gint64               wbps_emu_state_get_int             (WbpsEmuState  *self,
                                                         const char    *key,
                                                         gint64         fallback);
gboolean             wbps_emu_state_get_bool            (WbpsEmuState  *self,
                                                         const char    *key,
                                                         gboolean       fallback);
/* The key file the emulator was started with (an empty one for the demo world). */
GKeyFile            *wbps_emu_state_get_config          (WbpsEmuState  *self);
/* A string option of the [emulator] group, or @fallback. */
const char          *wbps_emu_state_get_string          (WbpsEmuState  *self,
                                                         const char    *key,
                                                         const char    *fallback);
/* A key of the [webhooks] group (wbps-emu-webhooks.c), or @fallback. */
const char          *wbps_emu_state_get_webhook_string  (WbpsEmuState  *self,
                                                         const char    *key,
                                                         const char    *fallback);
gint64               wbps_emu_state_get_webhook_int     (WbpsEmuState  *self,
                                                         const char    *key,
                                                         gint64         fallback);
/* Any key of the [user:OPEN_ID] group (e.g. "fail-reason", "follower-count"), or NULL. */
const char          *wbps_emu_state_get_user_option     (WbpsEmuState  *self,
                                                         const char    *open_id,
                                                         const char    *key);
/* The user "signed in" in the browser; changeable at runtime (POST /emulator/sign-in?user=ID). */
const char          *wbps_emu_state_get_signed_in_user  (WbpsEmuState  *self);
void                 wbps_emu_state_set_signed_in_user  (WbpsEmuState  *self,
                                                         const char    *open_id);
/* http://127.0.0.1:PORT once listening; users without avatar-url get BASE/emulator/avatar/ID.svg. */
const char          *wbps_emu_state_get_base_url        (WbpsEmuState  *self);
void                 wbps_emu_state_set_base_url        (WbpsEmuState  *self,
                                                         const char    *base_url);

/* ---- clock (wbps-emu-state-clock.c) ---- */

/* Emulated clock in milliseconds: real time since start multiplied by clock-scale. */
gint64               wbps_emu_state_now_ms              (WbpsEmuState  *self);
double               wbps_emu_state_get_clock_scale     (WbpsEmuState  *self);
/* Schedule @func after @emulated_ms of emulated time (i.e. emulated_ms / scale real ms). */
guint                wbps_emu_state_timeout_add         (WbpsEmuState  *self,
                                                         gint64         emulated_ms,
                                                         GSourceFunc    func,
                                                         gpointer       data,
                                                         GDestroyNotify notify);
/* Converts an emulated duration (seconds) to the real seconds a client will see pass. */
gint64               wbps_emu_state_to_real_seconds     (WbpsEmuState  *self,
                                                         gint64         emulated_seconds);

/* ---- replies (wbps-emu-state-replies.c) ---- */

/* TikTok-format log_id: YYYYMMDDhhmmss + 20 upper-hex = 34 chars. */
char                *wbps_emu_state_new_log_id          (WbpsEmuState  *self);
/* A new node holding an empty object ({}). */
JsonNode            *wbps_emu_json_empty_object         (void);
/* v2 envelope: {"data": @data or {}, "error": {"code","message","log_id"}}; takes @data. */
void                 wbps_emu_reply_v2                  (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         guint              http_status,
                                                         JsonNode          *data,
                                                         const char        *code,
                                                         const char        *message);
/* OAuth envelope: flat {"error","error_description","log_id"}; status from "oauth-error-status" (default 200). */
void                 wbps_emu_reply_oauth_error         (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         const char        *error,
                                                         const char        *description);

/*
 * 405 for a wrong method, in the envelope of the endpoint family: flat OAuth
 * error under /v2/oauth/, v2 envelope under the other /v2/ APIs, plain otherwise.
 */
void                 wbps_emu_reply_method_not_allowed  (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         const char        *allowed);
/*
 * Early handler check: a request body declared larger than @limit bytes is
 * answered 413 (in the endpoint's envelope) before libsoup buffers it.
 */
gboolean             wbps_emu_refuse_large_body         (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         goffset            limit);
/* Whether @msg uses @method; otherwise replies 405 (as above) and returns FALSE. */
gboolean             wbps_emu_require_method            (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         const char        *method);
/* The form-encoded request body as a table (empty for an empty body). (transfer full) */
GHashTable          *wbps_emu_read_form                 (SoupServerMessage *msg);

/* Flat JSON success reply (OAuth envelope); takes @node. */
void                 wbps_emu_reply_json                (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         guint              http_status,
                                                         JsonNode          *node);

/*
 * Counted pause of a reply: the first hold pauses @msg, the last release
 * unpauses it unless it already finished (slow-ms and persistence share it).
 */
void                 wbps_emu_state_hold_reply          (WbpsEmuState      *self,
                                                         SoupServerMessage *msg);
void                 wbps_emu_state_release_reply       (WbpsEmuState      *self,
                                                         SoupServerMessage *msg);

/* ---- grants (wbps-emu-state-grants.c) ---- */

/* Constant-time string comparison, for secrets (client secrets, PKCE, upload tokens). */
gboolean             wbps_emu_secure_equal              (const char    *a,
                                                         const char    *b);
/* Opaque token/code material from a CSPRNG: @prefix + url-safe random chars. */
char                *wbps_emu_state_new_secret          (WbpsEmuState  *self,
                                                         const char    *prefix);

/* Token lifecycle, shared by the OAuth side (issuing/revoking) and tests. */
WbpsEmuAccessToken  *wbps_emu_state_lookup_token        (WbpsEmuState  *self,
                                                         const char    *token);
WbpsEmuAccessToken  *wbps_emu_state_issue_access_token  (WbpsEmuState  *self,
                                                         const char    *client_key,
                                                         const char    *open_id,
                                                         const char    *scope_csv);

/* Codes, refresh tokens and grants. Lookups return expired/used/revoked entries too (callers check). */
WbpsEmuAuthCode     *wbps_emu_state_issue_code          (WbpsEmuState  *self,
                                                         const char    *client_key,
                                                         const char    *open_id,
                                                         const char    *scope_csv,
                                                         const char    *redirect_uri,
                                                         const char    *code_challenge);
WbpsEmuAuthCode     *wbps_emu_state_lookup_code         (WbpsEmuState  *self,
                                                         const char    *code);
WbpsEmuRefreshToken *wbps_emu_state_issue_refresh_token (WbpsEmuState  *self,
                                                         const char    *grant_id,
                                                         const char    *client_key,
                                                         const char    *open_id,
                                                         const char    *scope_csv,
                                                         gint64         expires_at_ms);
WbpsEmuRefreshToken *wbps_emu_state_lookup_refresh_token (WbpsEmuState *self,
                                                          const char   *token);
/* Ties an access token to a grant so revoking one revokes the whole grant. */
void                 wbps_emu_state_bind_grant          (WbpsEmuState  *self,
                                                         const char    *access_token,
                                                         const char    *grant_id);
const char          *wbps_emu_state_get_grant           (WbpsEmuState  *self,
                                                         const char    *access_token);
/* Revokes every access and refresh token of @grant_id. */
void                 wbps_emu_state_revoke_grant        (WbpsEmuState  *self,
                                                         const char    *grant_id);

/*
 * Revokes every live grant of @open_id with @client_key (NULL = with any
 * client), as when a creator disconnects the app in TikTok. Returns the keys
 * (char*) of the clients that lost a grant.
 */
GPtrArray           *wbps_emu_state_revoke_user         (WbpsEmuState  *self,
                                                         const char    *client_key,
                                                         const char    *open_id);

/*
 * v2 authentication: checks "Authorization: Bearer", token known, not expired,
 * not revoked, a user token, and holding @scope (any one of a comma-separated
 * list). On failure it has already replied (401 access_token_invalid /
 * scope_not_authorized) and returns NULL.
 */
WbpsEmuAccessToken  *wbps_emu_authenticate              (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         const char        *scope);

/* ---- limits (wbps-emu-state-limits.c) ---- */

/* An option of the [faults] group, or NULL. */
const char          *wbps_emu_state_get_fault           (WbpsEmuState  *self,
                                                         const char    *key);
/* Sliding one-minute (emulated) window per token and @bucket; replies 429 and returns FALSE when exceeded. */
gboolean             wbps_emu_rate_limit                (WbpsEmuState      *self,
                                                         SoupServerMessage *msg,
                                                         const char        *bucket,
                                                         const char        *token,
                                                         guint              per_minute);

/*
 * Global fault injection run for every request before any handler:
 * "fail-request-n" (comma list of 1-based request numbers answered 503),
 * "fail-path" (only count requests whose path starts with it),
 * "slow-ms" (delay every reply), "stall-path" (hold the reply of every request
 * whose path starts with it for "stall-ms", default an hour: a server that
 * accepts and does not answer). Returns TRUE when the request was consumed.
 */
gboolean             wbps_emu_state_inject_faults       (WbpsEmuState      *self,
                                                         SoupServerMessage *msg);

/* ---- events (wbps-emu-state-events.c) ---- */

/* Webhook events; each is also emitted as the "event-added" signal. */
void                 wbps_emu_state_add_event           (WbpsEmuState  *self,
                                                         const char    *client_key,
                                                         const char    *event,
                                                         const char    *user_openid,
                                                         const char    *content_json);
GPtrArray           *wbps_emu_state_get_events          (WbpsEmuState  *self);
/* Adds the envelope's five members, in TikTok's order, to the object @builder is in; @content stays a string. */
void                 wbps_emu_event_add_envelope        (WbpsEmuEvent  *event,
                                                         JsonBuilder   *builder);

/* ---- persistence (wbps-emu-state-persistence.c) ---- */

/*
 * Persistence (persist=true): writes DATA_DIR/state.ini asynchronously, holding
 * @msg (may be NULL) until the file is written so a killed emulator never
 * loses what it already answered. Before writing, the "save" signal
 * (GKeyFile *file) lets other parts add their groups; the groups read at
 * startup are in wbps_emu_state_get_restored() (NULL when nothing was restored).
 */
gboolean             wbps_emu_state_get_persist         (WbpsEmuState      *self);
void                 wbps_emu_state_persist             (WbpsEmuState      *self,
                                                         SoupServerMessage *msg);
GKeyFile            *wbps_emu_state_get_restored        (WbpsEmuState      *self);

G_END_DECLS
