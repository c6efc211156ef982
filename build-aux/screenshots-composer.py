#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Screenshots of the Post, Uploads and History pages for the metainfo and the
Direct Post guidelines table in README, light and dark, into data/screenshots/:
the real wbps-gtk against a wbps-emulator, driven through AT-SPI with the GUI
tests' fixtures (tests/gui/composer_world.py), captured with ImageMagick.

Usage: build-aux/screenshots-composer.py [BUILDDIR]    (default: _build)
       build-aux/screenshots-composer.py --language de [BUILDDIR]
(build-aux/screenshots runs it too.) With --language, the same pages in that language
and its locale's number format (light style) as NAME-LANG.png; the program must find its
translations (an installed build, or the build's .mo files copied under its LOCALEDIR). Each style runs in its own X server, D-Bus
session and keyring (tests/with-keyring). Before each picture the controls it is
meant to show are looked up by their accessible names; when one is missing the
script prints what is on screen and exits non-zero: it takes no picture of a
page in the wrong state.
"""
import filecmp
import gettext
import os
import re
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
[user:lea]
display-name=Lea Novak
username=leanovak
max-video-post-duration-sec=10
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


def locale_env(lang, tmp):
    """LANGUAGE for the messages and LANG for numbers and dates, compiled into TMP when the
    system has not generated that locale (localedef, from Debian's locales package)."""
    if not lang:
        return {"LANGUAGE": "C"}
    name = {"de": "de_DE", "es": "es_ES"}.get(lang, lang) + ".UTF-8"
    env = {"LANGUAGE": lang, "LANG": name, "LC_ALL": ""}
    if name.lower().replace("-", "") not in subprocess.run(["locale", "-a"], capture_output=True,
                                                           text=True).stdout.lower().replace("-", ""):
        subprocess.run(["localedef", "-i", name.split(".")[0], "-f", "UTF-8", os.path.join(tmp, name)], check=True)
        env["LOCPATH"] = tmp
    return env


def shoot(builddir, scheme, outdir, videos, lang=None):
    use_build(builddir)
    import pyatspi
    from composer_world import App, Emulator, tick
    from gui_world import screenshot_desktop
    from wbps_atspi import start_accessibility_bus, wait_for

    # Controls are found by their accessible names, which are translated too.
    T = gettext.translation("wbps", os.path.join(builddir, "po"), [lang]).gettext if lang else (lambda s: s)

    def plain(markup):
        """A label's accessible name: its markup's text."""
        return re.sub(r"<[^>]+>", "", markup)

    tmp = tempfile.mkdtemp(prefix="wbps-shots-")
    env = dict(locale_env(lang, tmp), ADW_DEBUG_COLOR_SCHEME="prefer-%s" % scheme)

    def start(*files):
        app = App(emulator, *files, extra_env=env)
        window = wait_for("the window", lambda: subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "^wbps$"],
            capture_output=True, text=True).stdout.split())[0]
        subprocess.run(["xdotool", "windowsize", "--sync", window, str(SIZE[0]), str(SIZE[1])], check=True)
        return app, Shooter(app, window, outdir, lang or scheme)

    def sensitive(node):
        return node.getState().contains(pyatspi.STATE_SENSITIVE)

    def choose_privacy(label):
        button = app.find("push button", label)
        app.act("push button", label)
        wait_for("%r chosen" % label, lambda: button.getState().contains(pyatspi.STATE_CHECKED)
                 or button.getState().contains(pyatspi.STATE_PRESSED))

    compositor = screenshot_desktop(scheme)
    bus = start_accessibility_bus()
    emulator = app = None
    try:
        video = os.path.join(videos, "golden-hour.mp4")
        small = os.path.join(videos, "harbour.mp4")
        emulator = Emulator(os.path.join(tmp, "world"), WORLD)
        emulator.sign_in_cli("lea")
        emulator.sign_in_cli("kai")
        emulator.sign_in_cli("maya")
        cli_post(emulator, small, "--privacy", "PUBLIC_TO_EVERYONE", "--title", "Morning ferry across the harbour ⛴️")
        cli_post(emulator, small, "--draft", "--title", "Behind the scenes: tripod test")
        app, shot = start()
        shot.park_pointer()

        # Guidelines 8 and 11: nothing leaves the computer before Post; the video is a local file.
        shot.snap("composer-empty", ("push button", T("Choose Video…")), ("label", T("Post a Video")))

        app.open(video)
        app.find("label", T("Posting as %s") % "Maya Rivera", 60)
        slider = app.find("slider", T("Cover frame"))
        slider.queryValue().currentValue = 6400
        wait_for("the cover at 6.4 s", lambda: abs(slider.queryValue().currentValue - 6400) < 40)
        # Guideline 8: the preview, and the cover chosen from the video itself.
        shot.snap("composer-video", ("label", "golden-hour.mp4"), ("label", T("This video meets TikTok’s requirements.")),
                  ("slider", T("Cover frame")))

        app.find("text", T("Title")).queryEditableText().setTextContents(TITLE)
        choose_privacy(T("Everyone"))
        app.act("check box", T("Allow Comment"))
        app.act("check box", T("Allow Duet"))
        shot.scroll(5, 6)
        # Guidelines 1–4: who posts, the title, the privacy the creator chose, interactions.
        shot.snap("composer-form", ("label", T("Posting as %s") % "Maya Rivera"), ("text", T("Title")),
                  ("push button", T("Everyone")), ("check box", T("Allow Stitch")))

        app.act("check box", T("Disclose commercial content"))
        post = app.find("push button", T("Post"))
        wait_for("Post disabled", lambda: not sensitive(post))
        shot.scroll(5, 40)
        # Guidelines 5 and 7: disclosure on, nothing ticked yet, Post disabled, the consent line.
        shot.snap("composer-disclosure",
                  ("label", T("You need to indicate if your content promotes yourself, a third party, or both.")),
                  ("check box", T("Your brand")), ("check box", T("Branded content")),
                  ("label", plain(T("By posting, you agree to TikTok’s <a href=\"%s\">Music Usage Confirmation</a>."))),
                  ("push button", T("Post")))

        tick(app, T("Branded content"))
        only_me = app.find("push button", T("Only me"))
        wait_for("“Only me” greyed out", lambda: not sensitive(only_me))
        shot.scroll(5, 40)
        shot.hover(only_me)
        # Guidelines 5–7: Paid partnership, "Only me" greyed out with TikTok's hover text, the consent line.
        shot.snap("composer-branded", ("push button", T("Only me")),
                  ("label", T("Your photo/video will be labeled as ‘Paid partnership’")),
                  ("label", T("Branded content visibility cannot be set to private.")),
                  ("label", plain(T("By posting, you agree to TikTok’s <a href=\"%s\">Branded Content Policy</a> "
                                    "and <a href=\"%s\">Music Usage Confirmation</a>."))),
                  ("push button", T("Post")))
        shot.park_pointer()

        tick(app, T("Branded content"))
        tick(app, T("Your brand"))
        app.act("push button", T("Post"))
        uploads = app.find("list", T("Uploads"))
        bar = app.find("progress bar", T("Upload progress"), within=uploads)
        wait_for("a tenth sent", lambda: bar.queryValue().currentValue >= bar.queryValue().maximumValue / 10, 120)
        shot.snap("upload-progress", ("label", lambda n: "/s · " in (n or "")),
                  ("label", lambda n: (n or "").startswith(T("Uploading"))),
                  ("progress bar", T("Upload progress")), ("push button", T("Cancel")), within=uploads)
        assert bar.queryValue().currentValue < bar.queryValue().maximumValue, "the upload ended during the picture"

        app.find("label", lambda n: (n or "").startswith(T("Published")), 180, within=uploads)
        # Guideline 10.
        shot.snap("upload-published", ("label", T("It may take a few minutes to appear on your profile.")),
                  within=uploads)

        app.act("page tab", T("History"))
        shot.snap("history", ("label", TITLE), ("label", "Morning ferry across the harbour ⛴️"),
                  ("label", "Behind the scenes: tripod test"), ("push button", T("Open on TikTok")))
        app.stop()

        # Guideline 1: TikTok says this creator cannot post now; the form says why and stays closed.
        emulator.use("kai")
        app, shot = start(video)
        app.find("push button", T("Try Again"), 60)
        shot.scroll(5, 6)
        limit = T("The account has reached TikTok's daily limit of posts from apps. Try again tomorrow.")
        shot.snap("composer-cannot-post", ("label", lambda n: (n or "").startswith(limit)),
                  ("push button", T("Try Again")))
        app.stop()

        # Guideline 1: this creator may post 10 s at most; the 15 s video is refused before anything is sent.
        emulator.use("lea")
        app, shot = start(video)
        app.find("label", T("Posting as %s") % "Lea Novak", 60)
        too_long = [part for part in T("The video is %s long; this TikTok account may post videos of at most %s.")
                    .split("%s") if part.strip()]
        shot.snap("composer-too-long", ("label", lambda n: all(part in (n or "") for part in too_long)),
                  ("label", T("Posting as %s") % "Lea Novak"))
        app.stop()

        # Guideline 12: an app TikTok has not audited yet posts privately.
        emulator.use("maya")
        subprocess.run(["gsettings", "set", "ai.fvz.Wbps", "sandbox", "true"], check=True)
        app, shot = start(video)
        app.find("label", T("Posting as %s") % "Maya Rivera", 60)
        shot.scroll(5, 6)
        shot.snap("composer-sandbox", ("label", T("Sandbox mode: TikTok keeps every post from this app private, "
                                                  "so “Only me” is the only choice.")),
                  ("push button", T("Only me")))
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


def check_translations(builddir, lang):
    """wbps-gtk reads its messages from the LOCALEDIR it was built with, not from the build."""
    with open(os.path.join(builddir, "config.h"), encoding="utf-8") as f:
        localedir = re.search(r'#define LOCALEDIR "([^"]+)"', f.read()).group(1)
    built = os.path.join(builddir, "po", lang, "LC_MESSAGES", "wbps.mo")
    used = os.path.join(localedir, lang, "LC_MESSAGES", "wbps.mo")
    if not os.path.exists(used) or not filecmp.cmp(built, used, shallow=False):
        sys.exit("wbps-gtk would not read this build's %s translation; first: cp %s %s" % (lang, built, used))


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "--inside":
        shoot(os.path.abspath(sys.argv[2]), sys.argv[3], os.path.join(TOP, "data", "screenshots"), sys.argv[4],
              sys.argv[5] if len(sys.argv) > 5 else None)
        return 0
    lang = None
    if len(sys.argv) >= 3 and sys.argv[1] == "--language":
        lang = sys.argv[2]
        del sys.argv[1:3]
    builddir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "_build"))
    if lang:
        check_translations(builddir, lang)
    os.makedirs(os.path.join(TOP, "data", "screenshots"), exist_ok=True)
    use_build(builddir)
    from composer_world import make_video as make_small_video
    videos = tempfile.mkdtemp(prefix="wbps-shots-videos-")
    try:
        make_video(os.path.join(videos, "golden-hour.mp4"), 400)
        make_small_video(os.path.join(videos, "harbour.mp4"), 30)
        for scheme in ("light",) if lang else ("light", "dark"):
            subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x1200x24 -noreset",
                            os.path.join(TOP, "tests", "with-keyring"),
                            "/usr/bin/python3", os.path.abspath(__file__), "--inside", builddir, scheme, videos]
                           + ([lang] if lang else []), check=True)
    finally:
        shutil.rmtree(videos, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
