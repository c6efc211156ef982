/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "wbps-test-emulator.h"
#include "wbps-test-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

static const char *
emulator_path (void)
{
  const char *env = g_getenv ("WBPS_EMULATOR");

  return env != NULL ? env : WBPS_EMULATOR_PATH;
}

/* Reads stdout until the readiness line and returns the URL it names. */
static char *
read_listening_url (GSubprocess *process)
{
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autoptr(GError) error = NULL;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "listening on "))
        return g_strdup (line + strlen ("listening on "));
    }
}

/* A test that aborts must not leave its emulator holding the TAP pipe open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

WbpsTestEmulator *
wbps_test_emulator_start (const char *config_ini)
{
  return wbps_test_emulator_start_wrapped (config_ini, NULL);
}

WbpsTestEmulator *
wbps_test_emulator_start_wrapped (const char         *config_ini,
                                  const char * const *wrapper)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  WbpsTestEmulator *emu = g_new0 (WbpsTestEmulator, 1);

  emu->data_dir = g_dir_make_tmp ("wbps-emu-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; wrapper != NULL && wrapper[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) wrapper[i]);
  g_ptr_array_add (argv, (char *) emulator_path ());
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, emu->data_dir);
  if (config_ini != NULL)
    {
      emu->config_path = g_build_filename (emu->data_dir, "emulator.ini", NULL);
      g_file_set_contents (emu->config_path, config_ini, -1, &error);
      g_assert_no_error (error);
      g_ptr_array_add (argv, (char *) "--config");
      g_ptr_array_add (argv, emu->config_path);
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  emu->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  emu->base_url = read_listening_url (emu->process);
  return emu;
}

char *
wbps_test_emulator_url (WbpsTestEmulator *emu,
                        const char       *path)
{
  return g_strconcat (emu->base_url, path, NULL);
}

char *
wbps_test_emulator_upload_path (WbpsTestEmulator *emu,
                                const char       *publish_id)
{
  g_autofree char *name = g_strconcat (publish_id, ".bin", NULL);

  /* The emulator writes any other character of a publish_id as '_'. */
  for (char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      *p = '_';
  return g_build_filename (emu->data_dir, "uploads", name, NULL);
}

char *
wbps_test_emulator_received_sha256 (WbpsTestEmulator *emu,
                                    const char       *publish_id)
{
  g_autofree char *path = wbps_test_emulator_upload_path (emu, publish_id);

  return wbps_test_sha256_file (path);
}

void
wbps_test_emulator_terminate (WbpsTestEmulator *emu)
{
  g_assert_nonnull (emu->process);
  g_subprocess_send_signal (emu->process, SIGTERM);
  wbps_test_await_exit (emu->process, WBPS_TEST_EMULATOR_STOP_SECONDS, "SIGTERM to wbps-emulator");
  g_assert_true (g_subprocess_get_if_exited (emu->process));
  g_assert_cmpint (g_subprocess_get_exit_status (emu->process), ==, 0);
}

void
wbps_test_emulator_kill (WbpsTestEmulator *emu)
{
  g_assert_nonnull (emu->process);
  g_subprocess_send_signal (emu->process, SIGKILL);
  wbps_test_await_exit (emu->process, WBPS_TEST_EMULATOR_STOP_SECONDS, "SIGKILL to wbps-emulator");
  g_assert_true (g_subprocess_get_if_signaled (emu->process));
  g_assert_cmpint (g_subprocess_get_term_sig (emu->process), ==, SIGKILL);
}

void
wbps_test_emulator_stop (WbpsTestEmulator *emu)
{
  if (emu == NULL)
    return;
  if (emu->process != NULL)
    {
      if (g_subprocess_get_identifier (emu->process) != NULL)
        wbps_test_emulator_terminate (emu);
      g_object_unref (emu->process);
    }
  if (emu->data_dir != NULL)
    wbps_test_rmtree (emu->data_dir);
  g_free (emu->data_dir);
  g_free (emu->config_path);
  g_free (emu->base_url);
  g_free (emu);
}
