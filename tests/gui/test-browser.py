#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The "system browser" of the GUI end-to-end test.

Registered as the x-scheme-handler/http default in a private mimeapps.list, so
wbps-gtk reaches it through GIO exactly as it reaches a real browser. It
records the URL it was given, then acts as the person at the emulator's
consent page would, as $WBPS_TEST_BROWSER_DIR/mode says: "authorize", "deny",
or "none" (leave the page open: nothing is clicked).
"""
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

from gui_world import ConsentForm


def main():
    url = sys.argv[1]
    state_dir = os.environ["WBPS_TEST_BROWSER_DIR"]
    with open(os.path.join(state_dir, "urls"), "a", encoding="utf-8") as f:
        f.write(url + "\n")
    with open(os.path.join(state_dir, "mode"), encoding="utf-8") as f:
        mode = f.read().strip()
    if mode == "none":
        return 0
    # Loopback only: no proxy may stand in between.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    page = opener.open(url, timeout=30).read().decode("utf-8")
    form = ConsentForm()
    form.feed(page)
    if form.action is None:  # no consent page: the authorize URL redirected at once
        return 0
    # As a browser submits a form: each ticked box sends its value (the scopes left as offered).
    fields = dict(form.fields, decision=mode)
    fields.update(form.ticked)
    target = urllib.parse.urljoin(url, form.action)
    # The emulator answers with a redirect to wbps's loopback server, which the opener follows.
    try:
        status = opener.open(target, data=urllib.parse.urlencode(fields).encode(), timeout=30).status
    except urllib.error.HTTPError as error:  # wbps's page for a refused sign-in
        status = error.code
    with open(os.path.join(state_dir, "done"), "a", encoding="utf-8") as f:
        f.write("%s %d\n" % (mode, status))
    return 0


if __name__ == "__main__":
    sys.exit(main())
