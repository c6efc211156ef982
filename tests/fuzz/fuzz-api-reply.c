/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TikTok's v2 envelope replies and every reader of their data: user info,
 * creator_info, video init, status. The first byte picks the HTTP status
 * (TikTok sends its envelope with 200, 4xx and 5xx alike).
 */
#include "config.h"

#include "wbps-api-client.h"
#include "wbps-creator-info-private.h"
#include "wbps-json.h"
#include "wbps-redact.h"
#include "fuzz-common.h"

static const guint statuses[] = { 200, 400, 401, 403, 404, 429, 500, 503 };

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(WbpsCreatorInfo) info = NULL;
  g_autoptr(WbpsPublishStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  guint http_status;

  if (size < 1)
    return 0;
  http_status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  bytes = g_bytes_new (data + 1, size - 1);
  reply = wbps_api_client_parse_reply (bytes, http_status, &error);
  g_assert ((reply == NULL) != (error == NULL));
  if (reply == NULL)
    return 0;
  user = wbps_api_client_read_user (reply, NULL);
  info = wbps_creator_info_new_from_data (NULL, reply);
  g_assert (wbps_creator_info_get_privacy_level_options (info) != NULL);
  status = wbps_publish_status_new_from_data (reply);
  g_assert (status->post_ids != NULL);
  (void) wbps_json_get_string (reply, "publish_id");
  (void) wbps_json_get_string (reply, "upload_url");
  /* Secrets registered by the parsers would pile up over millions of inputs. */
  wbps_redact_forget_all ();
  return 0;
}
