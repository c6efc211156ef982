# SPDX-License-Identifier: GPL-3.0-or-later
"""wbps-gtk through AT-SPI, as a screen reader sees it: widgets are found by
role and accessible name, and pressed with their "click" action. Shared by the
GUI end-to-end test and build-aux/screenshots. Needs Debian's python3-pyatspi
and an at-spi bus in the session (start_accessibility_bus)."""
import os
import signal
import subprocess
import time

import pyatspi
from gi.repository import GLib

TIMEOUT = 30


def wait_for(what, predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.2)


def start_accessibility_bus():
    return subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class App:
    """One wbps-gtk process with accessibility on, and its accessible tree."""

    def __init__(self, exe, args=(), env=None):
        # English names unless the caller asks for a language (translated screenshots).
        language = (env or {}).get("LANGUAGE", "C")
        env = dict(env or os.environ, GTK_A11Y="atspi", GDK_BACKEND="x11", LANGUAGE=language)
        env.pop("NO_AT_BRIDGE", None)
        self.proc = subprocess.Popen([exe, *args], env=env)
        if self._wait_started() == "exited":
            # An Xvfb started without -noreset refuses connections while it resets after
            # its last client left ("cannot open display"); start once more, and say so.
            print("# wbps-gtk exited at start with %s; started again" % self.proc.returncode, flush=True)
            self.proc = subprocess.Popen([exe, *args], env=env)
        self.root = wait_for("wbps-gtk on the accessibility bus", self._find_app)

    def _wait_started(self):
        """The app's accessible root, or "exited" when the process ended before it appeared."""
        return wait_for("wbps-gtk on the accessibility bus",
                        lambda: self._find_app() or (self.proc.poll() is not None and "exited"))

    def _find_app(self):
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.name == "wbps-gtk":
                return app
        return None

    def _toplevel(self, role, name):
        try:
            for i in range(self.root.childCount):
                child = self.root.getChildAtIndex(i)
                if child is not None and child.getRoleName() == role and child.name == name:
                    return child
        except GLib.GError:  # no reply in time: the app is busy (a loaded machine); ask again later
            pass
        return None

    def main_window(self):
        """The main window only: walking into a dialog GTK 4.8 is tearing down crashes it."""
        return self._toplevel("frame", "wbps")

    def find_dialog(self, name):
        return wait_for("dialog %r" % name, lambda: self._toplevel("dialog", name))

    def find_all(self, role, name=None, within=None):
        """What is on screen (wbps hides the pages of a stack that are not shown)."""
        found = []

        def matches(node):
            return node.getRoleName() == role and (name is None or node.name == name or
                                                   (callable(name) and name(node.name)))

        def visit(node, depth):
            if node is None or depth > 60:
                return
            try:
                if depth > 0 and not node.getState().contains(pyatspi.STATE_VISIBLE):
                    return
                if matches(node):
                    found.append(node)
                for i in range(node.childCount):
                    visit(node.getChildAtIndex(i), depth + 1)
            except Exception:  # a node going away while we look
                return

        visit(within or self.main_window(), 0)
        return found

    def find(self, role, name, timeout=TIMEOUT, within=None):
        try:
            return wait_for("%s %r" % (role, name), lambda: (self.find_all(role, name, within) or [None])[0],
                            timeout)
        except AssertionError:
            print("# on screen:\n" + self.dump(within), flush=True)
            raise

    def label_containing(self, text, timeout=TIMEOUT):
        return self.find("label", lambda n: text in (n or ""), timeout)

    def click(self, role, name, within=None):
        """Presses the control: of the nodes so named (a menu button is two), the one that clicks."""
        def clickable():
            for node in self.find_all(role, name, within):
                action = node.queryAction()
                for i in range(action.nActions):
                    if action.getName(i) == "click" and node.getState().contains(pyatspi.STATE_SENSITIVE):
                        return (action, i)
            return None
        action, index = wait_for("%s %r clickable" % (role, name), clickable)
        action.doAction(index)

    def open_account_menu(self):
        self.click("push button", "Accounts")
        self.find("push button", "Add Account…")

    def add_account(self, emulator, open_id, display_name):
        """Adds @open_id through the account menu, the browser signed in as that user."""
        emulator.sign_in_as(open_id)
        self.open_account_menu()
        self.click("push button", "Add Account…")
        self.find("label", display_name)
        self.click("push button", "Continue")

    def dump(self, within=None):
        lines = []

        def visit(node, depth):
            try:
                if node is None or depth > 40 or not node.getState().contains(pyatspi.STATE_VISIBLE):
                    return
                lines.append("#%s%s %r" % ("  " * depth, node.getRoleName(), node.name))
                for i in range(node.childCount):
                    visit(node.getChildAtIndex(i), depth + 1)
            except Exception:
                return

        visit(within or self.main_window(), 0)
        return "\n".join(lines)

    def stop(self):
        """SIGTERM, as a session ending does; returns how the process ended."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(10)
