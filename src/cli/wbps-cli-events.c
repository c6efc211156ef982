/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "wbps-cli.h"
#include "wbps-json.h"
#include "wbps-relay-client.h"

/* `wbps events`: the current account's events from the relay, stored ones then (with --follow) live. */
typedef struct {
  WbpsCli  *cli;
  gboolean  json;
  gboolean  follow;
  gboolean  done;
  int       status;
} EventsRun;

static void
print_event_json (WbpsWebhookEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonNode *content = json_node_init_object (json_node_alloc (), wbps_webhook_event_get_content (event));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, wbps_webhook_event_get_cursor (event));
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, wbps_webhook_event_get_name (event));
  json_builder_set_member_name (builder, "create_time");
  json_builder_add_int_value (builder, wbps_webhook_event_get_create_time (event));
  wbps_json_add_string_or_null (builder, "user_openid", wbps_webhook_event_get_user_openid (event));
  json_builder_set_member_name (builder, "content");
  json_builder_add_value (builder, content);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  wbps_cli_print_json (root);
}

/* "ID TIME EVENT key=value…", the content's members in TikTok's order. */
static void
print_event_line (WbpsWebhookEvent *event)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (wbps_webhook_event_get_create_time (event));
  g_autofree char *stamp = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
  JsonObject *content = wbps_webhook_event_get_content (event);
  g_autoptr(GList) members = json_object_get_members (content);
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "%" G_GINT64_FORMAT " %s %s", wbps_webhook_event_get_cursor (event), stamp,
                          wbps_webhook_event_get_name (event));
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (content, l->data);
      g_autofree char *value = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                               ? g_strdup (json_node_get_string (node)) : json_to_string (node, FALSE);

      g_string_append_printf (line, " %s=%s", (const char *) l->data, value);
    }
  if (g_str_equal (wbps_webhook_event_get_name (event), WBPS_WEBHOOK_AUTHORIZATION_REMOVED))
    g_string_append_printf (line, " (%s)",
                            wbps_webhook_removal_reason_describe (wbps_webhook_event_get_removal_reason (event)));
  g_print ("%s\n", line->str);
  g_string_free (line, TRUE);
}

static void
event_cb (WbpsRelayClient  *client,
          WbpsWebhookEvent *event,
          EventsRun        *run)
{
  if (run->json)
    print_event_json (event);
  else
    print_event_line (event);
  fflush (stdout);
}

static void
replayed_cb (WbpsRelayClient *client,
             EventsRun       *run)
{
  if (!run->follow)
    run->done = TRUE;
}

static void
account_removed_cb (WbpsRelayClient *client,
                    const char      *open_id,
                    gint64           reason,
                    EventsRun       *run)
{
  g_printerr (_("TikTok removed wbps's access to the account %s: %s. It is signed out on this computer.\n"),
              open_id, wbps_webhook_removal_reason_describe (reason));
  run->status = WBPS_CLI_EXIT_FAILURE;
  run->done = TRUE;
}

static void
failed_cb (WbpsRelayClient *client,
           GError          *error,
           EventsRun       *run)
{
  wbps_cli_print_error (run->cli, error, run->json);
  run->status = WBPS_CLI_EXIT_FAILURE;
  run->done = TRUE;
}

static void
cancelled_cb (GCancellable *cancellable,
              EventsRun    *run)
{
  run->status = WBPS_CLI_EXIT_CANCELLED;
  run->done = TRUE;
}

int
wbps_cli_events (WbpsCli  *cli,
                 int       argc,
                 char    **argv)
{
  EventsRun run = { cli, FALSE, FALSE, FALSE, 0 };
  const GOptionEntry entries[] = {
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &run.follow, N_("Keep printing events as they come"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &run.json, N_("One JSON object per event"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(WbpsRelayClient) client = NULL;
  const char *open_id;
  gulong cancelled_id;
  int status = 0;

  if (!wbps_cli_parse_options (cli, NULL, _("Print the current account's TikTok events from the wbps relay"),
                               entries, &argc, &argv, &status))
    return status;
  if ((open_id = wbps_cli_require_account (cli, &error)) == NULL)
    {
      wbps_cli_print_error (cli, error, run.json);
      return WBPS_CLI_EXIT_FAILURE;
    }
  client = wbps_relay_client_new (wbps_context_get_config (cli->context), wbps_cli_get_accounts (cli, NULL), open_id);
  /* Without --follow a relay that cannot be reached is an error, not something to wait for. */
  wbps_relay_client_set_give_up_when_unreachable (client, !run.follow);
  g_signal_connect (client, "event", G_CALLBACK (event_cb), &run);
  g_signal_connect (client, "replayed", G_CALLBACK (replayed_cb), &run);
  g_signal_connect (client, "account-removed", G_CALLBACK (account_removed_cb), &run);
  g_signal_connect (client, "failed", G_CALLBACK (failed_cb), &run);
  cancelled_id = g_cancellable_connect (cli->cancellable, G_CALLBACK (cancelled_cb), &run, NULL);
  wbps_relay_client_start (client);
  wbps_cli_wait (cli, &run.done);
  g_cancellable_disconnect (cli->cancellable, cancelled_id);
  wbps_relay_client_stop (client);
  return run.status;
}
