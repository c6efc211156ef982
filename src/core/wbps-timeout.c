/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-timeout.h"

typedef struct {
  GSource *timeout;
  GSource *cancel;   /* NULL without a cancellable */
} Wait;

static void
wait_free (Wait *wait)
{
  g_source_destroy (wait->timeout);
  g_source_unref (wait->timeout);
  if (wait->cancel != NULL)
    {
      g_source_destroy (wait->cancel);
      g_source_unref (wait->cancel);
    }
  g_free (wait);
}

/* Whichever source fires first completes the task and removes both. */
static gboolean
wait_end (gpointer user_data)
{
  GTask *task = user_data;

  g_assert (G_IS_TASK (task));

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_task_set_task_data (task, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled (GCancellable *cancellable,
                gpointer      user_data)
{
  return wait_end (user_data);
}

void
wbps_timeout_async (gpointer             source_object,
                    guint                ms,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  Wait *wait = g_new0 (Wait, 1);

  g_task_set_source_tag (task, wbps_timeout_async);
  wait->timeout = g_timeout_source_new (ms);
  g_source_set_callback (wait->timeout, wait_end, g_object_ref (task), g_object_unref);
  if (cancellable != NULL)
    {
      wait->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (wait->cancel, G_SOURCE_FUNC (wait_cancelled), g_object_ref (task),
                             g_object_unref);
    }
  g_task_set_task_data (task, wait, (GDestroyNotify) wait_free);
  g_source_attach (wait->timeout, g_task_get_context (task));
  if (wait->cancel != NULL)
    g_source_attach (wait->cancel, g_task_get_context (task));
}

gboolean
wbps_timeout_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wbps_timeout_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
