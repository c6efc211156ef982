#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A window to drag a file from, as a file manager does: test-history-drop.py
presses the pointer on it and releases it over wbps-gtk. Offers FILE as
text/uri-list, the type file managers drop. Prints "ready" once shown and
"ended" once the drag is over (the target has read the data and finished)."""
import sys

import gi

gi.require_version("Gdk", "4.0")
gi.require_version("Gtk", "4.0")
from gi.repository import Gdk, Gio, GLib, Gtk  # noqa: E402


def activate(app, uri):
    window = Gtk.ApplicationWindow(application=app, title="drag source", default_width=160, default_height=100,
                                   decorated=False)
    label = Gtk.Label(label="drag me")
    source = Gtk.DragSource(actions=Gdk.DragAction.COPY)
    source.connect("prepare", lambda *_: Gdk.ContentProvider.new_for_bytes(
        "text/uri-list", GLib.Bytes.new((uri + "\r\n").encode())))
    source.connect("drag-end", lambda *_: print("ended", flush=True))
    label.add_controller(source)
    window.set_child(label)
    window.present()
    GLib.timeout_add(500, lambda: print("ready", flush=True) and False)


def main():
    uri = Gio.File.new_for_path(sys.argv[1]).get_uri()
    app = Gtk.Application(application_id="ai.fvz.WbpsTestDragSource", flags=Gio.ApplicationFlags.NON_UNIQUE)
    app.connect("activate", activate, uri)
    return app.run([sys.argv[0]])


if __name__ == "__main__":
    sys.exit(main())
