/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Uploads page's speed and time left: honest numbers, never early or while stalled. */
#include "config.h"

#include "wbps-upload-speed.h"

#define S G_USEC_PER_SEC
#define MIB (1024 * 1024)

static void
test_no_speed_before_one_second (void)
{
  g_autoptr(WbpsUploadSpeed) speed = wbps_upload_speed_new ();

  wbps_upload_speed_add_sample (speed, 0, 0, 100 * MIB);
  wbps_upload_speed_add_sample (speed, S / 2, 20 * MIB, 100 * MIB);
  g_assert_cmpfloat (wbps_upload_speed_get_rate (speed), ==, -1);
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, S / 2), ==, -1);
  wbps_upload_speed_add_sample (speed, S, 40 * MIB, 100 * MIB);
  g_assert_cmpfloat_with_epsilon (wbps_upload_speed_get_rate (speed), 40.0 * MIB, 1);
}

static void
test_moving_average_over_window (void)
{
  g_autoptr(WbpsUploadSpeed) speed = wbps_upload_speed_new ();
  guint64 sent = 0;

  /* 10 s at 1 MiB/s, then 10 s at 4 MiB/s: the average follows within the window. */
  for (gint64 t = 0; t <= 10; t++, sent += MIB)
    wbps_upload_speed_add_sample (speed, t * S, sent, 1000 * MIB);
  g_assert_cmpfloat_with_epsilon (wbps_upload_speed_get_rate (speed), 1.0 * MIB, 1);
  sent -= MIB;
  for (gint64 t = 11; t <= 20; t++)
    {
      sent += 4 * MIB;
      wbps_upload_speed_add_sample (speed, t * S, sent, 1000 * MIB);
    }
  g_assert_cmpfloat_with_epsilon (wbps_upload_speed_get_rate (speed), 4.0 * MIB, 1);
}

static void
test_rate_kept_between_samples (void)
{
  g_autoptr(WbpsUploadSpeed) speed = wbps_upload_speed_new ();

  wbps_upload_speed_add_sample (speed, 0, 0, 100 * MIB);
  wbps_upload_speed_add_sample (speed, 2 * S, 10 * MIB, 100 * MIB);
  /* No sample for a while: the last value stays. */
  g_assert_cmpfloat_with_epsilon (wbps_upload_speed_get_rate (speed), 5.0 * MIB, 1);
  g_assert_cmpfloat_with_epsilon (wbps_upload_speed_get_rate (speed), 5.0 * MIB, 1);
}

static void
test_time_left_only_past_five_percent (void)
{
  g_autoptr(WbpsUploadSpeed) speed = wbps_upload_speed_new ();

  wbps_upload_speed_add_sample (speed, 0, 0, 1000 * MIB);
  wbps_upload_speed_add_sample (speed, 2 * S, 50 * MIB, 1000 * MIB);   /* exactly 5 % */
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, 2 * S), ==, -1);
  wbps_upload_speed_add_sample (speed, 3 * S, 75 * MIB, 1000 * MIB);
  /* 925 MiB left at 25 MiB/s = 37 s. */
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, 3 * S), ==, 37);
}

static void
test_no_time_left_while_stalled (void)
{
  g_autoptr(WbpsUploadSpeed) speed = wbps_upload_speed_new ();

  wbps_upload_speed_add_sample (speed, 0, 0, 100 * MIB);
  wbps_upload_speed_add_sample (speed, 2 * S, 20 * MIB, 100 * MIB);
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, 2 * S), >, 0);
  /* Samples keep coming but nothing moves: stalled after the stall time. */
  wbps_upload_speed_add_sample (speed, 3 * S, 20 * MIB, 100 * MIB);
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, 3 * S), >, 0);
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, 2 * S + WBPS_UPLOAD_SPEED_STALL_US), ==, -1);
  /* Progress again: the estimate comes back. */
  wbps_upload_speed_add_sample (speed, 6 * S, 30 * MIB, 100 * MIB);
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, 6 * S), >, 0);
}

static void
test_restart_resets (void)
{
  g_autoptr(WbpsUploadSpeed) speed = wbps_upload_speed_new ();

  wbps_upload_speed_add_sample (speed, 0, 0, 100 * MIB);
  wbps_upload_speed_add_sample (speed, 2 * S, 40 * MIB, 100 * MIB);
  /* A retry restarts from TikTok's own count, lower than what was sent. */
  wbps_upload_speed_add_sample (speed, 3 * S, 32 * MIB, 100 * MIB);
  g_assert_cmpfloat (wbps_upload_speed_get_rate (speed), ==, -1);
  g_assert_cmpint (wbps_upload_speed_get_eta (speed, 3 * S), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upload-speed/no-speed-before-one-second", test_no_speed_before_one_second);
  g_test_add_func ("/upload-speed/moving-average", test_moving_average_over_window);
  g_test_add_func ("/upload-speed/kept-between-samples", test_rate_kept_between_samples);
  g_test_add_func ("/upload-speed/time-left-past-five-percent", test_time_left_only_past_five_percent);
  g_test_add_func ("/upload-speed/no-time-left-while-stalled", test_no_time_left_while_stalled);
  g_test_add_func ("/upload-speed/restart-resets", test_restart_resets);
  return g_test_run ();
}
