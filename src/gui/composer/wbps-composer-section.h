/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "wbps-api-client.h"
#include "wbps-creator-info.h"
#include "wbps-post-options.h"
#include "wbps-publish-job.h"

G_BEGIN_DECLS

#define WBPS_TYPE_COMPOSER_SECTION (wbps_composer_section_get_type ())
G_DECLARE_INTERFACE (WbpsComposerSection, wbps_composer_section, WBPS, COMPOSER_SECTION, GtkWidget)

/*
 * One part of TikTok's export form (in the spirit of gnome-calendar's
 * GcalEventEditorSection): it shows what creator_info allows, keeps the user's
 * choices as properties named like WbpsPublishJob's options, and copies them
 * into the job when the user posts. It emits "changed" whenever a choice moves.
 */
struct _WbpsComposerSectionInterface
{
  GTypeInterface parent_iface;

  /* @info NULL: the form is being reset (no creator info yet). */
  void (*set_creator_info) (WbpsComposerSection   *self,
                            const WbpsCreatorInfo *info,
                            gboolean               sandbox);
  /* Back to the defaults TikTok requires (nothing chosen, everything off). */
  void (*reset)            (WbpsComposerSection   *self);
  void (*apply)            (WbpsComposerSection   *self,
                            WbpsPostOptions       *options);
};

void wbps_composer_section_set_creator_info (WbpsComposerSection   *self,
                                             const WbpsCreatorInfo *info,
                                             gboolean               sandbox);
void wbps_composer_section_reset            (WbpsComposerSection   *self);
void wbps_composer_section_apply            (WbpsComposerSection   *self,
                                             WbpsPostOptions       *options);
void wbps_composer_section_changed          (WbpsComposerSection   *self);

G_END_DECLS
