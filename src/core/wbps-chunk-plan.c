/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "wbps-chunk-plan.h"
#include "wbps-uploader.h"

/*
 * TikTok writes "MB" and its examples mix 10^6 and 2^20. Every limit below is
 * taken at the stricter of the two readings, so a plan passes under both:
 *   minimum chunk   5 MiB (5,242,880)  >  5 MB (5,000,000)
 *   maximum chunk  64 MB (64,000,000)  < 64 MiB (67,108,864)
 *   whole upload   <= 64 MB: "S > 64 MB needs N >= 2" holds either way
 *   last chunk    <= 128 MB (128,000,000) < 128 MiB
 */

static gboolean
check_video_size (guint64   video_size,
                  GError  **error)
{
  if (video_size == 0)
    {
      g_set_error_literal (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_SIZE,
                           _("The video file is empty (0 bytes)"));
      return FALSE;
    }
  if (video_size > WBPS_CHUNK_PLAN_MAX_VIDEO_SIZE)
    {
      g_set_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_SIZE,
                   /* Translators: the video's size, then TikTok's largest size, in bytes */
                   _("The video is %" PRIu64 " bytes; TikTok accepts at most "
                     "4 GiB (%" PRIu64 " bytes)"),
                   video_size, WBPS_CHUNK_PLAN_MAX_VIDEO_SIZE);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_chunk_size (guint64   chunk_size,
                  GError  **error)
{
  if (chunk_size < WBPS_CHUNK_PLAN_MIN_CHUNK_SIZE)
    {
      g_set_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE,
                   /* Translators: the chosen chunk size, then TikTok's smallest, in bytes */
                   _("Chunk size %" PRIu64 " bytes is too small: TikTok needs at "
                     "least 5 MiB (%" PRIu64 " bytes) per chunk"),
                   chunk_size, WBPS_CHUNK_PLAN_MIN_CHUNK_SIZE);
      return FALSE;
    }
  if (chunk_size > WBPS_CHUNK_PLAN_MAX_CHUNK_SIZE)
    {
      g_set_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE,
                   /* Translators: the chosen chunk size, then TikTok's largest, in bytes */
                   _("Chunk size %" PRIu64 " bytes is too big: TikTok allows at "
                     "most 64 MB (%" PRIu64 " bytes) per chunk"),
                   chunk_size, WBPS_CHUNK_PLAN_MAX_CHUNK_SIZE);
      return FALSE;
    }
  return TRUE;
}

static guint64
last_chunk_size (const WbpsChunkPlan *plan)
{
  return plan->video_size - (plan->total_chunk_count - 1) * plan->chunk_size;
}

/* The rules on N and on the last chunk; C's own range is checked apart. */
static gboolean
check_count (const WbpsChunkPlan  *plan,
             GError              **error)
{
  guint64 n = plan->total_chunk_count;

  if (n == 0 || n != plan->video_size / plan->chunk_size)
    {
      g_set_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE,
                   /* Translators: a number of chunks, the video's size and the chunk size */
                   _("A chunk count of %" PRIu64 " does not match %" PRIu64
                     " bytes in chunks of %" PRIu64 " bytes"),
                   n, plan->video_size, plan->chunk_size);
      return FALSE;
    }
  if (n > WBPS_CHUNK_PLAN_MAX_CHUNK_COUNT)
    {
      g_set_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE,
                   /* Translators: the chosen chunk size, the number of chunks it needs, and
                    * the smallest chunk size that would do, in bytes */
                   _("Chunk size %" PRIu64 " bytes would need %" PRIu64
                     " chunks; TikTok allows at most 1000 (use at least %" PRIu64 " bytes)"),
                   plan->chunk_size, n,
                   plan->video_size / (WBPS_CHUNK_PLAN_MAX_CHUNK_COUNT + 1) + 1);
      return FALSE;
    }
  if (n < 2 && plan->video_size > WBPS_CHUNK_PLAN_MAX_WHOLE_SIZE)
    {
      g_set_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE,
                   /* Translators: the chosen chunk size, then the largest that would do */
                   _("Chunk size %" PRIu64 " bytes leaves a single chunk, but a video "
                     "over 64 MB must go in at least 2 chunks (use at most %" PRIu64 " bytes)"),
                   plan->chunk_size, plan->video_size / 2);
      return FALSE;
    }
  if (last_chunk_size (plan) > WBPS_CHUNK_PLAN_MAX_LAST_CHUNK)
    {
      g_set_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE,
                   /* Translators: the chosen chunk size, the last chunk's size, and TikTok's
                    * largest last chunk, in bytes */
                   _("Chunk size %" PRIu64 " bytes makes the last chunk %" PRIu64
                     " bytes; TikTok allows at most 128 MB (%" PRIu64 " bytes)"),
                   plan->chunk_size, last_chunk_size (plan), WBPS_CHUNK_PLAN_MAX_LAST_CHUNK);
      return FALSE;
    }
  return TRUE;
}

gboolean
wbps_chunk_plan_validate (const WbpsChunkPlan  *plan,
                          GError              **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);

  if (!check_video_size (plan->video_size, error))
    return FALSE;

  if (plan->chunk_size == 0)
    return check_chunk_size (0, error);

  if (!check_count (plan, error))
    return FALSE;

  /* A small file goes whole (C = S), under the minimum chunk size if need be. */
  if (plan->total_chunk_count == 1 && plan->chunk_size == plan->video_size &&
      plan->video_size <= WBPS_CHUNK_PLAN_MAX_WHOLE_SIZE)
    return TRUE;

  return check_chunk_size (plan->chunk_size, error);
}

static void
plan_whole (guint64        video_size,
            WbpsChunkPlan *out)
{
  out->video_size = video_size;
  out->chunk_size = video_size;
  out->total_chunk_count = 1;
}

gboolean
wbps_chunk_plan_compute (guint64         video_size,
                         guint64         chunk_override,
                         WbpsChunkPlan  *out,
                         GError        **error)
{
  WbpsChunkPlan plan;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_video_size (video_size, error))
    return FALSE;

  if (chunk_override != 0 && !check_chunk_size (chunk_override, error))
    return FALSE;

  plan.video_size = video_size;
  plan.chunk_size = chunk_override != 0 ? chunk_override : WBPS_CHUNK_PLAN_DEFAULT_CHUNK_SIZE;
  plan.total_chunk_count = video_size / plan.chunk_size;

  /* Auto: one PUT whenever both readings allow it. Override: one chunk means whole. */
  if (video_size <= WBPS_CHUNK_PLAN_MAX_WHOLE_SIZE &&
      (chunk_override == 0 || plan.total_chunk_count <= 1))
    plan_whole (video_size, &plan);

  if (!check_count (&plan, error))
    return FALSE;

  *out = plan;
  return TRUE;
}

void
wbps_chunk_plan_get_range (const WbpsChunkPlan *plan,
                           guint64              index,
                           guint64             *first,
                           guint64             *last)
{
  g_return_if_fail (plan != NULL);
  g_return_if_fail (index < plan->total_chunk_count);

  if (first != NULL)
    *first = index * plan->chunk_size;
  if (last != NULL)
    *last = index + 1 == plan->total_chunk_count
            ? plan->video_size - 1
            : (index + 1) * plan->chunk_size - 1;
}

gboolean
wbps_chunk_plan_index_at_offset (const WbpsChunkPlan *plan,
                                 guint64              offset,
                                 guint64             *index)
{
  guint64 i;

  g_return_val_if_fail (plan != NULL, FALSE);

  if (offset == plan->video_size)
    i = plan->total_chunk_count;
  else if (plan->chunk_size == 0 || offset % plan->chunk_size != 0)
    return FALSE;
  else
    i = offset / plan->chunk_size;

  if (i > plan->total_chunk_count || (i == plan->total_chunk_count && offset != plan->video_size))
    return FALSE;

  if (index != NULL)
    *index = i;
  return TRUE;
}
