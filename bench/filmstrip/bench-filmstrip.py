#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filmstrip benchmark: wbps's WbpsFilmstrip against ffmpeg, side by side.

Not a test. It makes (once, cached) a 60 s 1080p30 H.264 video with AAC sound
(x264 veryfast with B-frames, a keyframe every 2 s, a scrolling picture with a
running clock so every frame differs), then gets 10 exact frames at
i × duration / 10 scaled to HEIGHT pixels high, in rounds, alternating:

  wbps    bench/filmstrip/wbps-bench-filmstrip (WbpsFilmstrip, what the cover
          picker runs: two pipelines of its own, accurate seeks)
  ffmpeg  one `ffmpeg -ss T -i FILE -frames:v 1 -vf scale=-2:HEIGHT -f rawvideo
          -pix_fmt rgba -` per frame, two processes at a time

Printed per round: wall time of each (whole processes, start-up included) and
wbps's time from the request to its first thumbnail, with the CPU time the
process had used by then (start-up included; unlike wall time, not inflated
when other programs load the machine). Targets (issue 10):
median wbps/ffmpeg wall-time ratio <= 1.0, first thumbnail < 300 ms.

By hand, from a build directory:
  python3 ../bench/filmstrip/bench-filmstrip.py --bench bench/wbps-bench-filmstrip \\
      [--video FILE] [--rounds N] [--height PX]
Or: meson test -C BUILD --benchmark --suite filmstrip-bench -v
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def make_video(path):
    if os.path.exists(path):
        return
    print(f"making {path} (60 s, 1920x1080, 30 fps; takes a few minutes)", flush=True)
    tmp = path + ".part"
    subprocess.run([
        "gst-launch-1.0", "-q", "-e",
        "videotestsrc", "num-buffers=1800", "pattern=smpte", "horizontal-speed=7", "!",
        "video/x-raw,format=I420,width=1920,height=1080,framerate=30/1", "!",
        "timeoverlay", "font-desc=Sans 48", "!", "videoconvert", "!", "video/x-raw,format=I420", "!",
        "x264enc", "speed-preset=veryfast", "key-int-max=60", "bitrate=8000", "!",
        "video/x-h264,profile=high", "!", "h264parse", "!", "queue", "!", "mux.",
        "audiotestsrc", "num-buffers=2813", "samplesperbuffer=1024", "!",
        "audio/x-raw,rate=48000,channels=2", "!", "audioconvert", "!", "avenc_aac", "!",
        "aacparse", "!", "queue", "!", "mux.",
        "mp4mux", "name=mux", "faststart=true", "!", "filesink", f"location={tmp}",
    ], check=True)
    os.rename(tmp, path)


def run_wbps(bench, video, n, height):
    started = time.monotonic()
    out = subprocess.run([bench, video, str(n), str(height)], check=True,
                         capture_output=True, text=True).stdout
    wall = time.monotonic() - started
    result = json.loads(out)
    assert len(result["thumbnails"]) == n, result
    assert all(t["height"] == height for t in result["thumbnails"]), result
    return wall, result


def ffmpeg_one(video, seconds, height):
    out = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-ss", f"{seconds:.3f}", "-i", video,
                          "-frames:v", "1", "-vf", f"scale=-2:{height}", "-f", "rawvideo",
                          "-pix_fmt", "rgba", "-"], check=True, capture_output=True).stdout
    return len(out), time.monotonic()


def run_ffmpeg(video, times_ms, height):
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda ms: ffmpeg_one(video, ms / 1000, height), times_ms))
    wall = time.monotonic() - started
    sizes = {size for size, _ in results}
    assert len(sizes) == 1 and sizes.pop() > 0, "ffmpeg gave no frame"
    first = min(done for _, done in results) - started
    return wall, first


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--video", default=os.path.join(os.getcwd(), "bench-filmstrip-60s-1080p30.mp4"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--height", type=int, default=180)
    args = parser.parse_args()

    make_video(args.video)
    # warm-up: the page cache and GStreamer's registry, for both sides
    _, warm = run_wbps(args.bench, args.video, args.n, args.height)
    times_ms = [t["ms"] for t in sorted(warm["thumbnails"], key=lambda t: t["index"])]
    run_ffmpeg(args.video, times_ms, args.height)
    print(f"video {args.video}: {warm['duration_ms']} ms; frames at {times_ms} ms, {args.height} px high")

    wbps_walls, ffmpeg_walls, firsts, first_cpus, ratios = [], [], [], [], []
    for i in range(args.rounds):
        order = ("wbps", "ffmpeg") if i % 2 == 0 else ("ffmpeg", "wbps")
        for tool in order:
            if tool == "wbps":
                wall, result = run_wbps(args.bench, args.video, args.n, args.height)
                wbps_walls.append(wall)
                firsts.append(result["first_ms"])
                first_cpus.append(result["first_cpu_ms"])
            else:
                wall, ffirst = run_ffmpeg(args.video, times_ms, args.height)
                ffmpeg_walls.append(wall)
        ratios.append(wbps_walls[-1] / ffmpeg_walls[-1])
        print(f"round {i + 1}: wbps {wbps_walls[-1] * 1000:.0f} ms (first thumbnail "
              f"{firsts[-1]:.0f} ms after {first_cpus[-1]:.0f} ms CPU, in-process total {result['total_ms']:.0f} ms), "
              f"ffmpeg {ffmpeg_walls[-1] * 1000:.0f} ms (first frame {ffirst * 1000:.0f} ms), "
              f"ratio {ratios[-1]:.2f}", flush=True)

    ratio = statistics.median(wbps_walls) / statistics.median(ffmpeg_walls)
    first = statistics.median(firsts)
    print(f"median: wbps {statistics.median(wbps_walls) * 1000:.0f} ms, "
          f"ffmpeg {statistics.median(ffmpeg_walls) * 1000:.0f} ms, ratio {ratio:.2f} "
          f"(target <= 1.0); first thumbnail median {first:.0f} ms, worst {max(firsts):.0f} ms "
          f"(target < 300), CPU time to it median {statistics.median(first_cpus):.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ok = ratio <= 1.0 and first < 300
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
