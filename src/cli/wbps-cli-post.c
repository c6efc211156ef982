/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The posting verbs: post, status, history, resume. All drive WbpsPublishJob and WbpsDatabase. */
#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "wbps-cli.h"
#include "wbps-database.h"
#include "wbps-error.h"
#include "wbps-history.h"
#include "wbps-json.h"
#include "wbps-media-preflight.h"
#include "wbps-post.h"
#include "wbps-publish-job.h"
#include "wbps-status-poller.h"

/* ---- small helpers ------------------------------------------------------ */

static int
usage_error (WbpsCli     *cli,
             gboolean     json,
             const char  *message)
{
  g_autoptr(GError) error = g_error_new_literal (WBPS_ERROR, WBPS_ERROR_INVALID_ARGUMENT, message);

  wbps_cli_print_error (cli, error, json);
  return WBPS_CLI_EXIT_USAGE;
}

/* The account to post as: --account, else the current one (a copy the caller owns). */
static char *
resolve_account (WbpsCli  *cli,
                 GError  **error)
{
  return g_strdup (wbps_cli_require_account (cli, error));
}

/* ---- JSON ----------------------------------------------------------------- */

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  g_print ("%s\n", text);
}

static void
print_result (const char         *publish_id,
              const char         *status,
              const char         *fail_reason,
              const char * const *post_ids,
              gint64              uploaded_bytes,
              gboolean            json)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (!json)
    {
      g_print ("%s %s\n", publish_id, status);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  wbps_json_add_string_or_null (builder, "publish_id", publish_id);
  wbps_json_add_string_or_null (builder, "status", status);
  wbps_json_add_string_or_null (builder, "fail_reason", fail_reason);
  wbps_json_add_post_ids (builder, post_ids);
  json_builder_set_member_name (builder, "uploaded_bytes");
  json_builder_add_int_value (builder, uploaded_bytes);
  json_builder_end_object (builder);
  print_json (builder);
}

/* ---- progress on stderr ---------------------------------------------------------- */

typedef struct {
  gboolean tty;
  gboolean bar_drawn;
  gint64   last_line_usec;
  guint    last_percent;
  guint64  last_sent;
} Progress;

static void
progress_end_bar (Progress *progress)
{
  if (progress->bar_drawn)
    g_printerr ("\n");
  progress->bar_drawn = FALSE;
}

/* g_format_size() puts a no-break space before the unit; keep the line plain ASCII. */
static char *
format_size (guint64 bytes)
{
  g_autofree char *text = g_format_size (bytes);
  g_auto(GStrv) parts = g_strsplit (text, "\u00a0", -1);

  return g_strjoinv (" ", parts);
}

static char *
format_eta (gint64 eta_seconds)
{
  if (eta_seconds < 0)
    return g_strdup ("--:--");
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, eta_seconds / 60, eta_seconds % 60);
}

static void
draw_bar (Progress   *progress,
          guint       percent,
          const char *sent,
          const char *total,
          const char *rate,
          const char *eta)
{
  char bar[31];

  memset (bar, ' ', 30);
  memset (bar, '#', MIN (percent, 100) * 30 / 100);
  bar[30] = '\0';
  g_printerr ("\r[%s] %3u%%  %s / %s  %s/s  ETA %s\033[K", bar, percent, sent, total, rate, eta);
  progress->bar_drawn = TRUE;
}

/* Plain lines for logs: every 10 %, at most one a second otherwise, and the end once. */
static gboolean
plain_line_due (Progress *progress,
                guint64   sent,
                guint64   total,
                guint     percent)
{
  gint64 now = g_get_monotonic_time ();

  if (sent == progress->last_sent)
    return FALSE;
  if (sent < total && percent < progress->last_percent + 10 && now - progress->last_line_usec < G_USEC_PER_SEC)
    return FALSE;
  progress->last_line_usec = now;
  progress->last_percent = percent;
  progress->last_sent = sent;
  return TRUE;
}

static void
progress_cb (WbpsPublishJob *job,
             guint64         sent,
             guint64         total,
             double          rate,
             gint64          eta_seconds,
             Progress       *progress)
{
  g_autofree char *sent_text = format_size (sent);
  g_autofree char *total_text = format_size (total);
  g_autofree char *rate_text = rate > 0 ? format_size ((guint64) rate) : g_strdup ("--");
  g_autofree char *eta = format_eta (eta_seconds);
  guint percent = total > 0 ? (guint) (sent * 100 / total) : 0;

  if (progress->tty)
    draw_bar (progress, percent, sent_text, total_text, rate_text, eta);
  else if (plain_line_due (progress, sent, total, percent))
    g_printerr ("Uploaded %s of %s (%u%%)\n", sent_text, total_text, percent);
}

static void
notice_cb (WbpsPublishJob *job,
           const char     *text,
           Progress       *progress)
{
  progress_end_bar (progress);
  g_printerr ("%s\n", text);
}

/* ---- running a job ------------------------------------------------------------------ */

static int
report_job (WbpsCli        *cli,
            WbpsPublishJob *job,
            const GError   *error,
            gboolean        json)
{
  WbpsPublishState state = wbps_publish_job_get_state (job);
  WbpsPost *post = wbps_publish_job_get_post (job);
  const char *publish_id = wbps_post_get_publish_id (post);
  const char *status = wbps_post_get_status (post);

  if (publish_id != NULL && (error == NULL || state == WBPS_PUBLISH_STATE_FAILED ||
                             state == WBPS_PUBLISH_STATE_INTERRUPTED || state == WBPS_PUBLISH_STATE_PROCESSING ||
                             state == WBPS_PUBLISH_STATE_UNCONFIRMED))
    print_result (publish_id, status != NULL ? status : wbps_publish_state_to_string (state),
                  wbps_post_get_fail_reason (post), wbps_post_get_post_ids (post),
                  wbps_post_get_uploaded_bytes (post), json);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (state == WBPS_PUBLISH_STATE_INTERRUPTED)
        g_printerr (_("Upload interrupted. Resume it within the hour with: wbps resume %s\n"), publish_id);
      else if (state == WBPS_PUBLISH_STATE_PROCESSING)
        g_printerr (_("Stopped waiting; TikTok is still processing the video. Check with: wbps status %s\n"), publish_id);
      else
        g_printerr (_("Cancelled.\n"));
      return WBPS_CLI_EXIT_CANCELLED;
    }
  if (g_error_matches (error, WBPS_PUBLISH_ERROR, WBPS_PUBLISH_ERROR_STATUS_UNKNOWN))
    {
      g_autofree char *hint = g_strdup_printf (_("Check it with: wbps status %s, or follow it to the end with: wbps resume %s"),
                                               publish_id, publish_id);

      /* The post may exist: exit 3 (unconfirmed), never 1, so nobody posts it a second time. */
      wbps_cli_print_error_hint (cli, error, FALSE, hint);
      return WBPS_CLI_EXIT_UNCONFIRMED;
    }
  if (g_error_matches (error, WBPS_POST_RECORD_ERROR, WBPS_POST_RECORD_ERROR_UNFINISHED))
    {
      g_autofree char *hint = g_strdup_printf (_("Finish it with: wbps resume %s, or add --new to post the video a second time."),
                                               wbps_publish_job_get_unfinished_publish_id (job));

      wbps_cli_print_error_hint (cli, error, json, hint);
      return WBPS_CLI_EXIT_FAILURE;
    }
  if (error != NULL && state == WBPS_PUBLISH_STATE_INTERRUPTED && publish_id != NULL)
    {
      g_autofree char *hint = g_strdup_printf (_("Resume it with: wbps resume %s"), publish_id);

      wbps_cli_print_error_hint (cli, error, FALSE, hint);
      return WBPS_CLI_EXIT_FAILURE;
    }
  if (error != NULL)
    {
      /* A FAILED status already went to stdout as the result; the reason goes to stderr. */
      wbps_cli_print_error (cli, error, json && publish_id == NULL);
      return WBPS_CLI_EXIT_FAILURE;
    }
  if (state == WBPS_PUBLISH_STATE_UNCONFIRMED)
    {
      guint seconds = wbps_config_get_give_up_seconds (wbps_context_get_config (cli->context));

      g_printerr (ngettext ("TikTok has not confirmed the post within %u second; it may still appear. Check later with: wbps status %s\n",
                            "TikTok has not confirmed the post within %u seconds; it may still appear. Check later with: wbps status %s\n",
                            seconds),
                  seconds, publish_id);
      return WBPS_CLI_EXIT_UNCONFIRMED;
    }
  return 0;
}

/* With a relay configured, the account's events settle the post's status (polling only while it is down). */
static WbpsRelayClient *
start_relay (WbpsCli    *cli,
             const char *open_id)
{
  WbpsConfig *config = wbps_context_get_config (cli->context);
  WbpsRelayClient *relay;

  if (wbps_config_get_relay_url (config) == NULL || open_id == NULL)
    return NULL;
  relay = wbps_relay_client_new (config, wbps_cli_get_accounts (cli, NULL), open_id);
  wbps_relay_client_start (relay);
  return relay;
}

static int
run_job (WbpsCli        *cli,
         WbpsPublishJob *job,
         const char     *open_id,
         gboolean        json)
{
  Progress progress = { isatty (STDERR_FILENO), FALSE, 0, 0, G_MAXUINT64 };
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsRelayClient) relay = NULL;
  gboolean wait;

  g_object_get (job, "wait", &wait, NULL);
  if (wait)
    relay = start_relay (cli, open_id);
  wbps_publish_job_set_relay_client (job, relay);
  g_signal_connect (job, "progress", G_CALLBACK (progress_cb), &progress);
  g_signal_connect (job, "notice", G_CALLBACK (notice_cb), &progress);
  wbps_publish_job_run_async (job, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  wbps_publish_job_run_finish (job, result, &error);
  progress_end_bar (&progress);
  g_signal_handlers_disconnect_by_data (job, &progress);
  if (relay != NULL)
    wbps_relay_client_stop (relay);
  return report_job (cli, job, error, json);
}

static WbpsPublishJob *
new_job (WbpsCli       *cli,
         WbpsDatabase  *db,
         gboolean       with_preflight)
{
  g_autoptr(WbpsMediaPreflight) preflight = NULL;

  if (with_preflight)
    {
      wbps_media_init ();
      preflight = wbps_media_preflight_new ();
    }
  return wbps_publish_job_new (wbps_context_get_config (cli->context), wbps_cli_get_api (cli), db, WBPS_PREFLIGHT (preflight));
}

/* ---- wbps post ----------------------------------------------------------------------------- */

typedef struct {
  gboolean  draft;
  char     *privacy;
  char     *title;
  gboolean  allow_comment;
  gboolean  allow_duet;
  gboolean  allow_stitch;
  gint64    cover_ms;
  gboolean  brand_organic;
  gboolean  branded_content;
  gboolean  aigc;
  gint64    chunk_size;
  gboolean  no_wait;
  gboolean  new_post;
  gboolean  json;
  GStrv     files;
} PostFlags;

static void
post_flags_clear (PostFlags *o)
{
  g_free (o->privacy);
  g_free (o->title);
  g_strfreev (o->files);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PostFlags, post_flags_clear)

/* The flags, as the post options a composer would have filled. */
static WbpsPostOptions *
post_options_from_flags (const PostFlags *f,
                         const char      *open_id)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (f->files[0]);

  return g_object_new (WBPS_TYPE_POST_OPTIONS,
                       "file", file,
                       "open-id", open_id,
                       "draft", f->draft,
                       "privacy-level", f->privacy,
                       "title", f->title,
                       "allow-comment", f->allow_comment,
                       "allow-duet", f->allow_duet,
                       "allow-stitch", f->allow_stitch,
                       "cover-ms", f->cover_ms,
                       "brand-organic", f->brand_organic,
                       "branded-content", f->branded_content,
                       "aigc", f->aigc,
                       "chunk-size", (guint64) f->chunk_size,
                       NULL);
}

static int
post_run (WbpsCli   *cli,
          PostFlags *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsDatabase) db = NULL;
  g_autoptr(WbpsPublishJob) job = NULL;
  g_autoptr(WbpsPostOptions) options = NULL;
  g_autofree char *open_id = resolve_account (cli, &error);

  if (open_id == NULL || (db = wbps_cli_open_database (cli, &error)) == NULL)
    {
      wbps_cli_print_error (cli, error, o->json);
      return WBPS_CLI_EXIT_FAILURE;
    }
  job = new_job (cli, db, TRUE);
  options = post_options_from_flags (o, open_id);
  wbps_publish_job_set_options (job, options);
  wbps_publish_job_set_wait (job, !o->no_wait);
  wbps_publish_job_set_allow_duplicate (job, o->new_post);
  return run_job (cli, job, open_id, o->json);
}

int
wbps_cli_post (WbpsCli  *cli,
               int       argc,
               char    **argv)
{
  g_auto(PostFlags) o = { .cover_ms = -1 };
  const GOptionEntry entries[] = {
    { "draft", 0, 0, G_OPTION_ARG_NONE, &o.draft, N_("Send to the TikTok inbox as a draft"), NULL },
    { "privacy", 0, 0, G_OPTION_ARG_STRING, &o.privacy, N_("Who can see the post (required for a direct post)"), "LEVEL" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &o.title, N_("Caption (at most 2200 characters)"), "TEXT" },
    { "allow-comment", 0, 0, G_OPTION_ARG_NONE, &o.allow_comment, N_("Allow comments"), NULL },
    { "allow-duet", 0, 0, G_OPTION_ARG_NONE, &o.allow_duet, N_("Allow duets"), NULL },
    { "allow-stitch", 0, 0, G_OPTION_ARG_NONE, &o.allow_stitch, N_("Allow stitches"), NULL },
    { "cover-ms", 0, 0, G_OPTION_ARG_INT64, &o.cover_ms, N_("Cover frame time in milliseconds"), "MS" },
    { "brand-organic", 0, 0, G_OPTION_ARG_NONE, &o.brand_organic, N_("Promotes your own brand"), NULL },
    { "branded-content", 0, 0, G_OPTION_ARG_NONE, &o.branded_content, N_("Paid partnership with a third-party brand"), NULL },
    { "aigc", 0, 0, G_OPTION_ARG_NONE, &o.aigc, N_("Label as AI-generated"), NULL },
    { "chunk-size", 0, 0, G_OPTION_ARG_INT64, &o.chunk_size, N_("Upload chunk size in bytes"), "BYTES" },
    { "no-wait", 0, 0, G_OPTION_ARG_NONE, &o.no_wait, N_("Do not wait for TikTok to process the video"), NULL },
    { "new", 0, 0, G_OPTION_ARG_NONE, &o.new_post, N_("Post even if an earlier upload of the file is unfinished (a second post)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print the result as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.files, NULL, "FILE" },
    { NULL }
  };
  int status;

  if (!wbps_cli_parse_options (cli, NULL, _("Post a video to TikTok, or send it to the TikTok inbox as a draft."),
                               entries, &argc, &argv, &status))
    return status;
  if (o.files == NULL || o.files[0] == NULL || o.files[1] != NULL)
    return usage_error (cli, o.json, _("Name exactly one video file: wbps post FILE [OPTIONS]"));
  if (o.chunk_size < 0 || o.cover_ms < -1 || o.cover_ms > G_MAXINT32)
    return usage_error (cli, o.json, _("--chunk-size and --cover-ms must be positive numbers."));
  return post_run (cli, &o);
}

/* ---- wbps resume ------------------------------------------------------------------------------ */

static WbpsPostRecord *
find_checkpoint (WbpsCli       *cli,
                 WbpsDatabase  *db,
                 const char    *publish_id,
                 GError       **error)
{
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  g_autoptr(GAsyncResult) result = NULL;

  if (publish_id != NULL)
    {
      wbps_database_lookup_async (db, publish_id, cli->cancellable, wbps_cli_waiter_cb, &waiter);
      result = wbps_cli_waiter_wait (&waiter);
      return wbps_database_lookup_finish (db, result, error);
    }
  wbps_database_latest_interrupted_async (db, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  return wbps_database_latest_interrupted_finish (db, result, error);
}

int
wbps_cli_resume (WbpsCli  *cli,
                 int       argc,
                 char    **argv)
{
  gboolean json = FALSE;
  int status_code;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsDatabase) db = NULL;
  g_autoptr(WbpsPostRecord) record = NULL;
  g_autoptr(WbpsPublishJob) job = NULL;

  if (!wbps_cli_parse_json_option (cli, _("[PUBLISH_ID]"),
                                   _("Resume an interrupted upload from TikTok's own count of received bytes."),
                                   N_("Print the result as JSON"), &json, &argc, &argv, &status_code))
    return status_code;
  if (argc > 2)
    return usage_error (cli, json, _("Usage: wbps resume [PUBLISH_ID]"));
  if (wbps_cli_get_accounts (cli, &error) == NULL ||
      (db = wbps_cli_open_database (cli, &error)) == NULL ||
      (record = find_checkpoint (cli, db, argc == 2 ? argv[1] : NULL, &error)) == NULL)
    {
      wbps_cli_print_error (cli, error, json);
      return WBPS_CLI_EXIT_FAILURE;
    }
  g_printerr (_("Resuming the upload of %s (%s).\n"), record->file_path, record->publish_id);
  job = new_job (cli, db, FALSE);
  wbps_publish_job_set_checkpoint (job, record);
  return run_job (cli, job, record->open_id, json);
}

/* ---- wbps status ----------------------------------------------------------------------------- */

/* Keeps the history row in step with what TikTok just said. */
static void
record_status (WbpsCli           *cli,
               WbpsDatabase      *db,
               WbpsPostRecord    *record,
               WbpsPublishStatus *status)
{
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  g_autoptr(GAsyncResult) result = NULL;

  wbps_history_record_status (record, status);
  wbps_database_update_async (db, record, NULL, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  wbps_database_update_finish (db, result, NULL);
}

static WbpsPublishStatus *
fetch_status (WbpsCli     *cli,
              const char  *open_id,
              const char  *publish_id,
              GError     **error)
{
  g_autoptr(WbpsStatusPoller) poller = wbps_status_poller_new (wbps_cli_get_api (cli), open_id, publish_id);
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  g_autoptr(GAsyncResult) result = NULL;

  wbps_status_poller_fetch_async (poller, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  return wbps_status_poller_fetch_finish (poller, result, error);
}

/* The history row of @publish_id, if this computer posted it. */
static WbpsPostRecord *
history_row (WbpsCli    *cli,
             const char *publish_id,
             WbpsDatabase **db_out)
{
  g_autoptr(WbpsDatabase) db = wbps_cli_open_database (cli, NULL);
  WbpsPostRecord *record = db != NULL ? find_checkpoint (cli, db, publish_id, NULL) : NULL;

  *db_out = g_steal_pointer (&db);
  return record;
}

static int
print_status (WbpsCli           *cli,
              const char        *publish_id,
              WbpsPublishStatus *status,
              gboolean           json)
{
  print_result (publish_id, status->status, status->fail_reason, (const char * const *) status->post_ids,
                status->uploaded_bytes, json);
  if (g_strcmp0 (status->status, "FAILED") == 0)
    {
      g_printerr (_("TikTok could not publish the video: %s (%s)\n"),
                  wbps_fail_reason_describe (status->fail_reason),
                  status->fail_reason != NULL ? status->fail_reason : "no reason given");
      return WBPS_CLI_EXIT_FAILURE;
    }
  return 0;
}

int
wbps_cli_status (WbpsCli  *cli,
                 int       argc,
                 char    **argv)
{
  gboolean json = FALSE;
  int status_code;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsDatabase) db = NULL;
  g_autoptr(WbpsPostRecord) record = NULL;
  g_autoptr(WbpsPublishStatus) status = NULL;
  g_autofree char *open_id = NULL;

  if (!wbps_cli_parse_json_option (cli, _("PUBLISH_ID"), _("Show a post's publishing status at TikTok."),
                                   N_("Print the result as JSON"), &json, &argc, &argv, &status_code))
    return status_code;
  if (argc != 2)
    return usage_error (cli, json, _("Usage: wbps status PUBLISH_ID"));
  record = history_row (cli, argv[1], &db);
  open_id = resolve_account (cli, &error);
  /* The post belongs to the account that made it, whichever is current now. */
  if (open_id != NULL && record != NULL && record->open_id != NULL)
    {
      g_free (open_id);
      open_id = g_strdup (record->open_id);
    }
  if (open_id == NULL || (status = fetch_status (cli, open_id, argv[1], &error)) == NULL)
    {
      wbps_cli_print_error (cli, error, json);
      return WBPS_CLI_EXIT_FAILURE;
    }
  if (record != NULL)
    record_status (cli, db, record, status);
  return print_status (cli, argv[1], status, json);
}

/* ---- wbps history ----------------------------------------------------------------------------- */

/* The locale's date and time (--json gives ISO 8601 for scripts). */
static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return g_date_time_format (time, "%x %X");
}

static void
print_history_json (GListModel *posts)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (posts); i++)
    {
      g_autoptr(WbpsPost) post = g_list_model_get_item (posts, i);

      json_array_add_element (array, wbps_post_to_json (post));
    }
  root = json_node_init_array (json_node_alloc (), array);
  wbps_cli_print_json (root);
}

static void
print_history_text (GListModel *posts)
{
  guint n_posts = g_list_model_get_n_items (posts);

  if (n_posts == 0)
    g_print (_("No posts yet.\n"));
  for (guint i = 0; i < n_posts; i++)
    {
      g_autoptr(WbpsPost) post = g_list_model_get_item (posts, i);
      g_autofree char *when = format_time (wbps_post_get_created_at (post));
      g_autofree char *ids = g_strjoinv (",", (GStrv) wbps_post_get_post_ids (post));
      const char *status = wbps_post_get_status (post);
      const char *publish_id = wbps_post_get_publish_id (post);
      const char *title = wbps_post_get_title (post);

      g_print ("%s  %-11s  %-18s  %s  %s%s%s%s%s%s\n", when, wbps_post_get_state (post),
               status != NULL ? status : "-",
               publish_id != NULL ? publish_id : "-",
               wbps_post_get_file_path (post),
               title != NULL ? "  “" : "", title != NULL ? title : "", title != NULL ? "”" : "",
               *ids != '\0' ? "  post " : "", ids);
    }
}

int
wbps_cli_history (WbpsCli  *cli,
                  int       argc,
                  char    **argv)
{
  gboolean json = FALSE;
  int status_code;
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsDatabase) db = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  WbpsHistory *history = NULL;

  if (!wbps_cli_parse_json_option (cli, NULL, _("List the posts made from this computer."),
                                   N_("Print the history as JSON"), &json, &argc, &argv, &status_code))
    return status_code;
  if (argc != 1)
    return usage_error (cli, json, _("Usage: wbps history [--json]"));
  if ((db = wbps_cli_open_database (cli, &error)) != NULL)
    {
      history = wbps_context_get_history (cli->context);
      wbps_history_load_async (history, cli->cancellable, wbps_cli_waiter_cb, &waiter);
      result = wbps_cli_waiter_wait (&waiter);
    }
  if (history == NULL || !wbps_history_load_finish (history, result, &error))
    {
      wbps_cli_print_error (cli, error, json);
      return WBPS_CLI_EXIT_FAILURE;
    }
  if (json)
    print_history_json (G_LIST_MODEL (history));
  else
    print_history_text (G_LIST_MODEL (history));
  return 0;
}
