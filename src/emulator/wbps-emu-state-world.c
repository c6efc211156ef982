/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The world: configured clients, users and options.
 *
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
#include "wbps-emu-state-private.h"

#include <string.h>

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

GHashTable *
wbps_emu_read_group (GKeyFile   *kf,
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

gboolean
wbps_emu_parse_bool (const char *value,
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

gint64
wbps_emu_parse_int (const char *value,
                    gint64      fallback)
{
  gint64 result;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &result, NULL))
    return fallback;
  return result;
}

/* A list split on any of @separators, trimmed, empties dropped. */
GPtrArray *
wbps_emu_split_list (const char *value,
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

/* ---- entity lifetimes ---- */

void
wbps_emu_client_free (WbpsEmuClient *client)
{
  g_free (client->key);
  g_free (client->secret);
  g_ptr_array_unref (client->redirect_uris);
  g_ptr_array_unref (client->scopes);
  g_ptr_array_unref (client->target_users);
  g_ptr_array_unref (client->verified_url_prefixes);
  g_free (client->webhook_url);
  g_free (client);
}

void
wbps_emu_user_free (WbpsEmuUser *user)
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

/* ---- configuration ---- */

static char *
group_string (GHashTable *group,
              const char *key,
              const char *fallback)
{
  const char *value = g_hash_table_lookup (group, key);

  return g_strdup (value != NULL && *value != '\0' ? value : fallback);
}

static WbpsEmuClient *
client_from_group (const char *key,
                   GHashTable *group)
{
  WbpsEmuClient *client = g_new0 (WbpsEmuClient, 1);

  client->key = g_strdup (key);
  client->secret = g_strdup (g_hash_table_lookup (group, "secret"));
  client->redirect_uris = wbps_emu_split_list (g_hash_table_lookup (group, "redirect-uris"), ";");
  client->scopes = wbps_emu_split_list (g_hash_table_lookup (group, "scopes"), ",;");
  if (client->scopes->len == 0)
    g_ptr_array_add (client->scopes, g_strdup ("user.info.basic"));
  client->desktop = wbps_emu_parse_bool (g_hash_table_lookup (group, "desktop"), TRUE);
  client->sandbox = wbps_emu_parse_bool (g_hash_table_lookup (group, "sandbox"), FALSE);
  client->audited = wbps_emu_parse_bool (g_hash_table_lookup (group, "audited"), TRUE);
  client->target_users = wbps_emu_split_list (g_hash_table_lookup (group, "target-users"), ",;");
  client->verified_url_prefixes = wbps_emu_split_list (g_hash_table_lookup (group, "verified-url-prefixes"), ";");
  client->webhook_url = group_string (group, "webhook-url", NULL);
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
  user->is_private = wbps_emu_parse_bool (g_hash_table_lookup (group, "private"), FALSE);
  user->banned = wbps_emu_parse_bool (g_hash_table_lookup (group, "banned"), FALSE);
  user->comment_disabled = wbps_emu_parse_bool (g_hash_table_lookup (group, "comment-disabled"), FALSE);
  user->duet_disabled = wbps_emu_parse_bool (g_hash_table_lookup (group, "duet-disabled"), FALSE);
  user->stitch_disabled = wbps_emu_parse_bool (g_hash_table_lookup (group, "stitch-disabled"), FALSE);
  user->max_video_post_duration_sec = wbps_emu_parse_int (g_hash_table_lookup (group, "max-video-post-duration-sec"), 600);
  user->daily_post_cap = wbps_emu_parse_int (g_hash_table_lookup (group, "daily-post-cap"), 15);
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
      group = wbps_emu_read_group (kf, groups[i]);
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
void
wbps_emu_state_load_world (WbpsEmuState *self)
{
  g_autoptr(GKeyFile) demo = g_key_file_new ();

  g_key_file_load_from_data (demo, demo_world, -1, G_KEY_FILE_NONE, NULL);
  if (load_entities (self, self->config, "client:") == 0)
    load_entities (self, demo, "client:");
  if (load_entities (self, self->config, "user:") == 0)
    load_entities (self, demo, "user:");
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
  return wbps_emu_parse_int (g_hash_table_lookup (self->options, key), fallback);
}

gboolean
wbps_emu_state_get_bool (WbpsEmuState *self,
                         const char   *key,
                         gboolean      fallback)
{
  return wbps_emu_parse_bool (g_hash_table_lookup (self->options, key), fallback);
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
wbps_emu_state_get_webhook_string (WbpsEmuState *self,
                                   const char   *key,
                                   const char   *fallback)
{
  const char *value = g_hash_table_lookup (self->webhook_options, key);

  return value != NULL && *value != '\0' ? value : fallback;
}

gint64
wbps_emu_state_get_webhook_int (WbpsEmuState *self,
                                const char   *key,
                                gint64        fallback)
{
  return wbps_emu_parse_int (g_hash_table_lookup (self->webhook_options, key), fallback);
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
