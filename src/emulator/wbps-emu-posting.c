/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Content Posting, as TikTok's Content Posting API documentation describes it.
 * Upload bodies are streamed to DATA_DIR/uploads/ while they arrive, and a
 * chunk only counts once its whole body was received and accepted.
 */
#include "config.h"

#include "wbps-emu-posting.h"

#include <string.h>

#define MIB                 (G_GINT64_CONSTANT (1048576))
#define DAY_MS              (G_GINT64_CONSTANT (86400000))
#define MIN_CHUNK           (5 * MIB)
#define MAX_CHUNK           (64 * MIB)
#define MAX_LAST_CHUNK      (128 * MIB)
#define MAX_VIDEO_SIZE      (4096 * MIB)
#define MAX_CHUNK_COUNT     1000
#define MAX_TITLE_UNITS     2200
#define MAX_PENDING_SHARES  5
#define PULL_FAKE_SIZE      (12 * MIB)
#define UPLOAD_PATH         "/upload/"
#define POSTING_DATA_KEY    "wbps-emu-posting"
#define UPLOAD_DATA_KEY     "wbps-emu-upload"
#define ID_BASE             G_GUINT64_CONSTANT (7300000000000000000)
#define MAX_JSON_BODY       (64 * 1024)   /* a 2200-unit title, fully escaped, is about 13 KiB */
#define MAX_JSON_DEPTH      32
#define MAX_API_BODY        (1024 * 1024)

typedef struct {
  char     *publish_id;
  char     *open_id;
  char     *client_key;
  char     *privacy_level;      /* NULL for inbox shares */
  char     *upload_id;          /* NULL for PULL_FROM_URL */
  char     *upload_token_sha256;/* the token itself is never kept */
  char     *path;               /* where the received bytes go */
  char     *fail_reason;        /* decided once all media arrived */
  JsonNode *post_info;          /* the init request's post_info as received, for /emulator/posts */
  gboolean  inbox;
  gboolean  pull;
  gboolean  writing;            /* a PUT is streaming into path */
  gint64    created_ms;
  gint64    upload_expires_ms;
  gint64    video_size;
  gint64    received;           /* bytes of accepted chunks */
  gint64    media_done_ms;      /* -1 until all media arrived */
  gint64    final_ms;           /* when processing ends */
  gint64    inbox_posted_ms;    /* when the creator posts the inbox draft; -1 = never */
  guint64   post_id;            /* 0 unless a public direct post */
  guint     status_requests;    /* status/fetch requests answered for it, for /emulator/posts */
  GArray   *puts;               /* UploadPut: every upload PUT of this run, for /emulator/posts */
} PostTask;

typedef struct {
  gint64 first;
  gint64 last;
  guint  status;
} UploadPut;

typedef struct {
  WbpsEmuState *state;          /* unowned: we live as its data */
  GHashTable   *tasks;          /* publish_id -> PostTask */
  GHashTable   *uploads;        /* upload_id -> PostTask (borrowed) */
  guint64       serial;
  guint         upload_puts;    /* upload PUTs seen, for drop-upload-chunk */
  gboolean      drop_done;
} Posting;

typedef struct {
  Posting       *posting;
  PostTask      *task;          /* NULL when the PUT is refused */
  GFileIOStream *stream;
  guint          verdict;       /* 0 = accepted so far, else the HTTP status */
  gint64         first;
  gint64         last;
  gint64         length;
  gint64         body_seen;
  gint64         drop_after;
  gboolean       drop;          /* this PUT is the one the fault drops */
  gboolean       closed;        /* committed or rolled back */
  gboolean       write_failed;
} UploadCtx;

typedef struct {
  guint       status;
  const char *code;
  char       *message;
} Refusal;

typedef struct {
  gboolean    pull;
  gint64      video_size;
  gint64      chunk_size;
  gint64      chunk_count;
  const char *video_url;
  const char *privacy_level;
  JsonObject *post_info;        /* borrowed from the request body */
} InitRequest;

/* ---------------------------------------------------------------- tasks */

static PostTask *
post_task_new (void)
{
  PostTask *task = g_new0 (PostTask, 1);

  task->puts = g_array_new (FALSE, FALSE, sizeof (UploadPut));
  return task;
}

static void
post_task_free (PostTask *task)
{
  g_free (task->publish_id);
  g_free (task->open_id);
  g_free (task->client_key);
  g_free (task->privacy_level);
  g_free (task->upload_id);
  g_free (task->upload_token_sha256);
  g_free (task->path);
  g_free (task->fail_reason);
  g_clear_pointer (&task->post_info, json_node_unref);
  g_clear_pointer (&task->puts, g_array_unref);
  g_free (task);
}

static void
posting_free (Posting *self)
{
  g_hash_table_unref (self->uploads);
  g_hash_table_unref (self->tasks);
  g_free (self);
}

static gint64
posting_now (Posting *self)
{
  return wbps_emu_state_now_ms (self->state);
}

static gboolean
task_in_last_day (Posting  *self,
                  gint64    at_ms)
{
  return at_ms >= 0 && at_ms > posting_now (self) - DAY_MS;
}

/* Posts (direct) or pending shares (inbox) of @open_id in the last 24 h. */
static guint
posting_count_shares (Posting    *self,
                      const char *open_id,
                      gboolean    inbox)
{
  GHashTableIter iter;
  PostTask *task;
  guint count = 0;

  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &task))
    if (task->inbox == inbox && task->fail_reason == NULL &&
        g_str_equal (task->open_id, open_id) &&
        task_in_last_day (self, task->media_done_ms))
      count++;

  return count;
}

/* Whether @open_id would be one user too many for @client_key's 24 h quota. */
static gboolean
posting_active_cap_reached (Posting    *self,
                            const char *client_key,
                            const char *open_id)
{
  g_autoptr(GHashTable) users = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 cap = wbps_emu_state_get_int (self->state, "unaudited-active-user-cap", 5);
  GHashTableIter iter;
  PostTask *task;

  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &task))
    if (!task->inbox && g_str_equal (task->client_key, client_key) &&
        task_in_last_day (self, task->created_ms))
      g_hash_table_add (users, task->open_id);

  return !g_hash_table_contains (users, open_id) && g_hash_table_size (users) >= cap;
}

static const char *
task_status (Posting  *self,
             PostTask *task)
{
  if (task->media_done_ms < 0 || posting_now (self) < task->final_ms)
    return task->pull ? "PROCESSING_DOWNLOAD" : "PROCESSING_UPLOAD";
  if (task->fail_reason != NULL)
    return "FAILED";
  if (task->inbox && (task->inbox_posted_ms < 0 || posting_now (self) < task->inbox_posted_ms))
    return "SEND_TO_USER_INBOX";
  return "PUBLISH_COMPLETE";
}

/* ---------------------------------------------------------------- events */

typedef struct {
  Posting *posting;
  char    *publish_id;
} FinalTimer;

static void
final_timer_free (FinalTimer *timer)
{
  g_free (timer->publish_id);
  g_free (timer);
}

/* Queues a webhook event (spec 6.2); delivery is the state's business. */
static void
task_add_event (Posting    *self,
                PostTask   *task,
                const char *event,
                gboolean    with_post_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *content = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "publish_id");
  json_builder_add_string_value (builder, task->publish_id);
  if (task->fail_reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, task->fail_reason);
    }
  if (with_post_id)
    {
      json_builder_set_member_name (builder, "post_id");
      json_builder_add_int_value (builder, (gint64) task->post_id);
    }
  json_builder_set_member_name (builder, "publish_type");
  json_builder_add_string_value (builder, task->inbox ? "INBOX_SHARE" : "DIRECT_PUBLISH");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  content = json_to_string (root, FALSE);
  wbps_emu_state_add_event (self->state, task->client_key, event, task->open_id, content);
}

static gboolean
task_final_cb (gpointer data)
{
  FinalTimer *timer = data;
  PostTask *task = g_hash_table_lookup (timer->posting->tasks, timer->publish_id);

  if (task == NULL)
    return G_SOURCE_REMOVE;
  if (task->fail_reason != NULL)
    task_add_event (timer->posting, task, "post.publish.failed", FALSE);
  else if (task->inbox)
    task_add_event (timer->posting, task, "post.publish.inbox_delivered", FALSE);
  else
    task_add_event (timer->posting, task, "post.publish.complete", FALSE);
  if (task->fail_reason == NULL && task->post_id != 0)
    task_add_event (timer->posting, task, "post.publish.publicly_available", TRUE);
  return G_SOURCE_REMOVE;
}

/* The creator posted the inbox draft: status PUBLISH_COMPLETE and its webhook. */
static gboolean
task_inbox_posted_cb (gpointer data)
{
  FinalTimer *timer = data;
  PostTask *task = g_hash_table_lookup (timer->posting->tasks, timer->publish_id);

  if (task != NULL)
    task_add_event (timer->posting, task, "post.publish.complete", FALSE);
  return G_SOURCE_REMOVE;
}

static void
task_schedule_inbox_posted (Posting  *self,
                            PostTask *task)
{
  FinalTimer *timer = g_new0 (FinalTimer, 1);

  timer->posting = self;
  timer->publish_id = g_strdup (task->publish_id);
  wbps_emu_state_timeout_add (self->state, MAX (task->inbox_posted_ms - posting_now (self), 0),
                              task_inbox_posted_cb, timer, (GDestroyNotify) final_timer_free);
}

/* Status is computed from the clock; the timer only announces the outcome. */
static void
task_schedule_final (Posting  *self,
                     PostTask *task)
{
  FinalTimer *timer = g_new0 (FinalTimer, 1);

  timer->posting = self;
  timer->publish_id = g_strdup (task->publish_id);
  wbps_emu_state_timeout_add (self->state, MAX (task->final_ms - posting_now (self), 0),
                              task_final_cb, timer, (GDestroyNotify) final_timer_free);
}

/* All media is there: processing starts, and its outcome is fixed now. */
static void
task_media_done (Posting  *self,
                 PostTask *task)
{
  gint64 delay = wbps_emu_state_get_int (self->state, "processing-delay-ms", 2000);
  gint64 posted_after = wbps_emu_state_get_int (self->state, "inbox-posted-after-ms", -1);

  task->media_done_ms = posting_now (self);
  task->final_ms = task->media_done_ms + MAX (delay, 0);
  task->fail_reason = g_strdup (wbps_emu_state_get_user_option (self->state, task->open_id, "fail-reason"));
  if (task->fail_reason != NULL && *g_strstrip (task->fail_reason) == '\0')
    g_clear_pointer (&task->fail_reason, g_free);
  if (!task->inbox && task->fail_reason == NULL &&
      g_strcmp0 (task->privacy_level, "PUBLIC_TO_EVERYONE") == 0)
    task->post_id = ID_BASE + 1000000000000 + ++self->serial;
  task->inbox_posted_ms = task->inbox && task->fail_reason == NULL && posted_after >= 0
                          ? task->final_ms + posted_after : -1;
  task_schedule_final (self, task);
  if (task->inbox_posted_ms >= 0)
    task_schedule_inbox_posted (self, task);
}

/* ---------------------------------------------------------------- replies */

static gboolean
refuse (Refusal    *refusal,
        guint       status,
        const char *code,
        const char *message)
{
  refusal->status = status;
  refusal->code = code;
  refusal->message = g_strdup (message);
  return FALSE;
}

static void
reply_refusal (Posting           *self,
               SoupServerMessage *msg,
               Refusal           *refusal)
{
  wbps_emu_reply_v2 (self->state, msg, refusal->status, NULL, refusal->code, refusal->message);
  g_clear_pointer (&refusal->message, g_free);
}

static void
reply_invalid (Posting           *self,
               SoupServerMessage *msg,
               const char        *message)
{
  wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_BAD_REQUEST, NULL, "invalid_params", message);
}

/* json-glib parses recursively: a deeply nested body would overflow our stack. */
static gboolean
json_depth_ok (const char *data,
               gsize       size)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < size; i++)
    {
      if (in_string)
        {
          if (data[i] == '\\')
            i++;
          else if (data[i] == '"')
            in_string = FALSE;
        }
      else if (data[i] == '"')
        in_string = TRUE;
      else if ((data[i] == '{' || data[i] == '[') && ++depth > MAX_JSON_DEPTH)
        return FALSE;
      else if ((data[i] == '}' || data[i] == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

static JsonObject *
read_json_body (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;

  if (size == 0 || size > MAX_JSON_BODY || !json_depth_ok (data, size) ||
      !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* ---------------------------------------------------------------- creator info */

static const char *
creator_privacy_options[2][3] = {
  { "PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY" },
  { "FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY" },
};

/*
 * The creator's privacy_level_options: the user's privacy-level-options key when set (a list;
 * "none" for an empty one), else those of a public or a private account.
 */
static GPtrArray *
creator_privacy_levels (WbpsEmuState *state,
                        WbpsEmuUser  *user)
{
  const char *configured = wbps_emu_state_get_user_option (state, user->open_id, "privacy-level-options");
  GPtrArray *levels = g_ptr_array_new_with_free_func (g_free);

  if (configured != NULL)
    {
      g_auto(GStrv) words = g_strsplit_set (configured, ",; ", -1);

      for (guint i = 0; words[i] != NULL; i++)
        if (*words[i] != '\0' && !g_str_equal (words[i], "none"))
          g_ptr_array_add (levels, g_strdup (words[i]));
      return levels;
    }
  for (guint i = 0; i < G_N_ELEMENTS (creator_privacy_options[0]); i++)
    g_ptr_array_add (levels, g_strdup (creator_privacy_options[user->is_private ? 1 : 0][i]));
  return levels;
}

static gboolean
creator_allows_privacy (WbpsEmuState *state,
                        WbpsEmuUser  *user,
                        const char   *privacy_level)
{
  g_autoptr(GPtrArray) levels = creator_privacy_levels (state, user);

  for (guint i = 0; i < levels->len; i++)
    if (g_strcmp0 (g_ptr_array_index (levels, i), privacy_level) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
client_is_restricted (WbpsEmuClient *client)
{
  return client != NULL && (!client->audited || client->sandbox);
}

/* Why @user cannot post now (an error code), or NULL. */
static const char *
creator_cap_state (Posting            *self,
                   WbpsEmuAccessToken *token,
                   WbpsEmuUser        *user)
{
  WbpsEmuClient *client = wbps_emu_state_get_client (self->state, token->client_key);

  if (user->cap_state != NULL && *user->cap_state != '\0')
    return user->cap_state;
  if (user->banned)
    return "spam_risk_user_banned_from_posting";
  if (posting_count_shares (self, user->open_id, FALSE) >= user->daily_post_cap)
    return "spam_risk_too_many_posts";
  if (client_is_restricted (client) &&
      posting_active_cap_reached (self, token->client_key, user->open_id))
    return "reached_active_user_cap";
  return NULL;
}

static const char *
cap_message (const char *code)
{
  if (g_strcmp0 (code, "spam_risk_too_many_posts") == 0)
    return "The user has reached the daily limit of posts made through the API.";
  if (g_strcmp0 (code, "spam_risk_user_banned_from_posting") == 0)
    return "The user is banned from posting.";
  if (g_strcmp0 (code, "reached_active_user_cap") == 0)
    return "The client has reached its daily quota of active posting users.";
  if (g_strcmp0 (code, "spam_risk_too_many_pending_share") == 0)
    return "The user has too many pending shares in the inbox.";
  return "The user cannot post right now.";
}

static JsonNode *
creator_info_data (WbpsEmuState *state,
                   WbpsEmuUser  *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) levels = creator_privacy_levels (state, user);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "creator_avatar_url");
  json_builder_add_string_value (builder, user->avatar_url != NULL ? user->avatar_url : "");
  json_builder_set_member_name (builder, "creator_username");
  json_builder_add_string_value (builder, user->username != NULL ? user->username : "");
  json_builder_set_member_name (builder, "creator_nickname");
  json_builder_add_string_value (builder, user->display_name != NULL ? user->display_name : "");
  json_builder_set_member_name (builder, "privacy_level_options");
  json_builder_begin_array (builder);
  for (guint i = 0; i < levels->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (levels, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "comment_disabled");
  json_builder_add_boolean_value (builder, user->comment_disabled);
  json_builder_set_member_name (builder, "duet_disabled");
  json_builder_add_boolean_value (builder, user->is_private || user->duet_disabled);
  json_builder_set_member_name (builder, "stitch_disabled");
  json_builder_add_boolean_value (builder, user->is_private || user->stitch_disabled);
  json_builder_set_member_name (builder, "max_video_post_duration_sec");
  json_builder_add_int_value (builder, user->max_video_post_duration_sec);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static WbpsEmuUser *
posting_token_user (Posting            *self,
                    SoupServerMessage  *msg,
                    WbpsEmuAccessToken *token)
{
  WbpsEmuUser *user = wbps_emu_state_get_user (self->state, token->open_id);

  if (user == NULL)
    wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_UNAUTHORIZED, NULL, "access_token_invalid",
                       "The access token is invalid or not found in the request.");
  return user;
}

static void
creator_info_handler (SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  Posting *self = user_data;
  WbpsEmuAccessToken *token;
  WbpsEmuUser *user;
  const char *cap;

  if (!wbps_emu_require_method (self->state, msg, SOUP_METHOD_POST) ||
      (token = wbps_emu_authenticate (self->state, msg, "video.publish")) == NULL)
    return;
  if (!wbps_emu_rate_limit (self->state, msg, "creator_info", token->token, 20))
    return;
  if ((user = posting_token_user (self, msg, token)) == NULL)
    return;

  /* TikTok answers these refusals with HTTP 200 on purpose. */
  if ((cap = creator_cap_state (self, token, user)) != NULL)
    wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_OK, NULL, cap, cap_message (cap));
  else
    wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_OK, creator_info_data (self->state, user), "ok", "");
}

/* ---------------------------------------------------------------- init checks */

/* Section 4.5: S = video size, C = chunk size, N = chunk count, in MiB units. */
static gboolean
check_chunk_plan (gint64   size,
                  gint64   chunk,
                  gint64   count,
                  Refusal *refusal)
{
  const char *bad_chunk = "The chunk size is invalid";

  if (size <= 0 || size > MAX_VIDEO_SIZE)
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params",
                   "The video size is invalid (at most 4 GB)");
  if (size < MIN_CHUNK ? chunk != size : (chunk < MIN_CHUNK || chunk > MAX_CHUNK))
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params", bad_chunk);
  if (count != size / chunk)
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params", "total chunk count is invalid");
  if (count < 1 || count > MAX_CHUNK_COUNT || (size > MAX_CHUNK && count == 1) ||
      size - (count - 1) * chunk > MAX_LAST_CHUNK)
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params", bad_chunk);
  return TRUE;
}

static gboolean
check_source_info (JsonObject  *body,
                   InitRequest *req,
                   Refusal     *refusal)
{
  JsonObject *source_info = member_object (body, "source_info");
  const char *source = member_string (source_info, "source");

  if (g_strcmp0 (source, "PULL_FROM_URL") == 0)
    {
      req->pull = TRUE;
      req->video_url = member_string (source_info, "video_url");
      if (req->video_url == NULL || *req->video_url == '\0')
        return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params",
                       "source_info.video_url is required for PULL_FROM_URL");
      return TRUE;
    }
  if (g_strcmp0 (source, "FILE_UPLOAD") != 0)
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params",
                   "source_info.source must be FILE_UPLOAD or PULL_FROM_URL");
  if (!member_int (source_info, "video_size", &req->video_size) ||
      !member_int (source_info, "chunk_size", &req->chunk_size) ||
      !member_int (source_info, "total_chunk_count", &req->chunk_count))
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params",
                   "video_size, chunk_size and total_chunk_count are required for FILE_UPLOAD");
  return check_chunk_plan (req->video_size, req->chunk_size, req->chunk_count, refusal);
}

static glong
utf16_units (const char *text)
{
  glong units = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
  return units;
}

static gboolean
check_post_info (WbpsEmuState *state,
                 JsonObject   *body,
                 WbpsEmuUser  *user,
                 InitRequest  *req,
                 Refusal      *refusal)
{
  JsonObject *post_info = member_object (body, "post_info");
  JsonNode *title = post_info != NULL ? json_object_get_member (post_info, "title") : NULL;

  req->privacy_level = member_string (post_info, "privacy_level");
  req->post_info = post_info;
  if (!creator_allows_privacy (state, user, req->privacy_level))
    return refuse (refusal, SOUP_STATUS_FORBIDDEN, "privacy_level_option_mismatch",
                   "privacy_level is missing or not one of the creator's privacy_level_options");
  if (title != NULL && !JSON_NODE_HOLDS_NULL (title) &&
      json_node_get_value_type (title) != G_TYPE_STRING)
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params", "post_info.title must be a string");
  if (title != NULL && json_node_get_value_type (title) == G_TYPE_STRING &&
      utf16_units (json_node_get_string (title)) > MAX_TITLE_UNITS)
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params",
                   "post_info.title is longer than 2200 UTF-16 code units");
  return TRUE;
}

static gboolean
check_direct_account (Posting            *self,
                      WbpsEmuAccessToken *token,
                      WbpsEmuUser        *user,
                      InitRequest        *req,
                      Refusal            *refusal)
{
  WbpsEmuClient *client = wbps_emu_state_get_client (self->state, token->client_key);
  const char *cap = creator_cap_state (self, token, user);

  if (client_is_restricted (client) &&
      (g_strcmp0 (req->privacy_level, "SELF_ONLY") != 0 || (!client->audited && !user->is_private)))
    return refuse (refusal, SOUP_STATUS_FORBIDDEN, "unaudited_client_can_only_post_to_private_accounts",
                   "An unaudited client can only post SELF_ONLY videos to private accounts.");
  if (cap != NULL)
    return refuse (refusal, SOUP_STATUS_FORBIDDEN, cap, cap_message (cap));
  return TRUE;
}

static gboolean
check_inbox_account (Posting     *self,
                     WbpsEmuUser *user,
                     Refusal     *refusal)
{
  const char *banned = "spam_risk_user_banned_from_posting";

  if (user->banned || g_strcmp0 (user->cap_state, banned) == 0)
    return refuse (refusal, SOUP_STATUS_FORBIDDEN, banned, cap_message (banned));
  if (posting_count_shares (self, user->open_id, TRUE) >= MAX_PENDING_SHARES)
    return refuse (refusal, SOUP_STATUS_FORBIDDEN, "spam_risk_too_many_pending_share",
                   cap_message ("spam_risk_too_many_pending_share"));
  return TRUE;
}

/* https, a domain host (not an IP), under one of the client's verified prefixes. */
static gboolean
check_video_url (WbpsEmuClient *client,
                 const char    *url,
                 Refusal       *refusal)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host != NULL && g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 &&
      !g_hostname_is_ip_address (host) && client != NULL && client->verified_url_prefixes != NULL)
    for (guint i = 0; i < client->verified_url_prefixes->len; i++)
      if (g_str_has_prefix (url, g_ptr_array_index (client->verified_url_prefixes, i)))
        return TRUE;

  return refuse (refusal, SOUP_STATUS_FORBIDDEN, "url_ownership_unverified",
                 "The video_url is not under a verified domain or URL prefix of this client.");
}

/* ---------------------------------------------------------------- init */

static char *
posting_new_publish_id (Posting  *self,
                        gboolean  inbox,
                        gboolean  pull)
{
  const char *prefix;
  guint64 n = ID_BASE + ++self->serial * 1000 + g_random_int_range (0, 1000);

  if (inbox)
    prefix = pull ? "v_inbox_url~v2." : "v_inbox_file~v2.";
  else
    prefix = pull ? "v_pub_url~v2." : "v_pub_file~v2-1.";
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT, prefix, n);
}

static char *
posting_upload_file (Posting    *self,
                     const char *publish_id)
{
  g_autofree char *name = g_strconcat (publish_id, ".bin", NULL);

  g_strcanon (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", '_');
  return g_build_filename (wbps_emu_state_get_data_dir (self->state), "uploads", name, NULL);
}

static PostTask *
posting_add_task (Posting            *self,
                  WbpsEmuAccessToken *token,
                  InitRequest        *req,
                  gboolean            inbox)
{
  PostTask *task = post_task_new ();

  task->publish_id = posting_new_publish_id (self, inbox, req->pull);
  task->open_id = g_strdup (token->open_id);
  task->client_key = g_strdup (token->client_key);
  task->privacy_level = g_strdup (req->privacy_level);
  task->inbox = inbox;
  task->pull = req->pull;
  task->created_ms = posting_now (self);
  task->media_done_ms = -1;
  task->inbox_posted_ms = -1;
  task->video_size = req->video_size;
  if (req->post_info != NULL)
    {
      task->post_info = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (task->post_info, req->post_info);
    }
  g_hash_table_insert (self->tasks, task->publish_id, task);
  return task;
}

/* Upload URLs live on the same host and port the client used to reach us. */
static char *
upload_url_for (SoupServerMessage *msg,
                PostTask          *task,
                const char        *upload_token)
{
  GUri *request_uri = soup_server_message_get_uri (msg);
  g_autofree char *query = NULL;
  g_autoptr(GUri) uri = NULL;

  query = g_strdup_printf ("upload_id=%s&upload_token=%s", task->upload_id, upload_token);
  uri = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (request_uri), NULL,
                     g_uri_get_host (request_uri), g_uri_get_port (request_uri),
                     UPLOAD_PATH, query, NULL);
  return g_uri_to_string (uri);
}

/* Returns the new upload token (the task keeps only its hash), or NULL. */
static char *
task_prepare_upload (Posting  *self,
                     PostTask *task,
                     Refusal  *refusal)
{
  g_autoptr(GError) error = NULL;
  gint64 lifetime_s = wbps_emu_state_get_int (self->state, "upload-url-lifetime", 3600);
  g_autofree char *upload_token = wbps_emu_state_new_secret (self->state, "");

  task->upload_id = g_strdup_printf ("%" G_GUINT64_FORMAT, ID_BASE + ++self->serial);
  task->upload_token_sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, upload_token, -1);
  task->upload_expires_ms = task->created_ms + lifetime_s * 1000;
  task->path = posting_upload_file (self, task->publish_id);
  if (!g_file_set_contents (task->path, "", 0, &error))
    {
      refuse (refusal, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal_error", error->message);
      return NULL;
    }
  g_hash_table_insert (self->uploads, task->upload_id, task);
  return g_steal_pointer (&upload_token);
}

static JsonNode *
init_data (SoupServerMessage *msg,
           PostTask          *task,
           const char        *upload_token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "publish_id");
  json_builder_add_string_value (builder, task->publish_id);
  if (!task->pull)
    {
      g_autofree char *url = upload_url_for (msg, task, upload_token);

      json_builder_set_member_name (builder, "upload_url");
      json_builder_add_string_value (builder, url);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
init_check (Posting            *self,
            JsonObject         *body,
            WbpsEmuAccessToken *token,
            WbpsEmuUser        *user,
            InitRequest        *req,
            gboolean            inbox,
            Refusal            *refusal)
{
  if (body == NULL)
    return refuse (refusal, SOUP_STATUS_BAD_REQUEST, "invalid_params", "The request body is not a JSON object.");
  if (!check_source_info (body, req, refusal))
    return FALSE;
  if (!inbox && !check_post_info (self->state, body, user, req, refusal))
    return FALSE;
  if (inbox ? !check_inbox_account (self, user, refusal)
            : !check_direct_account (self, token, user, req, refusal))
    return FALSE;
  if (req->pull)
    return check_video_url (wbps_emu_state_get_client (self->state, token->client_key),
                            req->video_url, refusal);
  return TRUE;
}

static void
init_reply (Posting            *self,
            SoupServerMessage  *msg,
            WbpsEmuAccessToken *token,
            InitRequest        *req,
            gboolean            inbox)
{
  Refusal refusal = { 0 };
  PostTask *task = posting_add_task (self, token, req, inbox);
  g_autofree char *upload_token = NULL;

  if (req->pull)
    {
      /* The download is simulated: it starts now and lasts the processing delay. */
      task_media_done (self, task);
    }
  else if ((upload_token = task_prepare_upload (self, task, &refusal)) == NULL)
    {
      g_hash_table_remove (self->tasks, task->publish_id);
      reply_refusal (self, msg, &refusal);
      return;
    }
  wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_OK, init_data (msg, task, upload_token), "ok", "");
  wbps_emu_state_persist (self->state, msg);
}

static void
init_handle (Posting           *self,
             SoupServerMessage *msg,
             gboolean           inbox)
{
  g_autoptr(JsonObject) body = NULL;
  WbpsEmuAccessToken *token;
  WbpsEmuUser *user;
  InitRequest req = { 0 };
  Refusal refusal = { 0 };

  if (!wbps_emu_require_method (self->state, msg, SOUP_METHOD_POST))
    return;
  token = wbps_emu_authenticate (self->state, msg, inbox ? "video.upload" : "video.publish");
  if (token == NULL)
    return;
  if (!wbps_emu_rate_limit (self->state, msg, inbox ? "inbox_video_init" : "video_init", token->token, 6))
    return;
  if ((user = posting_token_user (self, msg, token)) == NULL)
    return;

  body = read_json_body (msg);
  if (!init_check (self, body, token, user, &req, inbox, &refusal))
    reply_refusal (self, msg, &refusal);
  else
    init_reply (self, msg, token, &req, inbox);
}

static void
video_init_handler (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  init_handle (user_data, msg, FALSE);
}

static void
inbox_init_handler (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  init_handle (user_data, msg, TRUE);
}

/* ---------------------------------------------------------------- status */

static JsonNode *
status_data (Posting  *self,
             PostTask *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *status = task_status (self, task);
  gboolean complete = g_str_equal (status, "PUBLISH_COMPLETE");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  if (g_str_equal (status, "FAILED"))
    {
      json_builder_set_member_name (builder, "fail_reason");
      json_builder_add_string_value (builder, task->fail_reason);
    }
  json_builder_set_member_name (builder, "publicaly_available_post_id");
  json_builder_begin_array (builder);
  /* Post ids exceed 2^53: an integer node keeps them exact. */
  if (complete && task->post_id != 0)
    json_builder_add_int_value (builder, (gint64) task->post_id);
  json_builder_end_array (builder);
  if (task->pull)
    {
      gint64 span = MAX (task->final_ms - task->media_done_ms, 1);
      gint64 elapsed = CLAMP (posting_now (self) - task->media_done_ms, 0, span);

      json_builder_set_member_name (builder, "downloaded_bytes");
      json_builder_add_int_value (builder, (gint64) ((double) PULL_FAKE_SIZE * elapsed / span));
    }
  else
    {
      json_builder_set_member_name (builder, "uploaded_bytes");
      json_builder_add_int_value (builder, task->received);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
status_fetch_handler (SoupServer        *server,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query,
                      gpointer           user_data)
{
  Posting *self = user_data;
  g_autoptr(JsonObject) body = NULL;
  WbpsEmuAccessToken *token;
  const char *publish_id;
  PostTask *task;

  if (!wbps_emu_require_method (self->state, msg, SOUP_METHOD_POST) ||
      (token = wbps_emu_authenticate (self->state, msg, "video.upload,video.publish")) == NULL)
    return;
  if (!wbps_emu_rate_limit (self->state, msg, "status_fetch", token->token, 30))
    return;

  body = read_json_body (msg);
  publish_id = member_string (body, "publish_id");
  task = publish_id != NULL ? g_hash_table_lookup (self->tasks, publish_id) : NULL;
  if (publish_id == NULL)
    reply_invalid (self, msg, "publish_id is required");
  else if (task == NULL)
    wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_BAD_REQUEST, NULL,
                       "invalid_publish_id", "The publish_id does not exist.");
  else if (g_strcmp0 (task->open_id, token->open_id) != 0)
    wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_BAD_REQUEST, NULL,
                       "token_not_authorized_for_specified_publish_id",
                       "The access token is not authorized for this publish_id.");
  else
    {
      task->status_requests++;
      wbps_emu_reply_v2 (self->state, msg, SOUP_STATUS_OK, status_data (self, task), "ok", "");
    }
}

/* ---------------------------------------------------------------- upload PUT */

/* Ends a PUT's claim on its task: the chunk counts (@commit), or its bytes are cut away. */
static void
upload_close (UploadCtx *ctx,
              gboolean   commit)
{
  if (ctx->closed)
    return;
  ctx->closed = TRUE;
  if (ctx->task == NULL)
    return;
  if (ctx->stream != NULL)
    {
      if (!commit)
        g_seekable_truncate (G_SEEKABLE (ctx->stream), ctx->task->received, NULL, NULL);
      g_io_stream_close (G_IO_STREAM (ctx->stream), NULL, NULL);
      g_clear_object (&ctx->stream);
    }
  if (commit)
    ctx->task->received = ctx->last + 1;
  ctx->task->writing = FALSE;
}

static void
upload_ctx_free (UploadCtx *ctx)
{
  upload_close (ctx, FALSE);
  g_free (ctx);
}

static gboolean
is_video_content_type (const char *type)
{
  /* MIME types are case-insensitive (RFC 2045). */
  return type != NULL &&
         (g_ascii_strcasecmp (type, "video/mp4") == 0 ||
          g_ascii_strcasecmp (type, "video/quicktime") == 0 ||
          g_ascii_strcasecmp (type, "video/webm") == 0);
}

static PostTask *
upload_find_task (Posting           *self,
                  SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) form = query != NULL ? soup_form_decode (query) : NULL;
  const char *id = form != NULL ? g_hash_table_lookup (form, "upload_id") : NULL;
  const char *token = form != NULL ? g_hash_table_lookup (form, "upload_token") : NULL;
  PostTask *task = id != NULL ? g_hash_table_lookup (self->uploads, id) : NULL;
  g_autofree char *hash = NULL;

  if (task == NULL || token == NULL)
    return NULL;
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  return wbps_emu_secure_equal (hash, task->upload_token_sha256) ? task : NULL;
}

/* 0 when the headers describe the next chunk of a live upload, else the HTTP status. */
static guint
upload_check_headers (Posting           *self,
                      SoupServerMessage *msg,
                      UploadCtx         *ctx)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  PostTask *task = upload_find_task (self, msg);
  goffset first, last, total;

  if (task == NULL)
    return SOUP_STATUS_NOT_FOUND;
  if (posting_now (self) > task->upload_expires_ms)
    return SOUP_STATUS_FORBIDDEN;
  if (!is_video_content_type (soup_message_headers_get_content_type (headers, NULL)) ||
      soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH ||
      !soup_message_headers_get_content_range (headers, &first, &last, &total) ||
      first < 0 || last < first || total != task->video_size || last >= total)
    return SOUP_STATUS_BAD_REQUEST;
  ctx->first = first;
  ctx->last = last;
  ctx->length = soup_message_headers_get_content_length (headers);
  if (ctx->length != last - first + 1)
    return SOUP_STATUS_BAD_REQUEST;
  ctx->task = task;
  if (first != task->received || task->writing)
    return SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE;
  return 0;
}

static guint
upload_open_stream (UploadCtx *ctx)
{
  g_autoptr(GFile) file = g_file_new_for_path (ctx->task->path);
  g_autoptr(GError) error = NULL;

  /* Synchronous on purpose: small local writes, and they keep the byte order trivially exact. */
  ctx->stream = g_file_open_readwrite (file, NULL, &error);
  if (ctx->stream == NULL ||
      !g_seekable_truncate (G_SEEKABLE (ctx->stream), ctx->task->received, NULL, &error) ||
      !g_seekable_seek (G_SEEKABLE (ctx->stream), ctx->task->received, G_SEEK_SET, NULL, &error))
    {
      g_warning ("Cannot write upload %s: %s", ctx->task->publish_id, error->message);
      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
    }
  ctx->task->writing = TRUE;
  return 0;
}

/* Whether this PUT is the Kth one that the drop-upload-chunk fault closes. */
static void
upload_arm_drop (Posting   *self,
                 UploadCtx *ctx)
{
  const char *nth = wbps_emu_state_get_fault (self->state, "drop-upload-chunk");
  const char *after = wbps_emu_state_get_fault (self->state, "drop-upload-after-bytes");

  self->upload_puts++;
  if (nth == NULL || self->drop_done || g_ascii_strtoull (nth, NULL, 10) != self->upload_puts)
    return;
  ctx->drop = TRUE;
  ctx->drop_after = after != NULL ? (gint64) g_ascii_strtoull (after, NULL, 10) : MIB;
}

static void
upload_drop (UploadCtx         *ctx,
             SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  ctx->posting->drop_done = TRUE;
  upload_close (ctx, FALSE);
  g_message ("Fault: dropping the connection of upload PUT %u after %" G_GINT64_FORMAT " bytes",
             ctx->posting->upload_puts, ctx->body_seen);
  /* Closing the socket under libsoup makes its next read fail, as a real drop would. */
  if (socket != NULL)
    g_socket_close (socket, NULL);
}

static void
upload_got_chunk_cb (SoupServerMessage *msg,
                     GBytes            *chunk,
                     UploadCtx         *ctx)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (chunk, &size);

  ctx->body_seen += size;
  if (ctx->verdict == 0 && !ctx->closed && !ctx->write_failed &&
      !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (ctx->stream)),
                                  data, size, NULL, NULL, NULL))
    ctx->write_failed = TRUE;
  if (ctx->drop && !ctx->posting->drop_done &&
      ctx->body_seen >= ctx->drop_after && ctx->body_seen < ctx->length)
    upload_drop (ctx, msg);
}

static void
upload_finished_cb (SoupServerMessage *msg,
                    UploadCtx         *ctx)
{
  upload_close (ctx, FALSE);
}

/* Upload PUTs stream to disk from here on; any other body is only size-checked. */
static void
got_headers_cb (SoupServerMessage *msg,
                Posting           *self)
{
  UploadCtx *ctx;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_PUT ||
      g_strcmp0 (g_uri_get_path (soup_server_message_get_uri (msg)), UPLOAD_PATH) != 0)
    {
      /* API bodies are small JSON or forms: refuse a huge one before it is buffered. */
      wbps_emu_refuse_large_body (self->state, msg, MAX_API_BODY);
      return;
    }

  /* Stream the body to disk instead of holding chunks of up to 128 MiB in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  ctx = g_new0 (UploadCtx, 1);
  ctx->posting = self;
  g_object_set_data_full (G_OBJECT (msg), UPLOAD_DATA_KEY, ctx, (GDestroyNotify) upload_ctx_free);
  upload_arm_drop (self, ctx);
  ctx->verdict = upload_check_headers (self, msg, ctx);
  if (ctx->verdict == 0)
    ctx->verdict = upload_open_stream (ctx);
  if (ctx->verdict != 0 && ctx->verdict != SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    ctx->task = NULL;
  if (ctx->verdict != 0)
    ctx->closed = TRUE;
  g_signal_connect (msg, "got-chunk", G_CALLBACK (upload_got_chunk_cb), ctx);
  g_signal_connect (msg, "finished", G_CALLBACK (upload_finished_cb), ctx);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    Posting           *self)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), self);
}

static void
upload_set_progress (SoupServerMessage *msg,
                     PostTask          *task)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (task->received > 0)
    soup_message_headers_set_content_range (headers, 0, task->received - 1, task->video_size);
  else
    {
      g_autofree char *range = g_strdup_printf ("bytes */%" G_GINT64_FORMAT, task->video_size);

      soup_message_headers_replace (headers, "Content-Range", range);
    }
}

static void
upload_reply (SoupServerMessage *msg,
              guint              status)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

/* A body small enough to arrive in one read: drop the connection now instead. */
static void
upload_drop_late (UploadCtx         *ctx,
                  SoupServerMessage *msg)
{
  GIOStream *stream;

  ctx->posting->drop_done = TRUE;
  upload_close (ctx, FALSE);
  g_message ("Fault: dropping the connection of upload PUT %u", ctx->posting->upload_puts);
  stream = soup_server_message_steal_connection (msg);
  g_io_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
}

/* The chunk's fate once its whole body arrived: refused, or accepted (206/201). */
static guint
upload_settle (Posting   *self,
               UploadCtx *ctx)
{
  if (ctx->verdict == 0 && (ctx->write_failed || ctx->body_seen != ctx->length))
    ctx->verdict = ctx->write_failed ? SOUP_STATUS_INTERNAL_SERVER_ERROR : SOUP_STATUS_BAD_REQUEST;
  if (ctx->verdict != 0)
    {
      upload_close (ctx, FALSE);
      return ctx->verdict;
    }
  upload_close (ctx, TRUE);
  if (ctx->task->received < ctx->task->video_size)
    return SOUP_STATUS_PARTIAL_CONTENT;
  task_media_done (self, ctx->task);
  return SOUP_STATUS_CREATED;
}

static void
upload_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Posting *self = user_data;
  UploadCtx *ctx = g_object_get_data (G_OBJECT (msg), UPLOAD_DATA_KEY);
  guint status;

  if (ctx == NULL)
    wbps_emu_reply_method_not_allowed (self->state, msg, SOUP_METHOD_PUT);
  else if (ctx->drop && !self->drop_done)
    upload_drop_late (ctx, msg);
  else
    {
      status = upload_settle (self, ctx);
      if (ctx->task != NULL)
        {
          UploadPut put = { ctx->first, ctx->last, status };

          g_array_append_val (ctx->task->puts, put);
          upload_set_progress (msg, ctx->task);
        }
      upload_reply (msg, status);
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        wbps_emu_state_persist (self->state, msg);
    }
}

/* ---------------------------------------------------------------- persistence */

static void
key_file_set_optional (GKeyFile   *key_file,
                       const char *group,
                       const char *key,
                       const char *value)
{
  if (value != NULL)
    g_key_file_set_string (key_file, group, key, value);
}

static void
task_save (PostTask *task,
           GKeyFile *key_file)
{
  g_autofree char *group = g_strconcat ("post-task:", task->publish_id, NULL);

  g_key_file_set_string (key_file, group, "open-id", task->open_id);
  g_key_file_set_string (key_file, group, "client-key", task->client_key);
  key_file_set_optional (key_file, group, "privacy-level", task->privacy_level);
  key_file_set_optional (key_file, group, "upload-id", task->upload_id);
  key_file_set_optional (key_file, group, "upload-token-sha256", task->upload_token_sha256);
  key_file_set_optional (key_file, group, "fail-reason", task->fail_reason);
  g_key_file_set_boolean (key_file, group, "inbox", task->inbox);
  g_key_file_set_boolean (key_file, group, "pull", task->pull);
  g_key_file_set_int64 (key_file, group, "created-ms", task->created_ms);
  g_key_file_set_int64 (key_file, group, "upload-expires-ms", task->upload_expires_ms);
  g_key_file_set_int64 (key_file, group, "video-size", task->video_size);
  g_key_file_set_int64 (key_file, group, "received", task->received);
  g_key_file_set_int64 (key_file, group, "media-done-ms", task->media_done_ms);
  g_key_file_set_int64 (key_file, group, "final-ms", task->final_ms);
  g_key_file_set_int64 (key_file, group, "inbox-posted-ms", task->inbox_posted_ms);
  g_key_file_set_uint64 (key_file, group, "post-id", task->post_id);
}

static void
posting_save_cb (WbpsEmuState *state,
                 GKeyFile     *key_file,
                 Posting      *self)
{
  GHashTableIter iter;
  PostTask *task;

  g_key_file_set_uint64 (key_file, "posting", "serial", self->serial);
  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &task))
    task_save (task, key_file);
}

static void
task_restore (Posting    *self,
              GKeyFile   *key_file,
              const char *group)
{
  PostTask *task = post_task_new ();

  task->publish_id = g_strdup (group + strlen ("post-task:"));
  task->open_id = g_key_file_get_string (key_file, group, "open-id", NULL);
  task->client_key = g_key_file_get_string (key_file, group, "client-key", NULL);
  task->privacy_level = g_key_file_get_string (key_file, group, "privacy-level", NULL);
  task->upload_id = g_key_file_get_string (key_file, group, "upload-id", NULL);
  task->upload_token_sha256 = g_key_file_get_string (key_file, group, "upload-token-sha256", NULL);
  task->fail_reason = g_key_file_get_string (key_file, group, "fail-reason", NULL);
  task->inbox = g_key_file_get_boolean (key_file, group, "inbox", NULL);
  task->pull = g_key_file_get_boolean (key_file, group, "pull", NULL);
  task->created_ms = g_key_file_get_int64 (key_file, group, "created-ms", NULL);
  task->upload_expires_ms = g_key_file_get_int64 (key_file, group, "upload-expires-ms", NULL);
  task->video_size = g_key_file_get_int64 (key_file, group, "video-size", NULL);
  task->received = g_key_file_get_int64 (key_file, group, "received", NULL);
  task->media_done_ms = g_key_file_get_int64 (key_file, group, "media-done-ms", NULL);
  task->final_ms = g_key_file_get_int64 (key_file, group, "final-ms", NULL);
  task->inbox_posted_ms = g_key_file_has_key (key_file, group, "inbox-posted-ms", NULL)
                          ? g_key_file_get_int64 (key_file, group, "inbox-posted-ms", NULL) : -1;
  task->post_id = g_key_file_get_uint64 (key_file, group, "post-id", NULL);
  if (task->open_id == NULL || task->client_key == NULL)
    {
      post_task_free (task);
      return;
    }
  g_hash_table_replace (self->tasks, task->publish_id, task);
  if (task->upload_id != NULL && task->upload_token_sha256 != NULL)
    {
      task->path = posting_upload_file (self, task->publish_id);
      g_hash_table_replace (self->uploads, task->upload_id, task);
    }
  if (task->media_done_ms >= 0 && task->final_ms > posting_now (self))
    task_schedule_final (self, task);
  if (task->inbox_posted_ms >= 0 && task->inbox_posted_ms > posting_now (self))
    task_schedule_inbox_posted (self, task);
}

/* Test helper (not TikTok's): every post task with what its init sent and the bytes received. */
/* Each upload PUT as {"first","last","status"}: where a resumed upload started again. */
static void
add_puts (JsonBuilder *builder,
          GArray      *puts)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < puts->len; i++)
    {
      const UploadPut *put = &g_array_index (puts, UploadPut, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "first");
      json_builder_add_int_value (builder, put->first);
      json_builder_set_member_name (builder, "last");
      json_builder_add_int_value (builder, put->last);
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, put->status);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
posts_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Posting *self = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GHashTableIter iter;
  PostTask *task;

  if (!wbps_emu_require_method (self->state, msg, SOUP_METHOD_GET))
    return;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "posts");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &task))
    {
      g_autofree char *post_id = task->post_id != 0 ? g_strdup_printf ("%" G_GUINT64_FORMAT, task->post_id) : NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "publish_id");
      json_builder_add_string_value (builder, task->publish_id);
      json_builder_set_member_name (builder, "open_id");
      json_builder_add_string_value (builder, task->open_id);
      json_builder_set_member_name (builder, "inbox");
      json_builder_add_boolean_value (builder, task->inbox);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, task_status (self, task));
      json_builder_set_member_name (builder, "video_size");
      json_builder_add_int_value (builder, task->video_size);
      json_builder_set_member_name (builder, "received");
      json_builder_add_int_value (builder, task->received);
      json_builder_set_member_name (builder, "status_requests");
      json_builder_add_int_value (builder, task->status_requests);
      json_builder_set_member_name (builder, "post_id");
      if (post_id != NULL)
        json_builder_add_string_value (builder, post_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "puts");
      add_puts (builder, task->puts);
      json_builder_set_member_name (builder, "post_info");
      if (task->post_info != NULL)
        json_builder_add_value (builder, json_node_copy (task->post_info));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  wbps_emu_reply_json (self->state, msg, SOUP_STATUS_OK, json_builder_get_root (builder));
}

/* Demo mode (persist=true): tasks survive a restart, so `wbps resume` can finish them. */
static void
posting_restore (Posting *self)
{
  GKeyFile *key_file = wbps_emu_state_get_restored (self->state);
  g_auto(GStrv) groups = NULL;

  if (key_file == NULL)
    return;
  self->serial = g_key_file_get_uint64 (key_file, "posting", "serial", NULL);
  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], "post-task:"))
      task_restore (self, key_file, groups[i]);
}

/* ---------------------------------------------------------------- setup */

void
wbps_emu_posting_register (SoupServer   *server,
                           WbpsEmuState *state)
{
  Posting *self = g_new0 (Posting, 1);
  g_autofree char *uploads = g_build_filename (wbps_emu_state_get_data_dir (state), "uploads", NULL);

  self->state = state;
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) post_task_free);
  self->uploads = g_hash_table_new (g_str_hash, g_str_equal);
  g_object_set_data_full (G_OBJECT (state), POSTING_DATA_KEY, self, (GDestroyNotify) posting_free);
  posting_restore (self);
  g_signal_connect (state, "save", G_CALLBACK (posting_save_cb), self);
  if (g_mkdir_with_parents (uploads, 0700) != 0)
    g_warning ("Cannot create %s", uploads);

  g_signal_connect (server, "request-started", G_CALLBACK (request_started_cb), self);
  soup_server_add_handler (server, "/v2/post/publish/creator_info/query/", creator_info_handler, self, NULL);
  soup_server_add_handler (server, "/v2/post/publish/video/init/", video_init_handler, self, NULL);
  soup_server_add_handler (server, "/v2/post/publish/inbox/video/init/", inbox_init_handler, self, NULL);
  soup_server_add_handler (server, "/v2/post/publish/status/fetch/", status_fetch_handler, self, NULL);
  soup_server_add_handler (server, UPLOAD_PATH, upload_handler, self, NULL);
  soup_server_add_handler (server, "/emulator/posts", posts_handler, self, NULL);
}
