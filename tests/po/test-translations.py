#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every language in po/LINGUAS is complete: msgfmt --check accepts its .po with no
untranslated or fuzzy message, and merged with the wbps.pot the build just made
from the current sources, nothing is left untranslated (a string added or changed
anywhere fails this until it is translated). Plural forms are declared.

Usage: test-translations.py PODIR POTFILE
"""
import os
import re
import subprocess
import sys
import tempfile

PODIR, POT = sys.argv[1:3]
with open(os.path.join(PODIR, "LINGUAS"), encoding="utf-8") as f:
    languages = [w for line in f for w in line.split("#")[0].split()]

results = []


def statistics(path):
    proc = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, path],
                          capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"))
    text = proc.stderr
    counts = {kind: int(m.group(1)) if m else 0 for kind, m in
              ((k, re.search(r"(\d+) %s" % k, text)) for k in ("translated", "fuzzy", "untranslated"))}
    return proc.returncode, counts, text.strip()


results.append((set(languages) >= {"de", "es"}, "po/LINGUAS lists German and Spanish", str(languages)))
for lang in languages:
    po = os.path.join(PODIR, lang + ".po")
    rc, counts, text = statistics(po)
    results.append((rc == 0 and counts["fuzzy"] == 0 and counts["untranslated"] == 0 and counts["translated"] > 0,
                    f"{lang}.po: msgfmt --check passes with no fuzzy or untranslated message", text))
    with open(po, encoding="utf-8") as f:
        header = f.read(2000)
    results.append(("Plural-Forms: nplurals=2; plural=(n != 1);" in header, f"{lang}.po declares its plural forms"))
    with tempfile.TemporaryDirectory() as tmp:
        merged = os.path.join(tmp, lang + ".po")
        proc = subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged, po, POT],
                              capture_output=True, text=True)
        rc, counts, text = statistics(merged)
        ok = proc.returncode == 0 and rc == 0 and counts["untranslated"] == 0 and counts["fuzzy"] == 0
        if not ok:
            todo = subprocess.run(["msgattrib", "--untranslated", "--no-wrap", "--no-obsolete", merged],
                                  capture_output=True, text=True).stdout
            missing = re.findall(r'^msgid "(.+)"$', todo, re.M)
            text += (f"\n# to do: msgmerge --update --no-wrap po/{lang}.po BUILDDIR/po/wbps.pot, then translate:\n# "
                     + "\n# ".join(missing))
        results.append((ok, f"{lang}.po translates every message of the current wbps.pot", text))

print(f"1..{len(results)}")
for i, (ok, name, *detail) in enumerate(results, 1):
    print(f"ok {i} - {name}" if ok else f"not ok {i} - {name}\n# {detail[0] if detail else ''}")
sys.exit(0 if all(r[0] for r in results) else 1)
