#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The manual pages agree with the programs: every command and option a program's
--help lists is defined in its page, every option a page defines exists, and
wbps(1) lists every exit status and environment variable the code uses.

wbps-relay(8), as built (its options are wbps(1)'s relay section), matches
wbps-relay --help.

Usage: test-manpages.py MANDIR SRCDIR WBPS EMULATOR WBPS_RELAY WBPS_RELAY_PAGE [WBPS_GTK]
"""
import os
import re
import subprocess
import sys

MANDIR, SRCDIR, WBPS, EMULATOR, RELAY, RELAY_PAGE = sys.argv[1:7]
WBPS_GTK = sys.argv[7] if len(sys.argv) > 7 else None

# Documented from issue 8 ahead of the code: reported as skipped until built.
PLANNED_VERBS = {"relay", "events"}
PLANNED_ENV = {"WBPS_RELAY_URL"}

results = []


def check(ok, name, detail=""):
    results.append((ok, name, detail))


def skip(name, reason):
    results.append((None, name, reason))


def run_help(argv):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    if proc.returncode != 0:
        raise SystemExit(f"Bail out! {' '.join(argv)} exited {proc.returncode}: {proc.stderr}")
    return proc.stdout


def help_options(text):
    """Long options of the "Application Options" part (GOption's layout)."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"\s+(?:-\w, )?(--[a-z0-9-]+)", line)
        if m:
            opts.add(m.group(1))
    return opts


def help_verbs(text):
    verbs = []
    in_commands = False
    for line in text.splitlines():
        if line.startswith("Commands:"):
            in_commands = True
            continue
        if in_commands:
            m = re.match(r"  ([a-z]+)\s", line)
            if not m:
                break
            verbs.append(m.group(1))
    return verbs


def read_page(name):
    with open(os.path.join(MANDIR, name + ".1.scd"), encoding="utf-8") as f:
        return f.read()


def sections(page, level):
    """{title: body} for every heading of @level ('#' or '##')."""
    parts = re.split(r"^(%s) (.+)$" % re.escape(level), page, flags=re.M)
    return {parts[i + 1].strip(): parts[i + 2] for i in range(1, len(parts) - 2, 3)}


def defined_options(body):
    """Options in definition terms: lines starting with *-…*."""
    opts = set()
    for line in body.splitlines():
        if line.startswith("*-"):
            opts.update(re.findall(r"\*(--?[a-z0-9-]+)\*", line))
    return {o for o in opts if o.startswith("--")}


def defined_words(body):
    terms = set()
    for line in body.splitlines():
        if line.startswith("*"):
            terms.update(re.findall(r"\*([^*]+)\*", line))
    return terms


def compare(name, binary, page, ignore=()):
    missing = sorted(binary - page - set(ignore))
    extra = sorted(page - binary - set(ignore))
    check(not missing, f"{name}: every option --help lists is in the page", f"missing: {missing}")
    check(not extra, f"{name}: every option the page defines exists", f"not in --help: {extra}")


# ---- wbps(1) -------------------------------------------------------------
wbps_page = read_page("wbps")
top = sections(wbps_page, "#")
commands = sections(top["COMMANDS"], "##")
page_verbs = {title.split()[1]: body for title, body in commands.items()}

global_help = run_help([WBPS, "--help"])
binary_verbs = help_verbs(global_help)
check(len(binary_verbs) >= 8, "wbps --help lists the commands", str(binary_verbs))
compare("wbps global options", help_options(global_help), defined_options(top["GLOBAL OPTIONS"]))

for verb in binary_verbs:
    if verb not in page_verbs:
        check(False, f"wbps {verb}: has a section in wbps(1)")
        continue
    verb_help = run_help([WBPS, verb, "--help"])
    # The section's synopsis names the options too; definitions are what count.
    compare(f"wbps {verb}", help_options(verb_help), defined_options(page_verbs[verb]), ignore={"--help"})

for verb in sorted(set(page_verbs) - set(binary_verbs)):
    if verb in PLANNED_VERBS:
        skip(f"wbps {verb}: documented, checked once built", "not in this build yet")
    else:
        check(False, f"wbps {verb}: the page documents a command wbps does not have")

# Exit statuses: the CLI's #defines, 0 and nothing else.
with open(os.path.join(SRCDIR, "src", "cli", "wbps-cli.h"), encoding="utf-8") as f:
    codes = {m for m in re.findall(r"#define\s+WBPS_CLI_EXIT_\w+\s+(\d+)", f.read())} | {"0"}
page_codes = {w for w in defined_words(top["EXIT STATUS"]) if w.isdigit()}
check(codes == page_codes, "wbps(1) EXIT STATUS lists exactly the CLI's exit codes",
      f"code {sorted(codes)} page {sorted(page_codes)}")

# Environment: every WBPS_* string literal in the C sources is an environment variable.
code_env = set()
for root, _dirs, files in os.walk(os.path.join(SRCDIR, "src")):
    for name in files:
        if name.endswith(".c"):
            with open(os.path.join(root, name), encoding="utf-8") as f:
                code_env.update(re.findall(r'"(WBPS_[A-Z_]+)"', f.read()))
page_env = {w for w in defined_words(top["ENVIRONMENT"]) if w.startswith("WBPS_")}
check(not (code_env - page_env), "wbps(1) ENVIRONMENT lists every variable the code reads",
      f"missing: {sorted(code_env - page_env)}")
unknown = page_env - code_env - PLANNED_ENV
check(not unknown, "wbps(1) ENVIRONMENT lists no variable the code ignores", f"unknown: {sorted(unknown)}")
for var in sorted((page_env - code_env) & PLANNED_ENV):
    skip(f"wbps(1) {var}: documented, checked once built", "not in this build yet")

with open(os.path.join(SRCDIR, "data", "ai.fvz.Wbps.gschema.xml"), encoding="utf-8") as f:
    keys = set(re.findall(r'<key name="([a-z-]+)"', f.read()))
missing = sorted(k for k in keys if f"*{k}*" not in top["ENVIRONMENT"])
check(not missing, "wbps(1) names every GSettings key", f"missing: {missing}")

# ---- wbps-emulator(1) -----------------------------------------------------
emu_top = sections(read_page("wbps-emulator"), "#")
compare("wbps-emulator", help_options(run_help([EMULATOR, "--help"])), defined_options(emu_top["OPTIONS"]))

# ---- wbps-relay(8) ---------------------------------------------------------
with open(RELAY_PAGE, encoding="utf-8") as f:
    relay_page = f.read()
relay_top = sections(relay_page, "#")
relay_help = run_help([RELAY, "--help"])
compare("wbps-relay", help_options(relay_help), defined_options(relay_top["DESCRIPTION"]), ignore={"--help"})
check(relay_help.splitlines()[2:] == run_help([WBPS, "relay", "--help"]).splitlines()[2:] and
      "wbps-relay [OPTION" in relay_help,
      "wbps-relay --help is wbps relay --help but for the program's name")
check(relay_page.startswith("wbps-relay(8)") and "@RELAY@" not in relay_page,
      "wbps-relay(8) is section 8 with wbps(1)'s relay section put in")

# ---- wbps-gtk(1) ----------------------------------------------------------
if WBPS_GTK:
    gtk_top = sections(read_page("wbps-gtk"), "#")
    gtk_help = help_options(run_help([WBPS_GTK, "--help"]))
    # GApplication's and GTK's own options are described by --help-all.
    compare("wbps-gtk", gtk_help, defined_options(gtk_top["OPTIONS"]),
            ignore={"--help", "--help-all", "--help-gapplication", "--help-gtk", "--display"})

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    if ok is None:
        print(f"ok {i} - {name} # SKIP {detail}")
    elif ok:
        print(f"ok {i} - {name}")
    else:
        print(f"not ok {i} - {name}\n# {detail}")
sys.exit(0 if all(r[0] is not False for r in results) else 1)
