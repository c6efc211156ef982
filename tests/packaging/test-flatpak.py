#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifests, checked offline (no GNOME runtime can be fetched here):
flatpak-builder parses both without a warning, every module's local sources
exist and remote ones are pinned, the permissions are the least that work, the
Devel manifest is the development profile of the same app, and the command and
app id are the ones the build installs in its desktop file and metainfo.

Usage: test-flatpak.py SRCDIR [DESKTOP_FILE METAINFO_FILE]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

SRCDIR = sys.argv[1]
DESKTOP, METAINFO = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else (None, None)
FLATPAK = os.path.join(SRCDIR, "flatpak")
STABLE, DEVEL = "ai.fvz.Wbps.json", "ai.fvz.Wbps.Devel.json"
ALLOWED_ARGS = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
                "--device=dri"}

results = []


def check(ok, name, detail=""):
    results.append((ok, name, detail))


def show_manifest(name):
    env = dict(os.environ, G_DEBUG="fatal-warnings")
    proc = subprocess.run(["flatpak-builder", "--show-manifest", os.path.join(FLATPAK, name)],
                          capture_output=True, text=True, env=env, timeout=60)
    check(proc.returncode == 0, f"{name}: flatpak-builder --show-manifest parses it", proc.stderr.strip())
    return json.loads(proc.stdout) if proc.returncode == 0 else None


def check_sources(name, manifest):
    for module in manifest.get("modules", []):
        if isinstance(module, str):
            path = os.path.join(FLATPAK, module)
            check(os.path.exists(path), f"{name}: module file {module} exists")
            continue
        for source in module.get("sources", []):
            kind = source.get("type")
            label = f"{name}: module {module['name']} {kind} source"
            if "path" in source:
                path = os.path.normpath(os.path.join(FLATPAK, source["path"]))
                exists = os.path.isdir(path) if kind == "dir" else os.path.isfile(path)
                check(exists, f"{label} {source['path']} exists", path)
                if kind == "dir":
                    check(os.path.isfile(os.path.join(path, "meson.build")),
                          f"{label} is a meson project", path)
            elif kind == "git":
                check("commit" in source or "tag" in source, f"{label} is pinned to a commit or tag")
            else:
                check("sha256" in source or "sha512" in source, f"{label} has a checksum")


def check_permissions(name, manifest):
    args = manifest.get("finish-args", [])
    extra = sorted(set(args) - ALLOWED_ARGS)
    check(not extra, f"{name}: finish-args are the least that work", f"extra: {extra}")
    check(set(args) == ALLOWED_ARGS, f"{name}: network, ipc, wayland, fallback-x11 and dri are granted",
          f"got {sorted(args)}")
    check(not any(a.startswith("--filesystem") for a in args), f"{name}: no --filesystem (files via portals)")


stable = show_manifest(STABLE)
devel = show_manifest(DEVEL)
with open(os.path.join(FLATPAK, STABLE), encoding="utf-8") as f:
    stable_text = f.read()
check("org.freedesktop.secrets" in stable_text and "Secret portal" in stable_text,
      f"{STABLE}: the Secret Service decision is explained in a comment")

if stable:
    check(stable["id"] == "ai.fvz.Wbps", f"{STABLE}: app id ai.fvz.Wbps", stable["id"])
    check(stable["command"] == "wbps-gtk", f"{STABLE}: command wbps-gtk", stable["command"])
    check((stable["runtime"], stable["sdk"]) == ("org.gnome.Platform", "org.gnome.Sdk"),
          f"{STABLE}: GNOME runtime and SDK")
    check(re.fullmatch(r"\d+", stable["runtime-version"]) is not None,
          f"{STABLE}: a stable runtime branch", stable["runtime-version"])
    check_permissions(STABLE, stable)
    check_sources(STABLE, stable)
if devel:
    check(devel["id"] == "ai.fvz.Wbps.Devel", f"{DEVEL}: app id ai.fvz.Wbps.Devel", devel["id"])
    check(devel["command"] == "wbps-gtk", f"{DEVEL}: command wbps-gtk", devel["command"])
    opts = [o for m in devel["modules"] if isinstance(m, dict) and m["name"] == "wbps"
            for o in m.get("config-opts", [])]
    check("-Dprofile=development" in opts, f"{DEVEL}: built with -Dprofile=development", str(opts))
    check_permissions(DEVEL, devel)
    check_sources(DEVEL, devel)

with open(os.path.join(SRCDIR, "meson_options.txt"), encoding="utf-8") as f:
    options = f.read()
check(re.search(r"option\('profile'.*'development'", options) is not None,
      "meson has the profile option the Devel manifest sets")

if DESKTOP and stable:
    with open(DESKTOP, encoding="utf-8") as f:
        desktop = f.read()
    exec_line = re.search(r"^Exec=(\S+)", desktop, re.M)
    check(exec_line is not None and exec_line.group(1) == stable["command"],
          "the desktop file's Exec runs the manifest's command", exec_line.group(0) if exec_line else "no Exec")
    check(os.path.basename(DESKTOP) == stable["id"] + ".desktop",
          "the desktop file is named after the app id", os.path.basename(DESKTOP))
    icon = re.search(r"^Icon=(\S+)", desktop, re.M)
    check(icon is not None and icon.group(1) == stable["id"], "the desktop file's icon is the app id")
    root = ET.parse(METAINFO).getroot()
    check(root.findtext("id") == stable["id"], "the metainfo id is the app id", root.findtext("id"))
    launchable = root.find("launchable[@type='desktop-id']")
    check(launchable is not None and launchable.text == stable["id"] + ".desktop",
          "the metainfo launches the desktop file")
    provides = [b.text for b in root.iter("binary")]
    check(stable["command"] in provides, "the metainfo provides the command's binary", str(provides))

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"ok {i} - {name}" if ok else f"not ok {i} - {name}\n# {detail}")
sys.exit(0 if all(r[0] for r in results) else 1)
