/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * wbps-emulator: a local stand-in for TikTok's authorize page and
 * open.tiktokapis.com, written from TikTok's documentation alone.
 */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "wbps-emu-oauth.h"
#include "wbps-emu-posting.h"
#include "wbps-emu-state.h"
#include "wbps-emu-webhooks.h"

typedef struct {
  char *config_path;
  char *data_dir;
  char *webhook_url;
  int   port;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->config_path, g_free);
  g_clear_pointer (&options->data_dir, g_free);
  g_clear_pointer (&options->webhook_url, g_free);
}
/* Every exit, the early error returns included, frees the parsed options. */
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static gboolean
parse_options (int       *argc,
               char    ***argv,
               Options   *options,
               GError   **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &options->config_path,
      "Key file describing clients, users, the clock and faults", "FILE" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &options->port,
      "Port on 127.0.0.1 (0 = any free port)", "N" },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &options->data_dir,
      "Directory for uploads and state (default: a new temporary directory)", "DIR" },
    { "webhook-url", 'w', 0, G_OPTION_ARG_STRING, &options->webhook_url,
      "Callback URL for the webhooks of every app without its own webhook-url "
      "(default: [webhooks] url)", "URL" },
    { NULL }
  };

  g_option_context_set_summary (context, "A local TikTok emulator for wbps tests and demo mode.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (options->webhook_url != NULL && !wbps_emu_webhooks_url_valid (options->webhook_url))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--webhook-url must be an http or https URL");
      return FALSE;
    }
  if (options->port < 0 || options->port > 65535)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--port must be between 0 and 65535");
      return FALSE;
    }
  return TRUE;
}

static GKeyFile *
load_config (const char  *path,
             GError     **error)
{
  g_autoptr(GKeyFile) key_file = NULL;

  if (path == NULL)
    return NULL;
  key_file = g_key_file_new ();
  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "Cannot read %s: ", path);
      return NULL;
    }
  return g_steal_pointer (&key_file);
}

static char *
prepare_data_dir (const char  *requested,
                  GError     **error)
{
  if (requested == NULL)
    return g_dir_make_tmp ("wbps-emulator-XXXXXX", error);
  if (g_mkdir_with_parents (requested, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Cannot create %s: %s", requested, g_strerror (saved_errno));
      return NULL;
    }
  return g_strdup (requested);
}

/* Only for a directory we created ourselves; the main loop has stopped, so blocking is fine. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Runs before any handler: the global faults of the [faults] group. */
static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 WbpsEmuState      *state)
{
  wbps_emu_state_inject_faults (state, msg);
}

/* Only method, path and status: queries carry codes, states and upload tokens. */
static void
request_done_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);

  g_printerr ("wbps-emulator: %s %s -> %u%s\n",
              soup_server_message_get_method (msg),
              uri != NULL ? g_uri_get_path (uri) : "?",
              soup_server_message_get_status (msg),
              user_data != NULL ? " (aborted)" : "");
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

/* A test or wbps that died without stopping us must not leave us holding its pipes. */
static gboolean
watch_parent_cb (gpointer data)
{
  static pid_t parent;

  if (parent == 0)
    parent = getppid ();
  if (getppid () == parent)
    return G_SOURCE_CONTINUE;
  g_printerr ("wbps-emulator: parent process went away, exiting\n");
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static guint
listen_loopback (SoupServer  *server,
                 int          port,
                 GError     **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSList *uris;
  guint bound_port;

  if (!soup_server_listen (server, address, 0, error))
    return 0;
  uris = soup_server_get_uris (server);
  bound_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return bound_port;
}

static SoupServer *
create_server (WbpsEmuState    *state,
               WbpsEmuWebhooks *webhooks)
{
  SoupServer *server = soup_server_new ("server-header", "wbps-emulator/" PACKAGE_VERSION " ", NULL);

  g_signal_connect (server, "request-read", G_CALLBACK (request_read_cb), state);
  g_signal_connect (server, "request-finished", G_CALLBACK (request_done_cb), NULL);
  g_signal_connect (server, "request-aborted", G_CALLBACK (request_done_cb), GINT_TO_POINTER (TRUE));
  wbps_emu_oauth_register (server, state);
  wbps_emu_posting_register (server, state);
  wbps_emu_webhooks_register (webhooks, server);
  return server;
}

int
main (int    argc,
      char **argv)
{
  g_auto(Options) options = { NULL, NULL, NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) config = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr(WbpsEmuState) state = NULL;
  g_autoptr(WbpsEmuWebhooks) webhooks = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint port;

  if (!parse_options (&argc, &argv, &options, &error)
      || (options.config_path != NULL && (config = load_config (options.config_path, &error)) == NULL)
      || (data_dir = prepare_data_dir (options.data_dir, &error)) == NULL
      || (state = wbps_emu_state_new (config, data_dir, &error)) == NULL)
    {
      g_printerr ("wbps-emulator: %s\n", error->message);
      if (data_dir != NULL && options.data_dir == NULL)
        remove_tree (data_dir);
      return 2;
    }

  webhooks = wbps_emu_webhooks_new (state, options.webhook_url);
  server = create_server (state, webhooks);
  if ((port = listen_loopback (server, options.port, &error)) == 0)
    {
      g_printerr ("wbps-emulator: cannot listen: %s\n", error->message);
      return 1;
    }
  base_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  wbps_emu_state_set_base_url (state, base_url);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  watch_parent_cb (loop);
  g_timeout_add_seconds (1, watch_parent_cb, loop);
  g_print ("listening on %s\n", base_url);
  fflush (stdout);
  g_main_loop_run (loop);

  soup_server_disconnect (server);
  if (options.data_dir == NULL)
    remove_tree (data_dir);
  return 0;
}
