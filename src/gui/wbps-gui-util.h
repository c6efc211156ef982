/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * Shows the page @name of @stack and hides the others, so that screen readers
 * (which GTK 4.8 lets see every page of a stack) read only what is on screen.
 */
void  wbps_stack_show_only  (GtkStack   *stack,
                             const char *name);

/*
 * On GTK older than 4.14, chooses the cairo renderer when GL would be drawn in
 * software (Mesa's llvmpipe or softpipe), as GTK itself does from 4.14 on; a
 * GSK_RENDERER the user set wins. Call before the first window is realized.
 */
void  wbps_prefer_cairo_on_software_gl  (GdkDisplay *display);

/*
 * Has screen readers read each response of an AdwMessageDialog once. libadwaita
 * 1.2 keeps two rows of response buttons (wide and narrow) in an AdwSqueezer and
 * GTK 4.8 presents both; and it names a mnemonic button by its label and by the
 * label naming it ("Sign Out Sign Out"). The row not shown is hidden from them
 * and each button is named by its label's text alone.
 */
void  wbps_message_dialog_fix_accessibility (GtkWidget *dialog);

G_END_DECLS
