/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "wbps-event-store.h"

G_BEGIN_DECLS

/* Largest webhook body read; beyond it 413. */
#define WBPS_RELAY_MAX_BODY (1024 * 1024)

/* Why a webhook was refused; the metrics' `reason` label. */
typedef enum {
  WBPS_RELAY_REJECT_METHOD,
  WBPS_RELAY_REJECT_TOO_LARGE,
  WBPS_RELAY_REJECT_LENGTH_REQUIRED,
  WBPS_RELAY_REJECT_SIGNATURE_MISSING,
  WBPS_RELAY_REJECT_SIGNATURE_MALFORMED,
  WBPS_RELAY_REJECT_SIGNATURE_MISMATCH,
  WBPS_RELAY_REJECT_SIGNATURE_TIMESTAMP,
  WBPS_RELAY_REJECT_NOT_ENVELOPE,
  WBPS_RELAY_REJECT_UNAVAILABLE,
  WBPS_RELAY_N_REJECTS
} WbpsRelayReject;

/*
 * What the relay's worker threads share: the store (thread-safe), the
 * settings (read-only once the workers run) and the counters (under @lock).
 */
typedef struct {
  WbpsEventStore *store;
  GStrv           secrets;
  guint           tolerance;
  guint           heartbeat_seconds;
  guint           auth_cache_seconds;
  char           *api_base;
  gboolean        broker;
  GTlsCertificate *certificate;
  GPtrArray      *workers;      /* WbpsRelayWorker*, fixed once they run */

  GMutex          lock;
  guint64         accepted;
  guint64         duplicates;
  guint64         rejected[WBPS_RELAY_N_REJECTS];
  gint64          stored;
  guint           subscribers;
  gboolean        stopping;
} WbpsRelayShared;

extern const char * const wbps_relay_reject_names[WBPS_RELAY_N_REJECTS];

/* The Prometheus text of the counters. */
char *wbps_relay_shared_metrics (WbpsRelayShared *shared);

G_END_DECLS
