/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Persistence (persist=true): state.ini, written before the reply it protects goes out. */
#include "wbps-emu-state-private.h"

#include <string.h>

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
      g_autofree char *scopes = wbps_emu_scopes_to_csv (token->scopes);
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
  wbps_emu_state_emit_save (self, kf);
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
  token->scopes = wbps_emu_scopes_from_csv (scopes);
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

/* Runs once at startup, before the main loop serves anything. */
void
wbps_emu_state_restore (WbpsEmuState *self)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = state_path (self);
  g_autofree char *user = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return;
  /* The emulated clock continues from where the previous run left it. */
  wbps_emu_state_resume_clock (self, g_key_file_get_int64 (kf, "clock", "emulated-ms", NULL),
                               g_key_file_get_int64 (kf, "clock", "real-us", NULL));
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
