/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Key-file options beyond the team contract (all optional):
 *   [emulator] client-token-lifetime=7200, refresh-revokes-access=false (a refresh
 *     kills the grant's older access tokens), refresh-lifetime-resets=false (a
 *     refresh restarts refresh-lifetime instead of keeping the first expiry).
 *   [client:KEY] name= (shown on the consent page).
 *   [user:ID] union-id, avatar-url, bio-description, verified, follower-count,
 *     following-count, likes-count, video-count.
 * Durations the clients see (expires_in, refresh_expires_in) are converted to
 * real seconds, so a compressed clock also compresses what clients plan with.
 */
#include "wbps-emu-state.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#define RATE_WINDOW_MS (60 * 1000)
#define HOLDS_KEY "wbps-emu-holds"
#define FINISHED_KEY "wbps-emu-finished"

/* The built-in demo world, parsed exactly like a user's key file. */
static const char demo_world[] =
  "[client:wbps-demo]\n"
  "secret=wbps-demo-secret\n"
  "redirect-uris=http://127.0.0.1:*/callback/;http://localhost:*/callback/\n"
  "scopes=user.info.basic,user.info.profile,user.info.stats,video.publish,video.upload\n"
  "desktop=true\n"
  "sandbox=false\n"
  "audited=true\n"
  "[user:demo-creator]\n"
  "display-name=Demo Creator\n"
  "username=democreator\n"
  "bio-description=Posting from wbps demo mode.\n"
  "follower-count=1200\n"
  "following-count=87\n"
  "likes-count=34000\n"
  "video-count=42\n"
  "[user:demo-private]\n"
  "display-name=Private Demo\n"
  "username=demoprivate\n"
  "private=true\n";

struct _WbpsEmuState
{
  GObject     parent_instance;

  GKeyFile   *config;
  GKeyFile   *restored;
  char       *data_dir;
  char       *signed_in_user;
  gboolean    signed_in_switched;  /* changed at runtime: worth persisting */
  char       *base_url;

  GHashTable *options;         /* [emulator] key -> value */
  GHashTable *faults;          /* [faults] key -> value */
  GHashTable *user_options;    /* open_id -> (key -> value) */
  GHashTable *clients;         /* key -> WbpsEmuClient */
  GHashTable *users;           /* open_id -> WbpsEmuUser */

  GHashTable *access_tokens;   /* sha256(token) -> WbpsEmuAccessToken */
  GHashTable *refresh_tokens;  /* sha256(token) -> WbpsEmuRefreshToken */
  GHashTable *codes;           /* sha256(code) -> WbpsEmuAuthCode */
  GHashTable *grants;          /* sha256(access token) -> grant id */
  GHashTable *rate_windows;    /* bucket + sha256(token) -> GArray of gint64 */
  GPtrArray  *events;          /* WbpsEmuEvent */

  double      clock_scale;
  gint64      clock_base_ms;   /* emulated ms at clock_start_us */
  gint64      clock_start_us;  /* monotonic time the clock was anchored */

  guint       request_count;

  gboolean    persist;
  gboolean    saving;
  gboolean    save_again;
  GPtrArray  *save_waiters;    /* messages held for the running write */
  GPtrArray  *next_waiters;    /* messages held for the next write */
};

G_DEFINE_FINAL_TYPE (WbpsEmuState, wbps_emu_state, G_TYPE_OBJECT)

enum {
  SIGNAL_SAVE,
  SIGNAL_EVENT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- small helpers ---- */

static char *
digest (const char *value)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, value, -1);
}

static void
fill_random (guint8 *buf,
             gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      done += (gsize) n;
    }
}

/* Key-file values may carry an inline "  # comment" as in the documented example. */
static char *
clean_value (const char *raw)
{
  g_autofree char *value = g_strdup (raw);

  for (char *p = value; *p != '\0'; p++)
    if (*p == '#' && p > value && g_ascii_isspace (p[-1]))
      {
        *p = '\0';
        break;
      }
  return g_strdup (g_strstrip (value));
}

static GHashTable *
read_group (GKeyFile   *kf,
            const char *group)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *raw = g_key_file_get_string (kf, group, keys[i], NULL);

      if (raw != NULL)
        g_hash_table_insert (table, g_strdup (keys[i]), clean_value (raw));
    }
  return table;
}

static gboolean
parse_bool (const char *value,
            gboolean    fallback)
{
  if (value == NULL || *value == '\0')
    return fallback;
  if (g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "yes") == 0
      || strcmp (value, "1") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (value, "false") == 0 || g_ascii_strcasecmp (value, "no") == 0
      || strcmp (value, "0") == 0)
    return FALSE;
  return fallback;
}

static gint64
parse_int (const char *value,
           gint64      fallback)
{
  gint64 result;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &result, NULL))
    return fallback;
  return result;
}

/* A list split on any of @separators, trimmed, empties dropped. */
static GPtrArray *
split_list (const char *value,
            const char *separators)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = g_strsplit_set (value != NULL ? value : "", separators, -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);

      if (*item != '\0')
        g_ptr_array_add (list, g_strdup (item));
    }
  return list;
}

static GPtrArray *
scopes_from_csv (const char *csv)
{
  return split_list (csv, ",");
}

static char *
scopes_to_csv (GPtrArray *scopes)
{
  g_autoptr(GString) csv = g_string_new (NULL);

  for (guint i = 0; i < scopes->len; i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      g_string_append (csv, g_ptr_array_index (scopes, i));
    }
  return g_string_free (g_steal_pointer (&csv), FALSE);
}

/* ---- entity lifetimes ---- */

static void
client_free (WbpsEmuClient *client)
{
  g_free (client->key);
  g_free (client->secret);
  g_ptr_array_unref (client->redirect_uris);
  g_ptr_array_unref (client->scopes);
  g_ptr_array_unref (client->target_users);
  g_ptr_array_unref (client->verified_url_prefixes);
  g_free (client);
}

static void
user_free (WbpsEmuUser *user)
{
  g_free (user->open_id);
  g_free (user->union_id);
  g_free (user->username);
  g_free (user->display_name);
  g_free (user->avatar_url);
  g_free (user->bio_description);
  g_free (user->cap_state);
  g_free (user);
}

static void
access_token_free (WbpsEmuAccessToken *token)
{
  g_free (token->token);
  g_free (token->open_id);
  g_free (token->client_key);
  g_ptr_array_unref (token->scopes);
  g_free (token);
}

static void
refresh_token_free (WbpsEmuRefreshToken *token)
{
  g_free (token->token);
  g_free (token->grant_id);
  g_free (token->client_key);
  g_free (token->open_id);
  g_free (token->scope_csv);
  g_free (token);
}

static void
auth_code_free (WbpsEmuAuthCode *code)
{
  g_free (code->code);
  g_free (code->client_key);
  g_free (code->open_id);
  g_free (code->scope_csv);
  g_free (code->redirect_uri);
  g_free (code->code_challenge);
  g_free (code);
}

static void
event_free (WbpsEmuEvent *event)
{
  g_free (event->client_key);
  g_free (event->event);
  g_free (event->user_openid);
  g_free (event->content);
  g_free (event);
}

/* ---- configuration ---- */

static WbpsEmuClient *
client_from_group (const char *key,
                   GHashTable *group)
{
  WbpsEmuClient *client = g_new0 (WbpsEmuClient, 1);

  client->key = g_strdup (key);
  client->secret = g_strdup (g_hash_table_lookup (group, "secret"));
  client->redirect_uris = split_list (g_hash_table_lookup (group, "redirect-uris"), ";");
  client->scopes = split_list (g_hash_table_lookup (group, "scopes"), ",;");
  if (client->scopes->len == 0)
    g_ptr_array_add (client->scopes, g_strdup ("user.info.basic"));
  client->desktop = parse_bool (g_hash_table_lookup (group, "desktop"), TRUE);
  client->sandbox = parse_bool (g_hash_table_lookup (group, "sandbox"), FALSE);
  client->audited = parse_bool (g_hash_table_lookup (group, "audited"), TRUE);
  client->target_users = split_list (g_hash_table_lookup (group, "target-users"), ",;");
  client->verified_url_prefixes = split_list (g_hash_table_lookup (group, "verified-url-prefixes"), ";");
  return client;
}

static char *
username_from_open_id (const char *open_id)
{
  GString *name = g_string_new (NULL);

  for (const char *p = open_id; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '.' || *p == '_')
      g_string_append_c (name, g_ascii_tolower (*p));
  return g_string_free (name, FALSE);
}

static char *
group_string (GHashTable *group,
              const char *key,
              const char *fallback)
{
  const char *value = g_hash_table_lookup (group, key);

  return g_strdup (value != NULL && *value != '\0' ? value : fallback);
}

static WbpsEmuUser *
user_from_group (const char *open_id,
                 GHashTable *group)
{
  WbpsEmuUser *user = g_new0 (WbpsEmuUser, 1);
  g_autofree char *username = username_from_open_id (open_id);
  g_autofree char *union_id = g_strconcat ("union-", open_id, NULL);

  user->open_id = g_strdup (open_id);
  user->union_id = group_string (group, "union-id", union_id);
  user->username = group_string (group, "username", username);
  user->display_name = group_string (group, "display-name", open_id);
  user->avatar_url = group_string (group, "avatar-url", NULL);
  user->bio_description = group_string (group, "bio-description", "");
  user->is_private = parse_bool (g_hash_table_lookup (group, "private"), FALSE);
  user->banned = parse_bool (g_hash_table_lookup (group, "banned"), FALSE);
  user->comment_disabled = parse_bool (g_hash_table_lookup (group, "comment-disabled"), FALSE);
  user->duet_disabled = parse_bool (g_hash_table_lookup (group, "duet-disabled"), FALSE);
  user->stitch_disabled = parse_bool (g_hash_table_lookup (group, "stitch-disabled"), FALSE);
  user->max_video_post_duration_sec = parse_int (g_hash_table_lookup (group, "max-video-post-duration-sec"), 600);
  user->daily_post_cap = parse_int (g_hash_table_lookup (group, "daily-post-cap"), 15);
  user->cap_state = group_string (group, "cap-state", NULL);
  return user;
}

/* Loads every [client:KEY] or [user:ID] group of @kf; returns how many. */
static guint
load_entities (WbpsEmuState *self,
               GKeyFile     *kf,
               const char   *prefix)
{
  g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);
  guint count = 0;

  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *id = groups[i] + strlen (prefix);
      GHashTable *group;

      if (!g_str_has_prefix (groups[i], prefix) || *id == '\0')
        continue;
      group = read_group (kf, groups[i]);
      if (g_str_equal (prefix, "client:"))
        g_hash_table_replace (self->clients, g_strdup (id), client_from_group (id, group));
      else
        {
          g_hash_table_replace (self->users, g_strdup (id), user_from_group (id, group));
          g_hash_table_replace (self->user_options, g_strdup (id), g_hash_table_ref (group));
        }
      g_hash_table_unref (group);
      count++;
    }
  return count;
}

/* The demo world fills in whatever the key file leaves out (no clients, or no users). */
static void
load_world (WbpsEmuState *self)
{
  g_autoptr(GKeyFile) demo = g_key_file_new ();

  g_key_file_load_from_data (demo, demo_world, -1, G_KEY_FILE_NONE, NULL);
  if (load_entities (self, self->config, "client:") == 0)
    load_entities (self, demo, "client:");
  if (load_entities (self, self->config, "user:") == 0)
    load_entities (self, demo, "user:");
}

/* ---- GObject ---- */

static void
wbps_emu_state_finalize (GObject *object)
{
  WbpsEmuState *self = (WbpsEmuState *) object;

  g_clear_pointer (&self->config, g_key_file_unref);
  g_clear_pointer (&self->restored, g_key_file_unref);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->signed_in_user, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->options, g_hash_table_unref);
  g_clear_pointer (&self->faults, g_hash_table_unref);
  g_clear_pointer (&self->user_options, g_hash_table_unref);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->grants, g_hash_table_unref);
  g_clear_pointer (&self->rate_windows, g_hash_table_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->save_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (wbps_emu_state_parent_class)->finalize (object);
}

static void
wbps_emu_state_class_init (WbpsEmuStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_emu_state_finalize;

  /* Lets other parts (posting tasks) add their groups to state.ini. */
  signals[SIGNAL_SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_KEY_FILE | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* A WbpsEmuEvent* owned by the state, for webhook delivery. */
  signals[SIGNAL_EVENT_ADDED] =
    g_signal_new ("event-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
wbps_emu_state_init (WbpsEmuState *self)
{
  self->user_options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_hash_table_unref);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) client_free);
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) user_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) access_token_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) refresh_token_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) auth_code_free);
  self->grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rate_windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_array_unref);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  self->save_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->clock_scale = 1.0;
  self->clock_start_us = g_get_monotonic_time ();
  self->clock_base_ms = g_get_real_time () / 1000;
}

static void restore_state (WbpsEmuState *self);

static gboolean
parse_clock_scale (WbpsEmuState  *self,
                   GError       **error)
{
  const char *value = g_hash_table_lookup (self->options, "clock-scale");
  char *end = NULL;

  if (value == NULL || *value == '\0')
    return TRUE;
  self->clock_scale = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0' || !(self->clock_scale > 0))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "clock-scale must be a positive number, not '%s'", value);
      return FALSE;
    }
  return TRUE;
}

WbpsEmuState *
wbps_emu_state_new (GKeyFile    *key_file,
                    const char  *data_dir,
                    GError     **error)
{
  g_autoptr(WbpsEmuState) self = g_object_new (WBPS_TYPE_EMU_STATE, NULL);

  g_return_val_if_fail (data_dir != NULL, NULL);

  self->config = key_file != NULL ? g_key_file_ref (key_file) : g_key_file_new ();
  self->data_dir = g_strdup (data_dir);
  self->options = read_group (self->config, "emulator");
  self->faults = read_group (self->config, "faults");
  if (!parse_clock_scale (self, error))
    return NULL;
  load_world (self);
  self->signed_in_user = g_strdup (wbps_emu_state_get_string (self, "signed-in-user", "demo-creator"));
  self->signed_in_switched = FALSE;
  self->persist = wbps_emu_state_get_bool (self, "persist", FALSE);
  if (self->persist)
    restore_state (self);
  return g_steal_pointer (&self);
}

/* ---- clock ---- */

gint64
wbps_emu_state_now_ms (WbpsEmuState *self)
{
  gint64 elapsed_us = g_get_monotonic_time () - self->clock_start_us;

  return self->clock_base_ms + (gint64) (elapsed_us / 1000.0 * self->clock_scale);
}

double
wbps_emu_state_get_clock_scale (WbpsEmuState *self)
{
  return self->clock_scale;
}

guint
wbps_emu_state_timeout_add (WbpsEmuState   *self,
                            gint64          emulated_ms,
                            GSourceFunc     func,
                            gpointer        data,
                            GDestroyNotify  notify)
{
  double real_ms = MAX (emulated_ms, 0) / self->clock_scale;

  return g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) MIN (real_ms, (double) G_MAXUINT),
                             func, data, notify);
}

gint64
wbps_emu_state_to_real_seconds (WbpsEmuState *self,
                                gint64        emulated_seconds)
{
  gint64 real = (gint64) (emulated_seconds / self->clock_scale);

  /* A living token must never be reported as already expired. */
  return emulated_seconds > 0 ? MAX (real, 1) : real;
}

/* ---- options ---- */

const char *
wbps_emu_state_get_data_dir (WbpsEmuState *self)
{
  return self->data_dir;
}

GKeyFile *
wbps_emu_state_get_config (WbpsEmuState *self)
{
  return self->config;
}

WbpsEmuClient *
wbps_emu_state_get_client (WbpsEmuState *self,
                           const char   *client_key)
{
  return client_key != NULL ? g_hash_table_lookup (self->clients, client_key) : NULL;
}

WbpsEmuUser *
wbps_emu_state_get_user (WbpsEmuState *self,
                         const char   *open_id)
{
  return open_id != NULL ? g_hash_table_lookup (self->users, open_id) : NULL;
}

gint64
wbps_emu_state_get_int (WbpsEmuState *self,
                        const char   *key,
                        gint64        fallback)
{
  return parse_int (g_hash_table_lookup (self->options, key), fallback);
}

gboolean
wbps_emu_state_get_bool (WbpsEmuState *self,
                         const char   *key,
                         gboolean      fallback)
{
  return parse_bool (g_hash_table_lookup (self->options, key), fallback);
}

const char *
wbps_emu_state_get_string (WbpsEmuState *self,
                           const char   *key,
                           const char   *fallback)
{
  const char *value = g_hash_table_lookup (self->options, key);

  return value != NULL && *value != '\0' ? value : fallback;
}

const char *
wbps_emu_state_get_fault (WbpsEmuState *self,
                          const char   *key)
{
  const char *value = g_hash_table_lookup (self->faults, key);

  return value != NULL && *value != '\0' ? value : NULL;
}

const char *
wbps_emu_state_get_user_option (WbpsEmuState *self,
                                const char   *open_id,
                                const char   *key)
{
  GHashTable *group = open_id != NULL ? g_hash_table_lookup (self->user_options, open_id) : NULL;
  const char *value = group != NULL ? g_hash_table_lookup (group, key) : NULL;

  return value != NULL && *value != '\0' ? value : NULL;
}

const char *
wbps_emu_state_get_signed_in_user (WbpsEmuState *self)
{
  return self->signed_in_user;
}

void
wbps_emu_state_set_signed_in_user (WbpsEmuState *self,
                                   const char   *open_id)
{
  g_free (self->signed_in_user);
  self->signed_in_user = g_strdup (open_id);
  self->signed_in_switched = TRUE;
}

const char *
wbps_emu_state_get_base_url (WbpsEmuState *self)
{
  return self->base_url;
}

void
wbps_emu_state_set_base_url (WbpsEmuState *self,
                             const char   *base_url)
{
  GHashTableIter iter;
  gpointer value;

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_hash_table_iter_init (&iter, self->users);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WbpsEmuUser *user = value;
      g_autofree char *escaped = NULL;

      if (user->avatar_url != NULL)
        continue;
      escaped = g_uri_escape_string (user->open_id, NULL, FALSE);
      user->avatar_url = g_strdup_printf ("%s/emulator/avatar/%s.svg", base_url, escaped);
    }
}

/* ---- comparisons ---- */

gboolean
wbps_emu_secure_equal (const char *a,
                       const char *b)
{
  gsize len_a = strlen (a), len_b = strlen (b);
  guint8 diff = len_a != len_b;

  /* Always walks all of @a, whatever matches, so timing tells nothing about @b. */
  for (gsize i = 0; i < len_a; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i % MAX (len_b, 1)];
  return diff == 0;
}

/* ---- random material ---- */

char *
wbps_emu_state_new_log_id (WbpsEmuState *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d%H%M%S");
  guint8 bytes[10];
  GString *id = g_string_new (stamp);

  fill_random (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (id, "%02X", bytes[i]);
  return g_string_free (id, FALSE);
}

char *
wbps_emu_state_new_secret (WbpsEmuState *self,
                           const char   *prefix)
{
  guint8 bytes[32];
  g_autofree char *b64 = NULL;
  GString *secret = g_string_new (prefix);

  fill_random (bytes, sizeof bytes);
  b64 = g_base64_encode (bytes, sizeof bytes);
  for (const char *p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (secret, '-');
      else if (*p == '/')
        g_string_append_c (secret, '_');
      else if (*p != '=')
        g_string_append_c (secret, *p);
    }
  explicit_bzero (bytes, sizeof bytes);
  return g_string_free (secret, FALSE);
}

/* ---- replies ---- */

static void
set_json_body (WbpsEmuState      *self,
               SoupServerMessage *msg,
               guint              http_status,
               JsonNode          *node,
               const char        *log_id)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  char *text;
  gsize length;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, http_status, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (log_id != NULL)
    soup_message_headers_replace (headers, "X-Tt-Logid", log_id);
  soup_server_message_set_response (msg, "application/json; charset=UTF-8", SOUP_MEMORY_TAKE, text, length);
}

void
wbps_emu_reply_v2 (WbpsEmuState      *self,
                   SoupServerMessage *msg,
                   guint              http_status,
                   JsonNode          *data,
                   const char        *code,
                   const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *log_id = wbps_emu_state_new_log_id (self);

  if (data == NULL)
    data = json_node_init_object (json_node_alloc (), json_object_new ());
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_add_value (builder, data);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code != NULL ? code : "ok");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message != NULL ? message : "");
  json_builder_set_member_name (builder, "log_id");
  json_builder_add_string_value (builder, log_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  set_json_body (self, msg, http_status, root, log_id);
}

static void
reply_oauth_error_status (WbpsEmuState      *self,
                          SoupServerMessage *msg,
                          guint              http_status,
                          const char        *error,
                          const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *log_id = wbps_emu_state_new_log_id (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description != NULL ? description : "");
  json_builder_set_member_name (builder, "log_id");
  json_builder_add_string_value (builder, log_id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  set_json_body (self, msg, http_status, root, log_id);
}

void
wbps_emu_reply_oauth_error (WbpsEmuState      *self,
                            SoupServerMessage *msg,
                            const char        *error,
                            const char        *description)
{
  guint status = wbps_emu_state_get_int (self, "oauth-error-status", SOUP_STATUS_OK);

  reply_oauth_error_status (self, msg, status, error, description);
}

void
wbps_emu_reply_json (WbpsEmuState      *self,
                     SoupServerMessage *msg,
                     guint              http_status,
                     JsonNode          *node)
{
  g_autoptr(JsonNode) owned = node;
  g_autofree char *log_id = wbps_emu_state_new_log_id (self);

  set_json_body (self, msg, http_status, owned, log_id);
}

/* A refusal in the envelope of the endpoint family of @msg's path. */
static void
reply_refusal_for_path (WbpsEmuState      *self,
                        SoupServerMessage *msg,
                        guint              http_status,
                        const char        *message)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (g_str_has_prefix (path, "/v2/oauth/"))
    reply_oauth_error_status (self, msg, http_status, "invalid_request", message);
  else if (g_str_has_prefix (path, "/v2/") && !g_str_has_prefix (path, "/v2/auth/"))
    wbps_emu_reply_v2 (self, msg, http_status, NULL, "invalid_params", message);
  else
    {
      soup_server_message_set_status (msg, http_status, NULL);
      soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY,
                                        message, strlen (message));
    }
}

void
wbps_emu_reply_method_not_allowed (WbpsEmuState      *self,
                                   SoupServerMessage *msg,
                                   const char        *allowed)
{
  g_autofree char *message = g_strdup_printf ("This endpoint only accepts %s requests.", allowed);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  reply_refusal_for_path (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, message);
}

gboolean
wbps_emu_refuse_large_body (WbpsEmuState      *self,
                            SoupServerMessage *msg,
                            goffset            limit)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      soup_message_headers_get_content_length (headers) <= limit)
    return FALSE;
  reply_refusal_for_path (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "The request body is too large.");
  return TRUE;
}

gboolean
wbps_emu_require_method (WbpsEmuState      *self,
                         SoupServerMessage *msg,
                         const char        *method)
{
  if (g_str_equal (soup_server_message_get_method (msg), method))
    return TRUE;
  wbps_emu_reply_method_not_allowed (self, msg, method);
  return FALSE;
}

/* ---- tokens, codes, grants ---- */

/* Entries restored from disk only know the hash; the first presentation teaches the value. */
static void
learn_value (char       **field,
             const char  *value)
{
  if (g_strcmp0 (*field, value) != 0)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

WbpsEmuAccessToken *
wbps_emu_state_lookup_token (WbpsEmuState *self,
                             const char   *token)
{
  g_autofree char *hash = NULL;
  WbpsEmuAccessToken *found;

  if (token == NULL || *token == '\0')
    return NULL;
  hash = digest (token);
  found = g_hash_table_lookup (self->access_tokens, hash);
  if (found != NULL)
    learn_value (&found->token, token);
  return found;
}

WbpsEmuAccessToken *
wbps_emu_state_issue_access_token (WbpsEmuState *self,
                                   const char   *client_key,
                                   const char   *open_id,
                                   const char   *scope_csv)
{
  WbpsEmuAccessToken *token = g_new0 (WbpsEmuAccessToken, 1);
  gint64 lifetime = open_id != NULL
    ? wbps_emu_state_get_int (self, "access-lifetime", 86400)
    : wbps_emu_state_get_int (self, "client-token-lifetime", 7200);

  token->token = wbps_emu_state_new_secret (self, open_id != NULL ? "act." : "clt.");
  token->open_id = g_strdup (open_id);
  token->client_key = g_strdup (client_key);
  token->scopes = scopes_from_csv (scope_csv);
  token->expires_at_ms = wbps_emu_state_now_ms (self) + lifetime * 1000;
  g_hash_table_insert (self->access_tokens, digest (token->token), token);
  return token;
}

WbpsEmuAuthCode *
wbps_emu_state_issue_code (WbpsEmuState *self,
                           const char   *client_key,
                           const char   *open_id,
                           const char   *scope_csv,
                           const char   *redirect_uri,
                           const char   *code_challenge)
{
  WbpsEmuAuthCode *code = g_new0 (WbpsEmuAuthCode, 1);
  g_autofree char *body = wbps_emu_state_new_secret (self, NULL);
  guint8 tail[3];

  /* Real codes end like "…BELY*0!6410": keep the characters that need URL-encoding. */
  fill_random (tail, sizeof tail);
  code->code = g_strdup_printf ("%s*%u!%04u", body, tail[0] % 4, (tail[1] << 8 | tail[2]) % 10000);
  code->client_key = g_strdup (client_key);
  code->open_id = g_strdup (open_id);
  code->scope_csv = g_strdup (scope_csv);
  code->redirect_uri = g_strdup (redirect_uri);
  code->code_challenge = g_strdup (code_challenge);
  code->expires_at_ms = wbps_emu_state_now_ms (self)
                        + wbps_emu_state_get_int (self, "code-lifetime", 600) * 1000;
  g_hash_table_insert (self->codes, digest (code->code), code);
  return code;
}

WbpsEmuAuthCode *
wbps_emu_state_lookup_code (WbpsEmuState *self,
                            const char   *code)
{
  g_autofree char *hash = NULL;
  WbpsEmuAuthCode *found;

  if (code == NULL || *code == '\0')
    return NULL;
  hash = digest (code);
  found = g_hash_table_lookup (self->codes, hash);
  if (found != NULL)
    learn_value (&found->code, code);
  return found;
}

WbpsEmuRefreshToken *
wbps_emu_state_issue_refresh_token (WbpsEmuState *self,
                                    const char   *grant_id,
                                    const char   *client_key,
                                    const char   *open_id,
                                    const char   *scope_csv,
                                    gint64        expires_at_ms)
{
  WbpsEmuRefreshToken *token = g_new0 (WbpsEmuRefreshToken, 1);

  token->token = wbps_emu_state_new_secret (self, "rft.");
  token->grant_id = g_strdup (grant_id);
  token->client_key = g_strdup (client_key);
  token->open_id = g_strdup (open_id);
  token->scope_csv = g_strdup (scope_csv);
  token->expires_at_ms = expires_at_ms;
  g_hash_table_insert (self->refresh_tokens, digest (token->token), token);
  return token;
}

WbpsEmuRefreshToken *
wbps_emu_state_lookup_refresh_token (WbpsEmuState *self,
                                     const char   *token)
{
  g_autofree char *hash = NULL;
  WbpsEmuRefreshToken *found;

  if (token == NULL || *token == '\0')
    return NULL;
  hash = digest (token);
  found = g_hash_table_lookup (self->refresh_tokens, hash);
  if (found != NULL)
    learn_value (&found->token, token);
  return found;
}

void
wbps_emu_state_bind_grant (WbpsEmuState *self,
                           const char   *access_token,
                           const char   *grant_id)
{
  g_hash_table_replace (self->grants, digest (access_token), g_strdup (grant_id));
}

const char *
wbps_emu_state_get_grant (WbpsEmuState *self,
                          const char   *access_token)
{
  g_autofree char *hash = digest (access_token);

  return g_hash_table_lookup (self->grants, hash);
}

void
wbps_emu_state_revoke_grant (WbpsEmuState *self,
                             const char   *grant_id)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->refresh_tokens);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (((WbpsEmuRefreshToken *) value)->grant_id, grant_id) == 0)
      ((WbpsEmuRefreshToken *) value)->revoked = TRUE;

  g_hash_table_iter_init (&iter, self->grants);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      WbpsEmuAccessToken *token = g_hash_table_lookup (self->access_tokens, key);

      if (token != NULL && g_strcmp0 (value, grant_id) == 0)
        token->revoked = TRUE;
    }
}

/* ---- events ---- */

void
wbps_emu_state_add_event (WbpsEmuState *self,
                          const char   *client_key,
                          const char   *event_name,
                          const char   *user_openid,
                          const char   *content_json)
{
  WbpsEmuEvent *event = g_new0 (WbpsEmuEvent, 1);

  event->client_key = g_strdup (client_key);
  event->event = g_strdup (event_name);
  event->user_openid = g_strdup (user_openid);
  event->create_time = wbps_emu_state_now_ms (self) / 1000;
  event->content = g_strdup (content_json);
  g_ptr_array_add (self->events, event);
  g_signal_emit (self, signals[SIGNAL_EVENT_ADDED], 0, event);
}

GPtrArray *
wbps_emu_state_get_events (WbpsEmuState *self)
{
  return self->events;
}

/* ---- v2 authentication and rate limits ---- */

static const char *
bearer_value (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *header = soup_message_headers_get_one (headers, "Authorization");
  const char *value;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", strlen ("Bearer ")) != 0)
    return NULL;
  value = header + strlen ("Bearer ");
  while (*value == ' ')
    value++;
  if (*value == '\0' || strchr (value, ' ') != NULL)
    return NULL;
  return value;
}

static gboolean
token_has_any_scope (WbpsEmuAccessToken *token,
                     const char         *scope_list)
{
  g_autoptr(GPtrArray) wanted = scopes_from_csv (scope_list);

  for (guint i = 0; i < wanted->len; i++)
    for (guint j = 0; j < token->scopes->len; j++)
      if (g_str_equal (g_ptr_array_index (wanted, i), g_ptr_array_index (token->scopes, j)))
        return TRUE;
  return wanted->len == 0;
}

WbpsEmuAccessToken *
wbps_emu_authenticate (WbpsEmuState      *self,
                       SoupServerMessage *msg,
                       const char        *scope)
{
  WbpsEmuAccessToken *token = wbps_emu_state_lookup_token (self, bearer_value (msg));

  /* Client tokens (clt.) are not valid on user endpoints (checklist rule 17). */
  if (token == NULL || token->revoked || token->open_id == NULL
      || token->expires_at_ms <= wbps_emu_state_now_ms (self))
    {
      wbps_emu_reply_v2 (self, msg, SOUP_STATUS_UNAUTHORIZED, NULL, "access_token_invalid",
                         "The access token is invalid or not found in the request.");
      return NULL;
    }
  if (scope != NULL && !token_has_any_scope (token, scope))
    {
      wbps_emu_reply_v2 (self, msg, SOUP_STATUS_UNAUTHORIZED, NULL, "scope_not_authorized",
                         "The user did not authorize the scope required for completing this request.");
      return NULL;
    }
  return token;
}

gboolean
wbps_emu_rate_limit (WbpsEmuState      *self,
                     SoupServerMessage *msg,
                     const char        *bucket,
                     const char        *token,
                     guint              per_minute)
{
  g_autofree char *hash = digest (token != NULL ? token : "");
  g_autofree char *key = g_strconcat (bucket, "\n", hash, NULL);
  gint64 now = wbps_emu_state_now_ms (self);
  GArray *window = g_hash_table_lookup (self->rate_windows, key);
  guint expired = 0;

  if (window == NULL)
    {
      window = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->rate_windows, g_steal_pointer (&key), window);
    }
  while (expired < window->len && g_array_index (window, gint64, expired) <= now - RATE_WINDOW_MS)
    expired++;
  g_array_remove_range (window, 0, expired);
  if (window->len >= per_minute)
    {
      g_autofree char *message = g_strdup_printf ("The API rate limit was exceeded: at most %u requests per minute.",
                                                  per_minute);

      wbps_emu_reply_v2 (self, msg, 429 /* Too Many Requests */, NULL, "rate_limit_exceeded", message);
      return FALSE;
    }
  g_array_append_val (window, now);
  return TRUE;
}

/* ---- holding replies ---- */

static void
message_finished_cb (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), FINISHED_KEY, GINT_TO_POINTER (TRUE));
}

void
wbps_emu_state_hold_reply (WbpsEmuState      *self,
                           SoupServerMessage *msg)
{
  guint holds = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), HOLDS_KEY));

  if (g_object_get_data (G_OBJECT (msg), FINISHED_KEY) != NULL)
    return;
  if (holds == 0)
    {
      if (g_object_get_data (G_OBJECT (msg), "wbps-emu-watched") == NULL)
        {
          g_object_set_data (G_OBJECT (msg), "wbps-emu-watched", GINT_TO_POINTER (TRUE));
          g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), NULL);
        }
      soup_server_message_pause (msg);
    }
  g_object_set_data (G_OBJECT (msg), HOLDS_KEY, GUINT_TO_POINTER (holds + 1));
}

void
wbps_emu_state_release_reply (WbpsEmuState      *self,
                              SoupServerMessage *msg)
{
  guint holds = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), HOLDS_KEY));

  if (holds == 0)
    return;
  g_object_set_data (G_OBJECT (msg), HOLDS_KEY, GUINT_TO_POINTER (holds - 1));
  /* Unpausing a message whose connection is gone would be a critical in libsoup. */
  if (holds == 1 && g_object_get_data (G_OBJECT (msg), FINISHED_KEY) == NULL)
    soup_server_message_unpause (msg);
}

/* ---- fault injection ---- */

typedef struct {
  WbpsEmuState      *state;
  SoupServerMessage *msg;
} HeldReply;

static void
held_reply_free (HeldReply *held)
{
  g_object_unref (held->state);
  g_object_unref (held->msg);
  g_free (held);
}

static gboolean
slow_reply_done_cb (gpointer data)
{
  HeldReply *held = data;

  wbps_emu_state_release_reply (held->state, held->msg);
  return G_SOURCE_REMOVE;
}

static void
delay_reply (WbpsEmuState      *self,
             SoupServerMessage *msg,
             guint              delay_ms)
{
  HeldReply *held = g_new0 (HeldReply, 1);

  held->state = g_object_ref (self);
  held->msg = g_object_ref (msg);
  wbps_emu_state_hold_reply (self, msg);
  g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, slow_reply_done_cb, held,
                      (GDestroyNotify) held_reply_free);
}

static gboolean
request_number_listed (const char *list,
                       guint       number)
{
  g_autoptr(GPtrArray) numbers = split_list (list, ",; ");

  for (guint i = 0; i < numbers->len; i++)
    if (parse_int (g_ptr_array_index (numbers, i), -1) == number)
      return TRUE;
  return FALSE;
}

gboolean
wbps_emu_state_inject_faults (WbpsEmuState      *self,
                              SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  const char *fail_path = wbps_emu_state_get_fault (self, "fail-path");
  const char *fail_list = wbps_emu_state_get_fault (self, "fail-request-n");
  gint64 slow_ms = parse_int (wbps_emu_state_get_fault (self, "slow-ms"), 0);
  guint status;

  if (slow_ms > 0)
    delay_reply (self, msg, (guint) MIN (slow_ms, G_MAXUINT));
  if (fail_path != NULL && !g_str_has_prefix (path, fail_path))
    return FALSE;
  self->request_count++;
  if (fail_list == NULL || !request_number_listed (fail_list, self->request_count))
    return FALSE;

  status = parse_int (wbps_emu_state_get_fault (self, "fail-status"), SOUP_STATUS_SERVICE_UNAVAILABLE);
  if (g_str_has_prefix (path, "/v2/oauth/"))
    reply_oauth_error_status (self, msg, status, "temporarily_unavailable",
                              "The server is temporarily unavailable (injected fault).");
  else
    wbps_emu_reply_v2 (self, msg, status, NULL, "internal_error",
                       "The server is temporarily unavailable (injected fault).");
  return TRUE;
}

/* ---- persistence ---- */

gboolean
wbps_emu_state_get_persist (WbpsEmuState *self)
{
  return self->persist;
}

GKeyFile *
wbps_emu_state_get_restored (WbpsEmuState *self)
{
  return self->restored;
}

static char *
state_path (WbpsEmuState *self)
{
  return g_build_filename (self->data_dir, "state.ini", NULL);
}

static void
save_access_tokens (WbpsEmuState *self,
                    GKeyFile     *kf,
                    gint64        now)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      WbpsEmuAccessToken *token = value;
      g_autofree char *group = g_strconcat ("access:", (char *) key, NULL);
      g_autofree char *scopes = scopes_to_csv (token->scopes);
      const char *grant = g_hash_table_lookup (self->grants, key);

      if (token->expires_at_ms <= now)
        continue;
      g_key_file_set_string (kf, group, "client-key", token->client_key);
      if (token->open_id != NULL)
        g_key_file_set_string (kf, group, "open-id", token->open_id);
      if (grant != NULL)
        g_key_file_set_string (kf, group, "grant", grant);
      g_key_file_set_string (kf, group, "scopes", scopes);
      g_key_file_set_int64 (kf, group, "expires-at-ms", token->expires_at_ms);
      g_key_file_set_boolean (kf, group, "revoked", token->revoked);
    }
}

static void
save_refresh_tokens (WbpsEmuState *self,
                     GKeyFile     *kf,
                     gint64        now)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->refresh_tokens);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      WbpsEmuRefreshToken *token = value;
      g_autofree char *group = g_strconcat ("refresh:", (char *) key, NULL);

      if (token->expires_at_ms <= now)
        continue;
      g_key_file_set_string (kf, group, "grant", token->grant_id);
      g_key_file_set_string (kf, group, "client-key", token->client_key);
      g_key_file_set_string (kf, group, "open-id", token->open_id);
      g_key_file_set_string (kf, group, "scopes", token->scope_csv);
      g_key_file_set_int64 (kf, group, "expires-at-ms", token->expires_at_ms);
      g_key_file_set_boolean (kf, group, "revoked", token->revoked);
    }
}

static void
save_codes (WbpsEmuState *self,
            GKeyFile     *kf,
            gint64        now)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      WbpsEmuAuthCode *code = value;
      g_autofree char *group = g_strconcat ("code:", (char *) key, NULL);

      if (code->expires_at_ms <= now)
        continue;
      g_key_file_set_string (kf, group, "client-key", code->client_key);
      g_key_file_set_string (kf, group, "open-id", code->open_id);
      g_key_file_set_string (kf, group, "scopes", code->scope_csv);
      g_key_file_set_string (kf, group, "redirect-uri", code->redirect_uri);
      if (code->code_challenge != NULL)
        g_key_file_set_string (kf, group, "code-challenge", code->code_challenge);
      g_key_file_set_int64 (kf, group, "expires-at-ms", code->expires_at_ms);
      g_key_file_set_boolean (kf, group, "used", code->used);
    }
}

/* Only hashes of tokens and codes are written: the file never holds a usable secret. */
static GKeyFile *
build_state_file (WbpsEmuState *self)
{
  GKeyFile *kf = g_key_file_new ();
  gint64 now = wbps_emu_state_now_ms (self);

  g_key_file_set_int64 (kf, "clock", "emulated-ms", now);
  g_key_file_set_int64 (kf, "clock", "real-us", g_get_real_time ());
  if (self->signed_in_switched)
    g_key_file_set_string (kf, "session", "signed-in-user", self->signed_in_user);
  save_access_tokens (self, kf, now);
  save_refresh_tokens (self, kf, now);
  save_codes (self, kf, now);
  g_signal_emit (self, signals[SIGNAL_SAVE], 0, kf);
  return kf;
}

static void start_save (WbpsEmuState *self);

static void
save_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(WbpsEmuState) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_printerr ("wbps-emulator: could not save state: %s\n", error->message);
  for (guint i = 0; i < self->save_waiters->len; i++)
    wbps_emu_state_release_reply (self, g_ptr_array_index (self->save_waiters, i));
  g_ptr_array_set_size (self->save_waiters, 0);
  self->saving = FALSE;
  if (self->save_again)
    start_save (self);
}

/* One write at a time, so an older snapshot can never overwrite a newer one. */
static void
start_save (WbpsEmuState *self)
{
  g_autoptr(GKeyFile) kf = build_state_file (self);
  g_autofree char *path = state_path (self);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  char *data = g_key_file_to_data (kf, &length, NULL);

  bytes = g_bytes_new_take (data, length);
  self->saving = TRUE;
  self->save_again = FALSE;
  g_ptr_array_extend_and_steal (self->save_waiters, g_steal_pointer (&self->next_waiters));
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                       save_written_cb, g_object_ref (self));
}

void
wbps_emu_state_persist (WbpsEmuState      *self,
                        SoupServerMessage *msg)
{
  if (!self->persist)
    return;
  if (msg != NULL)
    {
      wbps_emu_state_hold_reply (self, msg);
      g_ptr_array_add (self->next_waiters, g_object_ref (msg));
    }
  if (self->saving)
    self->save_again = TRUE;
  else
    start_save (self);
}

static void
restore_access_token (WbpsEmuState *self,
                      GKeyFile     *kf,
                      const char   *group,
                      const char   *hash)
{
  WbpsEmuAccessToken *token = g_new0 (WbpsEmuAccessToken, 1);
  g_autofree char *scopes = g_key_file_get_string (kf, group, "scopes", NULL);
  g_autofree char *grant = g_key_file_get_string (kf, group, "grant", NULL);

  token->token = g_strdup (hash);
  token->client_key = g_key_file_get_string (kf, group, "client-key", NULL);
  token->open_id = g_key_file_get_string (kf, group, "open-id", NULL);
  token->scopes = scopes_from_csv (scopes);
  token->expires_at_ms = g_key_file_get_int64 (kf, group, "expires-at-ms", NULL);
  token->revoked = g_key_file_get_boolean (kf, group, "revoked", NULL);
  g_hash_table_replace (self->access_tokens, g_strdup (hash), token);
  if (grant != NULL)
    g_hash_table_replace (self->grants, g_strdup (hash), g_steal_pointer (&grant));
}

static void
restore_refresh_token (WbpsEmuState *self,
                       GKeyFile     *kf,
                       const char   *group,
                       const char   *hash)
{
  WbpsEmuRefreshToken *token = g_new0 (WbpsEmuRefreshToken, 1);

  token->token = g_strdup (hash);
  token->grant_id = g_key_file_get_string (kf, group, "grant", NULL);
  token->client_key = g_key_file_get_string (kf, group, "client-key", NULL);
  token->open_id = g_key_file_get_string (kf, group, "open-id", NULL);
  token->scope_csv = g_key_file_get_string (kf, group, "scopes", NULL);
  token->expires_at_ms = g_key_file_get_int64 (kf, group, "expires-at-ms", NULL);
  token->revoked = g_key_file_get_boolean (kf, group, "revoked", NULL);
  g_hash_table_replace (self->refresh_tokens, g_strdup (hash), token);
}

static void
restore_code (WbpsEmuState *self,
              GKeyFile     *kf,
              const char   *group,
              const char   *hash)
{
  WbpsEmuAuthCode *code = g_new0 (WbpsEmuAuthCode, 1);

  code->code = g_strdup (hash);
  code->client_key = g_key_file_get_string (kf, group, "client-key", NULL);
  code->open_id = g_key_file_get_string (kf, group, "open-id", NULL);
  code->scope_csv = g_key_file_get_string (kf, group, "scopes", NULL);
  code->redirect_uri = g_key_file_get_string (kf, group, "redirect-uri", NULL);
  code->code_challenge = g_key_file_get_string (kf, group, "code-challenge", NULL);
  code->expires_at_ms = g_key_file_get_int64 (kf, group, "expires-at-ms", NULL);
  code->used = g_key_file_get_boolean (kf, group, "used", NULL);
  g_hash_table_replace (self->codes, g_strdup (hash), code);
}

/* The emulated clock continues from where the previous run left it. */
static void
restore_clock (WbpsEmuState *self,
               GKeyFile     *kf)
{
  gint64 emulated_ms = g_key_file_get_int64 (kf, "clock", "emulated-ms", NULL);
  gint64 real_us = g_key_file_get_int64 (kf, "clock", "real-us", NULL);
  gint64 away_us = g_get_real_time () - real_us;

  if (emulated_ms <= 0 || real_us <= 0 || away_us < 0)
    return;
  self->clock_start_us = g_get_monotonic_time ();
  self->clock_base_ms = emulated_ms + (gint64) (away_us / 1000.0 * self->clock_scale);
}

/* Runs once at startup, before the main loop serves anything. */
static void
restore_state (WbpsEmuState *self)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = state_path (self);
  g_autofree char *user = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return;
  restore_clock (self, kf);
  user = g_key_file_get_string (kf, "session", "signed-in-user", NULL);
  if (user != NULL)
    wbps_emu_state_set_signed_in_user (self, user);
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *group = groups[i];

      if (g_str_has_prefix (group, "access:"))
        restore_access_token (self, kf, group, group + strlen ("access:"));
      else if (g_str_has_prefix (group, "refresh:"))
        restore_refresh_token (self, kf, group, group + strlen ("refresh:"));
      else if (g_str_has_prefix (group, "code:"))
        restore_code (self, kf, group, group + strlen ("code:"));
    }
  self->restored = g_steal_pointer (&kf);
}
