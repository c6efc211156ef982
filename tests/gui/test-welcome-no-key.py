#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fresh install: no TikTok client key anywhere (no option, environment, setting or
build default). Through AT-SPI on the real window: the welcome page says plainly that
this copy of wbps has no client key yet and how to set one, without opening a browser,
and offers Try the Demo; Try the Demo switches the running app to the built-in emulator,
where signing in works (a real keyring, the test browser authorizing); and
`wbps-gtk --demo` (the desktop file's Try the Demo action) while wbps runs switches the
running app to the demo, which shows the demo account signed in before. Prints TAP.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

from gui_world import browser_mode, browser_urls, install_browser, keyring_open_ids
from gui_tap import results, step, tap
from wbps_atspi import App, start_accessibility_bus, wait_for

WBPS_GTK = os.environ["WBPS_GTK"]
DEMO_CLIENT_KEY = "wbps-demo"  # src/core/wbps-demo.h
STEPS = 5


@step("without a client key, the welcome page says so, says how to set one, and offers Try the Demo")
def no_key(app, browser):
    app.find("label", "No TikTok Client Key Yet")
    app.label_containing("This copy of wbps has no TikTok client key yet, so it cannot sign in with TikTok.")
    app.label_containing("enter it in Preferences, under Advanced, and see “Sign in with TikTok” in Help (F1)")
    app.find("push button", "Try the Demo")
    app.find("push button", "Preferences")
    assert not app.find_all("label", "Could Not Sign In"), "the error page shows"
    assert not app.find_all("push button", "Back"), "Back shows with nowhere to go back to"
    assert browser_urls(browser) == [], "a browser opened: %r" % browser_urls(browser)


@step("Try the Demo switches the running app to the demo, where signing in works")
def try_demo(app, browser):
    browser_mode(browser, "authorize")
    app.click("push button", "Try the Demo")
    app.click("push button", "Sign In with TikTok")
    app.find("label", "You are signed in with TikTok.")
    url = browser_urls(browser)[-1]
    assert url.startswith("http://127.0.0.1:"), "not the demo emulator: " + url
    assert keyring_open_ids(DEMO_CLIENT_KEY), "no demo account in the keyring"


@step("the app stops on SIGTERM with status 0")
def stop(app_holder):
    status = app_holder[0].stop()
    app_holder[0] = None
    assert status == 0, "wbps-gtk exited %r" % status


@step("wbps-gtk --demo while wbps runs switches the running app to the demo")
def remote_demo(app, env):
    app.find("label", "No TikTok Client Key Yet")
    second = subprocess.run([WBPS_GTK, "--demo"], env=env, timeout=60, capture_output=True, text=True)
    assert second.returncode == 0, "wbps-gtk --demo exited %d: %s" % (second.returncode, second.stderr)
    # The demo account signed in before: the running window now shows it.
    app.find("push button", "Accounts")
    assert not app.find_all("label", "No TikTok Client Key Yet"), "still the no-key page"


def main():
    if not os.environ.get("DISPLAY"):
        print("1..0 # SKIP no X display")
        return 1 if os.environ.get("CI") == "true" else 77
    tmp = tempfile.mkdtemp(prefix="wbps-no-key-")
    bus = start_accessibility_bus()
    holder = [None]
    print("1..%d" % STEPS, flush=True)
    try:
        browser = install_browser(tmp)
        env = {k: v for k, v in os.environ.items()
               if k not in ("WBPS_CLIENT_KEY", "WBPS_CLIENT_SECRET", "WBPS_RELAY_URL", "WBPS_DEMO_AUTO_APPROVE")}
        holder[0] = App(WBPS_GTK, env=env)
        no_key(holder[0], browser)
        try_demo(holder[0], browser)
        stop(holder)
        holder[0] = App(WBPS_GTK, env=env)
        remote_demo(holder[0], dict(env, GTK_A11Y="none", GDK_BACKEND="x11"))
        stop(holder)
    except Exception:
        if len(results) == 0 or all(results):  # a failure outside the steps
            print("# " + traceback.format_exc().replace("\n", "\n# "), flush=True)
    finally:
        if holder[0] is not None and holder[0].proc.poll() is None:
            holder[0].stop()
        bus.terminate()
        bus.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    while len(results) < STEPS:
        tap("not reached", False)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
