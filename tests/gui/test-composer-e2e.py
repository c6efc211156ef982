#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, the Post, Uploads and History pages: the real wbps-gtk window
driven through AT-SPI, a real wbps-emulator, a real gnome-keyring (run under
tests/with-keyring), real GStreamer and generated test videos.

Covers: a video opened through the file chooser's keyboard path; a 15 fps
file's pre-flight problem keeps Post disabled; a corrupt file keeps the
previous video; the privacy dropdown starts with no selection and offers
exactly the creator's options; interactions the creator disabled stay
insensitive; disclosure with nothing ticked keeps Post disabled; the Your
brand and Branded content check boxes (clicked with the pointer); branded
content greys out "Only me"; the Cover frame slider's time is the
video_cover_timestamp_ms the emulator received; the upload's progress bar
reaches 100 % and the row reaches Published; the history lists the post; a
post TikTok fails shows TikTok's reason. Prints TAP. Shares composer_world.py, wbps_atspi.py and gui_world.py.
"""
import os
import subprocess
import sys

import pyatspi

import composer_world
import gui_world
from composer_world import App, Emulator, choose_privacy, make_video, privacy_items, tick
from gui_tap import step  # noqa: E402
from wbps_atspi import wait_for

N_TESTS = 10

WORLD = gui_world.world("auto-approve=true\nsigned-in-user=gui-carol\nprocessing-delay-ms=1500\n", [
    ("gui-carol", "Carol Creator", "carol", "private=true"),
    ("gui-dave", "Dave Example", "dave", "fail-reason=picture_size_check_failed"),
    ("gui-erin", "Erin Example", "erin"),
    ("gui-kai", "Kai Example", "kai", "cap-state=spam_risk_too_many_posts"),
])


def nodes(within, depth=0):
    """Every visible node under @within (a node going away while we look ends its branch)."""
    try:
        if depth > 40 or not within.getState().contains(pyatspi.STATE_VISIBLE):
            return
        yield within
        for i in range(within.childCount):
            yield from nodes(within.getChildAtIndex(i), depth + 1)
    except Exception:
        return


def has_focus(within):
    """Whether a widget of @within has the keyboard focus (typed keys go there)."""
    return any(node.getState().contains(pyatspi.STATE_FOCUSED) for node in nodes(within))


def x_window_named(title):
    """Whether X maps a window of that exact title (asked of X, not of AT-SPI)."""
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^%s$" % title],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20)
    return found.returncode == 0


# ---- the steps ----------------------------------------------------------------

@step("Choose Video… opens the file chooser; a path typed there opens the video")
def choose_video(app, videos):
    app.act("push button", "Choose Video…")
    chooser = wait_for("the file chooser", lambda: app._toplevel("dialog", "Choose a Video") or
                       app._toplevel("filler", "Choose a Video"))
    app.find("push button", "_Open Open", within=chooser)
    assert x_window_named("Choose a Video"), "X maps no window for the file chooser"
    wait_for("the keyboard focus in the file chooser", lambda: has_focus(chooser))
    app.type_text(videos["good"])
    # GTK 4.8 does not expose the entry's text; its keys arrive in order, Return after the path.
    wait_for("the chooser's location entry",
             lambda: any(node.name == "GtkFileChooserEntry" for node in nodes(chooser)))
    app.press(0xff0d)
    # GTK 4.8 crashes when AT-SPI walks a dialog while it is being destroyed: wait until X has no such window.
    wait_for("the file chooser gone", lambda: not x_window_named("Choose a Video"))
    app.find("label", "good.mp4")
    app.label_containing("720 × 1280 · 30 fps · H.264")
    app.find("label", "This video meets TikTok’s requirements.")


@step("a 15 fps video shows the pre-flight problem and Post stays disabled")
def slow_video(app, videos):
    app.open(videos["slow"])
    app.find("label", "slow.mp4")
    app.label_containing("The frame rate is 15 fps")
    app.find("label", "Posting as Carol Creator")
    assert not app.state("push button", "Post", pyatspi.STATE_SENSITIVE), "Post is enabled for a 15 fps video"


@step("a corrupt file gets a clear message and the previous video stays")
def corrupt_file(app, videos):
    app.open(videos["corrupt"])
    app.label_containing("“corrupt.mp4” cannot be used")
    app.find("label", "slow.mp4")
    assert not app.find_all("label", "corrupt.mp4"), "the corrupt file replaced the video"


@step("the privacy dropdown has no selection and exactly the creator's options")
def privacy_options(app, videos):
    app.open(videos["good"])
    app.find("label", "good.mp4")
    app.find("label", "Posting as Carol Creator")
    app.find("label", "Choose who can see this video; there is no default.")
    items = privacy_items(app)
    assert [name for name, _, _ in items] == ["Followers", "Friends", "Only me"], items
    assert not any(checked for _, _, checked in items), "a visibility is chosen by default: %r" % items
    assert not app.state("push button", "Post", pyatspi.STATE_SENSITIVE), "Post enabled without a privacy choice"
    app.label_containing("Choose who can see the post: TikTok requires an explicit privacy level")


@step("interactions the creator disabled stay insensitive and off")
def interactions(app, videos):
    assert app.state("check box", "Allow Comment", pyatspi.STATE_SENSITIVE)
    assert not app.state("check box", "Allow Comment", pyatspi.STATE_CHECKED), "Allow Comment on by default"
    for name in ("Allow Duet", "Allow Stitch"):
        assert not app.state("check box", name, pyatspi.STATE_SENSITIVE), name + " can be switched on"
        assert not app.state("check box", name, pyatspi.STATE_CHECKED), name + " is on"
    app.label_containing("Duets are turned off for this account")


@step("disclosure with nothing ticked keeps Post disabled; branded content greys out Only me")
def disclosure(app, videos):
    choose_privacy(app, "Followers")
    wait_for("Post enabled", lambda: app.state("push button", "Post", pyatspi.STATE_SENSITIVE))
    app.act("check box", "Disclose commercial content")
    needed = "You need to indicate if your content promotes yourself, a third party, or both."
    app.find("label", needed)
    wait_for("Post disabled", lambda: not app.state("push button", "Post", pyatspi.STATE_SENSITIVE))
    # Said once, by the check boxes (and as Post's hover text, guideline 5), not again above Post.
    assert len(app.find_all("label", needed)) == 1, "the requirement is shown %d times" % len(app.find_all("label", needed))
    assert needed in app.find("push button", "Post").description, app.find("push button", "Post").description
    tick(app, "Branded content")
    app.find("label", "Your photo/video will be labeled as ‘Paid partnership’")
    app.label_containing("Branded Content Policy")
    items = {name: sensitive for name, sensitive, _ in privacy_items(app)}
    assert items.get("Only me") is False, items
    assert items.get("Followers") is True, items
    app.label_containing("Branded content visibility cannot be set to private.")
    tick(app, "Branded content")
    tick(app, "Your brand")
    app.find("label", "Your photo/video will be labeled as ‘Promotional content’")
    wait_for("Post enabled", lambda: app.state("push button", "Post", pyatspi.STATE_SENSITIVE))


@step("post: the cover time reaches TikTok, the progress bar reaches 100 % and the row Published")
def post(app, emulator):
    slider = app.find("slider", "Cover frame")
    value = slider.queryValue()
    value.currentValue = 1500
    wait_for("the cover at 1500 ms", lambda: abs(slider.queryValue().currentValue - 1500) < 40)
    cover_ms = int(round(slider.queryValue().currentValue))
    title = app.find("text", "Title")
    title.queryEditableText().setTextContents("First light #gui")
    app.act("push button", "Post")
    bar = app.find("progress bar", "Upload progress")
    app.label_starting("Published", 60)
    assert bar.queryValue().currentValue == bar.queryValue().maximumValue, "progress %s of %s" % (
        bar.queryValue().currentValue, bar.queryValue().maximumValue)
    app.find("label", "It may take a few minutes to appear on your profile.")
    posts = emulator.posts()
    assert len(posts) == 1, posts
    info = posts[0]["post_info"]
    assert info["video_cover_timestamp_ms"] == cover_ms, (info, cover_ms)
    assert info["privacy_level"] == "FOLLOWER_OF_CREATOR", info
    assert info["title"] == "First light #gui", info
    assert info.get("brand_organic_toggle") is True and not info.get("brand_content_toggle"), info
    assert info.get("disable_comment") is True and info.get("disable_duet") is True, info
    assert posts[0]["received"] == posts[0]["video_size"], posts


@step("the history lists the post")
def history(app):
    app.act("page tab", "History")
    app.find("label", "First light #gui")
    app.label_containing("Carol Creator")
    app.find("label", "Published")


@step("a post TikTok fails shows TikTok's reason")
def failed_post(holder, emulator, videos):
    code = holder[0].stop()
    assert code == 0, "wbps-gtk exited with %s on SIGTERM (a clean quit is 0)" % code
    emulator.use("gui-dave")
    app = holder[0] = App(emulator, videos["good"])
    app.find("label", "Posting as Dave Example")
    choose_privacy(app, "Everyone")
    app.act("push button", "Post")
    app.label_starting("Failed")
    app.label_containing("360 to 4096 pixels")
    app.find("push button", "Retry")


@step("a creator TikTok does not let post now reads why, in words, and cannot post")
def cannot_post(holder, emulator, videos):
    code = holder[0].stop()
    assert code == 0, "wbps-gtk exited with %s on SIGTERM (a clean quit is 0)" % code
    before = len(emulator.posts())
    emulator.use("gui-kai")
    app = holder[0] = App(emulator, videos["good"])
    reason = "The account has reached TikTok's daily limit of posts from apps. Try again tomorrow. (log ID "
    app.label_starting(reason)
    app.find("push button", "Try Again")
    for node in app.find_all("push button", "Post"):
        assert not node.getState().contains(pyatspi.STATE_SENSITIVE), "Post is enabled while TikTok refuses posts"
    assert len(emulator.posts()) == before, "a post reached TikTok"


def main():
    return composer_world.run_steps("wbps-composer-e2e-", N_TESTS, run)


def run(tmp, holder):
    videos = {"good": os.path.join(tmp, "good.mp4"), "slow": os.path.join(tmp, "slow.mp4"),
              "corrupt": os.path.join(tmp, "corrupt.mp4")}
    make_video(videos["good"], 30)
    make_video(videos["slow"], 15)
    with open(videos["corrupt"], "wb") as f:
        f.write(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096))
    emulator = Emulator(os.path.join(tmp, "main"), WORLD)
    holder.append(emulator)
    emulator.sign_in_cli("gui-kai")
    emulator.sign_in_cli("gui-dave")
    emulator.sign_in_cli("gui-carol")
    app = holder[0] = App(emulator)
    choose_video(app, videos)
    slow_video(app, videos)
    corrupt_file(app, videos)
    privacy_options(app, videos)
    interactions(app, videos)
    disclosure(app, videos)
    post(app, emulator)
    history(app)
    failed_post(holder, emulator, videos)
    cannot_post(holder, emulator, videos)


if __name__ == "__main__":
    sys.exit(main())
