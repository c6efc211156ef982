/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "wbps-account.h"
#include "wbps-api-client.h"
#include "wbps-post-rules.h"
#include "wbps-account-section.h"
#include "wbps-composer-page.h"
#include "wbps-composer-section.h"
#include "wbps-disclosure-section.h"
#include "wbps-error.h"
#include "wbps-interactions-section.h"
#include "wbps-media-preflight.h"
#include "wbps-media-section.h"
#include "wbps-privacy-section.h"
#include "wbps-title-section.h"

#define MUSIC_URL "https://www.tiktok.com/legal/page/global/music-usage-confirmation/en"
#define BRANDED_URL "https://www.tiktok.com/legal/page/global/bc-policy/en"

struct _WbpsComposerPage
{
  AdwBin                  parent_instance;

  AdwToastOverlay        *toast_overlay;
  GtkStack               *stack;
  GtkWidget              *account_box;
  AdwAvatar              *account_avatar;
  GtkLabel               *account_label;
  GtkLabel               *file_label;
  WbpsMediaSection       *media_section;
  GtkStack               *form_stack;
  GtkLabel               *form_error_label;
  GtkWidget              *form_box;
  WbpsAccountSection     *account_section;
  GtkToggleButton        *direct_toggle;
  GtkToggleButton        *inbox_toggle;
  GtkLabel               *inbox_note;
  GtkLabel               *scope_note;
  WbpsTitleSection       *title_section;
  WbpsPrivacySection     *privacy_section;
  WbpsInteractionsSection *interactions_section;
  WbpsDisclosureSection  *disclosure_section;
  GtkWidget              *direct_only_box;
  GtkLabel               *hint_label;
  GtkLabel               *consent_label;
  GtkButton              *post_button;
  GtkButton              *inbox_button;

  WbpsUploadList         *uploads;
  WbpsAccountManager     *accounts;
  WbpsAvatarCache        *avatars;
  WbpsMediaPreflight     *preflight;
  GCancellable           *probe_cancellable;
  GCancellable           *creator_cancellable;

  GFile                  *file;
  WbpsMediaInfo          *media;
  WbpsCreatorInfo        *creator;
  char                   *open_id;      /* the account creator_info was fetched for */
  gboolean                updating;     /* update_form () running */
  gboolean                update_again; /* a section changed while it ran */
  gboolean                inbox_forced; /* the inbox mode was chosen for a drafts-only account */
};

G_DEFINE_FINAL_TYPE (WbpsComposerPage, wbps_composer_page, ADW_TYPE_BIN)

enum {
  SIGNAL_POSTED,
  SIGNAL_VIDEO_OPENED,
  SIGNAL_OPEN_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_form (WbpsComposerPage *self);

static void
toast (WbpsComposerPage *self,
       const char       *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static GtkWidget **
sections (WbpsComposerPage *self,
          guint            *n)
{
  static GtkWidget *list[6];

  list[0] = GTK_WIDGET (self->media_section);
  list[1] = GTK_WIDGET (self->account_section);
  list[2] = GTK_WIDGET (self->title_section);
  list[3] = GTK_WIDGET (self->privacy_section);
  list[4] = GTK_WIDGET (self->interactions_section);
  list[5] = GTK_WIDGET (self->disclosure_section);
  *n = G_N_ELEMENTS (list);
  return list;
}

static gboolean
inbox_mode (WbpsComposerPage *self)
{
  return gtk_toggle_button_get_active (self->inbox_toggle);
}

static gboolean
sandbox (WbpsComposerPage *self)
{
  return self->uploads != NULL && wbps_config_get_sandbox (wbps_upload_list_get_config (self->uploads));
}

/* ---- the problems that keep Post disabled: wbps-post-rules, as for the CLI and the job ---- */

static const char * const *
account_scopes (WbpsComposerPage *self)
{
  static const char *none[] = { NULL };
  WbpsAccount *account = self->accounts != NULL && self->open_id != NULL
                           ? wbps_account_manager_lookup (self->accounts, self->open_id) : NULL;

  return account != NULL ? wbps_account_get_scopes (account) : none;
}

static gboolean
account_has_scope (WbpsComposerPage *self,
                   const char       *scope)
{
  return g_strv_contains (account_scopes (self), scope);
}

/* (transfer full): what Post (or the inbox when @inbox) would send now. */
static WbpsPostOptions *
form_options (WbpsComposerPage *self,
              gboolean          inbox)
{
  WbpsPostOptions *options = wbps_post_options_new ();
  guint n;
  GtkWidget **list = sections (self, &n);

  g_object_set (options, "open-id", self->open_id, "draft", inbox, NULL);
  for (guint i = 0; i < n; i++)
    if (!inbox || list[i] == GTK_WIDGET (self->media_section) || list[i] == GTK_WIDGET (self->title_section))
      wbps_composer_section_apply (WBPS_COMPOSER_SECTION (list[i]), options);
  return options;
}

static GPtrArray *
form_problems (WbpsComposerPage *self,
               WbpsPostOptions  *options)
{
  return wbps_post_rules_check_form (options, sandbox (self), self->creator, self->media, account_scopes (self));
}

static void
set_button_state (GtkButton *button,
                  GPtrArray *problems)
{
  g_autoptr(GString) all = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (all, "%s%s", i > 0 ? "\n" : "", ((GError *) g_ptr_array_index (problems, i))->message);
  gtk_widget_set_sensitive (GTK_WIDGET (button), problems->len == 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), problems->len > 0 ? all->str : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, all->str, -1);
}

/* The first problem in a sentence; the media ones are listed in full above the form, and
 * one the disclosure shows by its check boxes is not said twice (Post's tooltip has them all). */
static void
set_hint (WbpsComposerPage *self,
          GPtrArray        *problems)
{
  const char *shown = wbps_disclosure_section_get_warning (self->disclosure_section);
  const GError *first = NULL;

  for (guint i = 0; first == NULL && i < problems->len; i++)
    if (g_strcmp0 (((GError *) g_ptr_array_index (problems, i))->message, shown) != 0)
      first = g_ptr_array_index (problems, i);

  gtk_label_set_text (self->hint_label, first == NULL ? ""
                      : first->domain == WBPS_PREFLIGHT_ERROR ? _("The video does not meet TikTok’s requirements (see above).")
                      : first->message);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), first != NULL);
}

/* Grey out what the rules refuse given the other choices (guidelines 4 and 6). */
static void
show_blocked_controls (WbpsComposerPage *self,
                       WbpsPostOptions  *options)
{
  const WbpsPostControl interactions[] = { WBPS_POST_CONTROL_ALLOW_COMMENT, WBPS_POST_CONTROL_ALLOW_DUET,
                                           WBPS_POST_CONTROL_ALLOW_STITCH };
  const char * const *choices = wbps_privacy_section_get_choices (self->privacy_section);
  g_autofree char *branded = wbps_post_rules_explain_control (options, sandbox (self), self->creator,
                                                              WBPS_POST_CONTROL_BRANDED_CONTENT);

  for (guint i = 0; i < G_N_ELEMENTS (interactions); i++)
    {
      g_autofree char *reason = wbps_post_rules_explain_control (options, sandbox (self), self->creator, interactions[i]);

      wbps_interactions_section_set_blocked (self->interactions_section, interactions[i], reason);
    }
  for (guint i = 0; choices[i] != NULL; i++)
    {
      g_autofree char *code = g_strdup (choices[i]);
      g_autofree char *reason = wbps_post_rules_explain_privacy (options, sandbox (self), self->creator, code);

      wbps_privacy_section_set_blocked (self->privacy_section, code, reason);
    }
  wbps_disclosure_section_set_branded_blocked (self->disclosure_section, branded);
}

/* Guideline 7: the consent line names the Branded Content Policy once branded content is disclosed. */
static void
update_consent (WbpsComposerPage *self)
{
  g_autofree char *markup = NULL;

  if (!inbox_mode (self) && wbps_disclosure_section_get_branded_content (self->disclosure_section))
    markup = g_strdup_printf (_("By posting, you agree to TikTok’s <a href=\"%s\">Branded Content Policy</a> and <a href=\"%s\">Music Usage Confirmation</a>."),
                              BRANDED_URL, MUSIC_URL);
  else
    markup = g_strdup_printf (_("By posting, you agree to TikTok’s <a href=\"%s\">Music Usage Confirmation</a>."), MUSIC_URL);
  gtk_label_set_markup (self->consent_label, markup);
}

static void
update_form_once (WbpsComposerPage *self)
{
  g_autoptr(WbpsPostOptions) direct_options = form_options (self, FALSE);
  g_autoptr(WbpsPostOptions) inbox_options = form_options (self, TRUE);
  g_autoptr(GPtrArray) direct = form_problems (self, direct_options);
  g_autoptr(GPtrArray) inbox = form_problems (self, inbox_options);
  g_auto(GStrv) media = self->media != NULL
                        ? wbps_post_rules_media_problems (inbox_mode (self) ? inbox_options : direct_options, self->creator, self->media)
                        : NULL;

  wbps_media_section_set_problems (self->media_section, (const char * const *) media);
  show_blocked_controls (self, direct_options);
  gtk_widget_set_visible (self->direct_only_box, !inbox_mode (self));
  gtk_widget_set_visible (GTK_WIDGET (self->inbox_note), inbox_mode (self));
  gtk_widget_set_visible (GTK_WIDGET (self->post_button), !inbox_mode (self));
  gtk_widget_set_visible (GTK_WIDGET (self->inbox_button), inbox_mode (self));
  set_button_state (self->post_button, direct);
  set_button_state (self->inbox_button, inbox);
  set_hint (self, inbox_mode (self) ? inbox : direct);
  update_consent (self);
}

/* A control the rules grey out changes the form again: settle before showing it. */
static void
update_form (WbpsComposerPage *self)
{
  if (self->updating)
    {
      self->update_again = TRUE;
      return;
    }
  self->updating = TRUE;
  do
    {
      self->update_again = FALSE;
      update_form_once (self);
    }
  while (self->update_again);
  self->updating = FALSE;
}

static void
section_changed_cb (WbpsComposerPage *self)
{
  update_form (self);
}

static void
mode_toggled_cb (WbpsComposerPage *self)
{
  update_form (self);
}

/* ---- creator_info, fetched each time the form is shown (guideline 1) ------------- */

static void
reset_sections (WbpsComposerPage *self)
{
  guint n;
  GtkWidget **list = sections (self, &n);

  for (guint i = 0; i < n; i++)
    wbps_composer_section_reset (WBPS_COMPOSER_SECTION (list[i]));
  gtk_toggle_button_set_active (self->direct_toggle, TRUE);
}

/* A way to send the account did not allow stays insensitive, and the page says why. */
static void
show_scopes (WbpsComposerPage *self)
{
  gboolean direct = account_has_scope (self, "video.publish");
  gboolean inbox = account_has_scope (self, "video.upload");
  const char *reason = !direct ? _("This account did not allow wbps to post directly (video.publish). Sign in again and allow it.")
                     : !inbox ? _("This account did not allow wbps to upload drafts (video.upload). Sign in again and allow it.")
                     : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->direct_toggle), direct);
  gtk_widget_set_sensitive (GTK_WIDGET (self->inbox_toggle), inbox);
  gtk_widget_set_tooltip_text (GTK_WIDGET (!direct ? self->direct_toggle : self->inbox_toggle), reason);
  gtk_widget_set_tooltip_text (GTK_WIDGET (!direct ? self->inbox_toggle : self->direct_toggle), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->direct_toggle), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  direct ? "" : reason, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->inbox_toggle), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  inbox ? "" : reason, -1);
  gtk_label_set_text (self->scope_note, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->scope_note), reason != NULL);
  /* Switching to an account that may post directly undoes what the last one forced. */
  if (!direct && inbox)
    gtk_toggle_button_set_active (self->inbox_toggle, TRUE);
  else if (self->inbox_forced)
    gtk_toggle_button_set_active (self->direct_toggle, TRUE);
  self->inbox_forced = !direct && inbox;
}

/* No creator_info (TikTok gives it only with video.publish): the account's own profile. */
static void
show_account_profile (WbpsComposerPage *self)
{
  WbpsAccount *account = self->accounts != NULL && self->open_id != NULL
                           ? wbps_account_manager_lookup (self->accounts, self->open_id) : NULL;

  wbps_account_section_show_name (self->account_section, account != NULL ? wbps_account_get_display_name (account) : NULL);
  if (account != NULL && self->avatars != NULL && wbps_account_get_avatar_url (account) != NULL)
    wbps_avatar_cache_apply (self->avatars, wbps_account_section_get_avatar (self->account_section),
                             wbps_account_get_avatar_url (account));
}

static void
apply_creator_info (WbpsComposerPage *self)
{
  guint n;
  GtkWidget **list = sections (self, &n);

  for (guint i = 0; i < n; i++)
    wbps_composer_section_set_creator_info (WBPS_COMPOSER_SECTION (list[i]), self->creator, sandbox (self));
  show_scopes (self);
  if (self->creator == NULL)
    show_account_profile (self);
  else if (self->avatars != NULL && wbps_creator_info_get_avatar_url (self->creator) != NULL)
    wbps_avatar_cache_apply (self->avatars, wbps_account_section_get_avatar (self->account_section),
                             wbps_creator_info_get_avatar_url (self->creator));
  if (self->uploads != NULL && self->creator != NULL)
    wbps_upload_list_remember_account (self->uploads, self->open_id, wbps_creator_info_get_nickname (self->creator), wbps_creator_info_get_username (self->creator));
  gtk_stack_set_visible_child_name (self->form_stack, "form");
  update_form (self);
}

static void
show_form_error (WbpsComposerPage *self,
                 const GError     *error)
{
  g_autofree char *text = wbps_error_describe (error);
  const char *code = wbps_tiktok_error_get_code (error);
  const char *log_id = wbps_tiktok_error_get_log_id (error);
  const char *sentence = wbps_fail_reason_describe (code);

  /* TikTok's reason in the creator's language (its own message is English only), with the log ID. */
  if (code != NULL && g_str_has_prefix (code, "spam_risk"))
    {
      g_free (text);
      if (g_strcmp0 (sentence, wbps_fail_reason_describe (NULL)) != 0)
        text = log_id != NULL ? g_strdup_printf (_("%s (log ID %s)"), sentence, log_id) : g_strdup (sentence);
      else
        text = g_strdup_printf (_("TikTok does not let this account post right now. TikTok says: “%s” Try again later."),
                                wbps_tiktok_error_get_message (error) != NULL ? wbps_tiktok_error_get_message (error) : code);
    }
  gtk_label_set_text (self->form_error_label, text);
  gtk_stack_set_visible_child_name (self->form_stack, "error");
  gtk_widget_set_sensitive (GTK_WIDGET (self->post_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->inbox_button), FALSE);
}

static void
creator_info_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WbpsComposerPage *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsCreatorInfo) info = wbps_creator_info_query_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = WBPS_COMPOSER_PAGE (user_data);
  if (info == NULL)
    {
      show_form_error (self, error);
      return;
    }
  g_clear_object (&self->creator);
  self->creator = g_steal_pointer (&info);
  apply_creator_info (self);
}

static void
fetch_creator_info (WbpsComposerPage *self)
{
  const char *current = self->accounts != NULL ? wbps_account_manager_get_current (self->accounts) : NULL;

  if (self->uploads == NULL || self->file == NULL || current == NULL)
    return;
  g_cancellable_cancel (self->creator_cancellable);
  g_clear_object (&self->creator_cancellable);
  self->creator_cancellable = g_cancellable_new ();
  g_free (self->open_id);
  self->open_id = g_strdup (current);
  /* creator_info needs video.publish: an account that only sends drafts goes without. */
  if (!account_has_scope (self, "video.publish"))
    {
      g_clear_object (&self->creator);
      apply_creator_info (self);
      return;
    }
  if (self->creator == NULL)
    gtk_stack_set_visible_child_name (self->form_stack, "loading");
  wbps_creator_info_query_async (wbps_upload_list_get_api (self->uploads), self->open_id,
                                      self->creator_cancellable, creator_info_cb, self);
}

static void
try_again_clicked_cb (WbpsComposerPage *self)
{
  g_clear_object (&self->creator);
  fetch_creator_info (self);
}

/* ---- opening a video ------------------------------------------------------------- */

static void
show_video (WbpsComposerPage *self,
            GFile            *file,
            WbpsMediaInfo    *info)
{
  g_autofree char *name = g_file_get_basename (file);

  g_set_object (&self->file, file);
  g_clear_pointer (&self->media, wbps_media_info_free);
  self->media = info;
  g_clear_object (&self->creator);
  gtk_label_set_text (self->file_label, name);
  reset_sections (self);
  wbps_media_section_set_video (self->media_section, file, info);
  gtk_stack_set_visible_child_name (self->stack, "editor");
  update_form (self);
  fetch_creator_info (self);
  g_signal_emit (self, signals[SIGNAL_VIDEO_OPENED], 0, file);
}

static void
probe_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GFile) file = user_data;
  WbpsComposerPage *self;
  g_autoptr(GError) error = NULL;
  WbpsMediaInfo *info = wbps_preflight_probe_finish (WBPS_PREFLIGHT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_object_get_data (G_OBJECT (source), "wbps-composer");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  if (info == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *text = g_strdup_printf (_("“%s” cannot be used: %s"), name, error->message);

      /* The previous video, if any, stays as it was. */
      gtk_stack_set_visible_child_name (self->stack, self->file != NULL ? "editor" : "empty");
      if (g_signal_has_handler_pending (self, signals[SIGNAL_OPEN_FAILED], 0, TRUE))
        g_signal_emit (self, signals[SIGNAL_OPEN_FAILED], 0, text);
      else
        toast (self, text);
      return;
    }
  show_video (self, file, info);
}

void
wbps_composer_page_open_file (WbpsComposerPage *self,
                              GFile            *file)
{
  g_return_if_fail (WBPS_IS_COMPOSER_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);
  self->probe_cancellable = g_cancellable_new ();
  if (self->file == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  wbps_preflight_probe_async (WBPS_PREFLIGHT (self->preflight), file, self->probe_cancellable,
                              probe_cb, g_object_ref (file));
}

static void
chooser_response_cb (GtkNativeDialog  *dialog,
                     int               response,
                     WbpsComposerPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        wbps_composer_page_open_file (self, file);
    }
  g_object_unref (dialog);
}

void
wbps_composer_page_choose (WbpsComposerPage *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_return_if_fail (WBPS_IS_COMPOSER_PAGE (self));
  chooser = gtk_file_chooser_native_new (_("Choose a Video"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Videos"));
  gtk_file_filter_add_mime_type (filter, "video/mp4");
  gtk_file_filter_add_mime_type (filter, "video/quicktime");
  gtk_file_filter_add_mime_type (filter, "video/webm");
  gtk_file_filter_add_mime_type (filter, "video/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
choose_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  wbps_composer_page_choose (WBPS_COMPOSER_PAGE (widget));
}

/* ---- posting --------------------------------------------------------------------- */

static void
post (WbpsComposerPage *self,
      gboolean          inbox)
{
  g_autoptr(WbpsPublishJob) job = NULL;
  g_autoptr(WbpsPostOptions) options = form_options (self, inbox);
  g_autoptr(GPtrArray) problems = form_problems (self, options);
  GdkTexture *cover = wbps_media_section_get_cover_texture (self->media_section);
  WbpsUpload *upload;

  if (problems->len > 0 || (self->creator == NULL && !inbox) || self->uploads == NULL)
    return;
  job = wbps_upload_list_create_job (self->uploads);
  wbps_publish_job_set_options (job, options);
  /* The creator info the form was built from: the job does not ask TikTok again. */
  if (self->creator != NULL)
    wbps_publish_job_set_creator_info (job, self->creator);
  wbps_media_section_pause (self->media_section);
  upload = wbps_upload_list_post (self->uploads, job, options, wbps_title_section_get_title (self->title_section),
                                  self->creator != NULL ? wbps_creator_info_get_nickname (self->creator)
                                                        : wbps_upload_list_lookup_nickname (self->uploads, self->open_id),
                                  cover != NULL ? GDK_PAINTABLE (cover) : NULL);
  g_signal_emit (self, signals[SIGNAL_POSTED], 0, upload);
  /* Ready for the next video. */
  g_clear_object (&self->file);
  g_clear_pointer (&self->media, wbps_media_info_free);
  g_clear_object (&self->creator);
  wbps_media_section_set_video (self->media_section, NULL, NULL);
  reset_sections (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
post_clicked_cb (WbpsComposerPage *self)
{
  post (self, FALSE);
}

static void
inbox_clicked_cb (WbpsComposerPage *self)
{
  post (self, TRUE);
}

/* The empty page says who would post: the current account's name and picture. */
static void
show_current_account (WbpsComposerPage *self)
{
  WbpsAccount *account = self->accounts != NULL ? wbps_account_manager_get_current_account (self->accounts) : NULL;

  gtk_widget_set_visible (self->account_box, account != NULL);
  if (account == NULL)
    return;
  gtk_label_set_text (self->account_label, wbps_account_get_name (account));
  adw_avatar_set_text (self->account_avatar, wbps_account_get_name (account));
  adw_avatar_set_custom_image (self->account_avatar, NULL);
  if (self->avatars != NULL && wbps_account_get_avatar_url (account) != NULL)
    wbps_avatar_cache_apply (self->avatars, GTK_WIDGET (self->account_avatar), wbps_account_get_avatar_url (account));
}

static void
current_account_changed_cb (WbpsComposerPage *self)
{
  show_current_account (self);
  g_clear_object (&self->creator);
  fetch_creator_info (self);
}

void
wbps_composer_page_setup (WbpsComposerPage   *self,
                          WbpsUploadList     *uploads,
                          WbpsAccountManager *accounts,
                          WbpsAvatarCache    *avatars)
{
  g_return_if_fail (WBPS_IS_COMPOSER_PAGE (self));
  g_set_object (&self->avatars, avatars);
  g_set_object (&self->uploads, uploads);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_set_object (&self->accounts, accounts);
  if (accounts != NULL)
    g_signal_connect_swapped (accounts, "notify::current-account", G_CALLBACK (current_account_changed_cb), self);
  show_current_account (self);
}

/* Guideline 1: creator_info afresh whenever the form comes into view. */
static void
wbps_composer_page_map (GtkWidget *widget)
{
  WbpsComposerPage *self = WBPS_COMPOSER_PAGE (widget);

  GTK_WIDGET_CLASS (wbps_composer_page_parent_class)->map (widget);
  if (self->file != NULL)
    fetch_creator_info (self);
}

static void
wbps_composer_page_dispose (GObject *object)
{
  WbpsComposerPage *self = WBPS_COMPOSER_PAGE (object);

  g_cancellable_cancel (self->probe_cancellable);
  g_cancellable_cancel (self->creator_cancellable);
  if (self->accounts != NULL)
    g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_clear_object (&self->probe_cancellable);
  g_clear_object (&self->creator_cancellable);
  g_clear_object (&self->uploads);
  g_clear_object (&self->accounts);
  g_clear_object (&self->avatars);
  g_clear_object (&self->preflight);
  g_clear_object (&self->file);
  g_clear_pointer (&self->media, wbps_media_info_free);
  g_clear_object (&self->creator);
  g_clear_pointer (&self->open_id, g_free);
  G_OBJECT_CLASS (wbps_composer_page_parent_class)->dispose (object);
}

static void
wbps_composer_page_class_init (WbpsComposerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wbps_composer_page_dispose;
  widget_class->map = wbps_composer_page_map;

  signals[SIGNAL_POSTED] = g_signal_new ("posted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, WBPS_TYPE_UPLOAD);
  signals[SIGNAL_VIDEO_OPENED] = g_signal_new ("video-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);
  /* The message says which file and why; whoever shows the page shows it. */
  signals[SIGNAL_OPEN_FAILED] = g_signal_new ("open-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (WBPS_TYPE_MEDIA_SECTION);
  g_type_ensure (WBPS_TYPE_ACCOUNT_SECTION);
  g_type_ensure (WBPS_TYPE_TITLE_SECTION);
  g_type_ensure (WBPS_TYPE_PRIVACY_SECTION);
  g_type_ensure (WBPS_TYPE_INTERACTIONS_SECTION);
  g_type_ensure (WBPS_TYPE_DISCLOSURE_SECTION);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/fvz/Wbps/composer/wbps-composer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, account_box);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, account_avatar);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, file_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, media_section);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, form_stack);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, form_box);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, account_section);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, direct_toggle);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, inbox_toggle);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, inbox_note);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, scope_note);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, title_section);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, privacy_section);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, interactions_section);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, disclosure_section);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, direct_only_box);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, consent_label);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, post_button);
  gtk_widget_class_bind_template_child (widget_class, WbpsComposerPage, inbox_button);
  gtk_widget_class_bind_template_callback (widget_class, section_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, post_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, inbox_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, try_again_clicked_cb);

  gtk_widget_class_install_action (widget_class, "composer.choose-video", NULL, choose_action_cb);
}

static void
wbps_composer_page_init (WbpsComposerPage *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->preflight = wbps_media_preflight_new ();
  g_object_set_data (G_OBJECT (self->preflight), "wbps-composer", self);

  /* Ctrl+O anywhere in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_o, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("composer.choose-video")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  update_form (self);
}
