/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * WbpsFrameGrabber: a PAUSED GStreamer pipeline per video file; a grab is an
 * accurate flushing seek followed by the prerolled sample. All pipeline work
 * happens in one worker at a time (a GThreadPool of one thread per grabber),
 * under a mutex so the blocking API and the async one can be mixed.
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "wbps-frame-grabber.h"
#include "wbps-media-preflight.h"

/*
 * A healthy file keeps its source busy while the decoder works towards a
 * picture. decodebin drops some demuxer errors (e.g. a truncated MP4 while
 * it is being plugged), so a source idle this long without a picture means a
 * damaged file; the overall bound catches anything else.
 */
#define IDLE_TIMEOUT_US (3 * G_USEC_PER_SEC)
#define SETTLE_TIMEOUT_US (60 * G_USEC_PER_SEC)
#define POLL_INTERVAL (250 * GST_MSECOND)
/* The structure name of the bus message that wakes a waiting grab. */
#define WAKE_MESSAGE "wbps-frame-grabber-wake"
#define NO_VIDEO_MESSAGE "wbps-frame-grabber-no-video"

struct _WbpsFrameGrabber
{
  GObject parent_instance;

  GFile       *file;
  guint        height;

  GThreadPool *pool;          /* runs the async requests in order */
  GMutex       lock;          /* guards everything below */
  GstElement  *pipeline;
  GstElement  *convert_bin;   /* videoscale ! videoconvert ! appsink */
  GstElement  *appsink;
  gboolean     opened;
  GError      *open_error;    /* a failed open is final */
  gint64       duration_ms;
  int          fps_n;
  int          fps_d;
  GstSample   *current;       /* the prerolled sample, when its time is known */
  gint         activity;      /* atomic: counts the source's buffers and pulls */
};

enum {
  PROP_0,
  PROP_FILE,
  PROP_HEIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (wbps-frame-grabber-error-quark, wbps_frame_grabber_error)
G_DEFINE_FINAL_TYPE (WbpsFrameGrabber, wbps_frame_grabber, G_TYPE_OBJECT)

/* --- frame arithmetic --- */

gint64
wbps_frame_index_at_ms (gint64 timestamp_ms,
                        int    numerator,
                        int    denominator)
{
  g_return_val_if_fail (numerator > 0 && denominator > 0, 0);

  if (timestamp_ms <= 0)
    return 0;
  /* frame k covers [k·d/n s, (k+1)·d/n s): k = floor (t·n / (1000·d)) */
  return (timestamp_ms * numerator) / ((gint64) 1000 * denominator);
}

gint64
wbps_frame_index_to_ms (gint64 index,
                        int    numerator,
                        int    denominator)
{
  gint64 scaled;

  g_return_val_if_fail (numerator > 0 && denominator > 0, 0);

  if (index <= 0)
    return 0;
  /* ceil (k·1000·d / n): the first whole millisecond inside frame k */
  scaled = index * 1000 * denominator;
  return (scaled + numerator - 1) / numerator;
}

/* --- building and opening the pipeline --- */

/* Audio and other streams stay compressed: they go to a fakesink unread. */
static gboolean
on_autoplug_continue (GstElement *bin,
                      GstPad     *pad,
                      GstCaps    *caps,
                      gpointer    user_data)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);

  return s == NULL || g_str_has_prefix (gst_structure_get_name (s), "video/");
}

static GstPadProbeReturn
count_activity (GstPad          *pad,
                GstPadProbeInfo *info,
                gpointer         user_data)
{
  WbpsFrameGrabber *self = user_data;

  g_atomic_int_inc (&self->activity);
  return GST_PAD_PROBE_OK;
}

/* The watchdog's view of progress: data leaving the file (pushed or pulled). */
static void
on_source_setup (GstElement       *decodebin,
                 GstElement       *source,
                 WbpsFrameGrabber *self)
{
  g_autoptr(GstPad) pad = gst_element_get_static_pad (source, "src");

  if (pad != NULL)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_PULL,
                       count_activity, self, NULL);
}

static void
link_to_fakesink (GstElement *pipeline,
                  GstPad     *pad)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_link (pad, sinkpad);
}

static void
on_pad_added (GstElement       *decodebin,
              GstPad           *pad,
              WbpsFrameGrabber *self)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (self->convert_bin, "sink");
  GstStructure *s = caps ? gst_caps_get_structure (caps, 0) : NULL;

  if (s != NULL && gst_structure_has_name (s, "video/x-raw") && !gst_pad_is_linked (sinkpad))
    gst_pad_link (pad, sinkpad);
  else
    link_to_fakesink (self->pipeline, pad);
}

/* With every stream exposed and none of them video, the appsink would wait forever. */
static void
on_no_more_pads (GstElement       *decodebin,
                 WbpsFrameGrabber *self)
{
  g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (self->convert_bin, "sink");

  if (!gst_pad_is_linked (sinkpad))
    gst_element_post_message (decodebin,
                              gst_message_new_application (GST_OBJECT (decodebin),
                                                           gst_structure_new_empty (NO_VIDEO_MESSAGE)));
}

static GstElement *
make_convert_bin (guint       height,
                  GstElement **appsink_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *caps = NULL;
  g_autoptr(GstCaps) sink_caps = NULL;
  GstElement *bin;
  GstElement *appsink;

  /* Scale first (in the decoder's YUV), convert the small picture to RGBA after. */
  if (height > 0)
    caps = g_strdup_printf ("video/x-raw,format=RGBA,pixel-aspect-ratio=1/1,height=%u", height);
  else
    caps = g_strdup ("video/x-raw,format=RGBA,pixel-aspect-ratio=1/1");

  /* Lanczos: thumbnails are several times smaller, where bilinear would alias. */
  bin = gst_parse_bin_from_description ("videoscale method=lanczos ! videoconvert ! appsink name=sink",
                                        TRUE, &error);
  g_assert_no_error (error);
  appsink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  g_object_set (appsink, "sync", FALSE, "max-buffers", 1, "enable-last-sample", FALSE, NULL);
  sink_caps = gst_caps_from_string (caps);
  gst_app_sink_set_caps (GST_APP_SINK (appsink), sink_caps);
  *appsink_out = appsink;

  return bin;
}

/* Waits for the pipeline to settle: ASYNC_DONE, or an error, a wake-up, a timeout. */
static gboolean
wait_settled (WbpsFrameGrabber  *self,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);
  g_autofree char *name = g_file_get_parse_name (self->file);
  gint64 started = g_get_monotonic_time ();
  gint64 active_at = started;
  int seen_activity = g_atomic_int_get (&self->activity);

  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      message = gst_bus_timed_pop_filtered (bus, POLL_INTERVAL,
                                            GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR |
                                            GST_MESSAGE_APPLICATION);
      if (message == NULL)
        {
          gint64 now = g_get_monotonic_time ();
          int activity = g_atomic_int_get (&self->activity);

          if (activity != seen_activity)
            {
              seen_activity = activity;
              active_at = now;
            }
          if (now - active_at > IDLE_TIMEOUT_US)
            {
              g_set_error (error, WBPS_FRAME_GRABBER_ERROR, WBPS_FRAME_GRABBER_ERROR_UNREADABLE,
                           /* Translators: %s is a file name */
                           _("The file “%s” cannot be read as a video: it is incomplete or damaged."),
                           name);
              return FALSE;
            }
          if (now - started > SETTLE_TIMEOUT_US)
            {
              g_set_error (error, WBPS_FRAME_GRABBER_ERROR, WBPS_FRAME_GRABBER_ERROR_TIMEOUT,
                           /* Translators: %s is a file name */
                           _("The video “%s” could not be decoded in time."), name);
              return FALSE;
            }
          continue;
        }

      switch (GST_MESSAGE_TYPE (message))
        {
        case GST_MESSAGE_ASYNC_DONE:
          return TRUE;

        case GST_MESSAGE_ERROR:
          {
            g_autoptr(GError) gst_error = NULL;

            gst_message_parse_error (message, &gst_error, NULL);
            g_set_error (error, WBPS_FRAME_GRABBER_ERROR, WBPS_FRAME_GRABBER_ERROR_UNREADABLE,
                         /* Translators: the first %s is a file name, the second GStreamer's reason */
                         _("The file “%s” cannot be read as a video: %s"), name, gst_error->message);
            return FALSE;
          }

        default:
          if (gst_message_has_name (message, NO_VIDEO_MESSAGE))
            {
              g_set_error (error, WBPS_FRAME_GRABBER_ERROR, WBPS_FRAME_GRABBER_ERROR_NO_VIDEO,
                           /* Translators: %s is a file name */
                           _("The file “%s” has no video stream."), name);
              return FALSE;
            }
          /* a wake-up: loop to look at the cancellable */
          break;
        }
    }
}

static void
post_wake (GCancellable *cancellable,
           GstElement   *pipeline)
{
  gst_element_post_message (pipeline,
                            gst_message_new_application (GST_OBJECT (pipeline),
                                                         gst_structure_new_empty (WAKE_MESSAGE)));
}

/* Before a state change or a seek: what an earlier, abandoned wait left must not answer it. */
static void
drop_old_messages (WbpsFrameGrabber *self)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);

  gst_bus_set_flushing (bus, TRUE);
  gst_bus_set_flushing (bus, FALSE);
}

/* Runs wait_settled() with the cancellable able to wake it. */
static gboolean
wait_settled_cancellable (WbpsFrameGrabber  *self,
                          GCancellable      *cancellable,
                          GError           **error)
{
  gulong handler = 0;
  gboolean ok;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (post_wake),
                                     gst_object_ref (self->pipeline), gst_object_unref);
  ok = wait_settled (self, cancellable, error);
  g_cancellable_disconnect (cancellable, handler);

  return ok;
}

static void
read_frame_rate (WbpsFrameGrabber *self,
                 GstSample        *sample)
{
  GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  GstBuffer *buffer = gst_sample_get_buffer (sample);

  self->fps_n = 30;
  self->fps_d = 1;
  if (gst_structure_get_fraction (s, "framerate", &self->fps_n, &self->fps_d) && self->fps_n > 0)
    return;

  /* Variable frame rate: the first frame's own duration stands for the rate. */
  if (GST_BUFFER_DURATION_IS_VALID (buffer) && GST_BUFFER_DURATION (buffer) > 0)
    gst_util_double_to_fraction ((double) GST_SECOND / GST_BUFFER_DURATION (buffer),
                                 &self->fps_n, &self->fps_d);
  if (self->fps_n <= 0 || self->fps_d <= 0)
    {
      self->fps_n = 30;
      self->fps_d = 1;
    }
}

/* Where @sample's segment ends in stream time (MP4: the video track's own end), or -1. */
static gint64
segment_end_ms (GstSample *sample)
{
  const GstSegment *segment = gst_sample_get_segment (sample);
  guint64 end;

  if (segment == NULL || segment->format != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID (segment->stop))
    return -1;
  end = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, segment->stop);
  return GST_CLOCK_TIME_IS_VALID (end) ? (gint64) (end / GST_MSECOND) : -1;
}

/* The end of the last picture: its time plus its length. */
static gint64
picture_end_ms (WbpsFrameGrabber *self,
                GstSample        *sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  guint64 start;
  GstClockTime length;

  if (buffer == NULL || segment == NULL || !GST_BUFFER_PTS_IS_VALID (buffer))
    return -1;
  start = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  if (!GST_CLOCK_TIME_IS_VALID (start))
    return -1;
  length = GST_BUFFER_DURATION_IS_VALID (buffer) && GST_BUFFER_DURATION (buffer) > 0
           ? GST_BUFFER_DURATION (buffer) : gst_util_uint64_scale_int (GST_SECOND, self->fps_d, self->fps_n);
  return (gint64) ((start + length) / GST_MSECOND);
}

static GstSample *seek_and_preroll (WbpsFrameGrabber *self, GstClockTime position, GCancellable *cancellable,
                                    GError **error);

/* The last picture, by bisection between a time with one (0) and the container's end; -1 on error. */
static gint64
find_video_end_ms (WbpsFrameGrabber  *self,
                   GCancellable      *cancellable,
                   GError           **error)
{
  GstClockTime frame = gst_util_uint64_scale_int (GST_SECOND, self->fps_d, self->fps_n);
  GstClockTime lo = 0, hi = (GstClockTime) self->duration_ms * GST_MSECOND;
  g_autoptr(GstSample) last = NULL;
  gboolean first = TRUE;

  while (hi > lo + frame / 2)
    {
      /* The end first: a video as long as its container takes one seek. */
      GstClockTime mid = first ? hi - frame / 2 : lo + (hi - lo) / 2;
      GError *local_error = NULL;
      GstSample *sample = seek_and_preroll (self, mid, cancellable, &local_error);

      first = FALSE;
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return -1;
        }
      if (sample == NULL)
        {
          hi = mid;
          continue;
        }
      lo = mid;
      g_clear_pointer (&last, gst_sample_unref);
      last = sample;
    }
  return last != NULL ? picture_end_ms (self, last) : -1;
}

/*
 * The slider and the filmstrip span the pictures, not a longer sound track: the
 * video branch's segment says where they end (MP4); otherwise (Matroska) the
 * last picture is looked for once. The first frame stays ready for a grab at 0.
 */
static gboolean
read_video_end (WbpsFrameGrabber  *self,
                GCancellable      *cancellable,
                GError           **error)
{
  GError *local_error = NULL;
  gint64 end = self->current != NULL ? segment_end_ms (self->current) : -1;

  if (end <= 0 && self->duration_ms > 0)
    end = find_video_end_ms (self, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (end > 0 && (self->duration_ms <= 0 || end < self->duration_ms))
    self->duration_ms = end;
  return TRUE;
}

static gboolean
open_failed (WbpsFrameGrabber  *self,
             GError           **error)
{
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_pointer (&self->current, gst_sample_unref);
  g_clear_object (&self->appsink);
  g_clear_pointer (&self->pipeline, gst_object_unref);
  self->duration_ms = -1;
  /* Only a real failure is final; a cancelled open can be tried again. */
  if (error != NULL && *error != NULL &&
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->open_error = g_error_copy (*error);
  return FALSE;
}

static gboolean
open_locked (WbpsFrameGrabber  *self,
             GCancellable      *cancellable,
             GError           **error)
{
  g_autofree char *uri = g_file_get_uri (self->file);
  GstElement *decodebin;
  gint64 duration = -1;

  if (self->opened)
    return TRUE;
  if (self->open_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->open_error));
      return FALSE;
    }

  wbps_media_init ();
  self->pipeline = gst_pipeline_new ("wbps-frame-grabber");
  decodebin = gst_element_factory_make ("uridecodebin", NULL);
  self->convert_bin = make_convert_bin (self->height, &self->appsink);
  g_object_set (decodebin, "uri", uri, NULL);
  g_signal_connect (decodebin, "autoplug-continue", G_CALLBACK (on_autoplug_continue), NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added), self);
  g_signal_connect (decodebin, "source-setup", G_CALLBACK (on_source_setup), self);
  g_signal_connect (decodebin, "no-more-pads", G_CALLBACK (on_no_more_pads), self);
  gst_bin_add_many (GST_BIN (self->pipeline), decodebin, self->convert_bin, NULL);

  gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
  if (!wait_settled_cancellable (self, cancellable, error))
    return open_failed (self, error);

  self->current = gst_app_sink_try_pull_preroll (GST_APP_SINK (self->appsink), 0);
  if (self->current != NULL)
    read_frame_rate (self, self->current);
  /* The container's length counts the longest track, often a longer sound track. */
  if (gst_element_query_duration (self->appsink, GST_FORMAT_TIME, &duration) && duration > 0)
    self->duration_ms = duration / GST_MSECOND;
  if (!read_video_end (self, cancellable, error))
    return open_failed (self, error);
  self->opened = TRUE;

  return TRUE;
}

/* --- grabbing --- */

/* A copy: holding decoder buffers could starve a bounded buffer pool. */
static WbpsVideoFrame *
frame_from_sample (GstSample *sample,
                   gint64     timestamp_ms)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  g_autoptr(GBytes) pixels = NULL;
  GstVideoFrame frame;
  GstVideoInfo info;
  guint stride;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ))
    return NULL;

  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  pixels = g_bytes_new (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0), (gsize) stride * GST_VIDEO_FRAME_HEIGHT (&frame));
  gst_video_frame_unmap (&frame);

  return wbps_video_frame_new (pixels, GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                               stride, timestamp_ms,
                               GST_BUFFER_PTS_IS_VALID (buffer) ? (gint64) GST_BUFFER_PTS (buffer) : -1);
}

/* Past the end there is no frame: aim inside the last one instead. */
static GstClockTime
clamp_to_video (WbpsFrameGrabber *self,
                gint64            timestamp_ms)
{
  GstClockTime position = (GstClockTime) MAX (timestamp_ms, 0) * GST_MSECOND;
  GstClockTime frame = gst_util_uint64_scale_int (GST_SECOND, self->fps_d, self->fps_n);
  GstClockTime duration;

  if (self->duration_ms <= 0)
    return position;
  duration = (GstClockTime) self->duration_ms * GST_MSECOND;
  if (position + frame / 2 >= duration)
    position = duration > frame / 2 ? duration - frame / 2 : 0;

  return position;
}

static GstSample *
seek_and_preroll (WbpsFrameGrabber  *self,
                  GstClockTime       position,
                  GCancellable      *cancellable,
                  GError           **error)
{
  g_autofree char *name = g_file_get_parse_name (self->file);

  drop_old_messages (self);
  if (!gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                                GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, position))
    {
      g_set_error (error, WBPS_FRAME_GRABBER_ERROR, WBPS_FRAME_GRABBER_ERROR_UNREADABLE,
                   /* Translators: %s is a file name */
                   _("The video “%s” cannot be searched."), name);
      return NULL;
    }
  if (!wait_settled_cancellable (self, cancellable, error))
    return NULL;

  return gst_app_sink_try_pull_preroll (GST_APP_SINK (self->appsink), 0);
}

/*
 * The frame shown at @timestamp_ms. The container's duration may count a
 * longer sound track: past the last picture, step back until there is one.
 */
static GstSample *
sample_at (WbpsFrameGrabber  *self,
           gint64             timestamp_ms,
           GCancellable      *cancellable,
           GError           **error)
{
  GstClockTime position = clamp_to_video (self, timestamp_ms);
  GstClockTime back = gst_util_uint64_scale_int (GST_SECOND, self->fps_d, self->fps_n);

  for (;;)
    {
      GstSample *sample = seek_and_preroll (self, position, cancellable, error);

      if (sample != NULL || (error != NULL && *error != NULL) || position == 0)
        return sample;
      position = position > back ? position - back : 0;
      back *= 2;
    }
}

static WbpsVideoFrame *
grab_locked (WbpsFrameGrabber  *self,
             gint64             timestamp_ms,
             GCancellable      *cancellable,
             GError           **error)
{
  g_autofree char *name = g_file_get_parse_name (self->file);
  GError *local_error = NULL;
  WbpsVideoFrame *frame;

  if (!open_locked (self, cancellable, error))
    return NULL;

  /* The first preroll already is frame 0: no seek for the very first thumbnail. */
  if (self->current == NULL || timestamp_ms > 0)
    {
      g_clear_pointer (&self->current, gst_sample_unref);
      self->current = sample_at (self, timestamp_ms, cancellable, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }

  if (self->current == NULL ||
      (frame = frame_from_sample (self->current, timestamp_ms)) == NULL)
    {
      g_set_error (error, WBPS_FRAME_GRABBER_ERROR, WBPS_FRAME_GRABBER_ERROR_UNREADABLE,
                   /* Translators: %s is a file name */
                   _("The video “%s” has no picture at that time."), name);
      return NULL;
    }

  return frame;
}

WbpsVideoFrame *
wbps_frame_grabber_grab (WbpsFrameGrabber  *self,
                         gint64             timestamp_ms,
                         GCancellable      *cancellable,
                         GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (WBPS_IS_FRAME_GRABBER (self), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  locker = g_mutex_locker_new (&self->lock);
  return grab_locked (self, timestamp_ms, cancellable, error);
}

gboolean
wbps_frame_grabber_open (WbpsFrameGrabber  *self,
                         GCancellable      *cancellable,
                         GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (WBPS_IS_FRAME_GRABBER (self), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  locker = g_mutex_locker_new (&self->lock);
  return open_locked (self, cancellable, error);
}

/* --- async: one worker per grabber, requests in the order asked --- */

typedef struct {
  gboolean open_only;
  gint64   timestamp_ms;
} Request;

static void
run_request (gpointer data,
             gpointer user_data)
{
  g_autoptr(GTask) task = data;
  WbpsFrameGrabber *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (request->open_only)
    {
      if (wbps_frame_grabber_open (self, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      return;
    }

  WbpsVideoFrame *frame = wbps_frame_grabber_grab (self, request->timestamp_ms, cancellable, &error);
  if (frame != NULL)
    g_task_return_pointer (task, frame, (GDestroyNotify) wbps_video_frame_unref);
  else
    g_task_return_error (task, error);
}

static void
queue_request (WbpsFrameGrabber    *self,
               gboolean             open_only,
               gint64               timestamp_ms,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  request->open_only = open_only;
  request->timestamp_ms = timestamp_ms;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, g_free);
  g_thread_pool_push (self->pool, task, NULL);
}

void
wbps_frame_grabber_grab_async (WbpsFrameGrabber    *self,
                               gint64               timestamp_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_FRAME_GRABBER (self));

  queue_request (self, FALSE, timestamp_ms, wbps_frame_grabber_grab_async,
                 cancellable, callback, user_data);
}

WbpsVideoFrame *
wbps_frame_grabber_grab_finish (WbpsFrameGrabber  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
wbps_frame_grabber_open_async (WbpsFrameGrabber    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (WBPS_IS_FRAME_GRABBER (self));

  queue_request (self, TRUE, 0, wbps_frame_grabber_open_async, cancellable, callback, user_data);
}

gboolean
wbps_frame_grabber_open_finish (WbpsFrameGrabber  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- accessors --- */

GFile *
wbps_frame_grabber_get_file (WbpsFrameGrabber *self)
{
  g_return_val_if_fail (WBPS_IS_FRAME_GRABBER (self), NULL);

  return self->file;
}

guint
wbps_frame_grabber_get_height (WbpsFrameGrabber *self)
{
  g_return_val_if_fail (WBPS_IS_FRAME_GRABBER (self), 0);

  return self->height;
}

gint64
wbps_frame_grabber_get_duration_ms (WbpsFrameGrabber *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (WBPS_IS_FRAME_GRABBER (self), -1);

  locker = g_mutex_locker_new (&self->lock);
  return self->duration_ms;
}

void
wbps_frame_grabber_get_frame_rate (WbpsFrameGrabber *self,
                                   int              *numerator,
                                   int              *denominator)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (WBPS_IS_FRAME_GRABBER (self));

  locker = g_mutex_locker_new (&self->lock);
  if (numerator != NULL)
    *numerator = self->fps_n;
  if (denominator != NULL)
    *denominator = self->fps_d;
}

/* --- GObject --- */

WbpsFrameGrabber *
wbps_frame_grabber_new (GFile *file,
                        guint  height)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (WBPS_TYPE_FRAME_GRABBER, "file", file, "height", height, NULL);
}

static void
wbps_frame_grabber_finalize (GObject *object)
{
  WbpsFrameGrabber *self = WBPS_FRAME_GRABBER (object);

  /* Every queued task holds a reference, so the queue is empty; this may run in the
   * pool's own thread (the last task's unref), so do not wait for it. */
  g_thread_pool_free (self->pool, TRUE, FALSE);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_pointer (&self->current, gst_sample_unref);
  g_clear_object (&self->appsink);
  g_clear_pointer (&self->pipeline, gst_object_unref);
  g_clear_error (&self->open_error);
  g_clear_object (&self->file);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (wbps_frame_grabber_parent_class)->finalize (object);
}

static void
wbps_frame_grabber_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  WbpsFrameGrabber *self = WBPS_FRAME_GRABBER (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_frame_grabber_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  WbpsFrameGrabber *self = WBPS_FRAME_GRABBER (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wbps_frame_grabber_class_init (WbpsFrameGrabberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wbps_frame_grabber_finalize;
  object_class->get_property = wbps_frame_grabber_get_property;
  object_class->set_property = wbps_frame_grabber_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL, 0, 16384, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wbps_frame_grabber_init (WbpsFrameGrabber *self)
{
  g_mutex_init (&self->lock);
  self->duration_ms = -1;
  self->pool = g_thread_pool_new (run_request, NULL, 1, FALSE, NULL);
}
