/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Webhook delivery, as TikTok does it: every event of the state is POSTed to
 * its app's callback URL, signed with the app's client secret
 * ("TikTok-Signature: t=SECONDS,s=HEX", HMAC-SHA256 over t + "." + body),
 * retried with exponential backoff on the emulated clock until a 200, and the
 * same bytes every time. Options are the [webhooks] group (see README.md).
 */

#include "wbps-emu-state.h"

G_BEGIN_DECLS

#define WBPS_TYPE_EMU_WEBHOOKS (wbps_emu_webhooks_get_type ())
G_DECLARE_FINAL_TYPE (WbpsEmuWebhooks, wbps_emu_webhooks, WBPS, EMU_WEBHOOKS, GObject)

/*
 * Delivers @state's events from now on. A client's own webhook-url wins over
 * @default_url (may be NULL), which wins over [webhooks] url.
 */
WbpsEmuWebhooks *wbps_emu_webhooks_new       (WbpsEmuState    *state,
                                              const char      *default_url);
/* Whether @url can be a callback URL (http or https with a host). */
gboolean         wbps_emu_webhooks_url_valid (const char      *url);
/* GET /emulator/events (each event and how its delivery went), POST /emulator/events (queue one). */
void             wbps_emu_webhooks_register  (WbpsEmuWebhooks *self,
                                              SoupServer      *server);

G_END_DECLS
