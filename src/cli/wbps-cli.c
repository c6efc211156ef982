/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "wbps-cli.h"
#include "wbps-error.h"
#include "wbps-redact.h"

typedef int (*VerbFunc) (WbpsCli *cli, int argc, char **argv);

typedef struct {
  const char *name;
  VerbFunc    func;
  const char *summary;
} Verb;

static const Verb verbs[] = {
  { "login",    wbps_cli_login,    N_("Sign in with TikTok in the browser [--no-browser] [--timeout SECONDS]") },
  { "whoami",   wbps_cli_whoami,   N_("Show the account in use [--json]") },
  { "accounts", wbps_cli_accounts, N_("List the signed-in accounts, or switch with --use OPEN_ID [--json]") },
  { "logout",   wbps_cli_logout,   N_("Sign out and revoke the sign-in at TikTok [--all]") },
  { "post",     wbps_cli_post,     N_("Post a video, or send it to the TikTok inbox as a draft") },
  { "status",   wbps_cli_status,   N_("Show a post's publishing status [--json]") },
  { "history",  wbps_cli_history,  N_("List past posts [--json]") },
  { "resume",   wbps_cli_resume,   N_("Resume an interrupted upload [PUBLISH_ID]") },
  { "events",   wbps_cli_events,   N_("Print the account's TikTok events from the wbps relay [--follow] [--json]") },
  { "relay",    wbps_cli_relay,    N_("Run the webhook relay server (see “wbps relay --help”)") },
};

/* Global options, parsed before the verb. */
typedef struct {
  char     *auth_url;
  char     *api_url;
  char     *client_key;
  char     *relay_url;
  char     *account;
  gboolean  demo;
  gboolean  version;
} GlobalOptions;

static void
global_options_clear (GlobalOptions *options)
{
  g_free (options->auth_url);
  g_free (options->api_url);
  g_free (options->client_key);
  g_free (options->relay_url);
  g_free (options->account);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GlobalOptions, global_options_clear)

/* ---- helpers shared by the verbs ------------------------------------- */

void
wbps_cli_wait (WbpsCli  *cli,
               gboolean *done)
{
  while (!*done)
    g_main_context_iteration (NULL, TRUE);
}

void
wbps_cli_waiter_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  WbpsCliWaiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

GAsyncResult *
wbps_cli_waiter_wait (WbpsCliWaiter *waiter)
{
  wbps_cli_wait (waiter->cli, &waiter->done);
  return g_steal_pointer (&waiter->result);
}

/* One line, whatever the message holds, and never a registered secret. */
static char *
one_line (const char *text)
{
  g_autofree char *redacted = wbps_redact (text);

  g_strdelimit (redacted, "\r\n", ' ');
  return g_strstrip (g_steal_pointer (&redacted));
}

char *
wbps_cli_describe_error (const GError *error)
{
  g_autofree char *described = wbps_error_describe (error);

  return one_line (described);
}

void
wbps_cli_print_error (WbpsCli      *cli,
                      const GError *error,
                      gboolean      json)
{
  wbps_cli_print_error_hint (cli, error, json, NULL);
}

void
wbps_cli_print_error_hint (WbpsCli      *cli,
                           const GError *error,
                           gboolean      json,
                           const char   *hint)
{
  g_autofree char *text = NULL;

  if (json)
    {
      /* Redact the message only: the object's own "code" key is no secret. */
      g_autoptr(GError) copy = g_error_copy (error);

      g_free (copy->message);
      copy->message = one_line (error->message);
      text = wbps_error_to_json (copy);
      g_print ("%s\n", text);
      g_clear_pointer (&text, g_free);
      /* And the plain line on stderr too: whoever watches a script's log must see why. */
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup (_("Cancelled."));
  else
    text = wbps_cli_describe_error (error);
  if (hint == NULL)
    g_printerr ("%s\n", text);
  else
    g_printerr ("%s%s %s\n", text, g_str_has_suffix (text, ".") ? "" : ".", hint);
}

void
wbps_cli_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  g_print ("%s\n", text);
}

WbpsAccountManager *
wbps_cli_get_accounts (WbpsCli  *cli,
                       GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };

  wbps_context_load_accounts_async (cli->context, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  if (!wbps_context_load_accounts_finish (cli->context, result, error))
    return NULL;
  return wbps_context_get_account_manager (cli->context);
}

static void
on_rate_limited (WbpsApiClient *api,
                 guint          wait_seconds,
                 gpointer       user_data)
{
  g_printerr (g_dngettext (GETTEXT_PACKAGE,
                           "TikTok asked wbps to slow down; trying again in %u second.\n",
                           "TikTok asked wbps to slow down; trying again in %u seconds.\n", wait_seconds),
              wait_seconds);
}

static void
on_sign_in_unsaved (WbpsAccountManager *accounts,
                    WbpsAccount        *account,
                    const char         *text,
                    gpointer            user_data)
{
  g_printerr (_("Warning: %s\n"), text);
}

/* Loads the accounts too if nobody did: a failure then shows on the first per-account call. */
WbpsApiClient *
wbps_cli_get_api (WbpsCli *cli)
{
  WbpsAccountManager *accounts = wbps_context_get_account_manager (cli->context);

  if (!wbps_account_manager_get_loaded (accounts))
    {
      g_autoptr(GError) error = NULL;

      if (wbps_cli_get_accounts (cli, &error) == NULL)
        g_debug ("No accounts for the API client: %s", error->message);
    }
  return wbps_context_get_api_client (cli->context);
}

WbpsDatabase *
wbps_cli_open_database (WbpsCli  *cli,
                        GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };

  wbps_context_open_database_async (cli->context, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  if (!wbps_context_open_database_finish (cli->context, result, error))
    return NULL;
  return g_object_ref (wbps_context_get_database (cli->context));
}

const char *
wbps_cli_require_account (WbpsCli  *cli,
                          GError  **error)
{
  WbpsAccountManager *accounts = wbps_cli_get_accounts (cli, error);
  const char *open_id;

  if (accounts == NULL)
    return NULL;
  if (cli->account != NULL)
    {
      if (wbps_account_manager_lookup (accounts, cli->account) != NULL)
        return cli->account;
      g_set_error (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                   _("No signed-in TikTok account has the ID %s. Run “wbps accounts” to list them."),
                   cli->account);
      return NULL;
    }
  open_id = wbps_account_manager_get_current (accounts);
  if (open_id == NULL)
    g_set_error_literal (error, WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                         _("No TikTok account is signed in. Run “wbps login” first."));
  return open_id;
}

gboolean
wbps_cli_parse_options (WbpsCli            *cli,
                        const char         *parameter_string,
                        const char         *summary,
                        const GOptionEntry *entries,
                        int                *argc,
                        char             ***argv,
                        int                *exit_status)
{
  g_autofree char *prgname = g_strdup_printf ("wbps %s", (*argv)[0]);
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) usage = NULL;
  /* Looked up before parsing: a usage error still answers in JSON when --json was asked for. */
  gboolean json = g_strv_contains ((const char * const *) *argv, "--json");

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  usage = g_error_new_literal (WBPS_ERROR, WBPS_ERROR_INVALID_ARGUMENT, error->message);
  wbps_cli_print_error (cli, usage, json);
  *exit_status = WBPS_CLI_EXIT_USAGE;
  return FALSE;
}

gboolean
wbps_cli_parse_json_option (WbpsCli        *cli,
                            const char     *parameter_string,
                            const char     *summary,
                            const char     *json_description,
                            gboolean       *json,
                            int            *argc,
                            char         ***argv,
                            int            *exit_status)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, json_description, NULL },
    { NULL }
  };

  return wbps_cli_parse_options (cli, parameter_string, summary, entries, argc, argv, exit_status);
}

/* ---- global options -------------------------------------------------- */

static gboolean
takes_value (const char *arg)
{
  static const char *with_value[] = { "--auth-url", "--api-url", "--client-key", "--relay-url", "--account" };

  for (guint i = 0; i < G_N_ELEMENTS (with_value); i++)
    if (g_str_equal (arg, with_value[i]))
      return TRUE;
  return FALSE;
}

/* Index of the verb: the first argument that is neither an option nor an option's value. */
static int
find_verb (int    argc,
           char **argv)
{
  int i = 1;

  while (i < argc)
    {
      if (g_str_equal (argv[i], "--"))
        return i + 1;
      if (argv[i][0] != '-')
        return i;
      i += takes_value (argv[i]) ? 2 : 1;
    }
  return argc;
}

static char *
verbs_description (void)
{
  GString *text = g_string_new (_("Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    g_string_append_printf (text, "  %-10s %s\n", verbs[i].name, _(verbs[i].summary));
  g_string_append (text, _("\nRun “wbps COMMAND --help” for a command's options.\n"
                           "Environment: WBPS_AUTH_URL, WBPS_API_URL, WBPS_CLIENT_KEY, WBPS_CLIENT_SECRET,\n"
                           "WBPS_RELAY_URL, WBPS_SANDBOX. The client secret is only read from the environment."));
  return g_string_free (text, FALSE);
}

static GOptionContext *
global_context (GlobalOptions *options)
{
  const GOptionEntry entries[] = {
    { "auth-url", 0, 0, G_OPTION_ARG_STRING, &options->auth_url,
      N_("TikTok authorize page (default: WBPS_AUTH_URL, then settings)"), N_("URL") },
    { "relay-url", 0, 0, G_OPTION_ARG_STRING, &options->relay_url,
      N_("wbps relay for events and, without a client secret, sign-in (default: WBPS_RELAY_URL, then settings)"), N_("URL") },
    { "api-url", 0, 0, G_OPTION_ARG_STRING, &options->api_url,
      N_("TikTok API base URL (default: WBPS_API_URL, then settings)"), N_("URL") },
    { "client-key", 0, 0, G_OPTION_ARG_STRING, &options->client_key,
      N_("TikTok client key (default: WBPS_CLIENT_KEY, then settings)"), N_("KEY") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &options->account,
      N_("Act as this signed-in account instead of the current one"), N_("OPEN_ID") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &options->demo,
      N_("Use the built-in TikTok emulator with its demo credentials"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version, N_("Show the version"), NULL },
    { NULL }
  };
  g_autofree char *description = verbs_description ();
  GOptionContext *context = g_option_context_new (_("COMMAND [OPTION…]"));

  g_option_context_set_summary (context, _("Sign in with TikTok and post videos."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);
  return context;
}

/* A secret in argv is visible to every user in ps: refuse it with a clear reason. */
static gboolean
refuses_secret (int    argc,
                char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--client-secret"))
      {
        g_printerr ("%s\n", _("The client secret is never accepted on the command line (other users could see it); set WBPS_CLIENT_SECRET in the environment instead."));
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_globals (int            verb_index,
               char         **argv,
               GlobalOptions *options,
               int           *exit_status)
{
  g_autoptr(GOptionContext) context = global_context (options);
  g_autoptr(GError) error = NULL;
  g_autofree char **args = g_new0 (char *, verb_index + 1);
  char **parsed = args;
  int count = verb_index;

  /* Only what precedes the verb: the verb's own options are its business. */
  memcpy (args, argv, sizeof (char *) * verb_index);
  if (verb_index > 1 && g_str_equal (args[verb_index - 1], "--"))
    args[--count] = NULL;
  if (!g_option_context_parse (context, &count, &parsed, &error))
    {
      g_printerr ("%s\n", error->message);
      *exit_status = WBPS_CLI_EXIT_USAGE;
      return FALSE;
    }
  if (count > 1)
    {
      g_printerr (_("Unexpected argument “%s”. Run “wbps --help” to see the commands.\n"), parsed[1]);
      *exit_status = WBPS_CLI_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

static int
print_usage (gboolean to_stderr)
{
  GlobalOptions options = { 0 };
  g_autoptr(GOptionContext) context = global_context (&options);
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  if (to_stderr)
    g_printerr ("%s", help);
  else
    g_print ("%s", help);
  return to_stderr ? WBPS_CLI_EXIT_USAGE : 0;
}

static const Verb *
lookup_verb (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (g_str_equal (verbs[i].name, name))
      return &verbs[i];
  return NULL;
}

/* ---- signals, demo, lifecycle ---------------------------------------- */

static gboolean
on_terminate_signal (gpointer user_data)
{
  WbpsCli *cli = user_data;

  /* A second Ctrl-C means "now": the demo emulator dies with us (PDEATHSIG). */
  if (g_cancellable_is_cancelled (cli->cancellable))
    exit (WBPS_CLI_EXIT_CANCELLED);
  g_debug ("Interrupted: cancelling");
  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

static WbpsContext *
start_demo (WbpsCli  *cli,
            GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };

  wbps_context_new_demo_async (cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  return wbps_context_new_demo_finish (result, error);
}

static gboolean
setup_context (WbpsCli       *cli,
               GlobalOptions *options,
               GError       **error)
{
  g_autoptr(WbpsConfig) config = NULL;

  cli->account = g_strdup (options->account);
  if (options->demo)
    cli->context = start_demo (cli, error);
  else
    {
      config = wbps_config_new (options->auth_url, options->api_url, options->client_key);
      if (options->relay_url != NULL)
        wbps_config_set_relay_url (config, options->relay_url);
      cli->context = wbps_context_new (config);
    }
  if (cli->context != NULL)
    {
      g_signal_connect (wbps_context_get_api_client (cli->context), "rate-limited",
                        G_CALLBACK (on_rate_limited), NULL);
      g_signal_connect (wbps_context_get_account_manager (cli->context), "sign-in-unsaved",
                        G_CALLBACK (on_sign_in_unsaved), NULL);
    }
  return cli->context != NULL;
}

static void
cli_clear (WbpsCli *cli)
{
  g_clear_object (&cli->context);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->account, g_free);
  /* GSettings writes lazily: without this a new current account may be lost at exit. */
  g_settings_sync ();
}

static int
run_verb (const Verb    *verb,
          GlobalOptions *options,
          int            argc,
          char         **argv)
{
  WbpsCli cli = { 0 };
  g_autoptr(GError) error = NULL;
  guint sigint_id, sigterm_id;
  int status;

  cli.cancellable = g_cancellable_new ();
  sigint_id = g_unix_signal_add (SIGINT, on_terminate_signal, &cli);
  sigterm_id = g_unix_signal_add (SIGTERM, on_terminate_signal, &cli);

  if (!setup_context (&cli, options, &error))
    {
      wbps_cli_print_error (&cli, error, FALSE);
      status = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
               ? WBPS_CLI_EXIT_CANCELLED : WBPS_CLI_EXIT_FAILURE;
    }
  else
    status = verb->func (&cli, argc, argv);

  fflush (stdout);
  cli_clear (&cli);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  return status;
}

int
wbps_cli_main (int    argc,
               char **argv)
{
  g_auto(GlobalOptions) options = { 0 };
  int verb_index = find_verb (argc, argv);
  int status = 0;
  const Verb *verb;

  g_set_prgname ("wbps");
  if (refuses_secret (argc, argv) || !parse_globals (verb_index, argv, &options, &status))
    return status != 0 ? status : WBPS_CLI_EXIT_USAGE;
  if (options.version)
    {
      g_print ("wbps %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (verb_index >= argc)
    return print_usage (TRUE);
  if (g_str_equal (argv[verb_index], "help"))
    return print_usage (FALSE);
  verb = lookup_verb (argv[verb_index]);
  if (verb == NULL)
    {
      g_printerr (_("Unknown command “%s”. Run “wbps --help” to see the commands.\n"), argv[verb_index]);
      return WBPS_CLI_EXIT_USAGE;
    }
  return run_verb (verb, &options, argc - verb_index, argv + verb_index);
}
