#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, the History page and drops on the window: the real wbps-gtk
window driven through AT-SPI, a real wbps-emulator, a real gnome-keyring (run
under tests/with-keyring), real GStreamer, and files dragged in from another
X client with the pointer (xdotool), as from a file manager.

Covers: the empty History page with its hint; a non-video dropped on the
History page leaves that page as it was and says why; a video dropped there
opens in the composer on the Post page; a post's row appears in the History
while its upload runs and turns Published on its own (the page bound to the
core's history model), with the cover frame kept when it was posted; Open on
TikTok opens https://www.tiktok.com/@USERNAME/video/POST_ID with the post id
the emulator gives for the post (`wbps status --json`); a post made with
`wbps post --no-wait` shows a placeholder cover and "Processing on TikTok"
until Refresh learns TikTok is done; a post made with `wbps post` while the
window is open appears in History as it goes and turns Published; a Refresh
that cannot reach TikTok says why in a toast and keeps the list. Prints TAP. Shares composer_world.py's helpers.
"""
import json
import os
import select
import subprocess
import sys
import time

import pyatspi

import composer_world as composer_e2e
import gui_world
from gui_tap import assert_clean_exit, step  # noqa: E402
from wbps_atspi import wait_for

HERE = os.path.dirname(os.path.abspath(__file__))

N_TESTS = 7

WORLD = gui_world.world("auto-approve=true\nsigned-in-user=hist-erin\nprocessing-delay-ms=20000\n",
                           [("hist-erin", "Erin Example", "erin")])


def drop(path):
    """Drags @path from a window of another client onto the middle of wbps-gtk's window."""
    source = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "drag-source.py"), path],
                              env=dict(os.environ, GDK_BACKEND="x11", GTK_A11Y="none"),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert source.stdout.readline().strip() == "ready", "the drag source did not start"
        x0, y0, height = composer_e2e.window_origin()
        # The source (160 × 100, no window manager) sits at the screen's top left, over wbps-gtk.
        for args in (["mousemove", "60", "50"], ["mousedown", "1"], ["mousemove", "80", "70"],
                     ["mousemove", "200", "200"], ["mousemove", str(x0 + 380), str(y0 + height // 2)],
                     ["mousemove", str(x0 + 390), str(y0 + height // 2 + 10)], ["mouseup", "1"]):
            subprocess.run(["xdotool", *args], check=True, timeout=10)
            time.sleep(0.3)
        # The source must live until wbps-gtk has read the file list from it.
        ready, _, _ = select.select([source.stdout], [], [], 60)
        assert ready and source.stdout.readline().strip() == "ended", "the drag did not end"
    finally:
        source.terminate()
        assert source.wait(10) in (0, -15), "the drag source exited with %s" % source.returncode


def selected_tab(app):
    tabs = [n for n in app.find_all("page tab") if n.getState().contains(pyatspi.STATE_SELECTED)]
    return tabs[0].name if tabs else None


@step("the History page is empty, with a hint")
def empty_history(app):
    app.act("page tab", "History")
    app.find("label", "No Posts Yet")
    app.label_containing("Choose a video on the Post page to begin.")


@step("a non-video dropped on History leaves the page as it was and says why")
def drop_text(app, files):
    drop(files["notes"])
    app.label_containing("“notes.txt” cannot be used")
    assert selected_tab(app) == "History", selected_tab(app)
    app.find("label", "No Posts Yet")


@step("a video dropped on History opens in the composer on the Post page")
def drop_video(app, files):
    drop(files["good"])
    app.find("label", "good.mp4")
    wait_for("the Post page", lambda: selected_tab(app) == "Post")
    app.find("label", "Posting as Erin Example")


@step("the post's row appears while it uploads, turns Published by itself, keeps its cover; Open on TikTok")
def live_history(app, emulator, browser):
    composer_e2e.choose_privacy(app, "Everyone")
    app.find("text", "Title").queryEditableText().setTextContents("Dropped in #history")
    app.act("push button", "Post")
    app.find("progress bar", "Upload progress")
    app.act("page tab", "History")
    history = app.find("list", "History")
    app.find("label", "Dropped in #history", within=history)
    # TikTok takes 20 s to process: the row shows it waiting, then Published, on the same page.
    app.find("label", lambda n: n in ("Processing on TikTok", "Upload not finished"), within=history)
    app.find("label", "Published", timeout=60, within=history)
    assert selected_tab(app) == "History", "the page was left: %r" % selected_tab(app)
    app.find("image", "Cover", within=history)
    assert not app.find_all("image", "No cover", within=history), "no cover was kept for the post"
    posts = emulator.posts()
    assert len(posts) == 1 and posts[0]["status"] == "PUBLISH_COMPLETE", posts
    # The post id as TikTok (the emulator) gives it for that publish id.
    out = subprocess.run([composer_e2e.WBPS_CLI, "status", posts[0]["publish_id"], "--json"], env=emulator.env(),
                         capture_output=True, text=True, timeout=60, check=True).stdout
    post_ids = json.loads(out)["post_ids"]
    assert len(post_ids) == 1 and post_ids[0].isdigit(), out
    app.act("push button", "Open on TikTok")
    url = wait_for("the browser opened", lambda: (gui_world.browser_urls(browser) or [None])[-1])
    assert url == "https://www.tiktok.com/@erin/video/" + post_ids[0], url


@step("Refresh asks TikTok again for a post still processing; a post made elsewhere shows a placeholder cover")
def refresh(holder, emulator, files):
    assert_clean_exit("wbps-gtk", holder[0].stop())
    out = subprocess.run([composer_e2e.WBPS_CLI, "post", files["good"], "--privacy", "SELF_ONLY",
                          "--title", "From the command line", "--no-wait", "--json"], env=emulator.env(),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, (out.returncode, out.stdout, out.stderr)
    publish_id = json.loads(out.stdout)["publish_id"]
    app = holder[0] = composer_e2e.App(emulator)
    app.act("page tab", "History")
    history = app.find("list", "History")
    row = wait_for("the command line's post", lambda: [
        item for item in app.find_all("list item", None, within=history)
        if app.find_all("label", "From the command line", within=item)])[0]
    app.find("label", "Processing on TikTok", within=row)
    app.find("image", "No cover", within=row)
    assert not app.find_all("image", "Cover", within=row), "a cover for a post wbps-gtk never saw"
    wait_for("TikTok done processing", lambda: [p for p in emulator.posts() if p["publish_id"] == publish_id
                                                and p["status"] == "PUBLISH_COMPLETE"], timeout=60)
    # Nothing follows this post: only Refresh learns that TikTok is done.
    time.sleep(1)
    assert app.find_all("label", "Processing on TikTok", within=row), "the row changed before Refresh"
    app.act("push button", "Refresh")
    app.find("label", "Published", within=history, timeout=60)
    wait_for("the command line's post published", lambda: [
        item for item in app.find_all("list item", None, within=history)
        if app.find_all("label", "From the command line", within=item)
        and app.find_all("label", "Published", within=item)])


def history_row(app, history, title, *labels, timeout=composer_e2e.TIMEOUT):
    """The row of @title once it shows one of @labels (any row of it when none); a row is made
    anew at each change, so it is looked for again each time."""
    return wait_for("the row of %r showing %r" % (title, labels), lambda: [
        item for item in app.find_all("list item", None, within=history)
        if app.find_all("label", title, within=item)
        and (not labels or app.find_all("label", lambda n: n in labels, within=item))], timeout=timeout)[0]


@step("a post made with wbps post while the window is open appears in History and turns Published")
def cli_post_while_open(app, emulator, files):
    history = app.find("list", "History")
    cli = subprocess.Popen([composer_e2e.WBPS_CLI, "post", files["good"], "--privacy", "SELF_ONLY",
                            "--title", "Posted while open", "--json"], env=emulator.env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # TikTok takes 20 s to process: the row is seen waiting before the command ends.
        history_row(app, history, "Posted while open", "Uploading", "Processing on TikTok")
        assert cli.poll() is None, "wbps post ended before its row was seen waiting"
        out, err = cli.communicate(timeout=120)
    finally:
        if cli.poll() is None:
            cli.terminate()
            cli.wait(10)
    assert cli.returncode == 0, (cli.returncode, out, err)
    history_row(app, history, "Posted while open", "Published", timeout=30)
    assert json.loads(out)["publish_id"] in [p["publish_id"] for p in emulator.posts()], out


@step("a Refresh that cannot reach TikTok says why in a toast; the list stays")
def refresh_unreachable(app, emulator, files):
    history = app.find("list", "History")
    out = subprocess.run([composer_e2e.WBPS_CLI, "post", files["good"], "--privacy", "SELF_ONLY",
                          "--title", "Still processing", "--no-wait"], env=emulator.env(),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, (out.returncode, out.stdout, out.stderr)
    history_row(app, history, "Still processing", "Processing on TikTok")
    emulator.stop()
    app.act("push button", "Refresh")
    toast = app.label_starting("Could not ask TikTok for the latest statuses: ")
    print("# the toast: %s" % toast.name, flush=True)
    assert "127.0.0.1" in toast.name or "connect" in toast.name.lower(), toast.name
    wait_for("Refresh enabled again", lambda: app.state("push button", "Refresh", pyatspi.STATE_SENSITIVE))
    history_row(app, history, "Still processing", "Processing on TikTok", timeout=1)
    assert app.find_all("label", "Published", within=history), "the published rows went away"


def main():
    return composer_e2e.run_steps("wbps-history-drop-", N_TESTS, run)


def run(tmp, holder):
    browser = gui_world.install_browser(tmp)
    files = {"good": os.path.join(tmp, "good.mp4"), "notes": os.path.join(tmp, "notes.txt")}
    composer_e2e.make_video(files["good"], 30)
    with open(files["notes"], "w", encoding="utf-8") as f:
        f.write("Not a video.\n")
    emulator = composer_e2e.Emulator(os.path.join(tmp, "main"), WORLD)
    holder.append(emulator)
    emulator.sign_in_cli("hist-erin")
    app = holder[0] = composer_e2e.App(emulator)
    empty_history(app)
    drop_text(app, files)
    drop_video(app, files)
    live_history(app, emulator, browser)
    refresh(holder, emulator, files)
    cli_post_while_open(holder[0], emulator, files)
    refresh_unreachable(holder[0], emulator, files)


if __name__ == "__main__":
    sys.exit(main())
