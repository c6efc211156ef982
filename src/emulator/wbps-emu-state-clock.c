/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The emulated clock: real time since start multiplied by [emulator] clock-scale. */
#include "wbps-emu-state-private.h"

gboolean
wbps_emu_state_load_clock_scale (WbpsEmuState  *self,
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

void
wbps_emu_state_resume_clock (WbpsEmuState *self,
                             gint64        emulated_ms,
                             gint64        real_us)
{
  gint64 away_us = g_get_real_time () - real_us;

  if (emulated_ms <= 0 || real_us <= 0 || away_us < 0)
    return;
  self->clock_start_us = g_get_monotonic_time ();
  self->clock_base_ms = emulated_ms + (gint64) (away_us / 1000.0 * self->clock_scale);
}
