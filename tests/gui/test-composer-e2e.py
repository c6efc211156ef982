#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, the Post, Uploads and History pages: the real wbps-gtk window
driven through AT-SPI, a real wbps-emulator, a real gnome-keyring (run under
tests/with-keyring), real GStreamer and generated test videos.

Covers: a video opened through the file chooser's keyboard path; a 15 fps
file's pre-flight problem keeps Post disabled; a corrupt file keeps the
previous video; the privacy dropdown starts with no selection and offers
exactly the creator's options; interactions the creator disabled stay
insensitive; disclosure with nothing ticked keeps Post disabled; branded
content greys out "Only me"; the Cover frame slider's time is the
video_cover_timestamp_ms the emulator received; the upload's progress bar
reaches 100 % and the row reaches Published; the history lists the post; a
post TikTok fails shows TikTok's reason; an app killed mid-upload offers
Resume at the next start and the emulator ends with one post whose bytes
match the file. Prints TAP. Reuses the harness of test-gui-e2e.py.
"""
import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

import pyatspi

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("gui_e2e", os.path.join(HERE, "test-gui-e2e.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

WBPS_GTK = os.environ["WBPS_GTK"]
WBPS_CLI = os.environ["WBPS_CLI"]
APP_NAME = os.environ.get("WBPS_GTK_APP_NAME", "wbps-gtk")
CLIENT_KEY = "gui-test"
TIMEOUT = 40
# The "Who can view this video" choices (radio buttons read as check boxes in GTK 4.8).
PRIVACY_LABELS = ("Everyone", "Followers", "Friends", "Only me")
N_TESTS = 11

WORLD = """\
[emulator]
auto-approve=true
signed-in-user=gui-carol
processing-delay-ms=1500
[client:gui-test]
secret=gui-test-secret
redirect-uris=http://127.0.0.1:*/callback/
scopes=user.info.basic,user.info.profile,video.publish,video.upload
[user:gui-carol]
display-name=Carol Creator
username=carol
private=true
[user:gui-dave]
display-name=Dave Example
username=dave
fail-reason=picture_size_check_failed
[user:gui-erin]
display-name=Erin Example
username=erin
"""

# Every reply waits: long enough to stop the app while its upload is under way.
SLOW_WORLD = WORLD.replace("signed-in-user=gui-carol", "signed-in-user=gui-erin") + "[faults]\nslow-ms=2500\n"

tap = base.tap
wait_for = base.wait_for
step = base.step


def make_video(path, fps, seconds=3):
    frames = fps * seconds
    subprocess.run(["gst-launch-1.0", "-q", "-e",
                    "videotestsrc", "num-buffers=%d" % frames, "pattern=smpte", "!",
                    "video/x-raw,width=720,height=1280,framerate=%d/1" % fps, "!",
                    "timeoverlay", "!", "videoconvert", "!", "video/x-raw,format=I420", "!",
                    "x264enc", "speed-preset=ultrafast", "bitrate=800", "key-int-max=30", "!",
                    "video/x-h264,profile=main", "!", "h264parse", "!",
                    "mp4mux", "faststart=true", "!", "filesink", "location=" + path],
                   check=True, timeout=120)


class Emulator(base.Emulator):
    def __init__(self, tmp, world):
        base.WORLD = world
        super().__init__(tmp)
        self.data_dir = os.path.join(tmp, "emulator")

    def posts(self):
        with self.opener.open(self.base + "/emulator/posts", timeout=10) as reply:
            return json.loads(reply.read())["posts"]

    def env(self):
        return dict(os.environ, WBPS_AUTH_URL=self.base + "/v2/auth/authorize/", WBPS_API_URL=self.base,
                    WBPS_CLIENT_KEY=CLIENT_KEY, WBPS_CLIENT_SECRET="gui-test-secret")

    def sign_in_cli(self, open_id):
        """Signs @open_id in with the command line (the emulator approves at once)."""
        self.sign_in_as(open_id)
        proc = subprocess.Popen([WBPS_CLI, "login", "--no-browser"], env=self.env(),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        url = proc.stdout.readline().strip()
        try:
            self.opener.open(url, timeout=10).read()
        except Exception:  # the loopback callback page closes the connection as it ends
            pass
        out = proc.communicate(timeout=30)[0]
        assert proc.returncode == 0 and "Signed in as" in out, "login said %r" % out

    def use(self, open_id):
        subprocess.run([WBPS_CLI, "accounts", "--use", open_id], env=self.env(), check=True,
                       stdout=subprocess.DEVNULL, timeout=30)


class App(base.App):
    """wbps-gtk with FILE arguments; further files go to the running instance."""

    def __init__(self, emulator, *files):
        self.emulator = emulator
        self.env = dict(emulator.env(), GTK_A11Y="atspi", GDK_BACKEND="x11", LANGUAGE="C")
        self.env.pop("NO_AT_BRIDGE", None)
        self.proc = subprocess.Popen([WBPS_GTK] + list(files), env=self.env)
        self.root = wait_for("wbps-gtk on the accessibility bus", self._find_app, 60)

    def _find_app(self):
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.name == APP_NAME and app.childCount > 0:
                return app
        return None

    def find_all(self, role, name=None, showing=True):
        """As the base, but by "visible": GTK 4.8 reports "showing" for the window alone."""
        found = []

        def visit(node, depth):
            if node is None or depth > 60:
                return
            try:
                if showing and depth > 0 and not node.getState().contains(pyatspi.STATE_VISIBLE):
                    return
                if node.getRoleName() == role and (name is None or node.name == name or
                                                   (callable(name) and name(node.name))):
                    found.append(node)
                for i in range(node.childCount):
                    visit(node.getChildAtIndex(i), depth + 1)
            except Exception:  # a node going away while we look
                return

        visit(self.root, 0)
        return found

    def open(self, path):
        """`wbps-gtk FILE` while the app runs: GApplication hands the file to the window."""
        subprocess.run([WBPS_GTK, path], env=self.env, timeout=30, check=True)

    def node(self, role, name, timeout=TIMEOUT):
        return self.find(role, name, timeout)

    def sensitive(self, role, name):
        return self.node(role, name).getState().contains(pyatspi.STATE_SENSITIVE)

    def checked(self, role, name):
        return self.node(role, name).getState().contains(pyatspi.STATE_CHECKED)

    def toggle(self, role, name):
        node = self.node(role, name)
        wait_for("%r enabled" % name, lambda: node.getState().contains(pyatspi.STATE_SENSITIVE))
        action = node.queryAction()
        if action.nActions > 0:
            action.doAction(0)
            return
        # GTK 4.8 gives check buttons no action: focus it and press Space, as a keyboard user does.
        assert node.queryComponent().grabFocus(), "cannot focus %r" % name
        time.sleep(0.2)
        self.press(0x20)

    def page(self, name):
        self.click("page tab", name)

    def type_keys(self, text):
        pyatspi.Registry.generateKeyboardEvent(0, text, pyatspi.KEY_STRING)

    def press_return(self):
        pyatspi.Registry.generateKeyboardEvent(0xff0d, None, pyatspi.KEY_SYM)

    def privacy_items(self):
        """The "Who can view this video" choices as (label, sensitive, checked), in order."""
        choice = lambda name: name in PRIVACY_LABELS
        self.node("check box", choice)
        return [(n.name, n.getState().contains(pyatspi.STATE_SENSITIVE), n.getState().contains(pyatspi.STATE_CHECKED))
                for n in self.find_all("check box", choice)]

    def choose_privacy(self, label):
        self.toggle("check box", label)
        wait_for("%r chosen" % label, lambda: self.checked("check box", label))


# ---- the steps ----------------------------------------------------------------

@step("Choose Video… opens the file chooser; a path typed there opens the video")
def choose_video(app, videos):
    app.click("push button", "Choose Video…")
    app.find("push button", "_Open Open")
    time.sleep(0.5)
    app.type_keys(videos["good"])
    time.sleep(0.5)
    app.press_return()
    # GTK 4.8 crashes when AT-SPI walks a dialog while it is being destroyed: let it go first.
    time.sleep(2)
    app.find("label", "good.mp4")
    app.label_containing("720 × 1280 · 30 fps · H.264")
    app.find("label", "This video meets TikTok’s requirements.")


@step("a 15 fps video shows the pre-flight problem and Post stays disabled")
def slow_video(app, videos):
    app.open(videos["slow"])
    app.find("label", "slow.mp4")
    app.label_containing("The frame rate is 15 fps")
    app.find("label", "Posting as Carol Creator")
    assert not app.sensitive("push button", "Post"), "Post is enabled for a 15 fps video"


@step("a corrupt file gets a clear message and the previous video stays")
def corrupt_file(app, videos):
    app.open(videos["corrupt"])
    app.label_containing("“corrupt.mp4” cannot be used")
    app.find("label", "slow.mp4")
    assert not app.find_all("label", "corrupt.mp4"), "the corrupt file replaced the video"


@step("the privacy dropdown has no selection and exactly the creator's options")
def privacy_options(app, videos):
    app.open(videos["good"])
    app.find("label", "good.mp4")
    app.find("label", "Posting as Carol Creator")
    app.find("label", "Choose who can see this video; there is no default.")
    items = app.privacy_items()
    assert [name for name, _, _ in items] == ["Followers", "Friends", "Only me"], items
    assert not any(checked for _, _, checked in items), "a visibility is chosen by default: %r" % items
    assert not app.sensitive("push button", "Post"), "Post enabled without a privacy choice"
    app.find("label", "Choose who can view this video.")


@step("interactions the creator disabled stay insensitive and off")
def interactions(app, videos):
    assert app.sensitive("check box", "Allow Comment")
    assert not app.checked("check box", "Allow Comment"), "Allow Comment on by default"
    for name in ("Allow Duet", "Allow Stitch"):
        assert not app.sensitive("check box", name), name + " can be switched on"
        assert not app.checked("check box", name), name + " is on"
    app.label_containing("Duets are turned off for this account")


@step("disclosure with nothing ticked keeps Post disabled; branded content greys out Only me")
def disclosure(app, videos):
    app.choose_privacy("Followers")
    wait_for("Post enabled", lambda: app.sensitive("push button", "Post"))
    app.toggle("check box", "Disclose commercial content")
    app.find("label", "You need to indicate if your content promotes yourself, a third party, or both.")
    wait_for("Post disabled", lambda: not app.sensitive("push button", "Post"))
    app.toggle("check box", "Branded content")
    app.find("label", "Your photo/video will be labeled as ‘Paid partnership’")
    app.label_containing("Branded Content Policy")
    items = {name: sensitive for name, sensitive, _ in app.privacy_items()}
    assert items.get("Only me") is False, items
    assert items.get("Followers") is True, items
    app.label_containing("Branded content visibility cannot be set to private.")
    app.toggle("check box", "Branded content")
    app.toggle("check box", "Your brand")
    app.find("label", "Your photo/video will be labeled as ‘Promotional content’")
    wait_for("Post enabled", lambda: app.sensitive("push button", "Post"))


@step("post: the cover time reaches TikTok, the progress bar reaches 100 % and the row Published")
def post(app, emulator):
    slider = app.node("slider", "Cover frame")
    value = slider.queryValue()
    value.currentValue = 1500
    wait_for("the cover at 1500 ms", lambda: abs(slider.queryValue().currentValue - 1500) < 40)
    cover_ms = int(round(slider.queryValue().currentValue))
    title = app.node("text", "Title")
    title.queryEditableText().setTextContents("First light #gui")
    app.click("push button", "Post")
    bar = app.node("progress bar", "Upload progress")
    wait_for("the row published", lambda: app.find_all("label", lambda n: (n or "").startswith("Published")), TIMEOUT)
    assert bar.queryValue().currentValue == bar.queryValue().maximumValue, "progress %s of %s" % (
        bar.queryValue().currentValue, bar.queryValue().maximumValue)
    app.find("label", "It may take a few minutes to appear on your profile.")
    posts = emulator.posts()
    assert len(posts) == 1, posts
    info = posts[0]["post_info"]
    assert info["video_cover_timestamp_ms"] == cover_ms, (info, cover_ms)
    assert info["privacy_level"] == "FOLLOWER_OF_CREATOR", info
    assert info["title"] == "First light #gui", info
    assert info.get("brand_organic_toggle") is True and not info.get("brand_content_toggle"), info
    assert info.get("disable_comment") is True and info.get("disable_duet") is True, info
    assert posts[0]["received"] == posts[0]["video_size"], posts


@step("the history lists the post")
def history(app):
    app.page("History")
    app.find("label", "First light #gui")
    app.label_containing("Carol Creator")
    app.find("label", "Published")


@step("a post TikTok fails shows TikTok's reason")
def failed_post(holder, emulator, videos):
    holder[0].stop()
    emulator.use("gui-dave")
    app = holder[0] = App(emulator, videos["good"])
    app.find("label", "Posting as Dave Example")
    app.choose_privacy("Everyone")
    app.click("push button", "Post")
    app.find("label", lambda n: (n or "").startswith("Failed"), TIMEOUT)
    app.label_containing("picture size")
    app.find("push button", "Retry")


@step("an app stopped mid-upload offers Resume; the emulator ends with one post of the file's bytes")
def resume(holder, videos, tmp):
    holder[0].stop()
    slow = Emulator(os.path.join(tmp, "slow"), SLOW_WORLD)
    holder.append(slow)
    slow.sign_in_cli("gui-erin")
    app = holder[0] = App(slow, videos["good"])
    app.find("label", "Posting as Erin Example", TIMEOUT)
    app.choose_privacy("Everyone")
    app.click("push button", "Post")
    app.find("label", lambda n: (n or "").startswith("Uploading"), TIMEOUT)
    wait_for("the init at the emulator", slow.posts, TIMEOUT)
    app.proc.send_signal(signal.SIGKILL)
    app.proc.wait(10)
    app = holder[0] = App(slow)
    app.page("Uploads")
    app.click("push button", "Resume")
    app.find("label", lambda n: (n or "").startswith("Published"), 60)
    posts = slow.posts()
    assert len(posts) == 1, posts
    size = os.path.getsize(videos["good"])
    assert posts[0]["received"] == size == posts[0]["video_size"], (posts, size)
    stored = os.path.join(slow.data_dir, "uploads", re.sub(r"[^A-Za-z0-9._-]", "_", posts[0]["publish_id"]) + ".bin")
    with open(stored, "rb") as a, open(videos["good"], "rb") as b:
        assert hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest(), "stored bytes differ"


@step("History offers Open on TikTok for a post TikTok made public")
def open_on_tiktok(app):
    app.page("History")
    app.click("push button", "Refresh")
    app.find("push button", "Open on TikTok", 60)


def main():
    if not os.environ.get("DISPLAY"):
        print("1..0 # SKIP no X display")
        return 1 if os.environ.get("CI") == "true" else 77
    tmp = tempfile.mkdtemp(prefix="wbps-composer-e2e-")
    bus = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    holder = [None]
    emulator = None
    print("1..%d" % N_TESTS, flush=True)
    try:
        videos = {"good": os.path.join(tmp, "good.mp4"), "slow": os.path.join(tmp, "slow.mp4"),
                  "corrupt": os.path.join(tmp, "corrupt.mp4")}
        make_video(videos["good"], 30)
        make_video(videos["slow"], 15)
        with open(videos["corrupt"], "wb") as f:
            f.write(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096))
        emulator = Emulator(tmp, WORLD)
        emulator.sign_in_cli("gui-dave")
        emulator.sign_in_cli("gui-carol")
        app = holder[0] = App(emulator)
        choose_video(app, videos)
        slow_video(app, videos)
        corrupt_file(app, videos)
        privacy_options(app, videos)
        interactions(app, videos)
        disclosure(app, videos)
        post(app, emulator)
        history(app)
        failed_post(holder, emulator, videos)
        resume(holder, videos, tmp)
        open_on_tiktok(holder[0])
    except Exception:
        for line in traceback.format_exc().splitlines():
            print("# " + line, flush=True)
    finally:
        if holder[0] is not None and holder[0].proc.poll() is None:
            holder[0].stop()
        for extra in holder[1:]:
            extra.stop()
        if emulator is not None:
            emulator.stop()
        bus.terminate()
        bus.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    while len(base.results) < N_TESTS:
        tap("not reached", False)
    return 0 if all(base.results) else 1


if __name__ == "__main__":
    sys.exit(main())
