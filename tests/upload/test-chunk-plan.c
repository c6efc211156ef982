/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "wbps-chunk-plan.h"
#include "wbps-uploader.h"

#define MiB G_GUINT64_CONSTANT (1048576)
#define GiB4 G_GUINT64_CONSTANT (4294967296)

typedef struct {
  guint64 size;
  guint64 chunk_size;
  guint64 count;
} PlanRow;

/* Every rule of spec 4.5, checked under both readings of "MB". */
static void
assert_valid_both_readings (const WbpsChunkPlan *plan)
{
  const guint64 mb[2] = { 1000000, MiB };
  guint64 s = plan->video_size, c = plan->chunk_size, n = plan->total_chunk_count;
  guint64 last = s - (n - 1) * c;

  g_assert_cmpuint (n, ==, s / c);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (mb); i++)
    {
      if (s < 5 * mb[i])
        {
          g_assert_cmpuint (c, ==, s);
          g_assert_cmpuint (n, ==, 1);
        }
      else
        {
          g_assert_cmpuint (c, >=, 5 * mb[i]);
          g_assert_cmpuint (c, <=, 64 * mb[i]);
        }
      if (s > 64 * mb[i])
        g_assert_cmpuint (n, >=, 2);
      g_assert_cmpuint (last, <=, 128 * mb[i]);
    }
}

/* The chunks tile [0, S) with no gap or overlap, the remainder in the last. */
static void
assert_ranges_tile (const WbpsChunkPlan *plan)
{
  guint64 expected_first = 0;

  for (guint64 i = 0; i < plan->total_chunk_count; i++)
    {
      guint64 first, last, index;

      wbps_chunk_plan_get_range (plan, i, &first, &last);
      g_assert_cmpuint (first, ==, expected_first);
      g_assert_cmpuint (last, >=, first);
      if (i + 1 < plan->total_chunk_count)
        g_assert_cmpuint (last - first + 1, ==, plan->chunk_size);
      else
        g_assert_cmpuint (last - first + 1, >=, plan->chunk_size);
      g_assert_true (wbps_chunk_plan_index_at_offset (plan, first, &index));
      g_assert_cmpuint (index, ==, i);
      expected_first = last + 1;
    }
  g_assert_cmpuint (expected_first, ==, plan->video_size);
}

static void
test_auto_table (void)
{
  const PlanRow rows[] = {
    { 1, 1, 1 },
    { 4194304, 4194304, 1 },                       /* the spec's whole-upload example */
    { 5242879, 5242879, 1 },                       /* 1 byte under 5 MiB: whole, C = S */
    { 5242880, 5242880, 1 },
    { 50000123, 50000123, 1 },                     /* spec example size: whole under our rule */
    { 64000000, 64000000, 1 },                     /* largest whole upload */
    { 64000001, 16777216, 3 },                     /* over 64 MB: must be multi-chunk */
    { 67108864, 16777216, 4 },                     /* 64 MiB */
    { 67108865, 16777216, 4 },                     /* 1 byte merged into the last chunk */
    { 1073741824, 16777216, 64 },                  /* 1 GiB */
    { GiB4, 16777216, 256 },                       /* 4 GiB */
    { GiB4 - 1, 16777216, 255 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GError) error = NULL;
      WbpsChunkPlan plan = { 0 };

      g_test_message ("size %" G_GUINT64_FORMAT, rows[i].size);
      g_assert_true (wbps_chunk_plan_compute (rows[i].size, 0, &plan, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (plan.video_size, ==, rows[i].size);
      g_assert_cmpuint (plan.chunk_size, ==, rows[i].chunk_size);
      g_assert_cmpuint (plan.total_chunk_count, ==, rows[i].count);
      assert_valid_both_readings (&plan);
      assert_ranges_tile (&plan);
      g_assert_true (wbps_chunk_plan_validate (&plan, &error));
      g_assert_no_error (error);
    }
}

static void
test_last_chunk_takes_remainder (void)
{
  WbpsChunkPlan plan;
  guint64 first, last;

  g_assert_true (wbps_chunk_plan_compute (67108865, 0, &plan, NULL));
  wbps_chunk_plan_get_range (&plan, 3, &first, &last);
  g_assert_cmpuint (first, ==, 3 * 16777216);
  g_assert_cmpuint (last, ==, 67108864);            /* 16 MiB + 1 byte */

  /* The spec's worked example, through an override. */
  g_assert_true (wbps_chunk_plan_compute (50000123, 10000000, &plan, NULL));
  g_assert_cmpuint (plan.total_chunk_count, ==, 5);
  wbps_chunk_plan_get_range (&plan, 0, &first, &last);
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (last, ==, 9999999);
  wbps_chunk_plan_get_range (&plan, 4, &first, &last);
  g_assert_cmpuint (first, ==, 40000000);
  g_assert_cmpuint (last, ==, 50000122);
}

static void
test_index_at_offset (void)
{
  WbpsChunkPlan plan;
  guint64 index = 99;

  g_assert_true (wbps_chunk_plan_compute (67108865, 0, &plan, NULL));
  g_assert_true (wbps_chunk_plan_index_at_offset (&plan, 0, &index));
  g_assert_cmpuint (index, ==, 0);
  g_assert_true (wbps_chunk_plan_index_at_offset (&plan, 67108865, &index));
  g_assert_cmpuint (index, ==, 4);
  g_assert_false (wbps_chunk_plan_index_at_offset (&plan, 1, NULL));
  g_assert_false (wbps_chunk_plan_index_at_offset (&plan, 67108864, NULL)); /* inside the last chunk */
  g_assert_false (wbps_chunk_plan_index_at_offset (&plan, 67108866, NULL));
}

static void
assert_size_error (guint64     size,
                   const char *needle)
{
  g_autoptr(GError) error = NULL;
  WbpsChunkPlan plan = { 7, 7, 7 };

  g_assert_false (wbps_chunk_plan_compute (size, 0, &plan, &error));
  g_assert_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_SIZE);
  g_assert_nonnull (strstr (error->message, needle));
  g_assert_cmpuint (plan.video_size, ==, 7);   /* untouched on failure */
}

static void
test_invalid_sizes (void)
{
  assert_size_error (0, "empty");
  assert_size_error (GiB4 + 1, "4 GiB");
  assert_size_error (G_MAXUINT64, "4 GiB");
}

static void
assert_override_error (guint64     size,
                       guint64     chunk,
                       const char *needle)
{
  g_autoptr(GError) error = NULL;
  WbpsChunkPlan plan;

  g_test_message ("size %" G_GUINT64_FORMAT " chunk %" G_GUINT64_FORMAT, size, chunk);
  g_assert_false (wbps_chunk_plan_compute (size, chunk, &plan, &error));
  g_assert_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_invalid_overrides (void)
{
  assert_override_error (GiB4, 5242879, "too small");
  assert_override_error (10 * MiB, 1, "too small");
  assert_override_error (GiB4, 64000001, "too big");
  assert_override_error (GiB4, 67108864, "too big");       /* 64 MiB is over 64 MB */
  /* Over 64 MB the file needs 2 chunks: a 64 MB chunk leaves only one. */
  assert_override_error (64000001, 64000000, "at least 2 chunks");
  assert_override_error (100000000, 60000000, "at least 2 chunks");
}

/* A stored plan (e.g. a checkpoint) is checked against every rule too. */
static void
test_validate_stored_plans (void)
{
  const struct {
    WbpsChunkPlan plan;
    const char   *needle;
  } bad[] = {
    { { 100000000, 10000000, 11 }, "does not match" },          /* N must be floor(S/C) */
    { { 100000000, 10000000, 0 }, "does not match" },
    { { 0, 0, 0 }, "empty" },
    /* More than 1000 chunks (only reachable with a chunk below 5 MiB). */
    { { GiB4, 4194304, 1024 }, "at most 1000" },
    /* Last chunk over 128 MB (only reachable with a chunk over 64 MB). */
    { { 201326591, 67108864, 2 }, "last chunk" },
    { { 10000000, 4000000, 2 }, "too small" },
    { { 200000000, 100000000, 2 }, "too big" },
    { { 64000001, 64000001, 1 }, "at least 2 chunks" },
    { { 4000000, 2000000, 2 }, "too small" },                   /* small file must go whole */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (wbps_chunk_plan_validate (&bad[i].plan, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
    }
}

static void
test_valid_overrides (void)
{
  const PlanRow rows[] = {
    { 5242879, 5242880, 1 },             /* override >= a small file: whole, C = S */
    { 1, 64000000, 1 },
    { 64000000, 64000000, 1 },
    { 64000000, 5242880, 12 },           /* a small file may still be chunked on request */
    { 10000000, 6000000, 1 },            /* one chunk of 6 MB would be odd: sent whole */
    { 64000001, 32000000, 2 },
    { 67108865, 5242880, 12 },
    { GiB4, 5242880, 819 },              /* smallest chunk, largest file: under 1000 */
    { GiB4, 64000000, 67 },              /* largest chunk: last chunk under 128 MB */
    { 128000000, 64000000, 2 },
    { 191999999, 64000000, 2 },          /* last chunk 127,999,999 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(GError) error = NULL;
      WbpsChunkPlan plan;
      guint64 expected_chunk = rows[i].count == 1 ? rows[i].size : rows[i].chunk_size;

      g_test_message ("size %" G_GUINT64_FORMAT " chunk %" G_GUINT64_FORMAT, rows[i].size, rows[i].chunk_size);
      g_assert_true (wbps_chunk_plan_compute (rows[i].size, rows[i].chunk_size, &plan, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (plan.chunk_size, ==, expected_chunk);
      g_assert_cmpuint (plan.total_chunk_count, ==, rows[i].count);
      assert_valid_both_readings (&plan);
      assert_ranges_tile (&plan);
    }
}

/* Property: every size from 1 B to 4 GiB (sampled) and every legal override
 * yields a plan valid under both readings. */
static void
test_sweep (void)
{
  const guint64 chunks[] = { 0, 5242880, 8000000, 10000000, 16777216, 33554432, 64000000 };
  GRand *rand = g_rand_new_with_seed (4242);

  for (guint i = 0; i < 20000; i++)
    {
      guint64 size = i < 10000 ? 1 + ((guint64) g_rand_int (rand) << 1) % GiB4
                               : 1 + (guint64) g_rand_int_range (rand, 0, 200000000);

      for (guint j = 0; j < G_N_ELEMENTS (chunks); j++)
        {
          WbpsChunkPlan plan;
          g_autoptr(GError) error = NULL;

          if (!wbps_chunk_plan_compute (size, chunks[j], &plan, &error))
            {
              /* Only refusal a legal override can earn: a file over 64 MB in one chunk. */
              g_assert_error (error, WBPS_UPLOAD_ERROR, WBPS_UPLOAD_ERROR_INVALID_CHUNK_SIZE);
              g_assert_cmpuint (size, >, 64000000);
              g_assert_cmpuint (size / chunks[j], <, 2);
              continue;
            }
          assert_valid_both_readings (&plan);
          g_assert_true (wbps_chunk_plan_validate (&plan, NULL));
        }
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/upload/chunk-plan/auto-table", test_auto_table);
  g_test_add_func ("/upload/chunk-plan/last-chunk-takes-remainder", test_last_chunk_takes_remainder);
  g_test_add_func ("/upload/chunk-plan/index-at-offset", test_index_at_offset);
  g_test_add_func ("/upload/chunk-plan/invalid-sizes", test_invalid_sizes);
  g_test_add_func ("/upload/chunk-plan/invalid-overrides", test_invalid_overrides);
  g_test_add_func ("/upload/chunk-plan/valid-overrides", test_valid_overrides);
  g_test_add_func ("/upload/chunk-plan/validate-stored-plans", test_validate_stored_plans);
  g_test_add_func ("/upload/chunk-plan/sweep", test_sweep);

  return g_test_run ();
}
