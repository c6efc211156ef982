/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "wbps-avatar-cache.h"
#include "wbps-upload-list.h"
#include "wbps-context.h"

G_BEGIN_DECLS

#define WBPS_TYPE_APPLICATION (wbps_application_get_type ())
G_DECLARE_FINAL_TYPE (WbpsApplication, wbps_application, WBPS, APPLICATION, AdwApplication)

/*
 * The desktop app: one instance per session (a second launch presents the
 * window), the core objects every window shares, and the app.* actions.
 * "ready" turns TRUE once the accounts were read from the keyring (or that
 * failed, see wbps_application_get_load_error()).
 */
WbpsApplication    *wbps_application_new             (void);
WbpsApplication    *wbps_application_get_default     (void);
gboolean            wbps_application_get_ready       (WbpsApplication *self);
const GError       *wbps_application_get_load_error  (WbpsApplication *self);
/* (nullable): NULL until ready, and when the configuration is unusable */
WbpsContext        *wbps_application_get_context     (WbpsApplication *self);
/* (nullable): the context's account manager */
WbpsAccountManager *wbps_application_get_accounts    (WbpsApplication *self);
/* (nullable) until ready: the uploads of every window, newest first. */
WbpsUploadList     *wbps_application_get_uploads     (WbpsApplication *self);
WbpsAvatarCache    *wbps_application_get_avatars     (WbpsApplication *self);
gboolean            wbps_application_get_demo        (WbpsApplication *self);
/* Whether wbps knows the TikTok app to sign in with (a fresh install has no client key). */
gboolean            wbps_application_has_client_key    (WbpsApplication *self);
/* After @open_id signed out (here or at TikTok): its upload URLs leave the history. */
void                wbps_application_forget_uploads  (WbpsApplication *self,
                                                      const char      *open_id);

G_END_DECLS
