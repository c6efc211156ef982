/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Limits: per-token sliding rate windows and the [faults] group's injected failures. */
#include "wbps-emu-state-private.h"

#define RATE_WINDOW_MS (60 * 1000)

const char *
wbps_emu_state_get_fault (WbpsEmuState *self,
                          const char   *key)
{
  const char *value = g_hash_table_lookup (self->faults, key);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* ---- rate windows ---- */

gboolean
wbps_emu_rate_limit (WbpsEmuState      *self,
                     SoupServerMessage *msg,
                     const char        *bucket,
                     const char        *token,
                     guint              per_minute)
{
  g_autofree char *hash = wbps_emu_digest (token != NULL ? token : "");
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
  g_autoptr(GPtrArray) numbers = wbps_emu_split_list (list, ",; ");

  for (guint i = 0; i < numbers->len; i++)
    if (wbps_emu_parse_int (g_ptr_array_index (numbers, i), -1) == number)
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
  const char *slow_path = wbps_emu_state_get_fault (self, "slow-path");
  gint64 slow_ms = wbps_emu_parse_int (wbps_emu_state_get_fault (self, "slow-ms"), 0);
  const char *stall_path = wbps_emu_state_get_fault (self, "stall-path");
  gint64 stall_ms = wbps_emu_parse_int (wbps_emu_state_get_fault (self, "stall-ms"), 3600000);
  guint status;

  if (slow_ms > 0 && (slow_path == NULL || g_str_has_prefix (path, slow_path)))
    delay_reply (self, msg, (guint) MIN (slow_ms, G_MAXUINT));
  if (stall_path != NULL && g_str_has_prefix (path, stall_path))
    delay_reply (self, msg, (guint) CLAMP (stall_ms, 0, G_MAXUINT));
  if (fail_path != NULL && !g_str_has_prefix (path, fail_path))
    return FALSE;
  self->request_count++;
  if (fail_list == NULL || !request_number_listed (fail_list, self->request_count))
    return FALSE;

  status = wbps_emu_parse_int (wbps_emu_state_get_fault (self, "fail-status"), SOUP_STATUS_SERVICE_UNAVAILABLE);
  if (g_str_has_prefix (path, "/v2/oauth/"))
    wbps_emu_reply_oauth_error_status (self, msg, status, "temporarily_unavailable",
                              "The server is temporarily unavailable (injected fault).");
  else
    wbps_emu_reply_v2 (self, msg, status, NULL, "internal_error",
                       "The server is temporarily unavailable (injected fault).");
  return TRUE;
}
