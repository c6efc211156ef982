/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsEmuState's life cycle and signals. What it holds is implemented by
 * aspect, each in its own file behind wbps-emu-state-private.h:
 *   -world.c        configured clients, users and options
 *   -clock.c        the compressible emulated clock
 *   -replies.c      TikTok's two reply envelopes, held replies
 *   -grants.c       codes, access and refresh tokens, grants, v2 authentication
 *   -limits.c       rate windows and injected faults
 *   -events.c       webhook events waiting for delivery
 *   -persistence.c  state.ini, written before a reply goes out
 */
#include "wbps-emu-state-private.h"

#include <errno.h>
#include <sys/random.h>

G_DEFINE_FINAL_TYPE (WbpsEmuState, wbps_emu_state, G_TYPE_OBJECT)

enum {
  SIGNAL_SAVE,
  SIGNAL_EVENT_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  g_clear_pointer (&self->webhook_options, g_hash_table_unref);
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
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) wbps_emu_client_free);
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) wbps_emu_user_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) wbps_emu_access_token_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) wbps_emu_refresh_token_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) wbps_emu_auth_code_free);
  self->grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rate_windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_array_unref);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_emu_event_free);
  self->save_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->clock_scale = 1.0;
  self->clock_start_us = g_get_monotonic_time ();
  self->clock_base_ms = g_get_real_time () / 1000;
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
  self->options = wbps_emu_read_group (self->config, "emulator");
  self->faults = wbps_emu_read_group (self->config, "faults");
  self->webhook_options = wbps_emu_read_group (self->config, "webhooks");
  if (!wbps_emu_state_load_clock_scale (self, error))
    return NULL;
  wbps_emu_state_load_world (self);
  self->signed_in_user = g_strdup (wbps_emu_state_get_string (self, "signed-in-user", "demo-creator"));
  self->signed_in_switched = FALSE;
  self->persist = wbps_emu_state_get_bool (self, "persist", FALSE);
  if (self->persist)
    wbps_emu_state_restore (self);
  return g_steal_pointer (&self);
}

void
wbps_emu_state_emit_save (WbpsEmuState *self,
                          GKeyFile     *file)
{
  g_signal_emit (self, signals[SIGNAL_SAVE], 0, file);
}

void
wbps_emu_state_emit_event_added (WbpsEmuState *self,
                                 WbpsEmuEvent *event)
{
  g_signal_emit (self, signals[SIGNAL_EVENT_ADDED], 0, event);
}

char *
wbps_emu_digest (const char *value)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, value, -1);
}

void
wbps_emu_fill_random (guint8 *buf,
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
