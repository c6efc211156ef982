#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Upload benchmark: wbps's streaming uploader against curl, side by side.

Not a test. It makes a file (1 GiB by default) of random bytes, starts a
wbps-emulator, signs in by raw HTTP (auto-approve), and uploads the file twice
through Direct Post (SELF_ONLY) upload URLs with the same chunk plan:

  wbps  bench/upload/wbps-bench-upload (WbpsUploader, the code `wbps post` uses)
  curl  one curl process sending the same PUTs (Content-Type, Content-Range,
        Content-Length) from per-chunk files, one connection (`curl --config`
        with `next` between chunks, no Expect: 100-continue)

Each runs under GNU time (/usr/bin/time -v). Printed per tool: wall seconds,
throughput (MiB/s), CPU seconds (user+sys), peak RSS; then the wbps/curl
throughput ratio. Targets (issue 3): ratio >= 0.9, wbps peak RSS <= 48 MiB.
Both uploads are checked byte for byte (SHA-256 of what the emulator stored).

By hand, from a build directory:
  python3 ../bench/upload/bench-upload.py \\
      --wbps-bench bench/wbps-bench-upload --emulator src/emulator/wbps-emulator \\
      [--size BYTES] [--chunk-size BYTES] [--rounds N]
Or: meson test -C BUILD --benchmark --suite upload-bench -v

WBPS_BENCH_VERBOSE=1 also prints the full GNU time reports.

Upload URLs carry a token: they go to the tools through stdin and a 0600
config file, never argv, and are never printed.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

REDIRECT_URI = "http://127.0.0.1:8123/callback/"
MIB = 1024 * 1024


def make_file(path, size):
    sha = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left > 0:
            block = os.urandom(min(left, 4 * MIB))
            f.write(block)
            sha.update(block)
            left -= len(block)
    return sha.hexdigest()


def sha256_of(path):
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(4 * MIB), b""):
            sha.update(block)
    return sha.hexdigest()


class Emulator:
    def __init__(self, exe, workdir):
        self.data_dir = os.path.join(workdir, "emulator")
        os.mkdir(self.data_dir)
        config = os.path.join(workdir, "emulator.ini")
        with open(config, "w") as f:
            f.write("[emulator]\nauto-approve=true\n")
        self.process = subprocess.Popen(
            [exe, "--port", "0", "--data-dir", self.data_dir, "--config", config],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in self.process.stdout:
            if line.startswith("listening on "):
                self.base = line.split()[-1]
                break
        else:
            raise RuntimeError("the emulator did not start")
        parsed = urllib.parse.urlsplit(self.base)
        self.host, self.port = parsed.hostname, parsed.port

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.request(method, path, body=body, headers=headers or {})
        reply = conn.getresponse()
        data = reply.read()
        conn.close()
        return reply.status, reply.getheader("Location"), data

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.process.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.kill()
        self.process.wait()

    def stored_path(self, publish_id):
        name = re.sub(r"[^A-Za-z0-9._-]", "_", publish_id)
        return os.path.join(self.data_dir, "uploads", name + ".bin")


def sign_in(emu):
    verifier = secrets.token_urlsafe(48)
    challenge = hashlib.sha256(verifier.encode()).hexdigest()
    query = urllib.parse.urlencode({
        "client_key": "wbps-demo", "scope": "user.info.basic,video.publish",
        "response_type": "code", "redirect_uri": REDIRECT_URI,
        "state": secrets.token_urlsafe(16), "code_challenge": challenge,
        "code_challenge_method": "S256"})
    status, location, _ = emu.request("GET", "/v2/auth/authorize/?" + query)
    if status != 302 or location is None:
        raise RuntimeError("authorize did not redirect (HTTP %d)" % status)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    form = urllib.parse.urlencode({
        "client_key": "wbps-demo", "client_secret": "wbps-demo-secret", "code": code,
        "grant_type": "authorization_code", "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier})
    _, _, body = emu.request("POST", "/v2/oauth/token/", form,
                             {"Content-Type": "application/x-www-form-urlencoded"})
    return json.loads(body)["access_token"]


def init_upload(emu, plan):
    """A private Direct Post (inbox drafts are capped at 5 pending per day, posts at 15).
    A fresh sign-in per upload keeps clear of init's 6-per-minute limit per token."""
    token = sign_in(emu)
    size, chunk, count = plan
    body = json.dumps({"post_info": {"privacy_level": "SELF_ONLY", "title": "wbps upload bench"},
                       "source_info": {"source": "FILE_UPLOAD", "video_size": size,
                                       "chunk_size": chunk, "total_chunk_count": count}})
    status, _, reply = emu.request("POST", "/v2/post/publish/video/init/", body, {
        "Authorization": "Bearer " + token,
        "Content-Type": "application/json; charset=UTF-8"})
    data = json.loads(reply)
    if status != 200:
        raise RuntimeError("init failed: %s" % data.get("error"))
    return data["data"]["publish_id"], data["data"]["upload_url"]


def chunk_ranges(plan):
    size, chunk, count = plan
    for i in range(count):
        first = i * chunk
        last = size - 1 if i == count - 1 else first + chunk - 1
        yield first, last


def split_chunks(path, plan, workdir):
    """Per-chunk files for curl, made before timing starts."""
    files = []
    with open(path, "rb") as src:
        for i, (first, last) in enumerate(chunk_ranges(plan)):
            name = os.path.join(workdir, "chunk.%04d" % i)
            with open(name, "wb") as dst:
                left = last - first + 1
                while left > 0:
                    n = os.copy_file_range(src.fileno(), dst.fileno(), left, first + (last - first + 1 - left))
                    if n <= 0:
                        raise RuntimeError("short copy")
                    left -= n
            files.append(name)
    return files


def curl_config(url, plan, files, workdir):
    size = plan[0]
    path = os.path.join(workdir, "curl.conf")
    # -T appends the file name to a URL ending in "/": send the real target explicitly.
    parts = urllib.parse.urlsplit(url)
    origin = "%s://%s/upload-bench" % (parts.scheme, parts.netloc)
    target = parts.path + ("?" + parts.query if parts.query else "")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        for i, ((first, last), name) in enumerate(zip(chunk_ranges(plan), files)):
            if i > 0:
                f.write("next\n")
            f.write('url = "%s"\n' % origin)
            f.write('request-target = "%s"\n' % target)
            f.write('upload-file = "%s"\n' % name)
            f.write('header = "Content-Type: video/mp4"\n')
            f.write('header = "Content-Range: bytes %d-%d/%d"\n' % (first, last, size))
            f.write('header = "Expect:"\n')
            f.write('output = "/dev/null"\n')
            f.write('write-out = "%{http_code}\\n"\n')
            f.write("silent\nshow-error\n")
    return path


def parse_gnu_time(text):
    def field(label):
        m = re.search(re.escape(label) + r": (.+)", text)
        return m.group(1).strip() if m else "0"
    return {"cpu": float(field("User time (seconds)")) + float(field("System time (seconds)")),
            "rss_kib": int(field("Maximum resident set size (kbytes)"))}


def timed(argv, stdin_text, workdir):
    log = os.path.join(workdir, "time.log")
    start = time.monotonic()
    run = subprocess.run(["/usr/bin/time", "-v", "-o", log] + argv, input=stdin_text,
                         capture_output=True, text=True)
    wall = time.monotonic() - start
    with open(log) as f:
        text = f.read()
    if os.environ.get("WBPS_BENCH_VERBOSE"):
        print(text)
    stats = parse_gnu_time(text)
    stats["wall"] = wall
    return run, stats


def run_wbps(args, path, url, workdir):
    argv = [args.wbps_bench, path] + ([str(args.chunk_size)] if args.chunk_size else [])
    run, stats = timed(argv, url + "\n", workdir)
    if run.returncode != 0:
        raise RuntimeError("wbps upload failed: " + run.stderr.strip())
    return stats


def run_curl(config, plan, workdir):
    run, stats = timed(["curl", "--config", config], None, workdir)
    codes = run.stdout.split()
    expected = ["206"] * (plan[2] - 1) + ["201"]
    if run.returncode != 0 or codes != expected:
        raise RuntimeError("curl upload failed: %s %s" % (codes[-3:], run.stderr.strip()))
    return stats


def check_stored(emu, publish_id, digest, label):
    stored = emu.stored_path(publish_id)
    if sha256_of(stored) != digest:
        raise RuntimeError("%s: the emulator stored different bytes" % label)
    os.unlink(stored)   # keep the disk footprint at one copy


def report(results, size):
    print()
    print("%-6s %9s %11s %9s %13s %17s" % ("tool", "wall s", "MiB/s", "CPU s", "peak RSS MiB",
                                           "emulator CPU s"))
    for label in ("wbps", "curl"):
        for r in results[label]:
            print("%-6s %9.2f %11.1f %9.2f %13.1f %17.2f" % (
                label, r["wall"], size / MIB / r["wall"], r["cpu"], r["rss_kib"] / 1024,
                r["emu_cpu"]))
    best = {label: min(r["wall"] for r in results[label]) for label in results}
    median = {label: statistics.median(r["wall"] for r in results[label]) for label in results}
    ratio = best["curl"] / best["wbps"]
    wbps_rss = max(r["rss_kib"] for r in results["wbps"]) / 1024
    print()
    median_ratio = median["curl"] / median["wbps"]
    # Judged on both: a lucky best run alone says little on a shared machine.
    print("wbps/curl throughput ratio: best runs %.3f, medians %.3f  (target >= 0.9: %s)" % (
        ratio, median_ratio, "met" if min(ratio, median_ratio) >= 0.9 else "NOT met"))
    cpu = {label: statistics.median(r["cpu"] for r in results[label]) for label in results}
    print("CPU seconds (medians): wbps %.2f, curl %.2f  (wbps/curl %.2f)" % (
        cpu["wbps"], cpu["curl"], cpu["wbps"] / cpu["curl"] if cpu["curl"] > 0 else float("inf")))
    print("wbps peak RSS: %.1f MiB  (target <= 48 MiB: %s)" % (
        wbps_rss, "met" if wbps_rss <= 48 else "NOT met"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wbps-bench", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--size", type=int, default=1024 * MIB)
    parser.add_argument("--chunk-size", type=int, default=0, help="0 = wbps's default plan")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds + warm-up at most 7 (daily post cap); medians need a few")
    parser.add_argument("--warmup", type=int, default=1, choices=(0, 1))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="wbps-bench-")
    emu = None
    try:
        path = os.path.join(workdir, "video.mp4")
        print("making a %d-byte file ..." % args.size, flush=True)
        digest = make_file(path, args.size)
        plan_argv = [args.wbps_bench, "--plan", path] + ([str(args.chunk_size)] if args.chunk_size else [])
        plan = tuple(int(x) for x in subprocess.check_output(plan_argv, text=True).split())
        print("plan: video_size=%d chunk_size=%d total_chunk_count=%d" % plan, flush=True)
        files = split_chunks(path, plan, workdir)
        emu = Emulator(args.emulator, workdir)
        results = {"wbps": [], "curl": []}
        # One unmeasured upload each: the emulator's first 1 GiB write to a fresh disk area is slow.
        for label in ("wbps", "curl")[:args.warmup * 2]:
            publish_id, url = init_upload(emu, plan)
            print("warm-up: %s uploading ..." % label, flush=True)
            if label == "wbps":
                run_wbps(args, path, url, workdir)
            else:
                run_curl(curl_config(url, plan, files, workdir), plan, workdir)
            check_stored(emu, publish_id, digest, label)
        for rnd in range(args.rounds):
            # Alternate who goes first so neither always meets a cold emulator.
            for label in (("wbps", "curl") if rnd % 2 == 0 else ("curl", "wbps")):
                publish_id, url = init_upload(emu, plan)
                print("round %d: %s uploading ..." % (rnd + 1, label), flush=True)
                emu_cpu = emu.cpu_seconds()
                if label == "wbps":
                    stats = run_wbps(args, path, url, workdir)
                else:
                    stats = run_curl(curl_config(url, plan, files, workdir), plan, workdir)
                stats["emu_cpu"] = emu.cpu_seconds() - emu_cpu
                check_stored(emu, publish_id, digest, label)
                results[label].append(stats)
        report(results, args.size)
    finally:
        if emu is not None:
            emu.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
