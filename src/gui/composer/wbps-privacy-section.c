/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-composer-section.h"
#include "wbps-privacy-section.h"

struct _WbpsPrivacySection
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;
  GtkLabel            *sandbox_note;
  GtkLabel            *refused_note;

  GStrv                codes;            /* the choices, in creator_info's order */
  GtkBox              *choices_box;      /* linked toggle buttons, one per code */
  GPtrArray           *checks;           /* GtkToggleButton per code, one group */
  char                *selected;         /* the chosen code, or NULL */
  gboolean             private_allowed;
  gboolean             updating;         /* rows being replaced: ignore their toggles */
};

static void composer_section_iface_init (WbpsComposerSectionInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsPrivacySection, wbps_privacy_section, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_COMPOSER_SECTION, composer_section_iface_init))

enum {
  PROP_0,
  PROP_PRIVACY_LEVEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
wbps_privacy_level_describe (const char *code)
{
  if (g_strcmp0 (code, "PUBLIC_TO_EVERYONE") == 0)
    return _("Everyone");
  if (g_strcmp0 (code, "MUTUAL_FOLLOW_FRIENDS") == 0)
    return _("Friends");
  if (g_strcmp0 (code, "FOLLOWER_OF_CREATOR") == 0)
    return _("Followers");
  if (g_strcmp0 (code, "SELF_ONLY") == 0)
    return _("Only me");
  return code;
}

const char *
wbps_privacy_section_get_privacy_level (WbpsPrivacySection *self)
{
  g_return_val_if_fail (WBPS_IS_PRIVACY_SECTION (self), NULL);
  return self->selected;
}

static gboolean
item_allowed (WbpsPrivacySection *self,
              const char         *code)
{
  return self->private_allowed || g_strcmp0 (code, "SELF_ONLY") != 0;
}

static void
update_description (WbpsPrivacySection *self)
{
  adw_preferences_group_set_description (self->group, self->selected == NULL && self->checks->len > 0
                                                        ? _("Choose who can see this video; there is no default.")
                                                        : NULL);
}

/* "Only me" is greyed out, with the reason, while branded content is disclosed (guideline 6). */
static void
update_allowed (WbpsPrivacySection *self)
{
  const char *reason = _("Branded content visibility cannot be set to private.");

  gboolean any_refused = FALSE;

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->checks, i);
      gboolean allowed = item_allowed (self, self->codes[i]);

      gtk_widget_set_sensitive (button, allowed);
      gtk_widget_set_tooltip_text (button, allowed ? NULL : reason);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      allowed ? "" : reason, -1);
      any_refused |= !allowed;
    }
  gtk_label_set_text (self->refused_note, reason);
  gtk_widget_set_visible (GTK_WIDGET (self->refused_note), any_refused);
}

static void
check_toggled_cb (GtkToggleButton    *check,
                  WbpsPrivacySection *self)
{
  guint index;

  if (self->updating || !gtk_toggle_button_get_active (check) ||
      !g_ptr_array_find (self->checks, check, &index))
    return;
  g_free (self->selected);
  self->selected = g_strdup (self->codes[index]);
  update_description (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY_LEVEL]);
  wbps_composer_section_changed (WBPS_COMPOSER_SECTION (self));
}

static GtkWidget *
choice_button_new (WbpsPrivacySection *self,
                   const char         *code,
                   GtkToggleButton    *group)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (wbps_privacy_level_describe (code));

  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
  gtk_widget_set_hexpand (button, TRUE);
  g_signal_connect (button, "toggled", G_CALLBACK (check_toggled_cb), self);
  return button;
}

/* One toggle per option TikTok offers this creator; none chosen unless @keep still is. */
static void
set_items (WbpsPrivacySection *self,
           const char * const *codes,
           const char         *keep)
{
  g_autofree char *kept = g_strdup (keep);
  GtkToggleButton *group = NULL;

  self->updating = TRUE;
  for (guint i = 0; i < self->checks->len; i++)
    gtk_box_remove (self->choices_box, g_ptr_array_index (self->checks, i));
  g_ptr_array_set_size (self->checks, 0);
  g_clear_pointer (&self->codes, g_strfreev);
  g_clear_pointer (&self->selected, g_free);
  self->codes = g_strdupv ((char **) codes);
  for (guint i = 0; self->codes != NULL && self->codes[i] != NULL; i++)
    {
      GtkWidget *check = choice_button_new (self, self->codes[i], group);

      group = GTK_TOGGLE_BUTTON (check);
      gtk_box_append (self->choices_box, check);
      g_ptr_array_add (self->checks, check);
      if (kept != NULL && g_str_equal (kept, self->codes[i]) && item_allowed (self, kept))
        {
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), TRUE);
          self->selected = g_strdup (kept);
        }
    }
  update_allowed (self);
  self->updating = FALSE;
  update_description (self);
}

void
wbps_privacy_section_set_private_allowed (WbpsPrivacySection *self,
                                          gboolean            allowed)
{
  g_return_if_fail (WBPS_IS_PRIVACY_SECTION (self));
  if (self->private_allowed == !!allowed)
    return;
  self->private_allowed = !!allowed;
  update_allowed (self);
}

static void
privacy_section_set_creator_info (WbpsComposerSection   *section,
                                  const WbpsCreatorInfo *info,
                                  gboolean               sandbox)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (section);
  const char *only_private[] = { "SELF_ONLY", NULL };
  const char * const *codes = info != NULL ? (const char * const *) wbps_creator_info_get_privacy_level_options ((WbpsCreatorInfo *) info) : NULL;

  if (sandbox && codes != NULL && g_strv_contains (codes, "SELF_ONLY"))
    codes = only_private;
  gtk_widget_set_visible (GTK_WIDGET (self->sandbox_note), sandbox);
  /* Shown again: the creator's earlier choice stays if TikTok still offers it. */
  set_items (self, codes, self->selected);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY_LEVEL]);
}

static void
privacy_section_reset (WbpsComposerSection *section)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (section);

  self->private_allowed = TRUE;
  set_items (self, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sandbox_note), FALSE);
}

static void
privacy_section_apply (WbpsComposerSection *section,
                       WbpsPostOptions      *options)
{
  g_object_set (options, "privacy-level", wbps_privacy_section_get_privacy_level (WBPS_PRIVACY_SECTION (section)), NULL);
}

static void
composer_section_iface_init (WbpsComposerSectionInterface *iface)
{
  iface->set_creator_info = privacy_section_set_creator_info;
  iface->reset = privacy_section_reset;
  iface->apply = privacy_section_apply;
}

static void
wbps_privacy_section_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (object);

  switch (prop_id)
    {
    case PROP_PRIVACY_LEVEL:
      g_value_set_string (value, wbps_privacy_section_get_privacy_level (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_privacy_section_finalize (GObject *object)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (object);

  g_strfreev (self->codes);
  g_free (self->selected);
  g_ptr_array_unref (self->checks);
  G_OBJECT_CLASS (wbps_privacy_section_parent_class)->finalize (object);
}

static void
wbps_privacy_section_class_init (WbpsPrivacySectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = wbps_privacy_section_get_property;
  object_class->finalize = wbps_privacy_section_finalize;

  properties[PROP_PRIVACY_LEVEL] =
    g_param_spec_string ("privacy-level", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-privacy-section.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsPrivacySection, group);
  gtk_widget_class_bind_template_child (widget_class, WbpsPrivacySection, sandbox_note);
  gtk_widget_class_bind_template_child (widget_class, WbpsPrivacySection, refused_note);
  gtk_widget_class_bind_template_child (widget_class, WbpsPrivacySection, choices_box);
}

static void
wbps_privacy_section_init (WbpsPrivacySection *self)
{
  self->private_allowed = TRUE;
  self->checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  set_items (self, NULL, NULL);
}
