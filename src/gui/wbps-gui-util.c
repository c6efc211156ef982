/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-gui-util.h"

void
wbps_stack_show_only (GtkStack   *stack,
                      const char *name)
{
  GtkWidget *target = gtk_stack_get_child_by_name (stack, name);

  g_return_if_fail (target != NULL);
  gtk_widget_set_visible (target, TRUE);
  gtk_stack_set_visible_child (stack, target);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (child != target)
      gtk_widget_set_visible (child, FALSE);
}
