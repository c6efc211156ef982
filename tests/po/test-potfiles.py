#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""po/POTFILES.in lists exactly the files with translatable strings: every C file
that marks a string (_(), N_(), C_(), NC_(), ngettext), every .ui file with
translatable="yes", the desktop file and metainfo templates, the GSettings schema; and every
listed file exists.

Usage: test-potfiles.py SRCDIR
"""
import glob
import os
import re
import sys

SRCDIR = sys.argv[1]
MARK_C = re.compile(r'\b(?:_|N_|C_|NC_|g_dngettext|ngettext|g_dpgettext2)\s*\(\s*"|\bngettext\s*\(')
MARK_UI = re.compile(r'translatable="yes"')


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


with open(os.path.join(SRCDIR, "po", "POTFILES.in"), encoding="utf-8") as f:
    listed = [line.strip() for line in f if line.strip() and not line.startswith("#")]

marked = set()
for path in glob.glob(os.path.join(SRCDIR, "src", "**", "*"), recursive=True):
    rel = os.path.relpath(path, SRCDIR)
    if path.endswith(".c") and MARK_C.search(read(path)):
        marked.add(rel)
    elif path.endswith(".ui") and MARK_UI.search(read(path)):
        marked.add(rel)
for pattern in ("*.desktop.in", "*.metainfo.xml.in"):
    for path in glob.glob(os.path.join(SRCDIR, "data", pattern)):
        marked.add(os.path.relpath(path, SRCDIR))
for path in glob.glob(os.path.join(SRCDIR, "data", "*.gschema.xml")):
    marked.add(os.path.relpath(path, SRCDIR))

results = []
for rel in listed:
    results.append((os.path.isfile(os.path.join(SRCDIR, rel)), f"listed {rel} exists"))
missing = sorted(marked - set(listed))
results.append((not missing, "every file with translatable strings is listed"
                + (f"\n# missing from po/POTFILES.in: {missing}" if missing else "")))
results.append((len(listed) == len(set(listed)), "no file is listed twice"))

print(f"1..{len(results)}")
for i, (ok, name) in enumerate(results, 1):
    print(f"ok {i} - {name}" if ok else f"not ok {i} - {name}")
sys.exit(0 if all(ok for ok, _ in results) else 1)
