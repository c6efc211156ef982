/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-account-summary.h"
#include "wbps-application.h"
#include "wbps-current-account.h"

struct _WbpsAccountSummary
{
  AdwBin              parent_instance;

  /* template widgets */
  AdwAvatar          *avatar;
  GtkLabel           *name_label;
  GtkLabel           *status_label;
  GtkButton          *sign_in_again_button;

  WbpsCurrentAccount *current;
};

G_DEFINE_FINAL_TYPE (WbpsAccountSummary, wbps_account_summary, ADW_TYPE_BIN)

static void
update (WbpsAccountSummary *self)
{
  WbpsAccount *account = wbps_current_account_get_account (self->current);
  const char *name = account != NULL ? wbps_account_get_name (account) : "";
  gboolean needs_sign_in = account != NULL && wbps_account_get_needs_sign_in (account);

  gtk_label_set_label (self->name_label, name);
  adw_avatar_set_text (self->avatar, name);
  gtk_label_set_label (self->status_label, needs_sign_in
                       ? _("TikTok no longer accepts this sign-in. Sign in again to keep posting as this account.")
                       : _("Signed in with TikTok."));
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_again_button), needs_sign_in);
  if (account != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (self->sign_in_again_button), "s",
                                      wbps_account_get_open_id (account));
  wbps_avatar_cache_apply (wbps_application_get_avatars (wbps_application_get_default ()),
                           GTK_WIDGET (self->avatar), account != NULL ? wbps_account_get_avatar_url (account) : NULL);
}

static void
current_changed_cb (WbpsAccountSummary *self)
{
  g_assert (WBPS_IS_ACCOUNT_SUMMARY (self));

  update (self);
}

void
wbps_account_summary_set_accounts (WbpsAccountSummary *self,
                                   WbpsAccountManager *accounts)
{
  g_return_if_fail (WBPS_IS_ACCOUNT_SUMMARY (self));

  wbps_current_account_set_accounts (self->current, accounts);
}

static void
wbps_account_summary_dispose (GObject *object)
{
  WbpsAccountSummary *self = WBPS_ACCOUNT_SUMMARY (object);

  g_clear_object (&self->current);
  /* AdwBin 1.2 would unparent its child a second time after the template cleared it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), WBPS_TYPE_ACCOUNT_SUMMARY);
  G_OBJECT_CLASS (wbps_account_summary_parent_class)->dispose (object);
}

static void
wbps_account_summary_class_init (WbpsAccountSummaryClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = wbps_account_summary_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/accounts/wbps-account-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountSummary, avatar);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountSummary, name_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountSummary, status_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsAccountSummary, sign_in_again_button);
}

static void
wbps_account_summary_init (WbpsAccountSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->current = wbps_current_account_new ();
  g_signal_connect_swapped (self->current, "changed", G_CALLBACK (current_changed_cb), self);
}
