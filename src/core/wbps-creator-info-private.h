/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "wbps-creator-info.h"

G_BEGIN_DECLS

/* From creator_info/query's "data" object (tests build one without TikTok too). (transfer full) */
WbpsCreatorInfo *wbps_creator_info_new_from_data (const char *open_id,
                                                  JsonObject *data);

G_END_DECLS
