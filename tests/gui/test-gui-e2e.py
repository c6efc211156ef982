#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: the real wbps-gtk window, driven through AT-SPI as a screen
reader sees it, against a real wbps-emulator and a real gnome-keyring (run
under tests/with-keyring), with a test "system browser" that GIO launches.

Covers: Copy Link puts the exact authorize URL on the clipboard, Cancel frees
the loopback port, a Deny shows the error, sign in shows the greeting with the
emulator's display name, a second account is added and switched to, Sign Out
revokes at TikTok and deletes the keyring item, and a restart restores the
remaining account without any prompt. Prints TAP.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
import urllib.parse
import urllib.request

from gui_world import Emulator, browser_mode, browser_urls, install_browser, keyring_open_ids, world
from gui_tap import assert_clean_exit, outside_steps, results, step, tap  # noqa: E402
from wbps_atspi import App, start_accessibility_bus, wait_for

EMULATOR = os.environ["WBPS_EMULATOR"]
WBPS_GTK = os.environ["WBPS_GTK"]
CLIENT_KEY = "gui-test"

WORLD = world("signed-in-user=gui-alice\n", [("gui-alice", "Alice Example", "alice"),
                     ("gui-bob", "Bob Example", "bob")])


# ---- the world: emulator, browser, keyring --------------------------------

def clipboard_text():
    code = ("import gi; gi.require_version('Gtk', '4.0'); gi.require_version('Gdk', '4.0')\n"
            "from gi.repository import Gdk, GLib, Gtk\n"
            "Gtk.init(); loop = GLib.MainLoop(); out = []\n"
            "def done(cb, res): out.append(cb.read_text_finish(res)); loop.quit()\n"
            "Gdk.Display.get_default().get_clipboard().read_text_async(None, done)\n"
            "GLib.timeout_add_seconds(5, loop.quit); loop.run()\n"
            "print(out[0] if out and out[0] else '', end='')\n")
    env = dict(os.environ, GTK_A11Y="none", GDK_BACKEND="x11")
    try:
        return subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True,
                              timeout=20, env=env).stdout
    except subprocess.TimeoutExpired:
        return None


def port_is_closed(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


# ---- the app through AT-SPI -----------------------------------------------

def start_app(emulator):
    env = dict(os.environ, WBPS_AUTH_URL=emulator.base + "/v2/auth/authorize/", WBPS_API_URL=emulator.base,
               WBPS_CLIENT_KEY=CLIENT_KEY, WBPS_CLIENT_SECRET="gui-test-secret")
    app = App(WBPS_GTK, env=env)
    app.emulator_base = emulator.base
    return app


# ---- the steps -------------------------------------------------------------



@step("copy link puts the exact authorize URL on the clipboard")
def copy_link(app, browser):
    browser_mode(browser, "none")
    app.click("push button", "Sign In with TikTok")
    url = wait_for("the browser opened", lambda: (browser_urls(browser) or [None])[-1])
    assert url.startswith(app.emulator_base + "/v2/auth/authorize/?"), url
    app.find("label", "Continue in your browser")
    app.click("push button", "Copy Link")
    copied = wait_for("the clipboard", clipboard_text)
    assert copied == url, "clipboard %r != launched %r" % (copied, url)
    app.authorize_url = url


@step("cancel stops the loopback server at once")
def cancel(app, browser):
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(app.authorize_url).query)
    port = urllib.parse.urlsplit(query["redirect_uri"][0]).port
    assert not port_is_closed(port), "loopback port %d not listening" % port
    app.click("push button", "Cancel")
    wait_for("port %d closed" % port, lambda: port_is_closed(port), timeout=5)
    app.find("push button", "Sign In with TikTok")


@step("deny at the consent page shows the error and offers to try again")
def deny(app, browser):
    browser_mode(browser, "deny")
    app.click("push button", "Sign In with TikTok")
    app.find("label", "Could Not Sign In")
    app.find("push button", "Try Again")
    assert keyring_open_ids(CLIENT_KEY) == [], keyring_open_ids(CLIENT_KEY)


@step("sign in shows the greeting with the emulator's display name, the avatar cached")
def sign_in(app, browser):
    browser_mode(browser, "authorize")
    app.click("push button", "Try Again")
    app.find("label", "Alice Example")
    app.find("label", "You are signed in with TikTok.")
    assert keyring_open_ids(CLIENT_KEY) == ["gui-alice"], keyring_open_ids(CLIENT_KEY)
    avatars = os.path.join(os.environ["XDG_CACHE_HOME"], "wbps", "avatars")
    wait_for("the avatar in the cache", lambda: os.path.isdir(avatars) and os.listdir(avatars))
    app.click("push button", "Continue")
    app.find("push button", "Accounts")


@step("add a second account and switch between them")
def add_and_switch(app, browser, emulator):
    app.add_account(emulator, "gui-bob", "Bob Example")
    assert keyring_open_ids(CLIENT_KEY) == ["gui-alice", "gui-bob"], keyring_open_ids(CLIENT_KEY)
    app.find("label", "Bob Example")           # the signed-in page shows the current account
    app.open_account_menu()
    app.click("push button", "Alice Example")
    wait_for("Alice current", lambda: app.find_all("label", "Alice Example") and
             not app.find_all("label", "Bob Example"))


@step("sign out revokes at TikTok and deletes the keyring item")
def sign_out(app, browser, emulator):
    app.open_account_menu()
    app.click("push button", "Sign Out")
    dialog = app.find_dialog("Sign out of Alice Example?")
    app.find("label", "wbps will revoke its access at TikTok.", within=dialog)
    # Each response read once (GTK 4.8 alone names a mnemonic button "_Label Label").
    names = sorted(n.name for n in app.find_all("push button", None, within=dialog))
    assert names == ["Cancel", "Sign Out"], names
    app.click("push button", "Sign Out", within=dialog)
    app.label_containing("Signed out of Alice Example")
    wait_for("the revoke at the emulator",
             lambda: any(e.get("event") == "authorization.removed" and e.get("user_openid") == "gui-alice"
                         for e in emulator.events()))
    assert keyring_open_ids(CLIENT_KEY) == ["gui-bob"], keyring_open_ids(CLIENT_KEY)
    app.find("label", "Bob Example")


@step("a restart restores the remaining account without a prompt")
def restart(app_holder, emulator):
    code = app_holder[0].stop()
    assert code == 0, "wbps-gtk exited with %s on SIGTERM (a clean quit is 0)" % code
    app = start_app(emulator)
    app_holder[0] = app
    app.find("label", "Bob Example")
    app.find("push button", "Accounts")
    assert not app.find_all("push button", "Sign In with TikTok")


def main():
    if not os.environ.get("DISPLAY"):
        print("1..0 # SKIP no X display")
        return 1 if os.environ.get("CI") == "true" else 77
    tmp = tempfile.mkdtemp(prefix="wbps-gui-e2e-")
    bus = start_accessibility_bus()
    emulator = app = None
    print("1..7", flush=True)
    try:
        emulator = Emulator(EMULATOR, tmp, WORLD)
        browser = install_browser(tmp)
        app = start_app(emulator)
        holder = [app]
        copy_link(app, browser)
        cancel(app, browser)
        deny(app, browser)
        sign_in(app, browser)
        add_and_switch(app, browser, emulator)
        sign_out(app, browser, emulator)
        restart(holder, emulator)
        app = holder[0]
        assert_clean_exit("wbps-gtk", app.stop())
    except Exception:
        outside_steps(traceback.format_exc())
    finally:
        if app is not None and app.proc.poll() is None:
            app.stop()
        if emulator is not None:
            emulator.stop()
        bus.terminate()
        bus.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    while len(results) < 7:
        tap("not reached", False)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
