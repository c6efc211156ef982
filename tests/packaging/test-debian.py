#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A light check of debian/ (building the .debs takes minutes; that is done by hand,
see README and build-aux/deb-check): the changelog's version is the project's, the
control file names the two packages, what `meson install` puts in a staging tree is
shipped by exactly one of them, as dh_install and dh_missing --fail-missing would
see it, and the relay's package takes nothing of the desktop's.

Usage: test-debian.py SRCDIR BUILDDIR VERSION
"""
import fnmatch
import os
import re
import subprocess
import sys
import tempfile

SRCDIR, BUILDDIR, VERSION = sys.argv[1:4]
DEBIAN = os.path.join(SRCDIR, "debian")
results = []


def check(ok, name, detail=""):
    results.append((ok, name, detail))


def read(name):
    with open(os.path.join(DEBIAN, name), encoding="utf-8") as f:
        return f.read()


changelog = subprocess.run(["dpkg-parsechangelog", "-l", os.path.join(DEBIAN, "changelog"), "-S", "Version"],
                           capture_output=True, text=True)
check(changelog.returncode == 0 and changelog.stdout.strip() == VERSION,
      "debian/changelog's version is the project's", f"{changelog.stdout.strip()} {changelog.stderr}")
check(read("source/format").strip() == "3.0 (native)", "a native source package")
check(os.access(os.path.join(DEBIAN, "rules"), os.X_OK), "debian/rules is executable")
# Compat 13's dh sequence leaves dh_installsysusers out: without it no postinst makes the user.
check(re.search(r"^\s+dh_installsysusers\b", read("rules"), re.M) is not None,
      "debian/rules runs dh_installsysusers (the relay's system user)")

control = read("control")
packages = re.findall(r"^Package: (\S+)", control, re.M)
check(packages == ["wbps", "wbps-relay"], "debian/control builds wbps and wbps-relay", str(packages))
sections = {re.match(r"Package: (\S+)", s).group(1): s
            for s in re.split(r"\n\n+", control.strip()) if s.startswith("Package: ")}


def depends(package):
    """The package names of a binary package's Depends (substitution variables left out)."""
    field = re.search(r"^Depends:(.*?)(?=^\S|\Z)", sections.get(package, ""), re.M | re.S)
    names = re.findall(r"(?:^|[,|])\s*([a-z0-9][a-z0-9.+-]+)", field.group(1).replace("\n", " ")) if field else []
    return set(names)


# A server gets the relay without the desktop app: wbps-relay needs nothing of wbps.
check(not any(d.startswith("wbps") for d in depends("wbps-relay")),
      "wbps-relay depends on no other wbps package", str(depends("wbps-relay")))
toolkit = re.compile(r"gtk|adwaita|gstreamer")
check(not any(toolkit.search(d) for d in depends("wbps-relay")),
      "wbps-relay depends on no toolkit or GStreamer package by name", str(depends("wbps-relay")))

# Every pkg-config dependency the build uses comes from a Build-Depends package.
build_depends = re.search(r"^Build-Depends:(.*?)^\S", control, re.M | re.S).group(1)
build_depends = {d.strip().split()[0] for d in build_depends.replace("\n", " ").split(",") if d.strip()}
modules = set()
for root, _dirs, files in os.walk(SRCDIR):
    if "meson.build" in files and "/_build" not in root and "/." not in root:
        with open(os.path.join(root, "meson.build"), encoding="utf-8") as f:
            modules.update(re.findall(r"dependency\('([^']+)'", f.read()))
for module in sorted(modules):
    pc = subprocess.run(["pkg-config", "--variable=pcfiledir", module], capture_output=True, text=True)
    path = os.path.join(pc.stdout.strip(), module + ".pc")
    owner = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True)
    package = owner.stdout.split(":")[0].strip() if owner.returncode == 0 else None
    check(package in build_depends, f"pkg-config {module} comes from a Build-Depends package ({package})",
          f"{path}: {owner.stderr.strip()}")

# Stage an install as dh_auto_install would.
with tempfile.TemporaryDirectory() as destdir:
    env = dict(os.environ, DESTDIR=destdir)
    proc = subprocess.run(["meson", "install", "-C", BUILDDIR, "--no-rebuild", "--quiet", "--destdir", destdir],
                          capture_output=True, text=True, env=env)
    check(proc.returncode == 0, "meson install into a staging tree", proc.stderr[-2000:])
    staged = set()
    for root, _dirs, files in os.walk(destdir):
        for name in files:
            staged.add(os.path.relpath(os.path.join(root, name), destdir))
    prefix = subprocess.run(["meson", "introspect", "--buildoptions", BUILDDIR], capture_output=True, text=True)
    prefix = re.search(r'"name": "prefix", "value": "([^"]+)"', prefix.stdout).group(1).strip("/")

owners = {}
for package in packages:
    path = os.path.join(DEBIAN, package + ".install")
    if not os.path.exists(path):
        continue
    for line in read(package + ".install").splitlines():
        pattern = line.split()[0] if line.strip() and not line.startswith("#") else None
        if pattern is None:
            continue
        # The Debian build installs to /usr; the test build's prefix may differ.
        pattern = re.sub(r"^usr(?=/|$)", prefix, pattern)
        matched = {f for f in staged if f == pattern or f.startswith(pattern + "/") or fnmatch.fnmatch(f, pattern)}
        check(bool(matched), f"{package}.install: {line} matches installed files")
        for f in matched:
            owners.setdefault(f, []).append(package)

unshipped = sorted(f for f in staged if f not in owners)
twice = sorted(f for f, o in owners.items() if len(o) > 1)
check(not unshipped, "every installed file is in a package", f"not shipped: {unshipped[:20]}")
check(not twice, "no file is in both packages", f"twice: {twice[:20]}")
for unit in [f for f in staged if f.endswith(".service")]:
    check(owners.get(unit) == ["wbps-relay"], f"{os.path.basename(unit)} is in wbps-relay")
sysusers = [f for f in staged if "/sysusers.d/" in f]
check(sysusers and all(owners.get(f) == ["wbps-relay"] for f in sysusers),
      "the relay's sysusers.d file is in wbps-relay", str(sysusers))

# The unit starts the program wbps-relay ships, as the user its sysusers.d file makes.
with open(os.path.join(BUILDDIR, "data", "wbps-relay.service"), encoding="utf-8") as f:
    unit = f.read()
exec_start = re.search(r"^ExecStart=(\S+)", unit, re.M).group(1).lstrip("/")  # the build's prefix
check(owners.get(exec_start) == ["wbps-relay"], "the unit's ExecStart is the program wbps-relay ships", exec_start)
user = re.search(r"^User=(\S+)", unit, re.M)
made = re.findall(r"^u\s+(\S+)", open(os.path.join(SRCDIR, "data", "wbps-relay.sysusers"), encoding="utf-8").read(), re.M)
check(user is not None and [user.group(1)] == made, "the unit runs as the user sysusers.d makes",
      f"User={user and user.group(1)} sysusers {made}")
check(re.search(r"^StateDirectory=wbps-relay$", unit, re.M) is not None, "the unit has the state directory wbps-relay")

# ${shlibs:Depends} comes from what the programs link (dpkg-shlibdeps reads their DT_NEEDED
# entries): the relay links no toolkit and no GStreamer; the command line no toolkit.
built = {"wbps": "src/cli/wbps", "wbps-emulator": "src/emulator/wbps-emulator", "wbps-relay": "src/relay/wbps-relay"}
graphical = r"gtk|adwaita|graphene|cairo|pango|X11|wayland"
for program in sorted(f for f in owners if re.search(r"/s?bin/", f)):
    name = os.path.basename(program)
    if name not in built:
        continue
    forbidden = graphical + ("|gst" if owners[program] == ["wbps-relay"] else "")
    dump = subprocess.run(["objdump", "-p", os.path.join(BUILDDIR, built[name])], capture_output=True, text=True)
    needed = re.findall(r"^\s+NEEDED\s+(\S+)", dump.stdout, re.M)
    check(dump.returncode == 0 and needed and not [n for n in needed if re.search(forbidden, n)],
          f"{name} ({owners[program][0]}) links no " + ("toolkit or GStreamer" if "gst" in forbidden else "toolkit"),
          str(needed))

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"ok {i} - {name}" if ok else f"not ok {i} - {name}\n# {detail}")
sys.exit(0 if all(r[0] for r in results) else 1)
