/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Grants: authorization codes, access and refresh tokens, their grants, and v2 authentication. */
#include "wbps-emu-state-private.h"

#include <string.h>

GPtrArray *
wbps_emu_scopes_from_csv (const char *csv)
{
  return wbps_emu_split_list (csv, ",");
}

char *
wbps_emu_scopes_to_csv (GPtrArray *scopes)
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

void
wbps_emu_access_token_free (WbpsEmuAccessToken *token)
{
  g_free (token->token);
  g_free (token->open_id);
  g_free (token->client_key);
  g_ptr_array_unref (token->scopes);
  g_free (token);
}

void
wbps_emu_refresh_token_free (WbpsEmuRefreshToken *token)
{
  g_free (token->token);
  g_free (token->grant_id);
  g_free (token->client_key);
  g_free (token->open_id);
  g_free (token->scope_csv);
  g_free (token);
}

void
wbps_emu_auth_code_free (WbpsEmuAuthCode *code)
{
  g_free (code->code);
  g_free (code->client_key);
  g_free (code->open_id);
  g_free (code->scope_csv);
  g_free (code->redirect_uri);
  g_free (code->code_challenge);
  g_free (code);
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
wbps_emu_state_new_secret (WbpsEmuState *self,
                           const char   *prefix)
{
  guint8 bytes[32];
  g_autofree char *b64 = NULL;
  GString *secret = g_string_new (prefix);

  wbps_emu_fill_random (bytes, sizeof bytes);
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
  hash = wbps_emu_digest (token);
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
  token->scopes = wbps_emu_scopes_from_csv (scope_csv);
  token->expires_at_ms = wbps_emu_state_now_ms (self) + lifetime * 1000;
  g_hash_table_insert (self->access_tokens, wbps_emu_digest (token->token), token);
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
  wbps_emu_fill_random (tail, sizeof tail);
  code->code = g_strdup_printf ("%s*%u!%04u", body, tail[0] % 4, (tail[1] << 8 | tail[2]) % 10000);
  code->client_key = g_strdup (client_key);
  code->open_id = g_strdup (open_id);
  code->scope_csv = g_strdup (scope_csv);
  code->redirect_uri = g_strdup (redirect_uri);
  code->code_challenge = g_strdup (code_challenge);
  code->expires_at_ms = wbps_emu_state_now_ms (self)
                        + wbps_emu_state_get_int (self, "code-lifetime", 600) * 1000;
  g_hash_table_insert (self->codes, wbps_emu_digest (code->code), code);
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
  hash = wbps_emu_digest (code);
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
  g_hash_table_insert (self->refresh_tokens, wbps_emu_digest (token->token), token);
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
  hash = wbps_emu_digest (token);
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
  g_hash_table_replace (self->grants, wbps_emu_digest (access_token), g_strdup (grant_id));
}

const char *
wbps_emu_state_get_grant (WbpsEmuState *self,
                          const char   *access_token)
{
  g_autofree char *hash = wbps_emu_digest (access_token);

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

static gboolean
grant_matches (const char *token_client,
               const char *token_open_id,
               const char *client_key,
               const char *open_id)
{
  return g_strcmp0 (token_open_id, open_id) == 0 && (client_key == NULL || g_strcmp0 (token_client, client_key) == 0);
}

GPtrArray *
wbps_emu_state_revoke_user (WbpsEmuState *self,
                            const char   *client_key,
                            const char   *open_id)
{
  g_autoptr(GHashTable) clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  gint64 now = wbps_emu_state_now_ms (self);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WbpsEmuAccessToken *token = value;

      if (token->revoked || token->expires_at_ms <= now ||
          !grant_matches (token->client_key, token->open_id, client_key, open_id))
        continue;
      token->revoked = TRUE;
      g_hash_table_add (clients, g_strdup (token->client_key));
    }
  g_hash_table_iter_init (&iter, self->refresh_tokens);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      WbpsEmuRefreshToken *token = value;

      if (token->revoked || token->expires_at_ms <= now ||
          !grant_matches (token->client_key, token->open_id, client_key, open_id))
        continue;
      token->revoked = TRUE;
      g_hash_table_add (clients, g_strdup (token->client_key));
    }
  g_hash_table_iter_init (&iter, clients);
  while (g_hash_table_iter_next (&iter, &value, NULL))
    g_ptr_array_add (keys, g_strdup (value));
  return keys;
}

/* ---- v2 authentication ---- */

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
  g_autoptr(GPtrArray) wanted = wbps_emu_scopes_from_csv (scope_list);

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
