#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A light check of debian/ (building the .debs takes minutes; that is done by hand,
see README): the changelog's version is the project's, the control file names
the two packages, and what `meson install` puts in a staging tree is shipped by
exactly one of them, as dh_install and dh_missing --fail-missing would see it.

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

control = read("control")
packages = re.findall(r"^Package: (\S+)", control, re.M)
check(packages == ["wbps", "wbps-cli", "wbps-relay"], "debian/control builds wbps, wbps-cli and wbps-relay",
      str(packages))
sections = {re.match(r"Package: (\S+)", s).group(1): s
            for s in re.split(r"\n\n+", control.strip()) if s.startswith("Package: ")}


def depends(package):
    """The package names of a binary package's Depends (substitution variables left out)."""
    field = re.search(r"^Depends:(.*?)(?=^\S|\Z)", sections.get(package, ""), re.M | re.S)
    names = re.findall(r"(?:^|[,|])\s*([a-z0-9][a-z0-9.+-]+)", field.group(1).replace("\n", " ")) if field else []
    return set(names)


check(re.search(r"^Depends:.*\bwbps-cli \(>= \$\{source:Version\}\), wbps-cli \(<< ", sections.get("wbps-relay", ""),
                re.M) is not None,
      "wbps-relay depends on the wbps-cli of the same version (the relay runs in the wbps program)")
check("wbps" not in depends("wbps-relay") and "wbps" not in depends("wbps-cli"),
      "neither wbps-relay nor wbps-cli depends on the desktop package",
      f"{depends('wbps-relay')} {depends('wbps-cli')}")
check("wbps-cli" in depends("wbps"), "wbps (the desktop app) depends on wbps-cli (the command line)",
      str(depends("wbps")))
toolkit = re.compile(r"gtk|adwaita|gstreamer1\.0-plugins-(good|bad)|gstreamer1\.0-libav")
check(not any(toolkit.search(d) for p in ("wbps-cli", "wbps-relay") for d in depends(p)),
      "wbps-cli and wbps-relay depend on no toolkit or GStreamer plugin set by name",
      f"{depends('wbps-cli')} {depends('wbps-relay')}")

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

# ${shlibs:Depends} of wbps-cli comes from what its programs link (dpkg-shlibdeps reads their
# DT_NEEDED entries): the command line and the relay it runs link no GTK or libadwaita.
for program in sorted(f for f, o in owners.items() if o == ["wbps-cli"] and "/bin/" in f):
    exe = os.path.join(BUILDDIR, "src", "cli" if program.endswith("/wbps") else "emulator", os.path.basename(program))
    dump = subprocess.run(["objdump", "-p", exe], capture_output=True, text=True)
    needed = re.findall(r"^\s+NEEDED\s+(\S+)", dump.stdout, re.M)
    check(dump.returncode == 0 and needed and not [n for n in needed if re.search(r"gtk|adwaita|graphene|cairo|pango", n)],
          f"{os.path.basename(program)} (wbps-cli) links no GTK, libadwaita, cairo or pango", str(needed))

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    print(f"ok {i} - {name}" if ok else f"not ok {i} - {name}\n# {detail}")
sys.exit(0 if all(r[0] for r in results) else 1)
