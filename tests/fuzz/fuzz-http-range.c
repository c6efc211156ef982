/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Range headers from outside: the Content-Range of TikTok's upload replies
 * (wbps's own reader), and the Content-Range / Range of a request as the
 * emulator and relay read them through libsoup.
 */
#include "config.h"

#include <libsoup/soup.h>

#include "wbps-uploader.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = fuzz_string (data, size);
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  gint64 held = wbps_uploader_parse_content_range (text);
  goffset first, last, total;
  SoupRange *ranges = NULL;
  int n_ranges = 0;

  g_assert (held == -1 || held > 0);
  /* libsoup refuses header values with CR or LF; a real request cannot carry them either. */
  if (strpbrk (text, "\r\n") == NULL && strlen (text) == size)
    {
      soup_message_headers_replace (headers, "Content-Range", text);
      /* libsoup 3.2 accepts "bytes 2-/" as last 0 < first: the emulator checks the order itself. */
      (void) soup_message_headers_get_content_range (headers, &first, &last, &total);
      soup_message_headers_replace (headers, "Range", text);
      if (soup_message_headers_get_ranges (headers, 1000000, &ranges, &n_ranges))
        soup_message_headers_free_ranges (headers, ranges);
    }
  soup_message_headers_unref (headers);
  return 0;
}
