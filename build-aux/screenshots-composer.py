#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Screenshots of the Post, Uploads and History pages for the metainfo, light
and dark, into data/screenshots/: the real wbps-gtk against a wbps-emulator,
driven through AT-SPI (tests/gui/wbps_atspi.py), captured with ImageMagick.

Run inside Xvfb, a D-Bus session and a keyring, from a build, e.g.
  WBPS_GTK=_build/src/gui/wbps-gtk WBPS_CLI=_build/src/cli/wbps \\
  WBPS_EMULATOR=_build/src/emulator/wbps-emulator GSETTINGS_SCHEMA_DIR=_build/data \\
  xvfb-run -a -s "-screen 0 1280x1400x24" dbus-run-session -- \\
    tests/with-keyring /usr/bin/python3 build-aux/screenshots-composer.py
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "gui"))
from wbps_atspi import App, Emulator, wait_for  # noqa: E402

OUT = os.path.join(TOP, "data", "screenshots")
SIZE = (900, 1240)

WORLD = """\
[emulator]
auto-approve=true
signed-in-user=maya
processing-delay-ms=2500
[client:gui-test]
secret=gui-test-secret
redirect-uris=http://127.0.0.1:*/callback/
scopes=user.info.basic,user.info.profile,video.publish,video.upload
[user:maya]
display-name=Maya Rivera
username=mayamakes
stitch-disabled=true
[faults]
slow-ms=700
"""


def make_video(path, size_mb):
    clip = path + ".clip.mp4"
    subprocess.run(["gst-launch-1.0", "-q", "-e", "videotestsrc", "num-buffers=450", "pattern=ball",
                    "background-color=0xff1e1e2e", "foreground-color=0xfff5c2e7", "!",
                    "video/x-raw,width=1080,height=1920,framerate=30/1", "!",
                    "timeoverlay", "font-desc=Sans 64", "valignment=bottom", "!", "videoconvert", "!",
                    "video/x-raw,format=I420", "!", "x264enc", "speed-preset=ultrafast", "bitrate=2500", "!",
                    "video/x-h264,profile=main", "!", "h264parse", "!", "mp4mux", "faststart=true", "!",
                    "filesink", "location=" + clip], check=True, timeout=300)
    shutil.copyfile(clip, path)
    pad = size_mb * 1000000 - os.path.getsize(path)
    if pad > 8:  # an MP4 `free` box: a bigger upload to watch, the same video
        with open(path, "ab") as f:
            f.write(struct.pack(">I4s", pad, b"free"))
            f.write(b"\0" * (pad - 8))


def window_id():
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^wbps$"],
                         capture_output=True, text=True).stdout.split()
    return out[0] if out else None


def shoot(name, dark):
    time.sleep(1.5)
    wid = wait_for("the window", window_id)
    path = os.path.join(OUT, "%s%s.png" % (name, "-dark" if dark else ""))
    subprocess.run(["import", "-window", wid, path], check=True)
    print("wrote", path, flush=True)


def run(dark, tmp, video):
    emulator = Emulator(os.path.join(tmp, "dark" if dark else "light"), WORLD)
    emulator.sign_in_cli("maya")
    env = {"ADW_DEBUG_COLOR_SCHEME": "prefer-dark" if dark else "prefer-light"}
    app = App(emulator, extra_env=env)
    try:
        wid = wait_for("the window", window_id)
        subprocess.run(["xdotool", "windowsize", wid, str(SIZE[0]), str(SIZE[1])], check=True)
        app.find("push button", "Choose Video…")
        shoot("composer-empty", dark)
        app.open(video)
        app.find("label", "Posting as Maya Rivera")
        app.find("push button", "Everyone")
        shoot("composer-video", dark)
        title = app.find("text", "Title")
        title.queryEditableText().setTextContents("Golden hour on the pier 🌅 #sunset #travel")
        app.act("push button", "Everyone")
        app.act("check box", "Allow Comment")
        app.act("check box", "Allow Duet")
        shoot("composer-form", dark)
        app.act("check box", "Disclose commercial content")
        app.act("check box", "Branded content")
        app.find("label", "Your photo/video will be labeled as ‘Paid partnership’")
        shoot("composer-branded", dark)
        app.act("check box", "Branded content")
        app.act("check box", "Your brand")
        app.act("push button", "Post")
        bar = app.find("progress bar", "Upload progress")
        wait_for("a third sent", lambda: bar.queryValue().currentValue >= 0.3 * bar.queryValue().maximumValue, 120)
        app.label_containing("left", 60)
        shoot("uploads", dark)
        app.label_starting("Published", 120)
        app.act("page tab", "History")
        app.find("label", "Golden hour on the pier 🌅 #sunset #travel")
        shoot("history", dark)
    finally:
        app.stop()
        emulator.stop()


def main():
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="wbps-shots-")
    bus = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        video = os.path.join(tmp, "golden-hour.mp4")
        make_video(video, 120)
        for dark in (False, True):
            run(dark, tmp, video)
    finally:
        bus.terminate()
        bus.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
