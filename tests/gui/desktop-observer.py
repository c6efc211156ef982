#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The desktop's side of two D-Bus conversations, for the GUI end-to-end tests.

The tests run wbps-gtk in a private D-Bus session with no GNOME session
manager and no notification daemon, so gtk_application_inhibit() and
g_application_send_notification() would have nobody to talk to. This process
stands in for those two desktop services, NOT for anything of wbps or TikTok:
it owns org.gnome.SessionManager (the only inhibitor GTK 4.8 calls outside a
portal) and org.freedesktop.Notifications (GLib's notification backend when
no org.gtk.Notifications is on the bus), answers as they do, and records each
call as one JSON line in the file named by argv[1]:
  {"call": "Inhibit", "app_id", "reason", "flags", "cookie"}
  {"call": "Uninhibit", "cookie"}
  {"call": "Notify", "app_name", "summary", "body", "id"}
It prints "ready" once both names are its own and exits 0 on SIGTERM.
"""
import json
import signal
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

INTROSPECTION = """
<node>
  <interface name="org.gnome.SessionManager">
    <method name="Inhibit">
      <arg type="s" name="app_id" direction="in"/>
      <arg type="u" name="toplevel_xid" direction="in"/>
      <arg type="s" name="reason" direction="in"/>
      <arg type="u" name="flags" direction="in"/>
      <arg type="u" name="cookie" direction="out"/>
    </method>
    <method name="Uninhibit">
      <arg type="u" name="cookie" direction="in"/>
    </method>
    <method name="IsInhibited">
      <arg type="u" name="flags" direction="in"/>
      <arg type="b" name="inhibited" direction="out"/>
    </method>
  </interface>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" name="app_name" direction="in"/>
      <arg type="u" name="replaces_id" direction="in"/>
      <arg type="s" name="app_icon" direction="in"/>
      <arg type="s" name="summary" direction="in"/>
      <arg type="s" name="body" direction="in"/>
      <arg type="as" name="actions" direction="in"/>
      <arg type="a{sv}" name="hints" direction="in"/>
      <arg type="i" name="expire_timeout" direction="in"/>
      <arg type="u" name="id" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" name="id" direction="in"/>
    </method>
    <method name="GetCapabilities">
      <arg type="as" name="capabilities" direction="out"/>
    </method>
    <method name="GetServerInformation">
      <arg type="s" name="name" direction="out"/>
      <arg type="s" name="vendor" direction="out"/>
      <arg type="s" name="version" direction="out"/>
      <arg type="s" name="spec_version" direction="out"/>
    </method>
    <signal name="NotificationClosed">
      <arg type="u" name="id"/>
      <arg type="u" name="reason"/>
    </signal>
    <signal name="ActionInvoked">
      <arg type="u" name="id"/>
      <arg type="s" name="action_key"/>
    </signal>
  </interface>
</node>
"""

NAMES = {"org.gnome.SessionManager": "/org/gnome/SessionManager",
         "org.freedesktop.Notifications": "/org/freedesktop/Notifications"}


class Observer:
    def __init__(self, log_path):
        self.log = open(log_path, "a", encoding="utf-8")
        self.inhibitors = {}
        self.next_id = 0
        self.owned = set()
        self.loop = GLib.MainLoop()

    def record(self, **entry):
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()

    def new_id(self):
        self.next_id += 1
        return self.next_id

    def method_call(self, connection, sender, path, interface, method, params, invocation):
        args = params.unpack()
        if method == "Inhibit":
            cookie = self.new_id()
            self.inhibitors[cookie] = args[3]
            self.record(call="Inhibit", app_id=args[0], reason=args[2], flags=args[3], cookie=cookie)
            invocation.return_value(GLib.Variant("(u)", (cookie,)))
        elif method == "Uninhibit":
            self.inhibitors.pop(args[0], None)
            self.record(call="Uninhibit", cookie=args[0])
            invocation.return_value(None)
        elif method == "IsInhibited":
            held = any(flags & args[0] for flags in self.inhibitors.values())
            invocation.return_value(GLib.Variant("(b)", (held,)))
        elif method == "Notify":
            nid = args[1] or self.new_id()
            self.record(call="Notify", app_name=args[0], summary=args[3], body=args[4], id=nid)
            invocation.return_value(GLib.Variant("(u)", (nid,)))
        elif method == "CloseNotification":
            invocation.return_value(None)
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["body", "actions"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("wbps-test-desktop", "wbps", "1", "1.2")))

    def acquired(self, connection, name):
        self.owned.add(name)
        if self.owned == set(NAMES):
            print("ready", flush=True)

    def lost(self, connection, name):
        print("could not own %s" % name, file=sys.stderr, flush=True)
        self.loop.quit()
        sys.exit(1)

    def run(self):
        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        info = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
        for iface in info.interfaces:
            path = next(p for n, p in NAMES.items() if n == iface.name)
            bus.register_object(path, iface, self.method_call, None, None)
        for name in NAMES:
            Gio.bus_own_name_on_connection(bus, name, Gio.BusNameOwnerFlags.NONE, self.acquired, self.lost)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, self.loop.quit)
        self.loop.run()
        self.log.close()
        return 0


if __name__ == "__main__":
    sys.exit(Observer(sys.argv[1]).run())
