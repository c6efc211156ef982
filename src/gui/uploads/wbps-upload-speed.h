/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * Speed and time left of an upload as a person should see them: the speed is
 * a moving average over the last few seconds (none before one second of
 * samples; the last value stays between samples), and the time left appears
 * only past 5 % and never while the upload is stalled.
 */
typedef struct _WbpsUploadSpeed WbpsUploadSpeed;

#define WBPS_UPLOAD_SPEED_WINDOW_US  (5 * G_USEC_PER_SEC)
#define WBPS_UPLOAD_SPEED_STALL_US   (3 * G_USEC_PER_SEC)

WbpsUploadSpeed *wbps_upload_speed_new        (void);
void             wbps_upload_speed_free       (WbpsUploadSpeed *self);
void             wbps_upload_speed_reset      (WbpsUploadSpeed *self);
/* @sent bytes of @total confirmed at monotonic time @now_us. */
void             wbps_upload_speed_add_sample (WbpsUploadSpeed *self,
                                               gint64           now_us,
                                               guint64          sent,
                                               guint64          total);
/* Bytes per second, or -1 while under one second of samples. */
double           wbps_upload_speed_get_rate   (WbpsUploadSpeed *self);
/* Whole seconds left, or -1 when no honest estimate exists at @now_us. */
gint64           wbps_upload_speed_get_eta    (WbpsUploadSpeed *self,
                                               gint64           now_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WbpsUploadSpeed, wbps_upload_speed_free)

G_END_DECLS
