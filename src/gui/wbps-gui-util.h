/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Shows the page @name of @stack and hides the others, so that screen readers
 * (which GTK 4.8 lets see every page of a stack) read only what is on screen.
 */
void  wbps_stack_show_only  (GtkStack   *stack,
                             const char *name);

G_END_DECLS
