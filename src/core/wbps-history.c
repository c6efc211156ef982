/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-history.h"

#include "wbps-error.h"

#include "wbps-post-private.h"
#include "wbps-publish-state.h"
#include "wbps-status-poller.h"

struct _WbpsHistory
{
  GObject       parent_instance;

  WbpsDatabase *database;
  GPtrArray    *posts;   /* WbpsPost*, newest first */

  /* watch: the database file and its WAL, written by other processes too */
  GFileMonitor *monitors[2];
  guint         reread_source;
  GCancellable *watch_cancellable;
  gboolean      rereading;
  gboolean      reread_again;   /* a change came while the rows were being read */
};

/* Long enough to read a burst of writes (a chunk's checkpoint and state) once. */
#define REREAD_DELAY_MS 150

static void wbps_history_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsHistory, wbps_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, wbps_history_list_model_init))

static GType
wbps_history_get_item_type (GListModel *model)
{
  return WBPS_TYPE_POST;
}

static guint
wbps_history_get_n_items (GListModel *model)
{
  return WBPS_HISTORY (model)->posts->len;
}

static gpointer
wbps_history_get_item (GListModel *model,
                       guint       position)
{
  WbpsHistory *self = WBPS_HISTORY (model);

  if (position >= self->posts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->posts, position));
}

static void
wbps_history_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = wbps_history_get_item_type;
  iface->get_n_items = wbps_history_get_n_items;
  iface->get_item = wbps_history_get_item;
}

static gboolean
find_row (WbpsHistory *self,
          gint64       id,
          guint       *position)
{
  for (guint i = 0; i < self->posts->len; i++)
    if (wbps_post_get_id (g_ptr_array_index (self->posts, i)) == id)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

/* A job or a status check wrote a row: update its post, or show the new one on top. */
static void
on_saved (WbpsDatabase   *database,
          WbpsPostRecord *record,
          WbpsHistory    *self)
{
  guint position;

  g_assert (WBPS_IS_HISTORY (self));

  if (find_row (self, record->id, &position))
    {
      wbps_post_update (g_ptr_array_index (self->posts, position), record);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      return;
    }
  g_ptr_array_insert (self->posts, 0, wbps_post_new (record));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
}

static void
wbps_history_dispose (GObject *object)
{
  WbpsHistory *self = WBPS_HISTORY (object);

  if (self->database != NULL)
    g_signal_handlers_disconnect_by_data (self->database, self);
  g_clear_object (&self->database);
  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    if (self->monitors[i] != NULL)
      {
        g_signal_handlers_disconnect_by_data (self->monitors[i], self);
        g_file_monitor_cancel (self->monitors[i]);
        g_clear_object (&self->monitors[i]);
      }
  g_clear_handle_id (&self->reread_source, g_source_remove);
  g_cancellable_cancel (self->watch_cancellable);

  G_OBJECT_CLASS (wbps_history_parent_class)->dispose (object);
}

static void
wbps_history_finalize (GObject *object)
{
  WbpsHistory *self = WBPS_HISTORY (object);

  g_clear_pointer (&self->posts, g_ptr_array_unref);
  g_clear_object (&self->watch_cancellable);

  G_OBJECT_CLASS (wbps_history_parent_class)->finalize (object);
}

static void
wbps_history_class_init (WbpsHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wbps_history_dispose;
  object_class->finalize = wbps_history_finalize;
}

static void
wbps_history_init (WbpsHistory *self)
{
  self->posts = g_ptr_array_new_with_free_func (g_object_unref);
}

WbpsHistory *
wbps_history_new (WbpsDatabase *database)
{
  WbpsHistory *self;

  g_return_val_if_fail (WBPS_IS_DATABASE (database), NULL);

  self = g_object_new (WBPS_TYPE_HISTORY, NULL);
  self->database = g_object_ref (database);
  g_signal_connect (database, "saved", G_CALLBACK (on_saved), self);
  return self;
}

/* load */

static void
load_listed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsHistory *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) rows = NULL;
  guint removed;
  GError *error = NULL;

  g_assert (WBPS_IS_HISTORY (self));

  rows = wbps_database_list_finish (WBPS_DATABASE (source), result, &error);
  if (rows == NULL)
    return g_task_return_error (task, error);

  removed = self->posts->len;
  g_ptr_array_set_size (self->posts, 0);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (self->posts, wbps_post_new (g_ptr_array_index (rows, i)));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->posts->len);
  g_task_return_boolean (task, TRUE);
}

void
wbps_history_load_async (WbpsHistory         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (WBPS_IS_HISTORY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_history_load_async);
  wbps_database_list_async (self->database, cancellable, load_listed_cb, task);
}

gboolean
wbps_history_load_finish (WbpsHistory   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* watch: file changed -> (debounce) -> list -> merge */

/* Rows another process added or changed since the model last saw them; the list is newest first. */
static void
merge_rows (WbpsHistory *self,
            GPtrArray   *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      WbpsPostRecord *record = g_ptr_array_index (rows, i);
      guint position;

      if (!find_row (self, record->id, &position))
        {
          position = MIN (i, self->posts->len);
          g_ptr_array_insert (self->posts, position, wbps_post_new (record));
          g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
        }
      else if (wbps_post_get_updated_at (g_ptr_array_index (self->posts, position)) != record->updated_at)
        {
          wbps_post_update (g_ptr_array_index (self->posts, position), record);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        }
    }
}

static void schedule_reread (WbpsHistory *self);

static void
reread_listed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(WbpsHistory) self = user_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = wbps_database_list_changed_finish (WBPS_DATABASE (source), result, &error);
  self->rereading = FALSE;
  if (g_cancellable_is_cancelled (self->watch_cancellable))
    return;
  if (error != NULL)
    g_debug ("Could not read the history again: %s", error->message);
  else if (rows != NULL)
    merge_rows (self, rows);
  if (self->reread_again)
    schedule_reread (self);
}

static gboolean
reread_cb (gpointer user_data)
{
  WbpsHistory *self = WBPS_HISTORY (user_data);

  g_assert (WBPS_IS_HISTORY (self));

  self->reread_source = 0;
  self->rereading = TRUE;
  self->reread_again = FALSE;
  /* Only another process's writes: this one's own came through "saved" (on_saved). */
  wbps_database_list_changed_async (self->database, self->watch_cancellable, reread_listed_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_reread (WbpsHistory *self)
{
  if (self->rereading)
    self->reread_again = TRUE;
  else if (self->reread_source == 0)
    self->reread_source = g_timeout_add (REREAD_DELAY_MS, reread_cb, self);
}

static void
database_changed_cb (GFileMonitor      *monitor,
                     GFile             *file,
                     GFile             *other_file,
                     GFileMonitorEvent  event,
                     WbpsHistory       *self)
{
  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT ||
      event == G_FILE_MONITOR_EVENT_CREATED)
    schedule_reread (self);
}

gboolean
wbps_history_watch (WbpsHistory  *self,
                    GError      **error)
{
  const char *path;

  g_return_val_if_fail (WBPS_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->monitors[0] == NULL, FALSE);

  path = wbps_database_get_path (self->database);
  self->watch_cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (self->monitors); i++)
    {
      g_autofree char *name = g_strconcat (path, i == 0 ? "" : "-wal", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (name);

      self->monitors[i] = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, error);
      if (self->monitors[i] == NULL)
        return FALSE;
      /* A post's progress is worth seeing more often than GIO's default 800 ms. */
      g_file_monitor_set_rate_limit (self->monitors[i], 200);
      g_signal_connect (self->monitors[i], "changed", G_CALLBACK (database_changed_cb), self);
    }
  return TRUE;
}

WbpsPost *
wbps_history_lookup (WbpsHistory *self,
                     const char  *publish_id)
{
  g_return_val_if_fail (WBPS_IS_HISTORY (self), NULL);

  for (guint i = 0; publish_id != NULL && i < self->posts->len; i++)
    {
      WbpsPost *post = g_ptr_array_index (self->posts, i);

      if (g_strcmp0 (wbps_post_get_publish_id (post), publish_id) == 0)
        return post;
    }
  return NULL;
}

void
wbps_history_record_status (WbpsPostRecord          *record,
                            const WbpsPublishStatus *status)
{
  const char *state = NULL;

  g_return_if_fail (record != NULL && status != NULL);

  wbps_publish_status_apply_to_record (status, record);
  /* Only a final status changes the state: an interrupted upload must stay resumable. */
  if (g_strcmp0 (status->status, "FAILED") == 0)
    state = wbps_publish_state_to_string (WBPS_PUBLISH_STATE_FAILED);
  else if (wbps_publish_status_is_final (status))
    state = wbps_publish_state_to_string (WBPS_PUBLISH_STATE_DONE);
  if (state != NULL)
    {
      g_free (record->state);
      record->state = g_strdup (state);
    }
}

/* refresh: for each waiting post, fetch -> record -> next */

typedef struct {
  WbpsApiClient *api;
  GPtrArray     *pending;   /* WbpsPostRecord* still to ask about */
  guint          next;
  GError        *failure;   /* the first question TikTok did not answer */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_object_unref (refresh->api);
  g_ptr_array_unref (refresh->pending);
  g_clear_error (&refresh->failure);
  g_free (refresh);
}

static void refresh_next (GTask *task);

static void
refresh_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!wbps_database_update_finish (WBPS_DATABASE (source), result, &error))
    return g_task_return_error (task, error);
  refresh_next (g_steal_pointer (&task));
}

static void
refresh_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WbpsHistory *self = g_task_get_source_object (task);
  Refresh *refresh = g_task_get_task_data (task);
  WbpsPostRecord *record = g_ptr_array_index (refresh->pending, refresh->next - 1);
  g_autoptr(WbpsPublishStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  g_assert (WBPS_IS_STATUS_POLLER (source));

  status = wbps_status_poller_fetch_finish (WBPS_STATUS_POLLER (source), result, &error);
  if (status == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_task_return_error (task, g_steal_pointer (&error));
  if (status == NULL)
    {
      g_debug ("No status for %s: %s", record->publish_id, error->message);
      /* A signed-out account's posts are skipped; any other failure is said at the end. */
      if (refresh->failure == NULL && !g_error_matches (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN))
        refresh->failure = g_steal_pointer (&error);
      return refresh_next (g_steal_pointer (&task));
    }
  wbps_history_record_status (record, status);
  cancellable = g_task_get_cancellable (task);
  /* The cancellable is read before the task is handed on: argument order is unspecified. */
  wbps_database_update_async (self->database, record, cancellable, refresh_saved_cb, g_steal_pointer (&task));
}

static void
refresh_next (GTask *task)
{
  Refresh *refresh = g_task_get_task_data (task);
  g_autoptr(WbpsStatusPoller) poller = NULL;
  WbpsPostRecord *record;

  if (refresh->next >= refresh->pending->len && refresh->failure != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&refresh->failure));
      g_object_unref (task);
      return;
    }
  if (refresh->next >= refresh->pending->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  record = g_ptr_array_index (refresh->pending, refresh->next++);
  poller = wbps_status_poller_new (refresh->api, record->open_id, record->publish_id);
  wbps_status_poller_fetch_async (poller, g_task_get_cancellable (task), refresh_fetched_cb, task);
}

static gboolean
is_waiting (const WbpsPostRecord *record)
{
  WbpsPublishState state = wbps_publish_state_from_string (record->state);

  return record->publish_id != NULL &&
         (state == WBPS_PUBLISH_STATE_PROCESSING || state == WBPS_PUBLISH_STATE_UNCONFIRMED);
}

void
wbps_history_refresh_async (WbpsHistory         *self,
                            WbpsApiClient       *api,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  Refresh *refresh;

  g_return_if_fail (WBPS_IS_HISTORY (self));
  g_return_if_fail (WBPS_IS_API_CLIENT (api));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wbps_history_refresh_async);
  refresh = g_new0 (Refresh, 1);
  refresh->api = g_object_ref (api);
  refresh->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) wbps_post_record_free);
  for (guint i = 0; i < self->posts->len; i++)
    {
      const WbpsPostRecord *record = wbps_post_get_record (g_ptr_array_index (self->posts, i));

      if (is_waiting (record))
        g_ptr_array_add (refresh->pending, wbps_post_record_copy (record));
    }
  g_task_set_task_data (task, refresh, (GDestroyNotify) refresh_free);
  refresh_next (task);
}

gboolean
wbps_history_refresh_finish (WbpsHistory   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
