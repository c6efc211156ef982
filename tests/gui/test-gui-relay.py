#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""wbps-gtk subscribed to a real `wbps relay`, which a real wbps-emulator sends
signed webhooks to; a real keyring (tests/with-keyring), the window through
AT-SPI. Two accounts sign in; the emulator's creator removes wbps from one
(POST /emulator/deauthorize, reason 1): that account leaves the account menu,
a toast says why in words, its keyring item is gone and the other stays.
Prints TAP."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
import urllib.request

from gui_world import Emulator, browser_mode, install_browser, keyring_open_ids
from gui_tap import results, step, tap  # noqa: E402
from wbps_atspi import App, start_accessibility_bus, wait_for

EMULATOR = os.environ["WBPS_EMULATOR"]
WBPS_GTK = os.environ["WBPS_GTK"]
WBPS = os.environ["WBPS"]
CLIENT_KEY = "gui-relay"
SECRET = "gui-relay-secret"

WORLD = """\
[emulator]
signed-in-user=gui-alice
[webhooks]
url=%s/webhook
[client:gui-relay]
secret=gui-relay-secret
redirect-uris=http://127.0.0.1:*/callback/
scopes=user.info.basic,user.info.profile,video.publish,video.upload
[user:gui-alice]
display-name=Alice Example
username=alice
[user:gui-bob]
display-name=Bob Example
username=bob
"""

TOAST = ("TikTok removed wbps's access to Alice Example: "
         "the account holder disconnected wbps in the TikTok app")
TESTS = 4



def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    def __init__(self, tmp, api_url, port):
        env = dict(os.environ, WBPS_CLIENT_SECRET=SECRET)
        self.proc = subprocess.Popen([WBPS, "--api-url", api_url, "relay", "--listen", "127.0.0.1:%d" % port,
                                      "--database", os.path.join(tmp, "relay.db")],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "listening on http://127.0.0.1:%d" % port, "relay said: " + line
        self.base = "http://127.0.0.1:%d" % port

    def subscribers(self):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        text = opener.open(self.base + "/metrics", timeout=10).read().decode()
        match = re.search(r"^wbps_relay_subscribers(?:\{[^}]*\})? (\d+)", text, re.M)
        return int(match.group(1)) if match else -1

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(10)
        assert code == 0, "relay exited with %s" % code


@step("two accounts sign in; wbps-gtk subscribes each to the relay")
def sign_in_two(app, browser, emulator, relay):
    browser_mode(browser, "authorize")
    app.click("push button", "Sign In with TikTok")
    app.find("label", "Alice Example")
    app.click("push button", "Continue")
    emulator.sign_in_as("gui-bob")
    app.open_account_menu()
    app.click("push button", "Add Account…")
    app.find("label", "Bob Example")
    app.click("push button", "Continue")
    assert keyring_open_ids(CLIENT_KEY) == ["gui-alice", "gui-bob"], keyring_open_ids(CLIENT_KEY)
    wait_for("two relay subscribers", lambda: relay.subscribers() == 2)


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
    emulator = relay = app = None
    print("1..%d" % TESTS, flush=True)
    try:
        port = free_port()
        emulator = Emulator(EMULATOR, tmp, WORLD % ("http://127.0.0.1:%d" % port))
        relay = Relay(tmp, emulator.base, port)
        browser = install_browser(tmp)
        env = dict(os.environ, WBPS_AUTH_URL=emulator.base + "/v2/auth/authorize/", WBPS_API_URL=emulator.base,
                   WBPS_CLIENT_KEY=CLIENT_KEY, WBPS_CLIENT_SECRET=SECRET)
        app = App(WBPS_GTK, args=["--relay-url", relay.base], env=env)
        sign_in_two(app, browser, emulator, relay)
        deauthorize(app, emulator)
        keyring_after(app)
        menu_after(app)
        code = app.stop()
        assert code == 0, "wbps-gtk exited with %s on SIGTERM (a clean quit is 0)" % code
        app = None
    except Exception:
        if len(results) == 0 or all(results):  # a failure outside the steps
            print("# " + traceback.format_exc().replace("\n", "\n# "), flush=True)
    finally:
        for part in (app, relay, emulator):
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
