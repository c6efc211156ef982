/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "wbps-redact.h"

#define REDACTED "[redacted]"
/* Shorter values would redact ordinary words; real secrets are far longer. */
#define MIN_SECRET_LEN 6

static GMutex secrets_lock;
static GPtrArray *secrets;

void
wbps_redact_register (const char *secret)
{
  if (secret == NULL || strlen (secret) < MIN_SECRET_LEN)
    return;
  g_mutex_lock (&secrets_lock);
  if (secrets == NULL)
    secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_secret_free);
  for (guint i = 0; i < secrets->len; i++)
    if (g_str_equal (secrets->pdata[i], secret))
      goto out;
  g_ptr_array_add (secrets, g_strdup (secret));
out:
  g_mutex_unlock (&secrets_lock);
}

void
wbps_redact_forget_all (void)
{
  g_mutex_lock (&secrets_lock);
  g_clear_pointer (&secrets, g_ptr_array_unref);
  g_mutex_unlock (&secrets_lock);
}

static void
replace_all (GString    *text,
             const char *needle)
{
  gsize needle_len = strlen (needle);
  char *found;
  gsize from = 0;

  while ((found = strstr (text->str + from, needle)) != NULL)
    {
      gsize pos = found - text->str;

      g_string_erase (text, pos, needle_len);
      g_string_insert (text, pos, REDACTED);
      from = pos + strlen (REDACTED);
    }
}

static GRegex *
patterns (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      /*
       * TikTok token prefixes, secret form fields / query params, and JSON members.
       * Not a JSON "code": in TikTok's replies that is the error code a user needs;
       * the authorization code only travels form-encoded (and is registered anyway).
       */
      GRegex *r = g_regex_new ("\\b(?:act|rft|clt)\\.[A-Za-z0-9._*!~%-]+"
                               "|(?<=[?&\\s]|^)(?:code|code_verifier|client_secret|refresh_token|access_token|token|state|upload_token)=\\K[^&\\s\"]+"
                               "|\"(?:access_token|refresh_token|code_verifier|client_secret|token)\"\\s*:\\s*\"\\K[^\"]*",
                               G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }
  return regex;
}

char *
wbps_redact (const char *text)
{
  g_autoptr(GString) out = NULL;

  if (text == NULL)
    return NULL;
  out = g_string_new (text);
  g_mutex_lock (&secrets_lock);
  for (guint i = 0; secrets != NULL && i < secrets->len; i++)
    replace_all (out, secrets->pdata[i]);
  g_mutex_unlock (&secrets_lock);
  return g_regex_replace_literal (patterns (), out->str, -1, 0, REDACTED, 0, NULL);
}

static GLogWriterOutput
redacting_writer (GLogLevelFlags   log_level,
                  const GLogField *fields,
                  gsize            n_fields,
                  gpointer         user_data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, sizeof (GLogField) * n_fields);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; i < n_fields; i++)
    {
      char *clean;

      if (g_strcmp0 (copy[i].key, "MESSAGE") != 0 || copy[i].value == NULL)
        continue;
      if (copy[i].length < 0)
        clean = wbps_redact (copy[i].value);
      else
        {
          g_autofree char *text = g_strndup (copy[i].value, copy[i].length);
          clean = wbps_redact (text);
        }
      g_ptr_array_add (owned, clean);
      copy[i].value = clean;
      copy[i].length = -1;
    }
  return g_log_writer_default (log_level, copy, n_fields, user_data);
}

void
wbps_redact_install_log_writer (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      g_log_set_writer_func (redacting_writer, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}

void
wbps_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
