#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, what happens around an upload: the real wbps-gtk window driven
through AT-SPI, a real wbps-emulator, a real gnome-keyring (run under
tests/with-keyring), real GStreamer and generated test videos.

Covers: wbps-gtk killed (SIGKILL) mid-upload offers Resume at its next start,
and Resume sends from what TikTok holds on (at or past the app's checkpoint,
never from 0: the emulator's record of every PUT), ends Published with exactly
one post whose bytes are the file's; an upload holds a logout|suspend inhibit
and releases it when it ends; a post published while the window is not
focused sends a notification; History's Open on TikTok opens
https://www.tiktok.com/@USERNAME/video/POST_ID in the system browser; an
account without video.publish has Direct Post disabled with the reason and
sends to the TikTok inbox (an inbox init without post_info), the row reading
"Sent to inbox", with no notification while the window has the focus; a post
that fails while the window is not focused sends a notification; quitting
during an upload asks first and says it can be resumed (Keep Uploading goes
on, Stop and Quit stops and the next start offers Resume); sandbox mode shows
its note and offers only "Only me".

The inhibit and the notifications go to tests/gui/desktop-observer.py on the
test's private session bus: it stands in for the desktop (GNOME's session
manager and a notification daemon), not for wbps or TikTok, and records what
wbps-gtk asked of it. Prints TAP. Shares composer_world.py, wbps_atspi.py and
gui_world.py.
"""
import hashlib
import json
import os
import shutil
import time
import signal
import sqlite3
import subprocess
import sys

import pyatspi

import gui_world
import composer_world
from composer_world import App, Emulator, choose_privacy, make_video, privacy_items
from gui_tap import step
from wbps_atspi import wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
N_TESTS = 9
APP_ID = "ai.fvz.Wbps"
INHIBIT_LOGOUT, INHIBIT_SUSPEND = 1, 4
BIG_TITLE = "Long take #resume"
SECOND_TITLE = "Second take"

# Every upload PUT's reply is held back 2.5 s: a 70 MB file in 16 MiB chunks takes long
# enough to be killed half-way, with its first chunks acknowledged.
WORLD = gui_world.world("signed-in-user=gui-carol\nprocessing-delay-ms=1500\n", [
    ("gui-carol", "Carol Creator", "carol"),
    ("gui-dave", "Dave Example", "dave", "fail-reason=picture_size_check_failed"),
    ("gui-frank", "Frank Drafts", "frank"),
], faults="slow-ms=2500\nslow-path=/upload/\n")


class Desktop:
    """tests/gui/desktop-observer.py: the session manager and notification daemon of the private bus."""

    def __init__(self, tmp):
        self.log = os.path.join(tmp, "desktop.jsonl")
        self.proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "desktop-observer.py"), self.log],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", "desktop observer said %r" % line

    def calls(self, name=None):
        try:
            with open(self.log, encoding="utf-8") as f:
                entries = [json.loads(line) for line in f]
        except FileNotFoundError:
            return []
        return [e for e in entries if name is None or e["call"] == name]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(10)
        assert code == 0, "desktop observer exited with %s" % code


def root_window():
    return subprocess.run(["xdotool", "search", "--maxdepth", "0", "--name", ""], check=True,
                          stdout=subprocess.PIPE, text=True, timeout=10).stdout.split()[0]


def window_active(app):
    frame = app.main_window()
    return frame is not None and frame.getState().contains(pyatspi.STATE_ACTIVE)


def look_away(app):
    """The creator switches to another window: X's input focus leaves wbps (and, with no
    window manager, the pointer too: focus on the root follows it into a window)."""
    subprocess.run(["xdotool", "mousemove", "1279", "799"], check=True, timeout=10)
    subprocess.run(["xdotool", "windowfocus", "--sync", root_window()], check=True, timeout=10)
    wait_for("the window no longer focused", lambda: not window_active(app))


def look_back(app):
    ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(app.proc.pid), "--name", "^wbps$"],
                         stdout=subprocess.PIPE, text=True, timeout=10).stdout.split()
    for wid in ids:
        subprocess.run(["xdotool", "windowfocus", wid], timeout=10)
    wait_for("the window focused", lambda: window_active(app))


def checkpoint(data_home, publish_id=None):
    """The unfinished upload's row in wbps's database: (publish_id, next_offset, state)."""
    path = os.path.join(data_home, "wbps", "wbps.db")
    if not os.path.exists(path):
        return None
    try:
        with sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=5) as db:
            rows = db.execute("SELECT publish_id, next_offset, state FROM posts WHERE title = ?",
                              (BIG_TITLE,)).fetchall()
    except sqlite3.Error:
        return None
    return rows[0] if rows else None


def fraction(bar):
    value = bar.queryValue()
    return (value.currentValue - value.minimumValue) / max(value.maximumValue - value.minimumValue, 1e-9)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_big_video(path, small, megabytes):
    """A real video followed by a "free" box of @megabytes (ISO BMFF padding every reader
    skips): over the 64 MB TikTok takes whole, so wbps sends it in 16 MiB chunks."""
    shutil.copyfile(small, path)
    size = megabytes * 1000 * 1000
    with open(path, "ab") as f:
        f.write((size + 8).to_bytes(4, "big") + b"free")
        for _ in range(size // (1 << 20)):
            f.write(os.urandom(1 << 20))
        f.write(os.urandom(size % (1 << 20)))


def post_as_shown(app, privacy, title):
    app.find("label", lambda n: (n or "").startswith("Posting as "))
    choose_privacy(app, privacy)
    app.find("text", "Title").queryEditableText().setTextContents(title)
    app.act("push button", "Post")


def quit_via_shell():
    """Quit as GNOME Shell's app menu does: app.quit over org.gtk.Actions."""
    subprocess.run(["gdbus", "call", "--session", "--dest", APP_ID, "--object-path", "/ai/fvz/Wbps",
                    "--method", "org.gtk.Actions.Activate", "quit", "[]", "{}"],
                   check=True, stdout=subprocess.DEVNULL, timeout=30)


# ---- the steps ----------------------------------------------------------------

@step("an upload holds a logout|suspend inhibit; SIGKILL half-way leaves a checkpoint")
def kill_mid_upload(app, desktop, world):
    post_as_shown(app, "Everyone", BIG_TITLE)
    bar = app.find("progress bar", "Upload progress")
    inhibit = wait_for("an Inhibit call", lambda: desktop.calls("Inhibit"))[0]
    assert inhibit["app_id"] == APP_ID, inhibit
    assert inhibit["flags"] == INHIBIT_LOGOUT | INHIBIT_SUSPEND, inhibit
    assert inhibit["reason"] == "Uploading a video to TikTok", inhibit
    # Killed while the bar is between 10 % and 90 % and a chunk is acknowledged (a checkpoint).
    wait_for("a checkpoint past 0 with the bar between 10 % and 90 %",
             lambda: (checkpoint(world["data_home"]) or (None, 0))[1] > 0 and 0.1 < fraction(bar) < 0.9, 120)
    shown = fraction(bar)
    app.proc.send_signal(signal.SIGKILL)
    assert app.proc.wait(10) == -signal.SIGKILL, "wbps-gtk ended with %s, not by the SIGKILL" % app.proc.returncode
    publish_id, offset, state = checkpoint(world["data_home"])
    assert state == "UPLOAD" and 0 < offset < os.path.getsize(world["big"]), (publish_id, offset, state)
    assert 0.1 < shown < 0.9, shown
    world.update(publish_id=publish_id, offset=offset)
    assert not desktop.calls("Uninhibit"), "an uninhibit before the upload ended"


@step("at the next start Resume continues from the checkpoint; one post of the file's bytes, Published")
def resume(app, desktop, world):
    emulator = world["emulator"]
    app.act("page tab", "Uploads")
    app.find("label", BIG_TITLE)
    app.label_starting("Interrupted · Carol Creator")
    # What TikTok holds by now: the chunks acknowledged before the kill, and any whose bytes
    # were all in flight (so at or past the app's checkpoint).
    before = emulator.posts()[0]
    assert before["received"] >= world["offset"], (before, world["offset"])
    look_away(app)
    app.act("push button", "Resume")
    app.label_starting("Published", 120)
    posts = emulator.posts()
    assert len(posts) == 1, posts
    post = posts[0]
    size = os.path.getsize(world["big"])
    assert post["publish_id"] == world["publish_id"] and post["status"] == "PUBLISH_COMPLETE", post
    assert post["received"] == post["video_size"] == size, post
    # Resume asks TikTok how much it holds and sends the rest: never from 0, never again.
    after = post["puts"][len(before["puts"]):]
    assert after and after[0]["first"] == before["received"] > 0, (before, post["puts"])
    assert after[-1]["last"] == size - 1 and after[-1]["status"] == 201, post["puts"]
    assert sha256(emulator.uploaded_path(post["publish_id"])) == sha256(world["big"]), "the bytes differ"
    world["post_id"] = post["post_id"]


@step("the inhibit is released when the upload ends")
def inhibit_released(desktop):
    inhibits = desktop.calls("Inhibit")
    assert len(inhibits) == 2, inhibits
    resumed = inhibits[1]
    assert resumed["flags"] == INHIBIT_LOGOUT | INHIBIT_SUSPEND and resumed["app_id"] == APP_ID, resumed
    wait_for("Uninhibit of the resumed upload's cookie",
             lambda: [c for c in desktop.calls("Uninhibit") if c["cookie"] == resumed["cookie"]])


@step("published while the window is not focused: a notification with the post's title")
def published_notification(app, desktop):
    notes = wait_for("a notification", lambda: desktop.calls("Notify"))
    assert [(n["summary"], n["body"]) for n in notes] == [("Posted to TikTok", BIG_TITLE)], notes


@step("History: Open on TikTok opens the post at https://www.tiktok.com/@carol/video/POST_ID")
def open_on_tiktok(app, world):
    look_back(app)
    assert world["post_id"], "the emulator made no public post id"
    app.act("page tab", "History")
    app.find("label", BIG_TITLE)
    app.act("push button", "Open on TikTok")
    expected = "https://www.tiktok.com/@carol/video/%s" % world["post_id"]
    urls = wait_for("the browser opened", lambda: gui_world.browser_urls(world["browser"]))
    assert urls == [expected], (urls, expected)


@step("an account without video.publish: Post disabled with the reason; Send to TikTok Inbox sends a draft")
def inbox_only(app, desktop, world):
    app.open_account_menu()
    app.click("push button", "Frank Drafts")
    app.open(world["small"])
    app.find("label", "Posting as Frank Drafts")
    direct = app.find("push button", "Direct Post")
    assert not direct.getState().contains(pyatspi.STATE_SENSITIVE), "Direct Post is enabled"
    assert "(video.publish)" in (direct.description or ""), direct.description
    app.label_containing("did not allow wbps to post directly (video.publish)")
    app.act("push button", "Send to TikTok Inbox")
    app.label_starting("Sent to inbox", 60)
    drafts = [p for p in world["emulator"].posts() if p["open_id"] == "gui-frank"]
    assert len(drafts) == 1 and drafts[0]["inbox"] is True, drafts
    assert drafts[0]["post_info"] in (None, {}), drafts[0]
    assert window_active(app) and len(desktop.calls("Notify")) == 1, "a notification while focused"


@step("failed while the window is not focused: a notification says so")
def failed_notification(app, desktop, world):
    app.open_account_menu()
    app.click("push button", "Dave Example")
    app.open(world["small"])
    app.find("label", "Posting as Dave Example")
    post_as_shown(app, "Everyone", "Doomed #fail")
    look_away(app)
    app.label_starting("Failed", 60)
    notes = wait_for("the second notification", lambda: desktop.calls("Notify")[1:])
    assert [(n["summary"], n["body"]) for n in notes] == [("Post failed", "Doomed #fail")], notes


@step("quitting during an upload asks first and says it can be resumed; Keep Uploading keeps it, Stop and Quit stops")
def quit_asks(app, world):
    look_back(app)
    app.open_account_menu()
    app.click("push button", "Carol Creator")
    app.open(world["bigger"])
    app.find("label", "bigger.mp4")
    post_as_shown(app, "Only me", SECOND_TITLE)
    app.find("label", SECOND_TITLE)  # on the Uploads page: the upload runs
    for answer in ("Keep Uploading", "Stop and Quit"):
        quit_via_shell()
        dialog = app.find_dialog("Stop Uploading?")
        app.find("label", lambda n: "choose Resume on the Uploads page" in (n or ""), within=dialog)
        # Each response read once (GTK 4.8 alone names a mnemonic button "_Label Label").
        names = sorted(n.name for n in app.find_all("push button", None, within=dialog))
        assert names == ["Keep Uploading", "Stop and Quit"], names
        app.click("push button", answer, within=dialog)
        time.sleep(2)  # GTK 4.8 crashes when AT-SPI walks a dialog being destroyed
        if answer == "Keep Uploading":
            assert app.proc.poll() is None, "the app quit"
            app.label_starting("Uploading")
    assert app.proc.wait(60) == 0, "wbps-gtk exited with %s" % app.proc.returncode
    second = [p for p in world["emulator"].posts() if p["post_info"] and p["post_info"].get("title") == SECOND_TITLE]
    assert len(second) == 1 and second[0]["received"] < second[0]["video_size"], second


@step("the stopped upload is offered for Resume; sandbox mode: the note, and Only me is the only choice")
def sandbox(holder, world):
    app = holder[0] = App(world["emulator"], extra_env={"WBPS_SANDBOX": "1"})
    app.act("page tab", "Uploads")
    app.find("label", SECOND_TITLE)
    app.find("push button", "Resume")
    app.open(world["small"])
    app.find("label", "Posting as Carol Creator")
    app.label_containing("Sandbox mode: TikTok keeps every post from this app private")
    items = privacy_items(app)
    assert [name for name, _, _ in items] == ["Only me"], items


def main():
    return composer_world.run_steps("wbps-uploads-e2e-", N_TESTS, run)


def run(tmp, holder):
    world = {"data_home": os.environ["XDG_DATA_HOME"]}
    world["small"] = os.path.join(tmp, "small.mp4")
    world["big"] = os.path.join(tmp, "big.mp4")
    world["bigger"] = os.path.join(tmp, "bigger.mp4")
    make_video(world["small"], 30)
    make_big_video(world["big"], world["small"], 70)
    # Nine PUTs of 2.5 s at least: time to quit twice while it runs.
    make_big_video(world["bigger"], world["small"], 160)
    world["browser"] = gui_world.install_browser(tmp)
    desktop = Desktop(tmp)
    holder.append(desktop)
    emulator = world["emulator"] = Emulator(os.path.join(tmp, "emulator"), WORLD)
    holder.insert(1, emulator)
    emulator.sign_in_cli("gui-dave")
    emulator.sign_in_cli("gui-frank", scopes=["user.info.profile", "video.upload"])
    emulator.sign_in_cli("gui-carol")
    app = holder[0] = App(emulator, world["big"])
    kill_mid_upload(app, desktop, world)
    app = holder[0] = App(emulator)
    resume(app, desktop, world)
    inhibit_released(desktop)
    published_notification(app, desktop)
    open_on_tiktok(app, world)
    inbox_only(app, desktop, world)
    failed_notification(app, desktop, world)
    quit_asks(app, world)
    sandbox(holder, world)


if __name__ == "__main__":
    sys.exit(main())
