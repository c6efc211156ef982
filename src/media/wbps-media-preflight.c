/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsMediaPreflight: the GStreamer side of the pre-flight. A worker thread
 * reads the size from GIO, runs a synchronous GstDiscoverer (bounded by a
 * timeout, so a strange file cannot hang the job), and, when the container
 * declares no frame rate (variable frame rate, caps framerate=0/1), measures
 * the average rate from the first seconds of demuxed video timestamps. No
 * decoding happens in either step beyond what the discoverer needs.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>

#include "wbps-media-preflight.h"

#define DEFAULT_TIMEOUT_SEC 10
/* A healthy local file is examined well within this (see discover_uri()). */
#define FIRST_LOOK_SEC      2
/* Enough timestamps for a stable average without demuxing a whole 4 GiB file. */
#define MEASURE_MAX_FRAMES  600
#define MEASURE_MAX_SPAN    (10 * GST_SECOND)

struct _WbpsMediaPreflight
{
  GObject parent_instance;

  guint   timeout;
};

enum {
  PROP_0,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void wbps_media_preflight_iface_init (WbpsPreflightInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WbpsMediaPreflight, wbps_media_preflight, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WBPS_TYPE_PREFLIGHT,
                                                      wbps_media_preflight_iface_init))

void
wbps_media_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      gst_init (NULL, NULL);
      g_once_init_leave (&initialised, 1);
    }
}

/* --- step 1: the file itself --- */

/* Every unreadable-file message names the file the user chose (its first %s). */
#define SET_UNREADABLE(error, ...) \
  g_set_error ((error), WBPS_PREFLIGHT_ERROR, WBPS_PREFLIGHT_ERROR_UNREADABLE, __VA_ARGS__)

static gboolean
read_file_size (GFile          *file,
                WbpsMediaInfo  *info,
                GCancellable   *cancellable,
                GError        **error)
{
  g_autoptr(GFileInfo) file_info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  file_info = g_file_query_info (file,
                                 G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (file_info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        /* Translators: %s is a file name */
        SET_UNREADABLE (error, _("The file “%s” does not exist."), name);
      else
        /* Translators: the first %s is a file name, the second the system's reason */
        SET_UNREADABLE (error, _("The file “%s” cannot be opened: %s."), name,
                        local_error->message);
      return FALSE;
    }

  if (g_file_info_get_file_type (file_info) != G_FILE_TYPE_REGULAR)
    {
      /* Translators: %s is a file name */
      SET_UNREADABLE (error, _("The file “%s” is not a video file (it is a folder or a device)."),
                      name);
      return FALSE;
    }

  info->size = g_file_info_get_size (file_info);
  if (info->size == 0)
    {
      /* Translators: %s is a file name */
      SET_UNREADABLE (error, _("The file “%s” is empty."), name);
      return FALSE;
    }

  return TRUE;
}

/* --- step 2: GstDiscoverer --- */

static void
fill_container (GstDiscovererInfo *disco_info,
                WbpsMediaInfo     *info)
{
  g_autoptr(GstDiscovererStreamInfo) top = gst_discoverer_info_get_stream_info (disco_info);
  g_autoptr(GstCaps) caps = NULL;
  GstStructure *s;
  const char *variant;

  if (top == NULL || !GST_IS_DISCOVERER_CONTAINER_INFO (top))
    {
      info->container = g_strdup ("none");
      return;
    }

  caps = gst_discoverer_stream_info_get_caps (top);
  if (caps == NULL || gst_caps_is_empty (caps))
    {
      info->container = g_strdup ("unknown");
      return;
    }

  s = gst_caps_get_structure (caps, 0);
  variant = gst_structure_get_string (s, "variant");

  /* qtdemux reports MP4 and MOV alike as video/quicktime; the variant tells them apart. */
  if (gst_structure_has_name (s, "video/quicktime") && g_str_has_prefix (variant ? variant : "", "iso"))
    {
      info->container = g_strdup ("mp4");
      info->mime_type = g_strdup ("video/mp4");
    }
  else if (gst_structure_has_name (s, "video/quicktime"))
    {
      info->container = g_strdup ("quicktime");
      info->mime_type = g_strdup ("video/quicktime");
    }
  else if (gst_structure_has_name (s, "video/webm"))
    {
      info->container = g_strdup ("webm");
      info->mime_type = g_strdup ("video/webm");
    }
  else
    info->container = gst_pb_utils_get_codec_description (caps);
}

static char *
codec_name (GstCaps *caps)
{
  static const struct { const char *caps_name; const char *codec; } known[] = {
    { "video/x-h264", "h264" },
    { "video/x-h265", "h265" },
    { "video/x-vp8",  "vp8"  },
    { "video/x-vp9",  "vp9"  },
  };
  GstStructure *s;

  if (caps == NULL || gst_caps_is_empty (caps))
    return g_strdup ("unknown");

  s = gst_caps_get_structure (caps, 0);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (gst_structure_has_name (s, known[i].caps_name))
      return g_strdup (known[i].codec);

  /* Not one TikTok takes: a readable name such as "MPEG-4 Video" for the message. */
  return gst_pb_utils_get_codec_description (caps);
}

/* The first real video stream; still images (a PNG, a cover-art track) do not count. */
static GstDiscovererVideoInfo *
first_video_stream (GstDiscovererInfo *disco_info)
{
  GList *streams = gst_discoverer_info_get_video_streams (disco_info);
  GstDiscovererVideoInfo *found = NULL;

  for (GList *l = streams; l != NULL && found == NULL; l = l->next)
    if (!gst_discoverer_video_info_is_image (l->data))
      found = g_object_ref (l->data);

  gst_discoverer_stream_info_list_free (streams);
  return found;
}

static gboolean
fill_video (GstDiscovererInfo  *disco_info,
            GFile              *file,
            WbpsMediaInfo      *info,
            GError            **error)
{
  g_autoptr(GstDiscovererVideoInfo) video = first_video_stream (disco_info);
  g_autoptr(GstCaps) caps = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  GstClockTime duration;

  if (video == NULL)
    {
      /* Translators: %s is a file name */
      SET_UNREADABLE (error, _("The file “%s” contains no video (it may be a "
                               "picture or sound only)."), name);
      return FALSE;
    }

  caps = gst_discoverer_stream_info_get_caps (GST_DISCOVERER_STREAM_INFO (video));
  info->video_codec = codec_name (caps);
  info->width = gst_discoverer_video_info_get_width (video);
  info->height = gst_discoverer_video_info_get_height (video);
  info->fps_n = gst_discoverer_video_info_get_framerate_num (video);
  info->fps_d = gst_discoverer_video_info_get_framerate_denom (video);

  duration = gst_discoverer_info_get_duration (disco_info);
  if (!GST_CLOCK_TIME_IS_VALID (duration) || duration == 0)
    {
      /* Translators: %s is a file name */
      SET_UNREADABLE (error, _("The file “%s” does not say how long the video is; "
                               "it may be damaged or still being written."), name);
      return FALSE;
    }
  info->duration_ms = (duration + GST_MSECOND / 2) / GST_MSECOND;

  return TRUE;
}

/*
 * decodebin drops an error that a demuxer posts while decodebin is still
 * starting it (GStreamer 1.22 race), and the discoverer then waits out its whole
 * timeout: a damaged file hits this about one time in five. So we take a short
 * first look and only wait the full timeout on a second one.
 */
static GstDiscovererInfo *
discover_uri (const char    *uri,
              guint          timeout,
              GCancellable  *cancellable,
              GError       **error)
{
  guint attempts[] = { MIN (timeout, FIRST_LOOK_SEC), timeout };

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (attempts[i] * GST_SECOND, error);
      g_autoptr(GstDiscovererInfo) disco_info = NULL;

      if (discoverer == NULL)
        return NULL;

      g_clear_error (error);
      disco_info = gst_discoverer_discover_uri (discoverer, uri, error);
      if (disco_info == NULL ||
          gst_discoverer_info_get_result (disco_info) != GST_DISCOVERER_TIMEOUT ||
          attempts[i] == timeout || g_cancellable_is_cancelled (cancellable))
        return g_steal_pointer (&disco_info);
    }

  g_assert_not_reached ();
}

static gboolean
discover (GFile          *file,
          guint           timeout,
          WbpsMediaInfo  *info,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autoptr(GstDiscovererInfo) disco_info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *name = g_file_get_parse_name (file);

  disco_info = discover_uri (uri, timeout, cancellable, &local_error);
  switch (disco_info != NULL ? gst_discoverer_info_get_result (disco_info) : GST_DISCOVERER_ERROR)
    {
    case GST_DISCOVERER_OK:
    case GST_DISCOVERER_MISSING_PLUGINS:  /* parsers suffice; the codec rule names what it is */
      break;
    case GST_DISCOVERER_TIMEOUT:
      /* Translators: %s is a file name, %u a number of seconds */
      SET_UNREADABLE (error, ngettext ("The file “%s” could not be examined within %u second; "
                                       "it may be damaged or not a video.",
                                       "The file “%s” could not be examined within %u seconds; "
                                       "it may be damaged or not a video.", timeout), name, timeout);
      return FALSE;
    default:
      /* Translators: the first %s is a file name, the second GStreamer's reason */
      SET_UNREADABLE (error, _("The file “%s” could not be read as a video: %s"), name,
                      local_error ? local_error->message : _("unknown error."));
      return FALSE;
    }

  fill_container (disco_info, info);
  return fill_video (disco_info, file, info, error);
}

/* --- step 3: the average frame rate of a variable-frame-rate file --- */

typedef struct {
  GMutex       lock;
  GstElement  *pipeline;
  gboolean     probing;    /* a video pad already has our probe */
  gboolean     done;
  guint        frames;
  GstClockTime min_pts;
  GstClockTime max_pts;
} FrameCount;

static GstPadProbeReturn
count_frame_cb (GstPad          *pad,
                GstPadProbeInfo *probe_info,
                gpointer         user_data)
{
  FrameCount *count = user_data;
  GstClockTime pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (probe_info));
  gboolean finished;

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return GST_PAD_PROBE_OK;

  g_mutex_lock (&count->lock);
  count->frames++;
  count->min_pts = MIN (count->min_pts, pts);
  count->max_pts = count->frames == 1 ? pts : MAX (count->max_pts, pts);
  finished = !count->done && (count->frames >= MEASURE_MAX_FRAMES ||
                              count->max_pts - count->min_pts >= MEASURE_MAX_SPAN);
  count->done |= finished;
  g_mutex_unlock (&count->lock);

  if (finished)
    gst_element_post_message (count->pipeline,
                              gst_message_new_application (GST_OBJECT (count->pipeline),
                                                           gst_structure_new_empty ("wbps-counted")));

  return finished ? GST_PAD_PROBE_REMOVE : GST_PAD_PROBE_OK;
}

/* Every parsed stream goes to a fakesink; the first video one is counted. */
static void
parsed_pad_added_cb (GstElement *parsebin,
                     GstPad     *pad,
                     gpointer    user_data)
{
  FrameCount *count = user_data;
  g_autoptr(GstCaps) caps = gst_pad_query_caps (pad, NULL);
  g_autoptr(GstPad) sinkpad = NULL;
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  const char *name = "";

  if (gst_caps_get_size (caps) > 0)
    name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (count->pipeline), sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_link (pad, sinkpad);
  gst_element_sync_state_with_parent (sink);

  g_mutex_lock (&count->lock);
  if (!count->probing && g_str_has_prefix (name, "video/"))
    {
      count->probing = TRUE;
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_frame_cb, count, NULL);
    }
  g_mutex_unlock (&count->lock);
}

static void
source_pad_added_cb (GstElement *source,
                     GstPad     *pad,
                     gpointer    user_data)
{
  GstElement *parsebin = user_data;
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (parsebin, "sink");

  if (!gst_pad_is_linked (sinkpad))
    gst_pad_link (pad, sinkpad);
}

static GstElement *
make_count_pipeline (const char *uri,
                     FrameCount *count)
{
  GstElement *pipeline = gst_pipeline_new ("wbps-frame-count");
  GstElement *source = gst_element_factory_make ("urisourcebin", NULL);
  GstElement *parsebin = gst_element_factory_make ("parsebin", NULL);

  if (source == NULL || parsebin == NULL)
    {
      /* Both are in gst-plugins-base; without them the rate stays unknown. */
      gst_clear_object (&source);
      gst_clear_object (&parsebin);
      gst_clear_object (&pipeline);
      return NULL;
    }

  g_object_set (source, "uri", uri, NULL);
  gst_bin_add_many (GST_BIN (pipeline), source, parsebin, NULL);
  g_signal_connect (source, "pad-added", G_CALLBACK (source_pad_added_cb), parsebin);
  g_signal_connect (parsebin, "pad-added", G_CALLBACK (parsed_pad_added_cb), count);

  return pipeline;
}

static void
wait_for_count (GstElement *pipeline,
                guint       timeout)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = NULL;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    return;

  message = gst_bus_timed_pop_filtered (bus, timeout * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_APPLICATION);
}

/*
 * A file with a variable frame rate declares none (0/1). TikTok's 23-60 fps rule
 * is about the rate viewers see, so we measure the average from the timestamps
 * of the first frames and snap it to a standard rate when one is close.
 */
static void
measure_frame_rate (GFile         *file,
                    guint          timeout,
                    WbpsMediaInfo *info)
{
  g_autofree char *uri = g_file_get_uri (file);
  FrameCount count = { .min_pts = GST_CLOCK_TIME_NONE };
  GstClockTime frame_duration;
  int fps_n = 0, fps_d = 1;

  info->fps_n = info->fps_d = 0;

  g_mutex_init (&count.lock);
  count.pipeline = make_count_pipeline (uri, &count);
  if (count.pipeline != NULL)
    {
      wait_for_count (count.pipeline, timeout);
      gst_element_set_state (count.pipeline, GST_STATE_NULL);
      gst_clear_object (&count.pipeline);
    }
  g_mutex_clear (&count.lock);

  if (count.frames < 2 || count.max_pts <= count.min_pts)
    return;

  frame_duration = (count.max_pts - count.min_pts) / (count.frames - 1);
  gst_video_guess_framerate (frame_duration, &fps_n, &fps_d);
  if (fps_n > 0 && fps_d > 0)
    {
      info->fps_n = fps_n;
      info->fps_d = fps_d;
    }
}

/* --- the task --- */

typedef struct {
  GFile *file;
  guint  timeout;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ProbeData *data = task_data;
  g_autoptr(WbpsMediaInfo) info = wbps_media_info_new ();
  GError *error = NULL;

  if (!read_file_size (data->file, info, cancellable, &error) ||
      g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      !discover (data->file, data->timeout, info, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (info->fps_n == 0 || info->fps_d == 0)
    measure_frame_rate (data->file, data->timeout, info);

  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify) wbps_media_info_free);
}

static void
wbps_media_preflight_probe_async (WbpsPreflight       *preflight,
                                  GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  WbpsMediaPreflight *self = WBPS_MEDIA_PREFLIGHT (preflight);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ProbeData *data = g_new0 (ProbeData, 1);

  data->file = g_object_ref (file);
  data->timeout = self->timeout;

  g_task_set_source_tag (task, wbps_media_preflight_probe_async);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  if (g_task_return_error_if_cancelled (task))
    return;

  /* The discoverer cannot be interrupted; a cancelled caller need not wait for it. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, probe_thread);
}

static WbpsMediaInfo *
wbps_media_preflight_probe_finish (WbpsPreflight  *preflight,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, preflight), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
wbps_media_preflight_iface_init (WbpsPreflightInterface *iface)
{
  iface->probe_async = wbps_media_preflight_probe_async;
  iface->probe_finish = wbps_media_preflight_probe_finish;
}

/* --- GObject boilerplate --- */

static void
wbps_media_preflight_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  WbpsMediaPreflight *self = WBPS_MEDIA_PREFLIGHT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_media_preflight_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  WbpsMediaPreflight *self = WBPS_MEDIA_PREFLIGHT (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      wbps_media_preflight_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_media_preflight_class_init (WbpsMediaPreflightClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wbps_media_preflight_get_property;
  object_class->set_property = wbps_media_preflight_set_property;

  /* Seconds the discoverer may spend on one file (GstDiscoverer accepts 1 s to 1 h). */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, 3600, DEFAULT_TIMEOUT_SEC,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  wbps_media_init ();
}

static void
wbps_media_preflight_init (WbpsMediaPreflight *self)
{
  self->timeout = DEFAULT_TIMEOUT_SEC;
}

WbpsMediaPreflight *
wbps_media_preflight_new (void)
{
  return g_object_new (WBPS_TYPE_MEDIA_PREFLIGHT, NULL);
}

guint
wbps_media_preflight_get_timeout (WbpsMediaPreflight *self)
{
  g_return_val_if_fail (WBPS_IS_MEDIA_PREFLIGHT (self), 0);

  return self->timeout;
}

void
wbps_media_preflight_set_timeout (WbpsMediaPreflight *self,
                                  guint               seconds)
{
  g_return_if_fail (WBPS_IS_MEDIA_PREFLIGHT (self));
  g_return_if_fail (seconds >= 1 && seconds <= 3600);

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}
