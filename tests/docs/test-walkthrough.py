#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
""""How wbps works with TikTok" tells TikTok's reviewers what the code does: every
endpoint, scope, request field and limit it names is checked against the
constants in src/, and docs/how-wbps-works-with-tiktok.md is the same text.
The user guide's <gui> labels exist in the GUI's sources.

Usage: test-walkthrough.py SRCDIR
"""
import glob
import os
import re
import sys

SRCDIR = sys.argv[1]
sys.path.insert(0, os.path.join(SRCDIR, "build-aux"))
import importlib.util  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "mallard_to_markdown", os.path.join(SRCDIR, "build-aux", "mallard-to-markdown.py"))
converter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(converter)

PAGE = os.path.join(SRCDIR, "help", "C", "tiktok.page")
MARKDOWN = os.path.join(SRCDIR, "docs", "how-wbps-works-with-tiktok.md")
results = []


def check(ok, name, detail=""):
    results.append((ok, name, detail))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


sources = {path: read(path) for path in glob.glob(os.path.join(SRCDIR, "src", "**", "*.[ch]"), recursive=True)}
core = "\n".join(text for path, text in sources.items() if "/src/core/" in path)
all_src = "\n".join(sources.values())


def define(name):
    """The value of #define NAME, with GLib's constant macros worked out."""
    m = re.search(r"#define\s+%s\s+(.+)" % re.escape(name), all_src)
    if not m:
        raise SystemExit(f"Bail out! #define {name} not found in src/")
    expr = re.sub(r"/\*.*?\*/", "", m.group(1))
    expr = re.sub(r"G_GUINT64_CONSTANT\s*\((\d+)\)", r"\1", expr)
    expr = expr.replace("G_USEC_PER_SEC", "1000000")
    if not re.fullmatch(r"[\d\s()*+/-]+", expr):
        raise SystemExit(f"Bail out! #define {name} is not a number: {expr}")
    return int(eval(expr))  # digits and operators only, checked above


def assignment(pattern):
    m = re.search(pattern, all_src)
    if not m:
        raise SystemExit(f"Bail out! {pattern} not found in src/")
    return int(m.group(1))


def grouped(n):
    return f"{n:,}"


markdown = converter.convert(PAGE)
check(read(MARKDOWN) == markdown, "docs/how-wbps-works-with-tiktok.md is help/C/tiktok.page's text",
      "run build-aux/mallard-to-markdown.py help/C/tiktok.page docs/how-wbps-works-with-tiktok.md")
text = re.sub(r"\s+", " ", markdown.replace("`", "").replace("**", ""))

# Endpoints: every path the page names is one core calls, and every one core calls is named.
page_paths = set(re.findall(r"(/v2/[a-z_/]+/)", text))
code_paths = {p.split("?")[0] for p in re.findall(r'#define\s+\w+_PATH\s+"(/v2/[^"]*)"', core)}
for path in sorted(page_paths):
    check(f'"{path}' in all_src, f"endpoint {path} is one the code uses")
for path in sorted(code_paths):
    check(path in page_paths, f"endpoint {path} the code calls is described")
check("https://open.tiktokapis.com" in text and
      "https://open.tiktokapis.com" in read(os.path.join(SRCDIR, "meson_options.txt")),
      "the API base is the build default")
check("https://www.tiktok.com/v2/auth/authorize/" in read(os.path.join(SRCDIR, "meson_options.txt")),
      "the authorize page is the build default")

# Scopes: exactly those requested.
scopes = set(re.search(r'#define\s+WBPS_OAUTH_DEFAULT_SCOPES\s+"([^"]+)"', core).group(1).split(","))
page_scopes = set(re.findall(r"\b((?:user\.info|video)\.[a-z]+)\b", text))
check(scopes == page_scopes, "the scopes named are those requested", f"code {sorted(scopes)} page {sorted(page_scopes)}")

# User info fields read.
fields = re.search(r'/v2/user/info/\?fields=([a-z_,]+)', core).group(1).split(",")
sentence = re.search(r"GET /v2/user/info/ with the fields ([^.]+)\.", text)
named = set(re.findall(r"\b[a-z]+_[a-z_]+\b", sentence.group(1))) if sentence else set()
check(named == set(fields), "the user info fields named are those read", f"code {fields} page {sorted(named)}")

# Request fields: the authorize and token parameters, the init body's members.
oauth = read(os.path.join(SRCDIR, "src", "core", "wbps-oauth-client.c"))
for call in re.findall(r"soup_form_encode \((.*?)NULL\)", oauth, re.S):
    args = [a.strip() for a in call.split(",") if a.strip()]
    for key, value in zip(args[0::2], args[1::2]):
        key = key.strip('"')
        wanted = f"{key}={value.strip(chr(34))}" if value.startswith('"') else key
        check(wanted in text, f"OAuth request parameter {wanted} is described")
options = read(os.path.join(SRCDIR, "src", "core", "wbps-post-options.c"))
body = options[options.index("build_post_info (WbpsPostOptions"):]
members = set(re.findall(r'(?:set_member_name|add_bool|wbps_json_add_int) \(builder, "([a-z_]+)"', body))
for member in sorted(members):
    check(member in text, f"init body member {member} is described")
check("source=FILE_UPLOAD" in text and '"FILE_UPLOAD"' in body, "the upload source FILE_UPLOAD")

# Limits: each phrase holds the value the code uses.
limits = define("WBPS_RATE_LIMITER_WINDOW_USEC") == 60_000_000
api = read(os.path.join(SRCDIR, "src", "core", "wbps-api-client.c"))
poller = read(os.path.join(SRCDIR, "src", "core", "wbps-status-poller.c"))
per_minute = {b: int(n) for b, n in re.findall(r'\{ \w+, "(\w+)", (\d+) \}', api)}
per_minute.update({b: int(n) for b, n in re.findall(r'\{ "/v2/[a-z/_]+", "(\w+)", (\d+) \}', api)})
attempts = assignment(r"self->max_attempts = (\d+);")
base_delay = assignment(r"self->base_delay_ms = (\d+);") // 1000
max_delay = assignment(r"self->max_delay_ms = (\d+);") // 1000
phrases = {
    "PKCE verifier length": f"verifier is {define('WBPS_PKCE_VERIFIER_LENGTH')} characters",
    "state size": f"State: {define('WBPS_PKCE_STATE_BYTES')} random bytes",
    "loopback timeout": f"gives up after {define('WBPS_LOOPBACK_DEFAULT_TIMEOUT')} seconds",
    "refresh margin": f"less than {define('WBPS_ACCOUNT_REFRESH_MARGIN')} seconds",
    "title limit": f"at most {define('WBPS_POST_TITLE_MAX_UTF16')} UTF-16",
    "sides": f"from {define('WBPS_MIN_SIDE')} to {define('WBPS_MAX_SIDE')} pixels",
    "frame rates": f"{define('WBPS_MIN_FPS')} to {define('WBPS_MAX_FPS')} frames per second",
    "video size": f"at most {define('WBPS_MAX_VIDEO_SIZE') >> 30} GiB",
    "whole file": f"up to {grouped(define('WBPS_CHUNK_PLAN_MAX_WHOLE_SIZE'))} bytes is sent whole",
    "default chunk": f"chunks of {define('WBPS_CHUNK_PLAN_DEFAULT_CHUNK_SIZE') >> 20} MiB "
                     f"({grouped(define('WBPS_CHUNK_PLAN_DEFAULT_CHUNK_SIZE'))} bytes)",
    "chunk bounds": f"between {define('WBPS_CHUNK_PLAN_MIN_CHUNK_SIZE') >> 20} MiB "
                    f"({grouped(define('WBPS_CHUNK_PLAN_MIN_CHUNK_SIZE'))} bytes) and "
                    f"{grouped(define('WBPS_CHUNK_PLAN_MAX_CHUNK_SIZE'))} bytes",
    "chunk count": f"at most {define('WBPS_CHUNK_PLAN_MAX_CHUNK_COUNT')} chunks",
    "last chunk": f"may not exceed {grouped(define('WBPS_CHUNK_PLAN_MAX_LAST_CHUNK'))} bytes",
    "chunk retries": f"retried up to {attempts} times with an exponential backoff from {base_delay} to "
                     f"{max_delay} seconds",
    "upload URL lifetime": "within the hour" if define("WBPS_POST_RECORD_UPLOAD_URL_LIFETIME_SEC") == 3600 else "?",
    "first status poll": f"first after {define('WBPS_STATUS_POLL_MIN_INTERVAL_MS') // 1000} seconds",
    "poll growth": "growing by half each time" if "interval_ms * 3 / 2" in poller else "?",
    "poll cap": f"up to {define('WBPS_STATUS_POLL_MAX_INTERVAL_MS') // 1000} seconds",
    "rate limits": f"init {per_minute['init']}, creator_info {per_minute['creator_info']}, status "
                   f"{per_minute['status']} and user info {per_minute['user_info']} requests per minute"
                   if limits else "?",
    "429 backoff": f"from {define('BACKOFF_BASE_USEC') // 1000000} to {define('BACKOFF_MAX_USEC') // 1000000} seconds",
    "429 retries": f"at most {define('MAX_RATE_LIMITED_RETRIES')} times in a row",
}
relay_path = os.path.join(SRCDIR, "src", "cli", "wbps-cli-relay.c")
if os.path.exists(relay_path):
    relay = read(relay_path)
    # The routes are registered by each worker thread.
    server = "".join(read(os.path.join(SRCDIR, "src", "relay", name))
                     for name in ("wbps-relay-server.c", "wbps-relay-worker.c"))
    phrases["signature tolerance"] = f"by at most {define('WBPS_WEBHOOK_SIGNATURE_DEFAULT_TOLERANCE')} seconds"
    header = re.search(r'define WBPS_WEBHOOK_SIGNATURE_HEADER "([^"]+)"', all_src).group(1)
    retention = assignment(r"\.retention_days = (\d+),")
    cache = assignment(r"\.auth_cache_seconds = (\d+),")
    phrases["signature header"] = f"{header} header"
    phrases["body cap"] = f"larger than {define('WBPS_RELAY_MAX_BODY') >> 20} MiB is answered 413"
    phrases["retention"] = f"deleted after {retention} days"
    phrases["token cache"] = f"answer for {cache} seconds"
    for handler in ("/webhook", "/events"):
        check(f'"{handler}"' in server and handler in text, f"relay endpoint {handler} is served and described")
schema = read(os.path.join(SRCDIR, "data", "ai.fvz.Wbps.gschema.xml"))
give_up = re.search(r'name="status-give-up-seconds".*?<default>(\d+)</default>', schema, re.S).group(1)
phrases["status give-up"] = f"within {give_up} seconds (a setting)"
for name, phrase in phrases.items():
    check(phrase in text, f"{name}: the page says \"{phrase}\"")

# The user guide's labels are the GUI's: every <gui> label of help/C is in src/gui.
gui_dir = os.path.join(SRCDIR, "src", "gui")
labels = set()
for page in glob.glob(os.path.join(SRCDIR, "help", "C", "*.page")):
    labels.update(re.sub(r"\s+", " ", g) for g in re.findall(r"<gui>([^<]+)</gui>", read(page)))
gui_text = ""
if os.path.isdir(gui_dir):
    gui_text = "\n".join(read(p) for p in glob.glob(os.path.join(gui_dir, "**", "*"), recursive=True)
                         if os.path.isfile(p) and p.endswith((".c", ".ui", ".h")))
    gui_text = gui_text.replace("_", "").replace("&#8230;", "…")
for label in sorted(labels):
    check(label.replace("_", "") in gui_text, f"help label \"{label}\" is in the GUI")

print(f"1..{len(results)}")
for i, (ok, name, detail) in enumerate(results, 1):
    if ok is None:
        print(f"ok {i} - {name} # SKIP {detail}")
    else:
        print(f"ok {i} - {name}" if ok else f"not ok {i} - {name}\n# {detail}")
sys.exit(0 if all(r[0] is not False for r in results) else 1)
