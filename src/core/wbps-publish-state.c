/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-publish-state.h"

G_DEFINE_ENUM_TYPE (WbpsPublishState, wbps_publish_state,
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_NEW, "new"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_PREFLIGHT, "preflight"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_CREATOR_INFO, "creator-info"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_INIT, "init"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_UPLOAD, "upload"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_PROCESSING, "processing"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_DONE, "done"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_UNCONFIRMED, "unconfirmed"),
  G_DEFINE_ENUM_VALUE (WBPS_PUBLISH_STATE_INTERRUPTED, "interrupted"))

static const char * const state_names[] = {
  "NEW", "PREFLIGHT", "CREATOR_INFO", "INIT", "UPLOAD", "PROCESSING",
  "DONE", "FAILED", "UNCONFIRMED", "INTERRUPTED",
};

const char *
wbps_publish_state_to_string (WbpsPublishState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "NEW");

  return state_names[state];
}

WbpsPublishState
wbps_publish_state_from_string (const char *text)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (state_names[i], text))
      return i;
  return WBPS_PUBLISH_STATE_NEW;
}
