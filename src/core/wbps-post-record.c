/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-post-record.h"

#include <glib/gi18n.h>

#include "wbps-file-identity.h"

G_DEFINE_QUARK (wbps-post-record-error-quark, wbps_post_record_error)

G_DEFINE_BOXED_TYPE (WbpsPostRecord, wbps_post_record, wbps_post_record_copy, wbps_post_record_free)

WbpsPostRecord *
wbps_post_record_new (void)
{
  WbpsPostRecord *record = g_new0 (WbpsPostRecord, 1);

  record->post_ids = g_new0 (char *, 1);
  return record;
}

WbpsPostRecord *
wbps_post_record_copy (const WbpsPostRecord *record)
{
  WbpsPostRecord *copy = g_memdup2 (record, sizeof *record);

  copy->file_path = g_strdup (record->file_path);
  copy->file_identity = g_strdup (record->file_identity);
  copy->content_type = g_strdup (record->content_type);
  copy->title = g_strdup (record->title);
  copy->open_id = g_strdup (record->open_id);
  copy->mode = g_strdup (record->mode);
  copy->privacy = g_strdup (record->privacy);
  copy->publish_id = g_strdup (record->publish_id);
  copy->upload_url = g_strdup (record->upload_url);
  copy->state = g_strdup (record->state);
  copy->status = g_strdup (record->status);
  copy->fail_reason = g_strdup (record->fail_reason);
  copy->post_ids = record->post_ids != NULL ? g_strdupv (record->post_ids) : g_new0 (char *, 1);
  return copy;
}

void
wbps_post_record_free (WbpsPostRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->file_path);
  g_free (record->file_identity);
  g_free (record->content_type);
  g_free (record->title);
  g_free (record->open_id);
  g_free (record->mode);
  g_free (record->privacy);
  g_free (record->publish_id);
  g_free (record->upload_url);
  g_free (record->state);
  g_free (record->status);
  g_free (record->fail_reason);
  g_strfreev (record->post_ids);
  g_free (record);
}

WbpsPublishState
wbps_post_record_get_state (const WbpsPostRecord *record)
{
  g_return_val_if_fail (record != NULL, WBPS_PUBLISH_STATE_NEW);

  return wbps_publish_state_from_string (record->state);
}

gboolean
wbps_post_record_set_state (WbpsPostRecord   *record,
                            WbpsPublishState  state)
{
  const char *name = wbps_publish_state_to_string (state);

  g_return_val_if_fail (record != NULL, FALSE);

  if (g_strcmp0 (record->state, name) == 0)
    return FALSE;
  g_free (record->state);
  record->state = g_strdup (name);
  return TRUE;
}

void
wbps_post_record_set_options (WbpsPostRecord  *record,
                              WbpsPostOptions *options,
                              gboolean         sandbox_forced)
{
  gboolean draft;

  g_return_if_fail (record != NULL);
  g_return_if_fail (WBPS_IS_POST_OPTIONS (options));

  draft = wbps_post_options_get_draft (options);
  g_free (record->file_path);
  record->file_path = g_file_get_path (wbps_post_options_get_file (options));
  g_free (record->title);
  record->title = g_strdup (wbps_post_options_get_title (options));
  g_free (record->open_id);
  record->open_id = g_strdup (wbps_post_options_get_open_id (options));
  g_free (record->mode);
  record->mode = g_strdup (draft ? "inbox" : "direct");
  g_free (record->privacy);
  /* The inbox takes no settings: the creator picks them in TikTok. */
  record->privacy = draft ? NULL : g_strdup (wbps_post_options_get_effective_privacy (options, sandbox_forced));
}

void
wbps_post_record_set_file_identity (WbpsPostRecord *record,
                                    const char     *identity)
{
  g_return_if_fail (record != NULL);

  g_free (record->file_identity);
  record->file_identity = g_strdup (identity);
  wbps_file_identity_parse (identity, &record->file_size, &record->file_mtime);
}

void
wbps_post_record_set_plan (WbpsPostRecord      *record,
                           const WbpsChunkPlan *plan)
{
  g_return_if_fail (record != NULL && plan != NULL);

  record->chunk_size = plan->chunk_size;
  record->chunk_count = plan->total_chunk_count;
}

void
wbps_post_record_get_plan (const WbpsPostRecord *record,
                           WbpsChunkPlan        *plan)
{
  g_return_if_fail (record != NULL && plan != NULL);

  plan->video_size = record->file_size;
  plan->chunk_size = record->chunk_size;
  plan->total_chunk_count = record->chunk_count;
}

void
wbps_post_record_start_upload (WbpsPostRecord *record,
                               const char     *publish_id,
                               const char     *upload_url)
{
  g_return_if_fail (record != NULL);

  g_free (record->publish_id);
  record->publish_id = g_strdup (publish_id);
  g_free (record->upload_url);
  record->upload_url = g_strdup (upload_url);
  record->upload_expires_at = g_get_real_time () / G_USEC_PER_SEC + WBPS_POST_RECORD_UPLOAD_URL_LIFETIME_SEC;
  record->next_offset = 0;
  wbps_post_record_set_state (record, WBPS_PUBLISH_STATE_UPLOAD);
}

void
wbps_post_record_set_fail_reason (WbpsPostRecord *record,
                                  const char     *fail_reason)
{
  g_return_if_fail (record != NULL);

  g_free (record->fail_reason);
  record->fail_reason = g_strdup (fail_reason);
}

gboolean
wbps_post_record_upload_is_complete (const WbpsPostRecord *record)
{
  WbpsPublishState state;

  g_return_val_if_fail (record != NULL, FALSE);

  state = wbps_post_record_get_state (record);
  return (state == WBPS_PUBLISH_STATE_PROCESSING || state == WBPS_PUBLISH_STATE_UNCONFIRMED) &&
         record->file_size > 0 && record->next_offset >= record->file_size;
}

gboolean
wbps_post_record_is_resumable (const WbpsPostRecord *record)
{
  WbpsPublishState state;

  g_return_val_if_fail (record != NULL, FALSE);

  state = wbps_post_record_get_state (record);
  return record->publish_id != NULL && record->file_path != NULL &&
         (state == WBPS_PUBLISH_STATE_UPLOAD || state == WBPS_PUBLISH_STATE_INTERRUPTED ||
          wbps_post_record_upload_is_complete (record));
}

gboolean
wbps_post_record_check_resumable (const WbpsPostRecord  *record,
                                  GError               **error)
{
  g_return_val_if_fail (record != NULL, FALSE);

  if (wbps_post_record_is_resumable (record))
    return TRUE;
  g_set_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_NOT_RESUMABLE,
               _("The post %s has no interrupted upload to resume (its state is %s)."),
               record->publish_id != NULL ? record->publish_id : "?", record->state);
  return FALSE;
}

gboolean
wbps_post_record_check_upload_address (const WbpsPostRecord  *record,
                                       gint64                 now,
                                       GError               **error)
{
  WbpsChunkPlan plan;

  g_return_val_if_fail (record != NULL, FALSE);

  if (record->upload_url == NULL && now < record->upload_expires_at)
    {
      g_set_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_EXPIRED,
                   _("The upload of %s (publish ID %s) can no longer be resumed: its upload address was removed when the account signed out (it belonged to that sign-in). Post the video again."),
                   record->file_path, record->publish_id);
      return FALSE;
    }
  if (record->upload_url == NULL || now >= record->upload_expires_at)
    {
      g_autofree char *when = wbps_post_record_format_upload_deadline (record, "%x %X");

      g_set_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_EXPIRED,
                   _("The upload of %s (publish ID %s) can no longer be resumed: TikTok's upload address expired at %s (an upload must finish within an hour). Post the video again."),
                   record->file_path, record->publish_id, when);
      return FALSE;
    }
  wbps_post_record_get_plan (record, &plan);
  return wbps_chunk_plan_validate (&plan, error);
}

gboolean
wbps_post_record_check_same_file (const WbpsPostRecord  *record,
                                  const char            *identity,
                                  const GError          *identity_error,
                                  GError               **error)
{
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (identity != NULL || identity_error != NULL, FALSE);

  if (identity != NULL && g_strcmp0 (identity, record->file_identity) == 0)
    return TRUE;
  g_set_error (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_FILE_CHANGED,
               _("%s is not the file whose upload was interrupted (%s); it cannot be resumed."),
               record->file_path,
               identity == NULL ? identity_error->message : _("its size, date or content changed"));
  return FALSE;
}

GError *
wbps_post_record_new_unfinished_error (const WbpsPostRecord *earlier,
                                       const char           *file_path)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (earlier != NULL, NULL);

  if (wbps_post_record_upload_is_complete (earlier))
    return g_error_new (WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_UNFINISHED,
                        _("TikTok already received all of %s for an earlier post (publish ID %s) whose final status was not confirmed; posting it again would make a second post."),
                        file_path, earlier->publish_id);
  when = wbps_post_record_format_upload_deadline (earlier, "%X");
  return g_error_new (WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_UNFINISHED,
                      _("An earlier upload of %s (publish ID %s) is unfinished and can be resumed until %s; posting it again would make a second post."),
                      file_path, earlier->publish_id, when);
}

char *
wbps_post_record_format_upload_deadline (const WbpsPostRecord *record,
                                         const char           *format)
{
  g_autoptr(GDateTime) until = NULL;

  g_return_val_if_fail (record != NULL && format != NULL, NULL);

  until = g_date_time_new_from_unix_local (record->upload_expires_at);
  return g_date_time_format (until, format);
}
