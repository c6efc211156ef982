/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where a post stands; the history stores the name of the state. */
typedef enum {
  WBPS_PUBLISH_STATE_NEW,
  WBPS_PUBLISH_STATE_PREFLIGHT,
  WBPS_PUBLISH_STATE_CREATOR_INFO,
  WBPS_PUBLISH_STATE_INIT,
  WBPS_PUBLISH_STATE_UPLOAD,
  WBPS_PUBLISH_STATE_PROCESSING,
  WBPS_PUBLISH_STATE_DONE,
  WBPS_PUBLISH_STATE_FAILED,
  WBPS_PUBLISH_STATE_UNCONFIRMED,  /* uploaded, but no final status before the give-up time */
  WBPS_PUBLISH_STATE_INTERRUPTED,  /* stopped mid-upload with a resumable checkpoint */
} WbpsPublishState;

#define WBPS_TYPE_PUBLISH_STATE (wbps_publish_state_get_type ())
GType             wbps_publish_state_get_type    (void) G_GNUC_CONST;
/* (transfer none): "PREFLIGHT", "UPLOAD", ... as stored in the history. */
const char       *wbps_publish_state_to_string   (WbpsPublishState  state);
/* WBPS_PUBLISH_STATE_NEW for an unknown name. */
WbpsPublishState  wbps_publish_state_from_string (const char       *text);

G_END_DECLS
