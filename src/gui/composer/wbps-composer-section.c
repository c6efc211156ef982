/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-composer-section.h"

G_DEFINE_INTERFACE (WbpsComposerSection, wbps_composer_section, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
wbps_composer_section_default_init (WbpsComposerSectionInterface *iface)
{
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
wbps_composer_section_set_creator_info (WbpsComposerSection   *self,
                                        const WbpsCreatorInfo *info,
                                        gboolean               sandbox)
{
  WbpsComposerSectionInterface *iface;

  g_return_if_fail (WBPS_IS_COMPOSER_SECTION (self));
  iface = WBPS_COMPOSER_SECTION_GET_IFACE (self);
  if (iface->set_creator_info != NULL)
    iface->set_creator_info (self, info, sandbox);
}

void
wbps_composer_section_reset (WbpsComposerSection *self)
{
  WbpsComposerSectionInterface *iface;

  g_return_if_fail (WBPS_IS_COMPOSER_SECTION (self));
  iface = WBPS_COMPOSER_SECTION_GET_IFACE (self);
  if (iface->reset != NULL)
    iface->reset (self);
}

void
wbps_composer_section_apply (WbpsComposerSection *self,
                             WbpsPostOptions      *options)
{
  WbpsComposerSectionInterface *iface;

  g_return_if_fail (WBPS_IS_COMPOSER_SECTION (self));
  g_return_if_fail (WBPS_IS_POST_OPTIONS (options));
  iface = WBPS_COMPOSER_SECTION_GET_IFACE (self);
  if (iface->apply != NULL)
    iface->apply (self, options);
}

void
wbps_composer_section_changed (WbpsComposerSection *self)
{
  g_return_if_fail (WBPS_IS_COMPOSER_SECTION (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}
