/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-upload-speed.h"

typedef struct {
  gint64  time_us;
  guint64 sent;
} Sample;

struct _WbpsUploadSpeed
{
  GArray  *samples;         /* Sample, oldest first, within the window */
  double   rate;            /* last computed average; -1 before one second */
  guint64  total;
  gint64   last_progress_us;
};

WbpsUploadSpeed *
wbps_upload_speed_new (void)
{
  WbpsUploadSpeed *self = g_new0 (WbpsUploadSpeed, 1);

  self->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  wbps_upload_speed_reset (self);
  return self;
}

void
wbps_upload_speed_free (WbpsUploadSpeed *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->samples);
  g_free (self);
}

void
wbps_upload_speed_reset (WbpsUploadSpeed *self)
{
  g_array_set_size (self->samples, 0);
  self->rate = -1;
  self->total = 0;
  self->last_progress_us = 0;
}

/* Keep one sample older than the window so the average always spans it. */
static void
drop_old_samples (WbpsUploadSpeed *self,
                  gint64           now_us)
{
  guint drop = 0;

  while (drop + 1 < self->samples->len &&
         now_us - g_array_index (self->samples, Sample, drop + 1).time_us >= WBPS_UPLOAD_SPEED_WINDOW_US)
    drop++;
  if (drop > 0)
    g_array_remove_range (self->samples, 0, drop);
}

void
wbps_upload_speed_add_sample (WbpsUploadSpeed *self,
                              gint64           now_us,
                              guint64          sent,
                              guint64          total)
{
  Sample sample = { now_us, sent };
  Sample *first, *last;

  g_return_if_fail (self != NULL);
  if (self->samples->len > 0 && sent < g_array_index (self->samples, Sample, self->samples->len - 1).sent)
    wbps_upload_speed_reset (self);  /* a restart (retry from TikTok's count) */
  if (self->samples->len == 0 || sent > g_array_index (self->samples, Sample, self->samples->len - 1).sent)
    self->last_progress_us = now_us;
  self->total = total;
  g_array_append_val (self->samples, sample);
  drop_old_samples (self, now_us);
  first = &g_array_index (self->samples, Sample, 0);
  last = &g_array_index (self->samples, Sample, self->samples->len - 1);
  if (last->time_us - first->time_us >= G_USEC_PER_SEC)
    self->rate = (double) (last->sent - first->sent) * G_USEC_PER_SEC / (double) (last->time_us - first->time_us);
}

double
wbps_upload_speed_get_rate (WbpsUploadSpeed *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->rate;
}

gint64
wbps_upload_speed_get_eta (WbpsUploadSpeed *self,
                           gint64           now_us)
{
  guint64 sent;

  g_return_val_if_fail (self != NULL, -1);
  if (self->samples->len == 0 || self->total == 0 || self->rate <= 0)
    return -1;
  sent = g_array_index (self->samples, Sample, self->samples->len - 1).sent;
  if (sent * 20 <= self->total)  /* not past 5 % yet */
    return -1;
  if (now_us - self->last_progress_us >= WBPS_UPLOAD_SPEED_STALL_US)
    return -1;
  return (gint64) ((double) (self->total - sent) / self->rate + 0.5);
}
