# SPDX-License-Identifier: GPL-3.0-or-later
"""What the composer and uploads GUI tests share: the emulator with the posts it
recorded and a command-line sign-in, wbps-gtk opened on files, generated test
videos, and the "Who can view this video" choices."""
import os
import shutil
import subprocess
import tempfile
import time
import traceback
import urllib.parse

import pyatspi

import gui_world
import wbps_atspi
from gui_tap import assert_clean_exit, outside_steps, results, tap
from gui_world import ConsentForm
from wbps_atspi import start_accessibility_bus, wait_for

WBPS_GTK = os.environ["WBPS_GTK"]
WBPS_CLI = os.environ["WBPS_CLI"]
EMULATOR = os.environ["WBPS_EMULATOR"]
CLIENT_KEY = "gui-test"
CLIENT_SECRET = "gui-test-secret"
TIMEOUT = 40
# The "Who can view this video" choices (toggle buttons read as push buttons in GTK 4.8).
PRIVACY_LABELS = ("Everyone", "Followers", "Friends", "Only me")


def running(thing):
    proc = getattr(thing, "proc", None)
    return proc is None or proc.poll() is None


def run_steps(prefix, n_tests, body):
    """A GUI test's frame: without a display it skips (fails when CI=true); otherwise it
    prints the TAP plan and runs body(tmp, holder) with an AT-SPI bus and a temporary
    directory. holder[0] is the App under test (a step may put a new one there): after the
    last step it must quit with 0 on SIGTERM. What the body appends (emulator, desktop
    observer) is stopped after it, when still running. Returns the exit status; the steps
    never reached count as failed, and so does an exception outside them."""
    if not os.environ.get("DISPLAY"):
        print("1..0 # SKIP no X display")
        return 1 if os.environ.get("CI") == "true" else 77
    tmp = tempfile.mkdtemp(prefix=prefix)
    bus = start_accessibility_bus()
    holder = [None]
    print("1..%d" % n_tests, flush=True)
    try:
        body(tmp, holder)
        assert_clean_exit("wbps-gtk", holder[0].stop())
    except Exception:
        outside_steps(traceback.format_exc())
    finally:
        for thing in holder:
            if thing is not None and running(thing):
                code = thing.stop()
                if isinstance(thing, App):
                    print("# wbps-gtk exited with %s" % code, flush=True)
        bus.terminate()
        bus.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    while len(results) < n_tests:
        tap("not reached", False)
    return 0 if all(results) else 1


class Emulator(gui_world.Emulator):
    """The emulator, plus what the composer tests read from it and a command-line sign-in."""

    def __init__(self, tmp, world):
        os.makedirs(tmp, exist_ok=True)
        super().__init__(EMULATOR, tmp, world)
        self.data_dir = os.path.join(tmp, "emulator")

    def posts(self):
        return self.call("GET", "/emulator/posts")["posts"]

    def uploaded_path(self, publish_id):
        """Where the emulator keeps the bytes it received for @publish_id (its README)."""
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in publish_id)
        return os.path.join(self.data_dir, "uploads", safe + ".bin")

    def env(self):
        return dict(os.environ, WBPS_AUTH_URL=self.base + "/v2/auth/authorize/", WBPS_API_URL=self.base,
                    WBPS_CLIENT_KEY=CLIENT_KEY, WBPS_CLIENT_SECRET=CLIENT_SECRET)

    def sign_in_cli(self, open_id, scopes=None):
        """Signs @open_id in with `wbps login`; on a consent page, ticks only @scopes (all when None)."""
        self.sign_in_as(open_id)
        proc = subprocess.Popen([WBPS_CLI, "login", "--no-browser"], env=self.env(),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        url = proc.stdout.readline().strip()
        try:
            page = self.opener.open(url, timeout=10).read().decode("utf-8")
            form = ConsentForm()
            form.feed(page)
            if form.action is not None:
                fields = dict(form.fields, decision="authorize")
                if scopes is None:
                    fields.update(form.ticked)
                for scope in scopes or ():
                    fields["scope:" + scope] = "on"
                self.opener.open(urllib.parse.urljoin(url, form.action),
                                 data=urllib.parse.urlencode(fields).encode(), timeout=10).read()
        except Exception:  # the loopback page may close as the sign-in ends
            pass
        out = proc.communicate(timeout=30)[0]
        assert proc.returncode == 0 and "Signed in as" in out, "login said %r" % out

    def use(self, open_id):
        subprocess.run([WBPS_CLI, "accounts", "--use", open_id], env=self.env(), check=True,
                       stdout=subprocess.DEVNULL, timeout=30)


class App(wbps_atspi.App):
    """wbps-gtk with FILE arguments; later files go to the running instance."""

    def __init__(self, emulator, *files, extra_env=None):
        self.env = dict(emulator.env(), GTK_A11Y="atspi", GDK_BACKEND="x11", LANGUAGE="C")
        self.env.update(extra_env or {})  # e.g. the screenshots' LANGUAGE
        super().__init__(WBPS_GTK, files, self.env)

    def label_starting(self, text, timeout=TIMEOUT):
        return self.find("label", lambda n: (n or "").startswith(text), timeout)

    def state(self, role, name, state):
        return self.find(role, name).getState().contains(state)

    def act(self, role, name):
        """Presses a button or flips a switch (its first action: "click" or "toggle") once sensitive."""
        node = self.find(role, name)
        wait_for("%r enabled" % name, lambda: node.getState().contains(pyatspi.STATE_SENSITIVE))
        node.queryAction().doAction(0)

    def press(self, keysym):
        pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)
        time.sleep(0.2)

    def type_text(self, text):
        pyatspi.Registry.generateKeyboardEvent(0, text, pyatspi.KEY_STRING)

    def open(self, path):
        """`wbps-gtk FILE` while the app runs: GApplication hands the file to the window."""
        subprocess.run([WBPS_GTK, path], env=self.env, timeout=30, check=True)


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


def privacy_items(app):
    """The "Who can view this video" choices as (label, sensitive, chosen), in order."""
    choice = lambda name: name in PRIVACY_LABELS
    app.find("push button", choice)
    return [(n.name, n.getState().contains(pyatspi.STATE_SENSITIVE),
             n.getState().contains(pyatspi.STATE_CHECKED) or n.getState().contains(pyatspi.STATE_PRESSED))
            for n in app.find_all("push button", choice)]


def choose_privacy(app, label):
    app.act("push button", label)
    wait_for("%r chosen" % label, lambda: dict((n, c) for n, _, c in privacy_items(app)).get(label))


def window_origin():
    """Where the main window sits on the X screen (window-relative AT-SPI extents start there)."""
    out = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^wbps$", "getwindowgeometry", "--shell"],
                         capture_output=True, text=True, timeout=10, check=True).stdout
    geometry = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return int(geometry["X"]), int(geometry["Y"]), int(geometry["HEIGHT"])


def extents(node):
    """The node's window-relative box; a loaded machine can make one AT-SPI call time out."""
    def get():
        try:
            return node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        except Exception as e:  # GLib.Error from a call that timed out
            print("# extents: %s; asking again" % e, flush=True)
            return None
    return wait_for("the extents of %r" % node.name, get)


def click_at(node):
    """A pointer click in the middle of @node, scrolling the form with the wheel until it
    is inside the window (AT-SPI extents in GTK 4.8 are window-relative; no window manager
    runs, so X and Y are 0 unless something moved the window)."""
    x0, y0, height = window_origin()
    for _ in range(40):
        box = extents(node)
        if 0 <= box.y and box.y + box.height <= height:
            break
        wheel = "5" if box.y + box.height > height else "4"
        # Over the page's left margin: a wheel over the Cover frame slider would move it.
        subprocess.run(["xdotool", "mousemove", str(x0 + 20), str(y0 + height // 2), "click", wheel],
                       check=True, timeout=10)
        time.sleep(0.1)
    subprocess.run(["xdotool", "mousemove", str(x0 + box.x + box.width // 2), str(y0 + box.y + box.height // 2),
                    "click", "1"], check=True, timeout=10)


def tick(app, name):
    """Clicks a check box with the pointer (GTK 4.8 gives check buttons no AT-SPI action)."""
    node = app.find("check box", name)
    wait_for("%r enabled" % name, lambda: node.getState().contains(pyatspi.STATE_SENSITIVE))
    before = node.getState().contains(pyatspi.STATE_CHECKED)
    click_at(node)
    wait_for("%r %s" % (name, "cleared" if before else "ticked"),
             lambda: node.getState().contains(pyatspi.STATE_CHECKED) != before)
