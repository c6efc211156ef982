#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""wbps-gtk subscribed to a real `wbps relay`, which a real wbps-emulator sends
signed webhooks to; a real keyring (tests/with-keyring), the window through
AT-SPI. Two accounts sign in, each subscribed to the relay of the relay-url
setting; the relay URL changed in Preferences moves both streams to the new
relay without a restart; a post's upload row reaches Published from the
relayed event without asking TikTok's status; the emulator's creator removes
wbps from one account (POST /emulator/deauthorize, reason 1): that account
leaves the account menu, a toast says why in words, its keyring item is gone
and the other stays. Prints TAP."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import urllib.parse
import urllib.request

import pyatspi

from composer_world import make_video
from gui_world import Emulator, browser_mode, install_browser, keyring_open_ids, world
from gui_tap import assert_clean_exit, outside_steps, results, step, tap  # noqa: E402
from wbps_atspi import App, start_accessibility_bus, wait_for

EMULATOR = os.environ["WBPS_EMULATOR"]
WBPS_GTK = os.environ["WBPS_GTK"]
WBPS = os.environ["WBPS"]
CLIENT_KEY = "gui-relay"
SECRET = "gui-relay-secret"

WORLD = world("signed-in-user=gui-alice\nprocessing-delay-ms=4500\n", [("gui-alice", "Alice Example", "alice"),
                     ("gui-bob", "Bob Example", "bob")], client_key=CLIENT_KEY, secret=SECRET)

TOAST = ("TikTok removed wbps's access to Alice Example: "
         "the account holder disconnected wbps in the TikTok app")
TESTS = 6



class Relay:
    def __init__(self, tmp, api_url, name):
        env = dict(os.environ, WBPS_CLIENT_SECRET=SECRET)
        # Port 0: the relay binds a free port itself and names it (no reserve-then-release race).
        self.proc = subprocess.Popen([WBPS, "--api-url", api_url, "relay", "--listen", "127.0.0.1:0",
                                      "--database", os.path.join(tmp, name + ".db")],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:[1-9]\d*)", line.strip())
        assert match, "relay said: " + line
        self.base = match.group(1)

    def subscribers(self):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        text = opener.open(self.base + "/metrics", timeout=10).read().decode()
        match = re.search(r"^wbps_relay_subscribers(?:\{[^}]*\})? (\d+)", text, re.M)
        return int(match.group(1)) if match else -1

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(10)
        assert code == 0, "relay exited with %s" % code


def set_webhook_url(emulator, url):
    """The emulator's callback URL, named once the relay listens (POST /emulator/webhook-url)."""
    form = urllib.parse.urlencode({"url": url}).encode()
    reply = json.loads(emulator.opener.open(emulator.base + "/emulator/webhook-url", data=form, timeout=10).read())
    assert reply["error"]["code"] == "ok", reply


@step("two accounts sign in; wbps-gtk subscribes each to the relay of the relay-url setting")
def sign_in_two(app, browser, emulator, relay):
    browser_mode(browser, "authorize")
    app.click("push button", "Sign In with TikTok")
    app.find("label", "Alice Example")
    app.click("push button", "Continue")
    app.add_account(emulator, "gui-bob", "Bob Example")
    assert keyring_open_ids(CLIENT_KEY) == ["gui-alice", "gui-bob"], keyring_open_ids(CLIENT_KEY)
    wait_for("two relay subscribers", lambda: relay.subscribers() == 2)


def preferences_window(app):
    return app._toplevel("frame", "Preferences")


def click_at(node):
    """A real pointer click in the middle of @node (an expander row has no AT-SPI action in GTK 4.8)."""
    box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    subprocess.run(["xdotool", "mousemove", str(box.x + box.width // 2), str(box.y + box.height // 2),
                    "click", "1"], check=True, timeout=20)


def still(node):
    """A predicate: @node is shown and has not moved since it was last asked (an animation ended)."""
    last = []

    def unmoved():
        box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        now = (box.x, box.y, box.width, box.height)
        done = box.height > 0 and last == [now]
        last[:] = [now]
        return done
    return unmoved


@step("the relay URL changed in Preferences: both streams move to the new relay, no restart")
def change_relay(app, old, new):
    pid = app.proc.pid
    # app.preferences, as the main menu's item and Ctrl+comma activate it.
    subprocess.run(["gdbus", "call", "--session", "--dest", "ai.fvz.Wbps", "--object-path", "/ai/fvz/Wbps",
                    "--method", "org.gtk.Actions.Activate", "preferences", "[]", "{}"],
                   check=True, stdout=subprocess.DEVNULL, timeout=20)
    prefs = wait_for("the Preferences window", lambda: preferences_window(app))
    click_at(app.find("list item", "Advanced", within=prefs))
    entry = app.find("text", "wbps Relay", within=prefs)
    wait_for("the relay row unfolded and still", still(entry))
    click_at(entry)
    for command in (["key", "ctrl+a"], ["type", "--delay", "5", new.base], ["key", "Return"]):
        subprocess.run(["xdotool", *command], check=True, timeout=20)
    wait_for("two subscribers on the new relay", lambda: new.subscribers() == 2, 60)
    wait_for("none left on the old relay", lambda: old.subscribers() == 0)
    # Preferences stays open: GTK 4.8 can crash when AT-SPI walks a window being destroyed.
    assert app.proc.poll() is None and app.proc.pid == pid, "wbps-gtk restarted"


@step("a post's row reaches Published from the relayed event; TikTok's status is never asked")
def post_by_event(app, emulator, video, env):
    subprocess.run([WBPS_GTK, video], env=env, timeout=30, check=True)
    app.find("label", "relay.mp4")
    app.find("label", "This video meets TikTok’s requirements.")
    choice = app.find("push button", "Only me")
    wait_for("Only me enabled", lambda: choice.getState().contains(pyatspi.STATE_SENSITIVE))
    choice.queryAction().doAction(0)
    post = app.find("push button", "Post")
    wait_for("Post enabled", lambda: post.getState().contains(pyatspi.STATE_SENSITIVE))
    post.queryAction().doAction(0)
    app.find("label", lambda n: (n or "").startswith("Published"), 60)
    posts = emulator.call("GET", "/emulator/posts")["posts"]
    assert len(posts) == 1, posts
    assert posts[0]["status"] == "PUBLISH_COMPLETE", posts
    # Polling would have asked at 2 s and 5 s of TikTok's 4.5 s processing.
    assert posts[0]["status_requests"] == 0, posts


@step("deauthorized at TikTok: a toast names the account and the reason in words")
def deauthorize(app, emulator):
    emulator.call("POST", "/emulator/deauthorize?user=gui-alice&reason=1")
    app.find("label", TOAST)


@step("the keyring item of the removed account is gone, the other stays")
def keyring_after(app):
    assert keyring_open_ids(CLIENT_KEY) == ["gui-bob"], keyring_open_ids(CLIENT_KEY)


@step("the removed account has left the account menu")
def menu_after(app):
    app.open_account_menu()
    app.find("push button", "Bob Example")
    assert not app.find_all("push button", "Alice Example"), app.dump()


def main():
    if not os.environ.get("DISPLAY"):
        print("1..0 # SKIP no X display")
        return 1 if os.environ.get("CI") == "true" else 77
    tmp = tempfile.mkdtemp(prefix="wbps-gui-relay-")
    bus = start_accessibility_bus()
    emulator = relay = old_relay = app = None
    print("1..%d" % TESTS, flush=True)
    try:
        emulator = Emulator(EMULATOR, tmp, WORLD)
        old_relay = Relay(tmp, emulator.base, "old")
        relay = Relay(tmp, emulator.base, "relay")
        # The emulator delivers to the second relay only: what arrives came through the new URL.
        set_webhook_url(emulator, relay.base + "/webhook")
        video = os.path.join(tmp, "relay.mp4")
        make_video(video, 30)
        browser = install_browser(tmp)
        env = dict(os.environ, WBPS_AUTH_URL=emulator.base + "/v2/auth/authorize/", WBPS_API_URL=emulator.base,
                   WBPS_CLIENT_KEY=CLIENT_KEY, WBPS_CLIENT_SECRET=SECRET, GTK_A11Y="atspi", GDK_BACKEND="x11",
                   LANGUAGE="C")
        # The setting, not --relay-url: an option would win over what Preferences writes.
        subprocess.run(["gsettings", "set", "ai.fvz.Wbps", "relay-url", old_relay.base], env=env, check=True,
                       timeout=20)
        app = App(WBPS_GTK, env=env)
        sign_in_two(app, browser, emulator, old_relay)
        change_relay(app, old_relay, relay)
        post_by_event(app, emulator, video, env)
        deauthorize(app, emulator)
        keyring_after(app)
        menu_after(app)
        code = app.stop()
        app = None
        assert_clean_exit("wbps-gtk", code)
        for part in (relay, old_relay, emulator):
            part.stop()
    except Exception:
        outside_steps(traceback.format_exc())
    finally:
        for part in (app, relay, old_relay, emulator):
            if part is not None and part.proc.poll() is None:
                try:
                    part.stop()
                except Exception:
                    results.append(False)
                    print("# " + traceback.format_exc().replace("\n", "\n# "), flush=True)
        bus.terminate()
        bus.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    while len(results) < TESTS:
        tap("not reached", False)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
