/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Inside WbpsEmuState: the instance structure and the helpers its aspect files
 * share (wbps-emu-state-{world,clock,replies,grants,limits,events,persistence}.c).
 * Only those files and wbps-emu-state.c include this header.
 */

#include "wbps-emu-state.h"

G_BEGIN_DECLS

struct _WbpsEmuState
{
  GObject     parent_instance;

  /* world (wbps-emu-state-world.c) */
  GKeyFile   *config;
  char       *data_dir;
  char       *signed_in_user;
  gboolean    signed_in_switched;  /* changed at runtime: worth persisting */
  char       *base_url;
  GHashTable *options;         /* [emulator] key -> value */
  GHashTable *webhook_options; /* [webhooks] key -> value */
  GHashTable *user_options;    /* open_id -> (key -> value) */
  GHashTable *clients;         /* key -> WbpsEmuClient */
  GHashTable *users;           /* open_id -> WbpsEmuUser */

  /* clock (wbps-emu-state-clock.c) */
  double      clock_scale;
  gint64      clock_base_ms;   /* emulated ms at clock_start_us */
  gint64      clock_start_us;  /* monotonic time the clock was anchored */

  /* grants (wbps-emu-state-grants.c) */
  GHashTable *access_tokens;   /* sha256(token) -> WbpsEmuAccessToken */
  GHashTable *refresh_tokens;  /* sha256(token) -> WbpsEmuRefreshToken */
  GHashTable *codes;           /* sha256(code) -> WbpsEmuAuthCode */
  GHashTable *grants;          /* sha256(access token) -> grant id */

  /* limits (wbps-emu-state-limits.c) */
  GHashTable *faults;          /* [faults] key -> value */
  GHashTable *rate_windows;    /* bucket + sha256(token) -> GArray of gint64 */
  guint       request_count;

  /* events (wbps-emu-state-events.c) */
  GPtrArray  *events;          /* WbpsEmuEvent */

  /* persistence (wbps-emu-state-persistence.c) */
  GKeyFile   *restored;
  gboolean    persist;
  gboolean    saving;
  gboolean    save_again;
  GPtrArray  *save_waiters;    /* messages held for the running write */
  GPtrArray  *next_waiters;    /* messages held for the next write */
};

/* wbps-emu-state.c: the signals, emitted by the aspects. */
void        wbps_emu_state_emit_save          (WbpsEmuState *self,
                                               GKeyFile     *file);
void        wbps_emu_state_emit_event_added   (WbpsEmuState *self,
                                               WbpsEmuEvent *event);
/* Lowercase hex SHA-256: tables are keyed by it so no secret is a key. */
char       *wbps_emu_digest                   (const char   *value);
void        wbps_emu_fill_random              (guint8       *buf,
                                               gsize         len);

/* world: key-file parsing and the configured clients and users. */
GHashTable *wbps_emu_read_group               (GKeyFile     *kf,
                                               const char   *group);
gboolean    wbps_emu_parse_bool               (const char   *value,
                                               gboolean      fallback);
gint64      wbps_emu_parse_int                (const char   *value,
                                               gint64        fallback);
/* A list split on any of @separators, trimmed, empties dropped. */
GPtrArray  *wbps_emu_split_list               (const char   *value,
                                               const char   *separators);
void        wbps_emu_client_free              (WbpsEmuClient *client);
void        wbps_emu_user_free                (WbpsEmuUser   *user);
/* The demo world fills in whatever the key file leaves out (no clients, or no users). */
void        wbps_emu_state_load_world         (WbpsEmuState  *self);

/* clock */
gboolean    wbps_emu_state_load_clock_scale   (WbpsEmuState  *self,
                                               GError       **error);
/* Continues the clock from @emulated_ms, saved at real time @real_us by a previous run. */
void        wbps_emu_state_resume_clock       (WbpsEmuState  *self,
                                               gint64         emulated_ms,
                                               gint64         real_us);

/* replies: a flat OAuth error with an explicit HTTP status. */
void        wbps_emu_reply_oauth_error_status (WbpsEmuState      *self,
                                               SoupServerMessage *msg,
                                               guint              http_status,
                                               const char        *error,
                                               const char        *description);

/* grants */
GPtrArray  *wbps_emu_scopes_from_csv          (const char          *csv);
char       *wbps_emu_scopes_to_csv            (GPtrArray           *scopes);
void        wbps_emu_access_token_free        (WbpsEmuAccessToken  *token);
void        wbps_emu_refresh_token_free       (WbpsEmuRefreshToken *token);
void        wbps_emu_auth_code_free           (WbpsEmuAuthCode     *code);

/* events */
void        wbps_emu_event_free               (WbpsEmuEvent  *event);

/* persistence: runs once at startup, before the main loop serves anything. */
void        wbps_emu_state_restore            (WbpsEmuState  *self);

G_END_DECLS
