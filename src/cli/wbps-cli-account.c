/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "wbps-cli.h"
#include "wbps-error.h"
#include "wbps-json.h"
#include "wbps-sign-in.h"


static int
fail (WbpsCli      *cli,
      const GError *error,
      gboolean      json)
{
  wbps_cli_print_error (cli, error, json);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return WBPS_CLI_EXIT_CANCELLED;
  return WBPS_CLI_EXIT_FAILURE;
}

/* ---- login ----------------------------------------------------------- */

static void
on_authorize_url (WbpsSignIn *sign_in,
                  const char *url,
                  gpointer    user_data)
{
  gboolean no_browser = GPOINTER_TO_INT (user_data);

  /* The contract: with --no-browser the URL is alone on the first line, at once. */
  if (no_browser)
    g_print ("%s\n", url);
  else
    g_print ("%s\n", _("Opening TikTok's sign-in page in your browser…"));
  fflush (stdout);
}

static void
on_browser_failed (WbpsSignIn *sign_in,
                   const char *message,
                   gpointer    user_data)
{
  g_print (_("No browser could be opened (%s). Open this address to sign in:\n%s\n"),
           message, wbps_sign_in_get_authorize_url (sign_in));
  fflush (stdout);
}

int
wbps_cli_login (WbpsCli  *cli,
                int       argc,
                char    **argv)
{
  gboolean no_browser = FALSE;
  int timeout = 0;
  const GOptionEntry entries[] = {
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &no_browser,
      N_("Print the sign-in address instead of opening a browser"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up after this many seconds (default 300)"), N_("SECONDS") },
    { NULL }
  };
  g_autoptr(WbpsSignIn) sign_in = NULL;
  g_autoptr(WbpsAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  WbpsAccountManager *accounts;
  int status;

  if (!wbps_cli_parse_options (cli, NULL, _("Sign in with TikTok."), entries, &argc, &argv, &status))
    return status;
  if (timeout < 0 || argc > 1)
    {
      g_printerr ("%s\n", _("Usage: wbps login [--no-browser] [--timeout SECONDS]"));
      return WBPS_CLI_EXIT_USAGE;
    }
  if ((accounts = wbps_cli_get_accounts (cli, &error)) == NULL)
    return fail (cli, error, FALSE);

  sign_in = wbps_sign_in_new (accounts, wbps_cli_get_api (cli));
  wbps_sign_in_set_open_browser (sign_in, !no_browser);
  wbps_sign_in_set_timeout (sign_in, (guint) timeout);
  g_signal_connect (sign_in, "authorize-url", G_CALLBACK (on_authorize_url), GINT_TO_POINTER (no_browser));
  g_signal_connect (sign_in, "browser-failed", G_CALLBACK (on_browser_failed), NULL);
  wbps_sign_in_run_async (sign_in, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);

  if ((account = wbps_sign_in_run_finish (sign_in, result, &error)) == NULL)
    return fail (cli, error, FALSE);
  g_print (_("Signed in as %s (%s)\n"), wbps_account_get_name (account), wbps_account_get_open_id (account));
  return 0;
}

/* ---- whoami ---------------------------------------------------------- */

/* TikTok unreachable, or in trouble: not a reason to hide who is signed in. */
static gboolean
is_unreachable (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  return error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
         wbps_tiktok_error_is_transient (error);
}

/* Stores a display name, username or avatar that changed at TikTok since the sign-in. */
static void
keep_profile_fresh (WbpsCli    *cli,
                    const char *open_id,
                    JsonObject *data)
{
  WbpsAccountManager *accounts = wbps_context_get_account_manager (cli->context);
  WbpsAccount *account = wbps_account_manager_lookup (accounts, open_id);
  /* Bounded like the sign-in's: a huge display name must never reach the keyring. */
  g_autoptr(JsonObject) user = wbps_api_client_read_user (data, NULL);
  const char *name, *username, *avatar;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };

  /* TikTok's reply is not trusted to have the shape asked for. */
  if (account == NULL || user == NULL)
    return;
  if ((name = wbps_json_get_string (user, "display_name")) == NULL)
    name = wbps_account_get_display_name (account);
  if ((username = wbps_json_get_string (user, "username")) == NULL)
    username = wbps_account_get_username (account);
  if ((avatar = wbps_json_get_string (user, "avatar_url")) == NULL)
    avatar = wbps_account_get_avatar_url (account);
  if (g_strcmp0 (name, wbps_account_get_display_name (account)) == 0 &&
      g_strcmp0 (username, wbps_account_get_username (account)) == 0 &&
      g_strcmp0 (avatar, wbps_account_get_avatar_url (account)) == 0)
    return;
  wbps_account_manager_update_profile_async (accounts, open_id, name, username, avatar, cli->cancellable,
                                             wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  if (!wbps_account_manager_update_profile_finish (accounts, result, &error))
    g_debug ("Could not store the new profile: %s", error->message);
}

static void
print_account (WbpsAccount *account,
               gboolean     json)
{
  if (json)
    {
      g_autoptr(JsonNode) node = wbps_account_to_json (account);

      wbps_cli_print_json (node);
    }
  else
    g_print ("%s (%s)\n", wbps_account_get_name (account), wbps_account_get_open_id (account));
}

int
wbps_cli_whoami (WbpsCli  *cli,
                 int       argc,
                 char    **argv)
{
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autofree char *open_id = NULL;
  g_autofree char *scopes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) call_error = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  WbpsAccount *account;
  int status;

  if (!wbps_cli_parse_json_option (cli, NULL, _("Show the account in use."), N_("Print a JSON object"),
                                   &json, &argc, &argv, &status))
    return status;
  if ((open_id = g_strdup (wbps_cli_require_account (cli, &error))) == NULL)
    return fail (cli, error, json);

  account = wbps_account_manager_lookup (wbps_context_get_account_manager (cli->context), open_id);
  scopes = account != NULL ? g_strjoinv (",", (GStrv) wbps_account_get_scopes (account)) : NULL;
  /* Asking TikTok proves the sign-in still works, refreshing the token if due. */
  wbps_api_client_call_async (wbps_cli_get_api (cli), open_id, "GET", wbps_api_client_user_info_path (scopes),
                              NULL, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  if ((data = wbps_api_client_call_finish (wbps_cli_get_api (cli), result, &call_error)) != NULL)
    keep_profile_fresh (cli, open_id, data);
  else if (is_unreachable (call_error))
    {
      g_autofree char *reason = wbps_cli_describe_error (call_error);

      g_printerr (_("TikTok could not be reached, showing the saved profile: %s\n"), reason);
    }
  else
    return fail (cli, call_error, json);

  if ((account = wbps_account_manager_lookup (wbps_context_get_account_manager (cli->context),
                                              open_id)) == NULL)
    return fail (cli, error = g_error_new_literal (WBPS_ERROR, WBPS_ERROR_NOT_SIGNED_IN,
                                                   _("The account was signed out meanwhile.")), json);
  print_account (account, json);
  return 0;
}

/* ---- accounts -------------------------------------------------------- */

static void
print_accounts (WbpsAccountManager *accounts,
                gboolean            json)
{
  GListModel *list = wbps_account_manager_get_accounts (accounts);
  WbpsAccount *current = wbps_account_manager_get_current_account (accounts);
  guint n_accounts = g_list_model_get_n_items (list);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = NULL;

  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr(WbpsAccount) account = g_list_model_get_item (list, i);
      gboolean is_current = account == current;
      JsonNode *node = wbps_account_to_json (account);

      json_object_set_boolean_member (json_node_get_object (node), "current", is_current);
      json_array_add_element (array, node);
      if (!json)
        g_print ("%s %s (%s)\n", is_current ? "*" : " ", wbps_account_get_name (account),
                 wbps_account_get_open_id (account));
    }
  if (json)
    {
      root = json_node_init_array (json_node_alloc (), array);
      wbps_cli_print_json (root);
    }
  else if (n_accounts == 0)
    g_print ("%s\n", _("No TikTok account is signed in."));
}

int
wbps_cli_accounts (WbpsCli  *cli,
                   int       argc,
                   char    **argv)
{
  gboolean json = FALSE;
  g_autofree char *use = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { "use", 0, 0, G_OPTION_ARG_STRING, &use,
      N_("Make this account the current one"), N_("OPEN_ID") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  WbpsAccountManager *accounts;
  int status;

  if (!wbps_cli_parse_options (cli, NULL,
                               _("List the signed-in accounts; the current one is marked with *."),
                               entries, &argc, &argv, &status))
    return status;
  if ((accounts = wbps_cli_get_accounts (cli, &error)) == NULL)
    return fail (cli, error, json);
  if (use != NULL)
    {
      if (!wbps_account_manager_set_current (accounts, use, &error))
        return fail (cli, error, json);
      if (!json)
        {
          g_print (_("Now using %s (%s)\n"),
                   wbps_account_get_name (wbps_account_manager_lookup (accounts, use)), use);
          return 0;
        }
    }
  print_accounts (accounts, json);
  return 0;
}

/* ---- logout ---------------------------------------------------------- */

/* No upload address of a signed-out account stays on disk. */
static void
forget_uploads (WbpsCli    *cli,
                const char *open_id)
{
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  wbps_context_forget_uploads_async (cli->context, open_id, NULL, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  if (!wbps_context_forget_uploads_finish (cli->context, result, &error))
    {
      g_autofree char *reason = wbps_cli_describe_error (error);

      g_printerr (_("Warning: the upload addresses of %s could not be removed from the history (%s).\n"),
                  open_id, reason);
    }
}

static gboolean
sign_out_one (WbpsCli    *cli,
              const char *open_id)
{
  WbpsAccountManager *accounts = wbps_context_get_account_manager (cli->context);
  WbpsAccount *account = wbps_account_manager_lookup (accounts, open_id);
  g_autofree char *name = g_strdup (account != NULL ? wbps_account_get_name (account) : open_id);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) revoke_error = NULL;
  g_autoptr(GError) error = NULL;
  WbpsCliWaiter waiter = { cli, NULL, FALSE };
  gboolean revoked = FALSE;

  wbps_account_manager_sign_out_async (accounts, open_id, cli->cancellable, wbps_cli_waiter_cb, &waiter);
  result = wbps_cli_waiter_wait (&waiter);
  if (!wbps_account_manager_sign_out_finish (accounts, result, &revoked, &revoke_error, &error))
    {
      wbps_cli_print_error (cli, error, FALSE);
      return FALSE;
    }
  forget_uploads (cli, open_id);
  if (revoked)
    g_print (_("Signed out %s (%s)\n"), name, open_id);
  else
    {
      g_autofree char *reason = revoke_error != NULL ? wbps_cli_describe_error (revoke_error)
                                                          : g_strdup (_("no reason given"));

      if (revoke_error != NULL && revoke_error->domain == WBPS_TIKTOK_ERROR &&
          !wbps_tiktok_error_is_transient (revoke_error))
        g_print (_("Signed out %s (%s) on this computer only: TikTok did not confirm the revocation (%s)\n"),
                 name, open_id, reason);
      else
        g_print (_("Signed out %s (%s) on this computer only: TikTok could not be reached to revoke the sign-in (%s)\n"),
                 name, open_id, reason);
    }
  return TRUE;
}

static GPtrArray *
logout_targets (WbpsCli   *cli,
                gboolean   all,
                GError   **error)
{
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);
  GListModel *list = wbps_account_manager_get_accounts (wbps_context_get_account_manager (cli->context));
  guint n_accounts = g_list_model_get_n_items (list);
  const char *open_id;

  if (all)
    {
      for (guint i = 0; i < n_accounts; i++)
        {
          g_autoptr(WbpsAccount) account = g_list_model_get_item (list, i);

          g_ptr_array_add (targets, g_strdup (wbps_account_get_open_id (account)));
        }
      return targets;
    }
  if (n_accounts == 0)
    return targets;
  if ((open_id = wbps_cli_require_account (cli, error)) == NULL)
    {
      g_ptr_array_unref (targets);
      return NULL;
    }
  g_ptr_array_add (targets, g_strdup (open_id));
  return targets;
}

int
wbps_cli_logout (WbpsCli  *cli,
                 int       argc,
                 char    **argv)
{
  gboolean all = FALSE;
  const GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Sign every account out"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  int status;

  if (!wbps_cli_parse_options (cli, NULL, _("Sign out: revoke the sign-in at TikTok and forget it here."),
                               entries, &argc, &argv, &status))
    return status;
  if (wbps_cli_get_accounts (cli, &error) == NULL ||
      (targets = logout_targets (cli, all, &error)) == NULL)
    return fail (cli, error, FALSE);
  if (targets->len == 0)
    {
      g_print ("%s\n", _("No TikTok account is signed in."));
      return 0;
    }
  for (guint i = 0; i < targets->len && !g_cancellable_is_cancelled (cli->cancellable); i++)
    ok = sign_out_one (cli, g_ptr_array_index (targets, i)) && ok;
  if (g_cancellable_is_cancelled (cli->cancellable))
    return WBPS_CLI_EXIT_CANCELLED;
  return ok ? 0 : WBPS_CLI_EXIT_FAILURE;
}
