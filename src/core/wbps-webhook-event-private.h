/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "wbps-webhook-event.h"

G_BEGIN_DECLS

/*
 * Sets WBPS_WEBHOOK_EVENT_ERROR_INVALID saying @what is wrong with the envelope;
 * the one wording for both readers (the event and the relay's envelope check).
 * Returns: FALSE, so a check can `return wbps_webhook_event_set_invalid (…)`.
 */
gboolean wbps_webhook_event_set_invalid (GError     **error,
                                         const char  *what);

G_END_DECLS
