/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Limits, valid under both readings of TikTok's "MB" (10^6 and 2^20). */
#define WBPS_CHUNK_PLAN_MAX_VIDEO_SIZE   G_GUINT64_CONSTANT (4294967296) /* 4 GiB */
#define WBPS_CHUNK_PLAN_MAX_WHOLE_SIZE   G_GUINT64_CONSTANT (64000000)   /* sent as one chunk up to this */
#define WBPS_CHUNK_PLAN_MIN_CHUNK_SIZE   G_GUINT64_CONSTANT (5242880)    /* 5 MiB > 5 MB */
#define WBPS_CHUNK_PLAN_MAX_CHUNK_SIZE   G_GUINT64_CONSTANT (64000000)   /* 64 MB < 64 MiB */
#define WBPS_CHUNK_PLAN_MAX_LAST_CHUNK   G_GUINT64_CONSTANT (128000000)  /* 128 MB < 128 MiB */
#define WBPS_CHUNK_PLAN_MAX_CHUNK_COUNT  G_GUINT64_CONSTANT (1000)
/* 16 MiB: at most 256 chunks for 4 GiB, a retry resends at most 32 MiB. */
#define WBPS_CHUNK_PLAN_DEFAULT_CHUNK_SIZE G_GUINT64_CONSTANT (16777216)

/*
 * The values sent in source_info (video_size, chunk_size, total_chunk_count)
 * and the byte ranges of the PUTs. N = floor(S / C); chunk i (0-based) is
 * [i*C, i*C + C - 1], except the last, which also takes the remainder:
 * [(N-1)*C, S-1].
 */
typedef struct {
  guint64 video_size;
  guint64 chunk_size;
  guint64 total_chunk_count;
} WbpsChunkPlan;

/*
 * Pure: computes the plan for a file of @video_size bytes. @chunk_override 0
 * picks the default; otherwise it is the user's --chunk-size, validated against
 * every rule of 4.5 (an override at least as big as a file of <= 64,000,000
 * bytes sends it whole). Fails with WBPS_UPLOAD_ERROR_INVALID_SIZE or
 * _INVALID_CHUNK_SIZE (wbps-uploader.h: the plan is the uploader's) and a
 * message naming the rule and the numbers.
 */
gboolean  wbps_chunk_plan_compute            (guint64              video_size,
                                              guint64              chunk_override,
                                              WbpsChunkPlan       *out,
                                              GError             **error);

/* Checks a plan from elsewhere (e.g. a checkpoint) against every rule of 4.5. */
gboolean  wbps_chunk_plan_validate           (const WbpsChunkPlan *plan,
                                              GError             **error);

/* Inclusive byte range of chunk @index (< total_chunk_count). */
void      wbps_chunk_plan_get_range          (const WbpsChunkPlan *plan,
                                              guint64              index,
                                              guint64             *first,
                                              guint64             *last);

/*
 * The index of the chunk starting at @offset, or total_chunk_count when
 * @offset == video_size (all sent). Returns FALSE when @offset is not a chunk
 * boundary.
 */
gboolean  wbps_chunk_plan_index_at_offset    (const WbpsChunkPlan *plan,
                                              guint64              offset,
                                              guint64             *index);

G_END_DECLS
