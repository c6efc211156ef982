#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/gui-start: exec → first frame presented, and peak RSS, of wbps-gtk in
demo mode with a signed-in account, side by side in the same run with
gnome-text-editor opening an empty document; both under one Xvfb, with
GSK_RENDERER=cairo and with GTK's default renderer. One warm-up run each,
then N runs alternating between the two; medians are compared.

The first frame is taken by an LD_PRELOAD probe (first-frame.so) on the
window's GdkFrameClock::after-paint; peak RSS is VmHWM of the process one
second after that frame. Run inside tests/with-keyring under xvfb-run (the
meson benchmark does), or by hand:
  xvfb-run -a -s "-screen 0 1280x800x24 -noreset" tests/with-keyring /usr/bin/python3 \\
    bench/gui-start/bench-gui-start.py --wbps-gtk _build/src/gui/wbps-gtk \\
    --wbps _build/src/cli/wbps --emulator _build/src/emulator/wbps-emulator \\
    --probe _build/bench/gui-start-probe.so
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REFERENCE = "/usr/bin/gnome-text-editor"


def sign_in_demo(args, env):
    """One demo account in the keyring, so wbps-gtk starts signed in."""
    login = subprocess.Popen([args.wbps, "--demo", "login", "--no-browser"], env=env,
                             stdout=subprocess.PIPE, text=True)
    url = login.stdout.readline().strip()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    opener.open(url, timeout=30).read()  # auto-approved: the redirect reaches wbps at once
    out = login.stdout.read()
    assert login.wait(60) == 0 and "Signed in as" in out, out


def peak_rss_kib(pid):
    with open("/proc/%d/status" % pid, encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run_once(argv, env, probe, tmp):
    frame_file = os.path.join(tmp, "frame")
    if os.path.exists(frame_file):
        os.unlink(frame_file)
    env = dict(env, LD_PRELOAD=probe, WBPS_BENCH_FRAME_FILE=frame_file)
    start = time.monotonic_ns()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not os.path.exists(frame_file) or os.path.getsize(frame_file) == 0:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("%s showed no frame (exit %s)" % (argv[0], proc.poll()))
        time.sleep(0.005)
    with open(frame_file, encoding="utf-8") as f:
        frame = int(f.read())
    time.sleep(1.0)
    rss = peak_rss_kib(proc.pid)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(20)
    assert code in (0, -signal.SIGTERM), "%s exited with %s" % (argv[0], code)
    return (frame - start) / 1e6, rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wbps-gtk", required=True)
    parser.add_argument("--wbps", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--schema-dir", default=None)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if not os.path.exists(REFERENCE):
        print("gnome-text-editor is not installed")
        return 1 if os.environ.get("CI") == "true" else 77

    tmp = tempfile.mkdtemp(prefix="wbps-bench-gui-")
    env = dict(os.environ, WBPS_EMULATOR=args.emulator, WBPS_DEMO_AUTO_APPROVE="1",
               GDK_BACKEND="x11", GTK_A11Y="none", NO_AT_BRIDGE="1")
    if args.schema_dir:
        env["GSETTINGS_SCHEMA_DIR"] = args.schema_dir
    sign_in_demo(args, env)
    apps = {
        "wbps-gtk": [args.wbps_gtk, "--demo"],
        # --standalone: its own process each run (no session restored), which opens an empty document.
        "gnome-text-editor": [REFERENCE, "--standalone"],
    }
    ok = True
    for renderer in ("cairo", "default"):
        renv = dict(env)
        if renderer == "cairo":
            renv["GSK_RENDERER"] = "cairo"
        else:
            renv.pop("GSK_RENDERER", None)
        results = {name: [] for name in apps}
        for name, argv in apps.items():
            run_once(argv, renv, args.probe, tmp)  # warm-up: caches, fontconfig, icon theme
        for _ in range(args.runs):
            for name, argv in apps.items():
                results[name].append(run_once(argv, renv, args.probe, tmp))
        print("GSK_RENDERER=%s, %d warm runs each (median [min–max])" % (renderer, args.runs))
        medians = {}
        for name, runs in results.items():
            times = [t for t, _ in runs]
            rss = [r / 1024 for _, r in runs]
            medians[name] = (statistics.median(times), statistics.median(rss))
            print("  %-18s first frame %7.1f ms [%.1f–%.1f]   peak RSS %6.1f MiB [%.1f–%.1f]"
                  % (name, medians[name][0], min(times), max(times), medians[name][1], min(rss), max(rss)))
        t_ratio = medians["wbps-gtk"][0] / medians["gnome-text-editor"][0]
        m_ratio = medians["wbps-gtk"][1] / medians["gnome-text-editor"][1]
        print("  wbps-gtk / gnome-text-editor: time %.2f×, RSS %.2f× (target ≤ 1.0×)" % (t_ratio, m_ratio))
        ok = ok and t_ratio <= 1.0 and m_ratio <= 1.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
