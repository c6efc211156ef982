/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "wbps-json.h"
#include "wbps-webhook-envelope.h"
#include "wbps-webhook-event-private.h"

/*
 * A validating scan of RFC 8259 JSON that builds nothing: it only remembers
 * where the envelope's own members are. Stricter than json-glib where json-glib
 * is lenient (single quotes, control characters in strings, leading zeros, hex
 * numbers, lone surrogates), so an envelope accepted here parses on a desktop.
 */

typedef enum {
  KIND_NONE,
  KIND_STRING,
  KIND_NUMBER,
  KIND_OTHER,
} Kind;

/* The last occurrence of one member of the envelope (json-glib keeps the last). */
typedef struct {
  Kind        kind;
  const char *start;     /* a string's first byte after the quote, a number's first byte */
  const char *stop;      /* a string's closing quote, just past a number */
  gboolean    escaped;   /* the string holds escapes */
} Member;

enum { CLIENT_KEY, EVENT, CREATE_TIME, CONTENT, USER_OPENID, N_MEMBERS };

static const char * const member_names[N_MEMBERS] = {
  "client_key", "event", "create_time", "content", "user_openid",
};

typedef struct {
  const char *p;
  const char *end;
  guint       depth;
} Scanner;

static gboolean scan_value (Scanner *s, Member *value);

static void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
accept (Scanner *s,
        char     c)
{
  skip_space (s);
  if (s->p >= s->end || *s->p != c)
    return FALSE;
  s->p++;
  return TRUE;
}

/* Four hex digits at @p, or -1. */
static int
hex4 (const char *p,
      const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* A \u escape at @p (just past the `u`): no NUL, surrogates only in pairs. Returns the bytes it spans, or 0. */
static int
unicode_escape (const char *p,
                const char *end,
                gunichar   *out)
{
  int high = hex4 (p, end), low;

  if (high <= 0 || (high >= 0xdc00 && high <= 0xdfff))
    return 0;
  if (high < 0xd800 || high > 0xdbff)
    {
      *out = high;
      return 4;
    }
  if (end - p < 10 || p[4] != '\\' || p[5] != 'u' || (low = hex4 (p + 6, end)) < 0xdc00 || low > 0xdfff)
    return 0;
  *out = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
  return 10;
}

/* @s at a string's opening quote; the body's UTF-8 is checked beforehand. */
static gboolean
scan_string (Scanner *s,
             Member  *value)
{
  const char *p = s->p + 1;
  gboolean escaped = FALSE;

  for (; p < s->end && *p != '"'; p++)
    {
      gunichar ignored;
      int span;

      if ((guchar) *p < 0x20)
        return FALSE;
      if (*p != '\\')
        continue;
      escaped = TRUE;
      if (++p >= s->end)
        return FALSE;
      if (*p == 'u' && (span = unicode_escape (p + 1, s->end, &ignored)) > 0)
        p += span;
      else if (strchr ("\"\\/bfnrt", *p) == NULL || *p == '\0')
        return FALSE;
    }
  if (p >= s->end)
    return FALSE;
  if (value != NULL)
    *value = (Member) { KIND_STRING, s->p + 1, p, escaped };
  s->p = p + 1;
  return TRUE;
}

static gboolean
scan_digits (Scanner *s)
{
  const char *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static gboolean
scan_number (Scanner *s,
             Member  *value)
{
  const char *start = s->p;

  if (*s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return FALSE;
  if (s->p < s->end && *s->p == '.' && (s->p++, !scan_digits (s)))
    return FALSE;
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }
  if (value != NULL)
    *value = (Member) { KIND_NUMBER, start, s->p, FALSE };
  return TRUE;
}

static gboolean
scan_word (Scanner    *s,
           const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return FALSE;
  s->p += len;
  return TRUE;
}

/* The text of a string member, escapes decoded (scan_string() checked them). */
static char *
string_text (const Member *member)
{
  GString *text;

  if (!member->escaped)
    return g_strndup (member->start, member->stop - member->start);
  text = g_string_sized_new (member->stop - member->start);
  for (const char *p = member->start; p < member->stop; p++)
    {
      gunichar c;

      if (*p != '\\')
        {
          g_string_append_c (text, *p);
          continue;
        }
      switch (*++p)
        {
        case 'b': g_string_append_c (text, '\b'); break;
        case 'f': g_string_append_c (text, '\f'); break;
        case 'n': g_string_append_c (text, '\n'); break;
        case 'r': g_string_append_c (text, '\r'); break;
        case 't': g_string_append_c (text, '\t'); break;
        case 'u':
          p += unicode_escape (p + 1, member->stop, &c);
          g_string_append_unichar (text, c);
          break;
        default:  g_string_append_c (text, *p); break;
        }
    }
  return g_string_free (text, FALSE);
}

/* Which envelope member @key names, or -1. */
static int
member_index (const Member *key)
{
  g_autofree char *unescaped = key->escaped ? string_text (key) : NULL;
  const char *name = unescaped != NULL ? unescaped : key->start;
  gsize len = unescaped != NULL ? strlen (unescaped) : (gsize) (key->stop - key->start);

  for (int i = 0; i < N_MEMBERS; i++)
    if (strlen (member_names[i]) == len && memcmp (member_names[i], name, len) == 0)
      return i;
  return -1;
}

static gboolean
enter (Scanner *s)
{
  s->p++;
  return ++s->depth <= WBPS_JSON_MAX_DEPTH;
}

/* @s at `{`; with @members, the envelope's members are noted. */
static gboolean
scan_object (Scanner *s,
             Member  *members)
{
  if (!enter (s))
    return FALSE;
  if (accept (s, '}'))
    {
      s->depth--;
      return TRUE;
    }
  do
    {
      Member key, value;
      int index;

      skip_space (s);
      if (s->p >= s->end || *s->p != '"' || !scan_string (s, &key) || !accept (s, ':'))
        return FALSE;
      skip_space (s);
      if (!scan_value (s, &value))
        return FALSE;
      if (members != NULL && (index = member_index (&key)) >= 0)
        members[index] = value;
    }
  while (accept (s, ','));
  s->depth--;
  return accept (s, '}');
}

static gboolean
scan_array (Scanner *s)
{
  if (!enter (s))
    return FALSE;
  if (accept (s, ']'))
    {
      s->depth--;
      return TRUE;
    }
  do
    {
      skip_space (s);
      if (!scan_value (s, NULL))
        return FALSE;
    }
  while (accept (s, ','));
  s->depth--;
  return accept (s, ']');
}

/* @s at a value's first byte. */
static gboolean
scan_value (Scanner *s,
            Member  *value)
{
  Member ignored;

  if (value == NULL)
    value = &ignored;
  *value = (Member) { KIND_OTHER, NULL, NULL, FALSE };
  if (s->p >= s->end)
    return FALSE;
  switch (*s->p)
    {
    case '{': return scan_object (s, NULL);
    case '[': return scan_array (s);
    case '"': return scan_string (s, value);
    case 't': return scan_word (s, "true");
    case 'f': return scan_word (s, "false");
    case 'n': return scan_word (s, "null");
    default:
      return (*s->p == '-' || g_ascii_isdigit (*s->p)) && scan_number (s, value);
    }
}

/* @data is one JSON object and nothing else; with @members, its members of the envelope are noted. */
static gboolean
scan_top_object (const char *data,
                 gsize       length,
                 Member     *members)
{
  Scanner s = { data, data + length, 0 };

  if (length > WBPS_JSON_MAX_BYTES || !g_utf8_validate_len (data, length, NULL) || !accept (&s, '{'))
    return FALSE;
  s.p--;
  if (!scan_object (&s, members))
    return FALSE;
  skip_space (&s);
  return s.p == s.end;
}

/* Whole seconds as json-glib reads them: an integer, here at most G_MAXINT64 and never negative. */
static gboolean
read_seconds (const Member *member,
              gint64       *seconds)
{
  guint64 value = 0;

  if (member->kind != KIND_NUMBER)
    return FALSE;
  for (const char *p = member->start; p < member->stop; p++)
    {
      if (!g_ascii_isdigit (*p) || value > (guint64) (G_MAXINT64 - (*p - '0')) / 10)
        return FALSE;
      value = value * 10 + (*p - '0');
    }
  *seconds = (gint64) value;
  return TRUE;
}

static gboolean
check_members (const Member *members,
               gint64       *create_time,
               GError      **error)
{
  g_autofree char *content = NULL;

  if (members[CLIENT_KEY].kind != KIND_STRING)
    return wbps_webhook_event_set_invalid (error, "no client_key string");
  if (members[EVENT].kind != KIND_STRING || members[EVENT].start == members[EVENT].stop)
    return wbps_webhook_event_set_invalid (error, "no event name");
  if (!read_seconds (&members[CREATE_TIME], create_time))
    return wbps_webhook_event_set_invalid (error, "no create_time in seconds");
  if (members[CONTENT].kind != KIND_STRING)
    return wbps_webhook_event_set_invalid (error, "no content string");
  if (members[USER_OPENID].kind != KIND_NONE && members[USER_OPENID].kind != KIND_STRING)
    return wbps_webhook_event_set_invalid (error, "user_openid is not a string");
  content = string_text (&members[CONTENT]);
  if (!scan_top_object (content, strlen (content), NULL))
    return wbps_webhook_event_set_invalid (error, "content is not a JSON object in a string");
  return TRUE;
}

gboolean
wbps_webhook_envelope_check (const char           *data,
                             gsize                 length,
                             WbpsWebhookEnvelope  *envelope,
                             GError              **error)
{
  Member members[N_MEMBERS] = { { KIND_NONE, NULL, NULL, FALSE } };
  gint64 create_time = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (envelope != NULL, FALSE);

  *envelope = (WbpsWebhookEnvelope) { NULL, NULL, 0 };
  if (!scan_top_object (data != NULL ? data : "", length, members))
    return wbps_webhook_event_set_invalid (error, "the body is not a JSON object");
  if (!check_members (members, &create_time, error))
    return FALSE;
  envelope->name = string_text (&members[EVENT]);
  envelope->user_openid = members[USER_OPENID].kind == KIND_STRING ? string_text (&members[USER_OPENID]) : NULL;
  envelope->create_time = create_time;
  return TRUE;
}

void
wbps_webhook_envelope_clear (WbpsWebhookEnvelope *envelope)
{
  g_clear_pointer (&envelope->name, g_free);
  g_clear_pointer (&envelope->user_openid, g_free);
}
