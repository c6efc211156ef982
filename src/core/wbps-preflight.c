/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TikTok's media rules (spec 4.10) applied to the facts a probe found, and the
 * WbpsPreflight interface that src/media implements with GStreamer. Nothing
 * here reads the file: core stays free of GStreamer.
 *
 * wbps_media_info_check() reports EVERY broken rule at once, so a creator can
 * fix the file in one go: the error code is that of the first violation in the
 * order unreadable, container, codec, dimensions, frame rate, size, duration,
 * cover, and the message is one plain sentence per violation, joined by
 * spaces. An unreadable file stops the check at once (its other facts are
 * meaningless).
 */

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "wbps-preflight.h"

/* TikTok says "4 GB" but its docs use binary units throughout (their "4 MB"
 * chunk example is 4,194,304 bytes), so the limit is 4 GiB; the emulator
 * answers 400 above it. We accept up to and including that byte count, never
 * one byte more. */
#define WBPS_MAX_VIDEO_SIZE   G_GUINT64_CONSTANT (4294967296)
#define WBPS_MIN_SIDE         360
#define WBPS_MAX_SIDE         4096
#define WBPS_MIN_FPS          23
#define WBPS_MAX_FPS          60
/* The API-wide cap, applied when no creator limit is known (e.g. drafts). */
#define WBPS_API_MAX_DURATION_SEC 600

G_DEFINE_QUARK (wbps-preflight-error-quark, wbps_preflight_error)

G_DEFINE_BOXED_TYPE (WbpsMediaInfo, wbps_media_info,
                     wbps_media_info_copy, wbps_media_info_free)

WbpsMediaInfo *
wbps_media_info_new (void)
{
  return g_new0 (WbpsMediaInfo, 1);
}

WbpsMediaInfo *
wbps_media_info_copy (const WbpsMediaInfo *info)
{
  WbpsMediaInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->container = g_strdup (info->container);
  copy->mime_type = g_strdup (info->mime_type);
  copy->video_codec = g_strdup (info->video_codec);

  return copy;
}

void
wbps_media_info_free (WbpsMediaInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->container);
  g_free (info->mime_type);
  g_free (info->video_codec);
  g_free (info);
}

/* --- formatting of the facts a message names --- */

/* A count of hundredths (or thousandths) as "12", "12.5" or "12.05": no locale,
 * no trailing zeros. */
static char *
format_fixed (guint64 scaled,
              guint   scale)
{
  guint64 whole = scaled / scale;
  guint frac = scaled % scale;
  int digits = scale == 1000 ? 3 : 2;

  if (frac == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, whole);

  while (frac % 10 == 0)
    {
      frac /= 10;
      digits--;
    }

  return g_strdup_printf ("%" G_GUINT64_FORMAT ".%0*u", whole, digits, frac);
}

static char *
format_fps (guint fps_n,
            guint fps_d)
{
  guint64 hundredths = ((guint64) fps_n * 100 + fps_d / 2) / fps_d;

  return format_fixed (hundredths, 100);
}

/* "3 s", "2.5 s", or "312.5 s (5 min 12 s)" once minutes help the reader. */
static char *
format_duration (guint64 ms)
{
  g_autofree char *seconds = format_fixed (ms, 1000);
  guint64 whole_sec = ms / 1000;

  if (whole_sec < 60)
    return g_strdup_printf ("%s s", seconds);
  if (whole_sec % 60 == 0 && ms % 1000 == 0)
    return g_strdup_printf ("%s s (%" G_GUINT64_FORMAT " min)", seconds, whole_sec / 60);

  return g_strdup_printf ("%s s (%" G_GUINT64_FORMAT " min %" G_GUINT64_FORMAT " s)",
                          seconds, whole_sec / 60, whole_sec % 60);
}

static const char *
container_display_name (const char *container)
{
  if (g_strcmp0 (container, "mp4") == 0)
    return "MP4";
  if (g_strcmp0 (container, "quicktime") == 0)
    return "MOV (QuickTime)";
  if (g_strcmp0 (container, "webm") == 0)
    return "WebM";

  /* Translators: shown as the file format when it could not be identified */
  return container != NULL ? container : _("unknown");
}

static const char *
codec_display_name (const char *codec)
{
  if (g_strcmp0 (codec, "h264") == 0)
    return "H.264";
  if (g_strcmp0 (codec, "h265") == 0)
    return "H.265 (HEVC)";
  if (g_strcmp0 (codec, "vp8") == 0)
    return "VP8";
  if (g_strcmp0 (codec, "vp9") == 0)
    return "VP9";

  return codec;
}

/* --- the rules --- */

typedef struct {
  GString   *message;
  GPtrArray *sentences;   /* (nullable): each sentence on its own, for a form's list */
  int        first_code;  /* -1 while no rule is broken */
} Violations;

static void
violations_add (Violations         *v,
                WbpsPreflightError  code,
                char               *sentence)
{
  if (v->first_code < 0)
    v->first_code = code;
  else
    g_string_append_c (v->message, ' ');

  g_string_append (v->message, sentence);
  if (v->sentences != NULL)
    g_ptr_array_add (v->sentences, g_steal_pointer (&sentence));
  g_free (sentence);
}

static gboolean
info_is_readable (const WbpsMediaInfo *info)
{
  return info->video_codec != NULL && info->width > 0 && info->height > 0 &&
         info->duration_ms > 0;
}

static void
check_container (const WbpsMediaInfo *info,
                 Violations          *v)
{
  static const char * const accepted[] = { "video/mp4", "video/quicktime", "video/webm", NULL };

  /* The MIME type is what the upload sends as Content-Type, so it decides. */
  if (info->mime_type != NULL && g_strv_contains (accepted, info->mime_type))
    return;

  if (g_strcmp0 (info->container, "none") == 0)
    violations_add (v, WBPS_PREFLIGHT_ERROR_CONTAINER,
                    g_strdup (_("The file is a bare video stream without a container; "
                                "TikTok accepts MP4, MOV or WebM files.")));
  else
    violations_add (v, WBPS_PREFLIGHT_ERROR_CONTAINER,
                    /* Translators: %s is a file format name such as “MPEG-TS” */
                    g_strdup_printf (_("The file format is %s; TikTok accepts MP4, MOV or WebM files."),
                                     container_display_name (info->container)));
}

static void
check_codec (const WbpsMediaInfo *info,
             Violations          *v)
{
  static const char * const accepted[] = { "h264", "h265", "vp8", "vp9", NULL };

  if (g_strv_contains (accepted, info->video_codec))
    return;

  violations_add (v, WBPS_PREFLIGHT_ERROR_CODEC,
                  /* Translators: %s is a video codec name such as “MPEG-4 Video” */
                  g_strdup_printf (_("The video codec is %s; TikTok accepts H.264, H.265, VP8 or VP9."),
                                   codec_display_name (info->video_codec)));
}

static gboolean
side_ok (guint side)
{
  return side >= WBPS_MIN_SIDE && side <= WBPS_MAX_SIDE;
}

static void
check_dimensions (const WbpsMediaInfo *info,
                  Violations          *v)
{
  if (side_ok (info->width) && side_ok (info->height))
    return;

  violations_add (v, WBPS_PREFLIGHT_ERROR_DIMENSIONS,
                  /* Translators: the first two %u are the video's width and height, the
                   * last two the smallest and largest side TikTok accepts, in pixels */
                  g_strdup_printf (_("The picture is %ux%u pixels (width x height); TikTok accepts "
                                     "a width and a height of %u to %u pixels each."),
                                   info->width, info->height, WBPS_MIN_SIDE, WBPS_MAX_SIDE));
}

static void
check_frame_rate (const WbpsMediaInfo *info,
                  Violations          *v)
{
  g_autofree char *fps = NULL;

  if (info->fps_n == 0 || info->fps_d == 0)
    {
      violations_add (v, WBPS_PREFLIGHT_ERROR_FRAME_RATE,
                      /* Translators: %u to %u is the range of frame rates TikTok accepts */
                      g_strdup_printf (_("The frame rate could not be measured (the file declares a "
                                         "variable frame rate); TikTok accepts %u to %u fps."),
                                       WBPS_MIN_FPS, WBPS_MAX_FPS));
      return;
    }

  /* Compared as fractions so that 24000/1001 (23.976 fps) counts as in range. */
  if ((guint64) info->fps_n >= (guint64) WBPS_MIN_FPS * info->fps_d &&
      (guint64) info->fps_n <= (guint64) WBPS_MAX_FPS * info->fps_d)
    return;

  fps = format_fps (info->fps_n, info->fps_d);
  violations_add (v, WBPS_PREFLIGHT_ERROR_FRAME_RATE,
                  /* Translators: %s is the video's frame rate such as “12.5”; %u to %u is
                   * the range TikTok accepts */
                  g_strdup_printf (_("The frame rate is %s fps; TikTok accepts %u to %u fps."),
                                   fps, WBPS_MIN_FPS, WBPS_MAX_FPS));
}

static void
check_size (const WbpsMediaInfo *info,
            Violations          *v)
{
  g_autofree char *human = NULL;

  if (info->size <= WBPS_MAX_VIDEO_SIZE)
    return;

  human = g_format_size_full (info->size, G_FORMAT_SIZE_IEC_UNITS);
  violations_add (v, WBPS_PREFLIGHT_ERROR_SIZE,
                  /* Translators: %s is a size such as “4.5 GiB”, followed by the file's
                   * size and TikTok's largest size in bytes */
                  g_strdup_printf (_("The file is %s (%" PRIu64 " bytes); TikTok accepts "
                                     "files of at most 4 GiB (%" PRIu64 " bytes)."),
                                   human, info->size, WBPS_MAX_VIDEO_SIZE));
}

static void
check_duration (const WbpsMediaInfo *info,
                guint                max_duration_sec,
                Violations          *v)
{
  guint limit_sec = max_duration_sec != 0 ? max_duration_sec : WBPS_API_MAX_DURATION_SEC;
  g_autofree char *actual = NULL;
  g_autofree char *limit = NULL;

  if (info->duration_ms <= (guint64) limit_sec * 1000)
    return;

  actual = format_duration (info->duration_ms);
  limit = format_duration ((guint64) limit_sec * 1000);
  if (max_duration_sec != 0)
    violations_add (v, WBPS_PREFLIGHT_ERROR_DURATION,
                    /* Translators: both %s are durations such as “312.5 s (5 min 12 s)” */
                    g_strdup_printf (_("The video is %s long; this TikTok account may post videos "
                                       "of at most %s."), actual, limit));
  else
    violations_add (v, WBPS_PREFLIGHT_ERROR_DURATION,
                    /* Translators: both %s are durations such as “312.5 s (5 min 12 s)” */
                    g_strdup_printf (_("The video is %s long; TikTok accepts videos of at most %s."),
                                     actual, limit));
}

static void
check_cover (const WbpsMediaInfo *info,
             gint64               cover_ms,
             Violations          *v)
{
  g_autofree char *cover = NULL;
  g_autofree char *length = NULL;

  if (cover_ms < 0 || (guint64) cover_ms <= info->duration_ms)
    return;

  cover = format_duration ((guint64) cover_ms);
  length = format_duration (info->duration_ms);
  violations_add (v, WBPS_PREFLIGHT_ERROR_COVER,
                  /* Translators: the first %s is the chosen cover time, the other two the
                   * video's length, as durations such as “2.5 s” */
                  g_strdup_printf (_("The cover frame is at %s, but the video is only %s long; "
                                     "choose a cover time from 0 to %s."), cover, length, length));
}

static void
check_all (const WbpsMediaInfo *info,
           guint                max_duration_sec,
           gint64               cover_ms,
           Violations          *v)
{
  if (!info_is_readable (info))
    {
      violations_add (v, WBPS_PREFLIGHT_ERROR_UNREADABLE,
                      g_strdup (_("The file does not look like a readable video: no codec, picture "
                                  "size or length could be found in it.")));
      return;
    }
  check_container (info, v);
  check_codec (info, v);
  check_dimensions (info, v);
  check_frame_rate (info, v);
  check_size (info, v);
  check_duration (info, max_duration_sec, v);
  check_cover (info, cover_ms, v);
}

char **
wbps_media_info_list_problems (const WbpsMediaInfo *info,
                               guint                max_duration_sec,
                               gint64               cover_ms)
{
  g_autoptr(GString) message = g_string_new (NULL);
  GPtrArray *sentences = g_ptr_array_new ();
  Violations v = { message, sentences, -1 };

  g_return_val_if_fail (info != NULL, NULL);

  check_all (info, max_duration_sec, cover_ms, &v);
  g_ptr_array_add (sentences, NULL);
  return (char **) g_ptr_array_free (sentences, FALSE);
}

gboolean
wbps_media_info_check (const WbpsMediaInfo  *info,
                       guint                 max_duration_sec,
                       gint64                cover_ms,
                       GError              **error)
{
  g_autoptr(GString) message = g_string_new (NULL);
  Violations v = { message, NULL, -1 };

  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  check_all (info, max_duration_sec, cover_ms, &v);
  if (v.first_code < 0)
    return TRUE;

  g_set_error_literal (error, WBPS_PREFLIGHT_ERROR, v.first_code, message->str);
  return FALSE;
}

/* --- the interface --- */

G_DEFINE_INTERFACE (WbpsPreflight, wbps_preflight, G_TYPE_OBJECT)

static void
wbps_preflight_default_init (WbpsPreflightInterface *iface)
{
}

void
wbps_preflight_probe_async (WbpsPreflight       *self,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_PREFLIGHT (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  WBPS_PREFLIGHT_GET_IFACE (self)->probe_async (self, file, cancellable, callback, user_data);
}

WbpsMediaInfo *
wbps_preflight_probe_finish (WbpsPreflight  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (WBPS_IS_PREFLIGHT (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return WBPS_PREFLIGHT_GET_IFACE (self)->probe_finish (self, result, error);
}
