/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "wbps-relay-shared.h"

const char * const wbps_relay_reject_names[WBPS_RELAY_N_REJECTS] = {
  "method", "too_large", "length_required", "signature_missing", "signature_malformed",
  "signature_mismatch", "signature_timestamp", "not_envelope", "unavailable",
};

char *
wbps_relay_shared_metrics (WbpsRelayShared *shared)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&shared->lock);

  g_string_append_printf (text,
                          "# HELP wbps_relay_webhooks_accepted_total Webhook events verified and stored.\n"
                          "# TYPE wbps_relay_webhooks_accepted_total counter\n"
                          "wbps_relay_webhooks_accepted_total %" G_GUINT64_FORMAT "\n"
                          "# HELP wbps_relay_webhooks_duplicates_total Verified events already stored (answered 200).\n"
                          "# TYPE wbps_relay_webhooks_duplicates_total counter\n"
                          "wbps_relay_webhooks_duplicates_total %" G_GUINT64_FORMAT "\n"
                          "# HELP wbps_relay_webhooks_rejected_total Webhook requests refused, by reason.\n"
                          "# TYPE wbps_relay_webhooks_rejected_total counter\n",
                          shared->accepted, shared->duplicates);
  for (guint i = 0; i < WBPS_RELAY_N_REJECTS; i++)
    g_string_append_printf (text, "wbps_relay_webhooks_rejected_total{reason=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            wbps_relay_reject_names[i], shared->rejected[i]);
  g_string_append_printf (text,
                          "# HELP wbps_relay_subscribers Desktop event streams open.\n"
                          "# TYPE wbps_relay_subscribers gauge\n"
                          "wbps_relay_subscribers %u\n"
                          "# HELP wbps_relay_stored_events Events kept in the store.\n"
                          "# TYPE wbps_relay_stored_events gauge\n"
                          "wbps_relay_stored_events %" G_GINT64_FORMAT "\n",
                          shared->subscribers, shared->stored);
  return g_string_free (text, FALSE);
}
