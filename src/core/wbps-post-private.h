/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "wbps-database.h"
#include "wbps-post.h"

G_BEGIN_DECLS

/* The history keeps the posts in step with the database rows. (transfer full) */
WbpsPost             *wbps_post_new        (const WbpsPostRecord *record);
/* Takes @record's values (same id, or a first id for a post made with none), notifying each property that changed. */
void                  wbps_post_update     (WbpsPost             *self,
                                            const WbpsPostRecord *record);
/* (transfer none): the whole row, upload URL included. */
const WbpsPostRecord *wbps_post_get_record (WbpsPost             *self);

G_END_DECLS
