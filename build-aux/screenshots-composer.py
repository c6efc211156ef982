#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Screenshots of the Post, Uploads and History pages for the metainfo and the
Direct Post guidelines table in README, light and dark, into data/screenshots/:
the real wbps-gtk against a wbps-emulator, driven through AT-SPI with the GUI
tests' fixtures (tests/gui/composer_world.py), captured with ImageMagick.

Usage: build-aux/screenshots-composer.py [BUILDDIR]    (default: _build)
(build-aux/screenshots runs it too.) Each style runs in its own X server, D-Bus
session and keyring (tests/with-keyring). Before each picture the controls it is
meant to show are looked up by their accessible names; when one is missing the
script prints what is on screen and exits non-zero: it takes no picture of a
page in the wrong state.
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

SIZE = (960, 1080)
TITLE = "Golden hour on the pier 🌅 #sunset #travel"

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
[user:kai]
display-name=Kai Tanaka
username=kaitanaka
cap-state=spam_risk_too_many_posts
[faults]
slow-ms=2500
"""


def make_video(path, size_mb):
    """A 15 s portrait clip of a moving sunset gradient with its time, padded with an MP4 `free`
    box: a bigger upload to watch, the same video."""
    clip = path + ".clip.mp4"
    font = "/usr/share/fonts/opentype/cantarell/Cantarell-Regular.otf"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "gradients=s=1080x1920:r=30:d=15:speed=0.008:type=linear:nb_colors=3:seed=7:"
                    "c0=0xff8c42:c1=0xff3c78:c2=0x6a3cff",
                    "-vf", "drawtext=fontfile=%s:text='%%{pts\\:hms}':fontsize=56:fontcolor=white:"
                    "box=1:boxcolor=black@0.35:boxborderw=16:x=(w-tw)/2:y=h-180" % font,
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-profile:v", "main",
                    "-movflags", "+faststart", clip], check=True, timeout=600)
    shutil.copyfile(clip, path)
    pad = size_mb * 1000000 - os.path.getsize(path)
    if pad > 8:
        with open(path, "ab") as f:
            f.write(struct.pack(">I4s", pad, b"free"))
            f.write(b"\0" * (pad - 8))


def cli_post(emulator, video, *args):
    """A post made earlier from the command line, so that History has rows."""
    subprocess.run([os.environ["WBPS_CLI"], "post", video, *args], env=emulator.env(), check=True,
                   stdout=subprocess.DEVNULL, timeout=120)


class Shooter:
    def __init__(self, app, window, outdir, scheme):
        self.app, self.window, self.outdir, self.scheme = app, window, outdir, scheme

    def scroll(self, button, clicks):
        """Mouse wheel (4 up, 5 down) in the page's right margin, away from the title's own scrolling."""
        from gui_world import window_geometry
        x, y, width, height = window_geometry(self.window)
        subprocess.run(["xdotool", "mousemove", str(x + width - 24), str(y + height // 2),
                        "click", "--repeat", str(clicks), "--delay", "40", str(button)], check=True)
        time.sleep(0.8)
        self.park_pointer()

    def box(self, node):
        """The node's rectangle in the window (GTK 4.8 gives extents relative to the window)."""
        import pyatspi
        return node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)

    def hover(self, node):
        from gui_world import window_geometry
        x, y, _, _ = window_geometry(self.window)
        box = self.box(node)
        subprocess.run(["xdotool", "mousemove", str(x + box.x + box.width // 2), str(y + box.y + box.height // 2)],
                       check=True)

    def park_pointer(self):
        subprocess.run(["xdotool", "mousemove", "0", "0"], check=True)

    def snap(self, name, *expected, within=None):
        """Writes NAME-SCHEME.png once every expected (role, name) is in the window's visible
        area, below the header bar; fails with what is on screen otherwise. Looking within
        a part of the window is quicker (the page changes while an upload runs)."""
        from gui_world import capture, window_geometry
        _, _, width, height = window_geometry(self.window)
        time.sleep(1.0)  # let transitions, the revealer, the tooltip and the filmstrip settle
        for role, label in expected:
            node = self.app.find(role, label, within=within)
            box = self.box(node)
            if not (box.y >= 46 and box.y + box.height <= height and 0 <= box.x and box.x + box.width <= width):
                print("# on screen:\n" + self.app.dump(), flush=True)
                raise AssertionError("%s %r is outside the window (%d,%d %dx%d) for %s" % (
                    role, label, box.x, box.y, box.width, box.height, name))
        path = os.path.join(self.outdir, "%s-%s.png" % (name, self.scheme))
        capture(self.window, path)
        print("wrote", os.path.relpath(path, TOP), flush=True)


def use_build(builddir):
    """The programs tests/gui/composer_world.py runs."""
    os.environ.update(WBPS_GTK=os.path.join(builddir, "src", "gui", "wbps-gtk"),
                      WBPS_CLI=os.path.join(builddir, "src", "cli", "wbps"),
                      WBPS_EMULATOR=os.path.join(builddir, "src", "emulator", "wbps-emulator"),
                      GSETTINGS_SCHEMA_DIR=os.path.join(builddir, "data"))


def shoot(builddir, scheme, outdir, videos):
    use_build(builddir)
    import pyatspi
    from composer_world import App, Emulator, choose_privacy
    from gui_world import screenshot_desktop
    from wbps_atspi import start_accessibility_bus, wait_for

    def start(*files):
        app = App(emulator, *files, extra_env={"ADW_DEBUG_COLOR_SCHEME": "prefer-%s" % scheme})
        window = wait_for("the window", lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "^wbps$"],
            capture_output=True, text=True).stdout.split())[0]
        subprocess.run(["xdotool", "windowsize", "--sync", window, str(SIZE[0]), str(SIZE[1])], check=True)
        return app, Shooter(app, window, outdir, scheme)

    def sensitive(node):
        return node.getState().contains(pyatspi.STATE_SENSITIVE)

    tmp = tempfile.mkdtemp(prefix="wbps-shots-")
    compositor = screenshot_desktop(scheme)
    bus = start_accessibility_bus()
    emulator = app = None
    try:
        video = os.path.join(videos, "golden-hour.mp4")
        small = os.path.join(videos, "harbour.mp4")
        emulator = Emulator(os.path.join(tmp, "world"), WORLD)
        emulator.sign_in_cli("kai")
        emulator.sign_in_cli("maya")
        cli_post(emulator, small, "--privacy", "PUBLIC_TO_EVERYONE", "--title", "Morning ferry across the harbour ⛴️")
        cli_post(emulator, small, "--draft", "--title", "Behind the scenes: tripod test")
        app, shot = start()
        shot.park_pointer()

        # Guidelines 8 and 11: nothing leaves the computer before Post; the video is a local file.
        shot.snap("composer-empty", ("push button", "Choose Video…"), ("label", "Post a Video"))

        app.open(video)
        app.find("label", "Posting as Maya Rivera", 60)
        slider = app.find("slider", "Cover frame")
        slider.queryValue().currentValue = 6400
        wait_for("the cover at 6.4 s", lambda: abs(slider.queryValue().currentValue - 6400) < 40)
        # Guideline 8: the preview, and the cover chosen from the video itself.
        shot.snap("composer-video", ("label", "golden-hour.mp4"), ("label", "This video meets TikTok’s requirements."),
                  ("slider", "Cover frame"))

        app.find("text", "Title").queryEditableText().setTextContents(TITLE)
        choose_privacy(app, "Everyone")
        app.act("check box", "Allow Comment")
        app.act("check box", "Allow Duet")
        shot.scroll(5, 6)
        # Guidelines 1–4: who posts, the title, the privacy the creator chose, interactions.
        shot.snap("composer-form", ("label", "Posting as Maya Rivera"), ("text", "Title"),
                  ("push button", "Everyone"), ("check box", "Allow Stitch"))

        app.act("check box", "Disclose commercial content")
        post = app.find("push button", "Post")
        wait_for("Post disabled", lambda: not sensitive(post))
        shot.scroll(5, 40)
        # Guidelines 5 and 7: disclosure on, nothing ticked yet, Post disabled, the consent line.
        shot.snap("composer-disclosure",
                  ("label", "You need to indicate if your content promotes yourself, a third party, or both."),
                  ("check box", "Your brand"), ("check box", "Branded content"),
                  ("label", "By posting, you agree to TikTok’s Music Usage Confirmation."), ("push button", "Post"))

        app.act("check box", "Branded content")
        only_me = app.find("push button", "Only me")
        wait_for("“Only me” greyed out", lambda: not sensitive(only_me))
        shot.scroll(5, 40)
        shot.hover(only_me)
        # Guidelines 5–7: Paid partnership, "Only me" greyed out with TikTok's hover text, the consent line.
        shot.snap("composer-branded", ("push button", "Only me"),
                  ("label", "Your photo/video will be labeled as ‘Paid partnership’"),
                  ("label", "Branded content visibility cannot be set to private."),
                  ("label", lambda n: "Branded Content Policy" in (n or "") and "Music Usage Confirmation" in (n or "")),
                  ("push button", "Post"))
        shot.park_pointer()

        app.act("check box", "Branded content")
        app.act("check box", "Your brand")
        app.act("push button", "Post")
        uploads = app.find("list", "Uploads")
        bar = app.find("progress bar", "Upload progress", within=uploads)
        wait_for("a tenth sent", lambda: bar.queryValue().currentValue >= bar.queryValue().maximumValue / 10, 120)
        shot.snap("upload-progress", ("label", lambda n: " of " in (n or "") and "/s · " in n and n.endswith(" left")),
                  ("label", lambda n: (n or "").startswith("Uploading")),
                  ("progress bar", "Upload progress"), ("push button", "Cancel"), within=uploads)
        assert bar.queryValue().currentValue < bar.queryValue().maximumValue, "the upload ended during the picture"

        app.find("label", lambda n: (n or "").startswith("Published"), 180, within=uploads)
        # Guideline 10.
        shot.snap("upload-published", ("label", "It may take a few minutes to appear on your profile."),
                  within=uploads)

        app.act("page tab", "History")
        shot.snap("history", ("label", TITLE), ("label", "Morning ferry across the harbour ⛴️"),
                  ("label", "Behind the scenes: tripod test"), ("push button", "Open on TikTok"))
        app.stop()

        # Guideline 1: TikTok says this creator cannot post now; the form says why and stays closed.
        emulator.use("kai")
        app, shot = start(video)
        app.find("push button", "Try Again", 60)
        shot.scroll(5, 6)
        shot.snap("composer-cannot-post", ("label", lambda n: "TikTok says: “" in (n or "") and "daily limit" in n),
                  ("push button", "Try Again"))
        app.stop()

        # Guideline 12: an app TikTok has not audited yet posts privately.
        emulator.use("maya")
        subprocess.run(["gsettings", "set", "ai.fvz.Wbps", "sandbox", "true"], check=True)
        app, shot = start(video)
        app.find("label", "Posting as Maya Rivera", 60)
        shot.scroll(5, 6)
        shot.snap("composer-sandbox", ("label", lambda n: (n or "").startswith("Sandbox mode:")),
                  ("push button", "Only me"))
    finally:
        if app is not None and app.proc.poll() is None:
            app.stop()
        if emulator is not None:
            emulator.stop()
        bus.terminate()
        bus.wait(10)
        compositor.terminate()
        compositor.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "--inside":
        shoot(os.path.abspath(sys.argv[2]), sys.argv[3], os.path.join(TOP, "data", "screenshots"), sys.argv[4])
        return 0
    builddir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "_build"))
    os.makedirs(os.path.join(TOP, "data", "screenshots"), exist_ok=True)
    use_build(builddir)
    from composer_world import make_video as make_small_video
    videos = tempfile.mkdtemp(prefix="wbps-shots-videos-")
    try:
        make_video(os.path.join(videos, "golden-hour.mp4"), 400)
        make_small_video(os.path.join(videos, "harbour.mp4"), 30)
        for scheme in ("light", "dark"):
            subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x1200x24 -noreset",
                            os.path.join(TOP, "tests", "with-keyring"),
                            "/usr/bin/python3", os.path.abspath(__file__), "--inside", builddir, scheme, videos],
                           check=True)
    finally:
        shutil.rmtree(videos, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
