/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-composer-section.h"
#include "wbps-post-rules.h"
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
  GHashTable          *blocked;          /* code → why the posting rules refuse it now */
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

const char * const *
wbps_privacy_section_get_choices (WbpsPrivacySection *self)
{
  static const char *none[] = { NULL };

  g_return_val_if_fail (WBPS_IS_PRIVACY_SECTION (self), NULL);
  return self->codes != NULL ? (const char * const *) self->codes : none;
}

static gboolean
item_allowed (WbpsPrivacySection *self,
              const char         *code)
{
  return !g_hash_table_contains (self->blocked, code);
}

static void
update_description (WbpsPrivacySection *self)
{
  adw_preferences_group_set_description (self->group, self->selected == NULL && self->checks->len > 0
                                                        ? _("Choose who can see this video; there is no default.")
                                                        : NULL);
}

/* A choice the rules refuse (guideline 6: "Only me" with branded content) is greyed out with the reason. */
static void
update_allowed (WbpsPrivacySection *self)
{
  const char *shown = NULL;

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->checks, i);
      const char *reason = g_hash_table_lookup (self->blocked, self->codes[i]);

      gtk_widget_set_sensitive (button, reason == NULL);
      gtk_widget_set_tooltip_text (button, reason);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      reason != NULL ? reason : "", -1);
      shown = shown != NULL ? shown : reason;
    }
  gtk_label_set_text (self->refused_note, shown != NULL ? shown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->refused_note), shown != NULL);
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
wbps_privacy_section_set_blocked (WbpsPrivacySection *self,
                                  const char         *code,
                                  const char         *reason)
{
  g_return_if_fail (WBPS_IS_PRIVACY_SECTION (self));
  g_return_if_fail (code != NULL);

  if (g_strcmp0 (g_hash_table_lookup (self->blocked, code), reason) == 0)
    return;
  if (reason != NULL)
    g_hash_table_insert (self->blocked, g_strdup (code), g_strdup (reason));
  else
    g_hash_table_remove (self->blocked, code);
  update_allowed (self);
}

static void
privacy_section_set_creator_info (WbpsComposerSection   *section,
                                  const WbpsCreatorInfo *info,
                                  gboolean               sandbox)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (section);
  g_auto(GStrv) codes = wbps_post_rules_privacy_choices ((WbpsCreatorInfo *) info, sandbox);

  gtk_widget_set_visible (GTK_WIDGET (self->sandbox_note), sandbox);
  /* Shown again: the creator's earlier choice stays if TikTok still offers it. */
  set_items (self, (const char * const *) codes, self->selected);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVACY_LEVEL]);
}

static void
privacy_section_reset (WbpsComposerSection *section)
{
  WbpsPrivacySection *self = WBPS_PRIVACY_SECTION (section);

  g_hash_table_remove_all (self->blocked);
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
  g_hash_table_unref (self->blocked);
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
  self->blocked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  set_items (self, NULL, NULL);
}
