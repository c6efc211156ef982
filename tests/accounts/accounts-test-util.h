/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Iterates the default main context until @slot holds a result, failing after @seconds. */
#define ACCOUNTS_TEST_WAIT(slot, seconds) \
  accounts_test_wait_for ((GAsyncResult **) &(slot), (seconds))

/* A GAsyncReadyCallback storing the result in the GAsyncResult* that user_data points to. */
static inline void
accounts_test_store_result (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static inline gboolean
accounts_test_timed_out (gpointer user_data)
{
  g_error ("timed out waiting for an asynchronous operation");
  return G_SOURCE_REMOVE;
}

static inline void
accounts_test_wait_for (GAsyncResult **slot,
                        guint          seconds)
{
  guint timeout_id = g_timeout_add_seconds (seconds, accounts_test_timed_out, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

G_END_DECLS
