# SPDX-License-Identifier: GPL-3.0-or-later
"""The world around wbps-gtk in GUI tests and screenshots: a real
wbps-emulator process, the test "system browser" registered as the
x-scheme-handler/http default in the private XDG tree of tests/with-keyring,
and the desktop the screenshots are taken on."""
import html.parser
import json
import os
import re
import signal
import subprocess
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def world(emulator, users, faults="", client_key="gui-test", secret="gui-test-secret"):
    """An emulator world: the [emulator] lines @emulator, the client @client_key with every
    scope, one [user:OPEN_ID] per (open_id, display name, username, extra lines...) of
    @users, and the [faults] lines @faults."""
    text = "[emulator]\n" + emulator
    text += ("[client:%s]\nsecret=%s\nredirect-uris=http://127.0.0.1:*/callback/\n"
             "scopes=user.info.basic,user.info.profile,video.publish,video.upload\n" % (client_key, secret))
    for open_id, name, username, *extra in users:
        text += "[user:%s]\ndisplay-name=%s\nusername=%s\n" % (open_id, name, username)
        text += "".join(line + "\n" for line in extra)
    return text + ("[faults]\n" + faults if faults else "")


class ConsentForm(html.parser.HTMLParser):
    """The emulator's consent page, as a person sees its form: the action, the hidden
    fields, and the ticked boxes as a browser submits them (disabled ones are not sent)."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.ticked = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action")
        elif tag == "input" and attrs.get("type") == "hidden" and "name" in attrs:
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif (tag == "input" and attrs.get("type") == "checkbox" and "name" in attrs and "checked" in attrs
              and "disabled" not in attrs):
            self.ticked[attrs["name"]] = attrs.get("value") or "on"


class Emulator:
    def __init__(self, exe, tmp, world):
        path = os.path.join(tmp, "world.ini")
        with open(path, "w", encoding="utf-8") as f:
            f.write(world)
        self.proc = subprocess.Popen([exe, "--config", path, "--port", "0",
                                      "--data-dir", os.path.join(tmp, "emulator")],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert match, "emulator said: " + line
        self.base = match.group(1)
        # Loopback only: no proxy may stand in between.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, method, path):
        request = urllib.request.Request(self.base + path, method=method, data=b"" if method == "POST" else None)
        body = json.loads(self.opener.open(request, timeout=10).read())
        return body.get("data", body) if isinstance(body, dict) else body

    def sign_in_as(self, open_id):
        """Which TikTok user the browser is logged in as."""
        self.call("POST", "/emulator/sign-in?user=" + open_id)

    def events(self):
        return self.call("GET", "/emulator/events").get("events", [])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(10)
        assert code == 0, "emulator exited with %s" % code


def keyring_open_ids(client_key):
    """The open_ids of the wbps keyring items of client_key, sorted."""
    out = subprocess.run(["secret-tool", "search", "--all", "client_key", client_key],
                         capture_output=True, text=True, timeout=20)
    return sorted(set(re.findall(r"^attribute\.open_id = (.*)$", out.stdout + out.stderr, re.M)))


def install_browser(tmp):
    """test-browser.py as the default http(s) handler; returns its state directory."""
    state = os.path.join(tmp, "browser")
    os.makedirs(state)
    apps = os.path.join(os.environ["XDG_DATA_HOME"], "applications")
    os.makedirs(apps, exist_ok=True)
    with open(os.path.join(apps, "wbps-test-browser.desktop"), "w", encoding="utf-8") as f:
        f.write("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                "Exec=/usr/bin/python3 %s %%u\n"
                "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n" % os.path.join(HERE, "test-browser.py"))
    os.makedirs(os.environ["XDG_CONFIG_HOME"], exist_ok=True)
    with open(os.path.join(os.environ["XDG_CONFIG_HOME"], "mimeapps.list"), "w", encoding="utf-8") as f:
        f.write("[Default Applications]\nx-scheme-handler/http=wbps-test-browser.desktop\n"
                "x-scheme-handler/https=wbps-test-browser.desktop\n")
    os.environ["WBPS_TEST_BROWSER_DIR"] = state
    browser_mode(state, "none")
    return state


def browser_mode(state, mode):
    """What the browser does at the consent page: "authorize", "deny" or "none"."""
    with open(os.path.join(state, "mode"), "w", encoding="utf-8") as f:
        f.write(mode)


def browser_urls(state):
    try:
        with open(os.path.join(state, "urls"), encoding="utf-8") as f:
            return f.read().split()
    except FileNotFoundError:
        return []


def screenshot_desktop(scheme):
    """GNOME's font, a neutral desktop, and a compositor so popovers and shadows look as on
    a desktop; returns the compositor process (SIGTERM it when done)."""
    settings = os.path.join(os.environ["XDG_CONFIG_HOME"], "gtk-4.0")
    os.makedirs(settings, exist_ok=True)
    with open(os.path.join(settings, "settings.ini"), "w", encoding="utf-8") as f:
        f.write("[Settings]\ngtk-font-name=Cantarell 11\n")
    subprocess.run(["xsetroot", "-solid", "#77767b" if scheme == "dark" else "#c0bfbc"], check=True)
    return subprocess.Popen(["xcompmgr", "-n"])


def window_geometry(window_id):
    """(x, y, width, height) of an X window on the screen."""
    out = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window_id],
                         capture_output=True, text=True, check=True).stdout
    values = dict(line.split("=", 1) for line in out.split())
    return tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))


def capture(window_id, path):
    """The window as on screen (popovers and tooltips are windows of their own, so crop the screen)."""
    x, y, width, height = window_geometry(window_id)
    crop = "%dx%d+%d+%d" % (width, height, x, y)
    subprocess.run(["import", "-window", "root", "-crop", crop, "+repage", path], check=True)
