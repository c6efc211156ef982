#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Regenerates tests/fuzz/corpus/ from the emulator's real replies.

usage: tests/fuzz/make-seeds.py BUILDDIR

Starts BUILDDIR/src/emulator/wbps-emulator with auto-approve, signs in with PKCE,
posts a small upload and follows its status, provoking each error envelope on
the way, and writes every reply body (and the callback query, the Content-Range
values and the key file) as one seed per file. fuzz-api-reply and
fuzz-oauth-reply read a first byte choosing the HTTP status: seeds carry 0
(HTTP 200) or the index of their real status.
"""
import hashlib, hmac, json, os, secrets, subprocess, sys, tempfile, urllib.error, urllib.parse, urllib.request

API_STATUSES = [200, 400, 401, 403, 404, 429, 500, 503]
OAUTH_STATUSES = [200, 400, 401, 500]
top = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(top, "corpus")

CONFIG = """[emulator]
auto-approve=true
processing-delay-ms=0
clock-scale=1

[user:demo-creator]
display-name=Demo Creator
comment-disabled=false
duet-disabled=true

[faults]
slow-ms=0
"""


# The emulator's throwaway tokens and codes are replaced by fixed stand-ins of the same form.
scrub = {}


def seed(target, name, data):
    for secret, stand_in in scrub.items():
        data = data.replace(secret.encode(), stand_in.encode())
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def call(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as reply:
        return reply.code, dict(reply.headers), reply.read()


def api_seed(name, status, body):
    seed("fuzz-api-reply", name, bytes([API_STATUSES.index(status)]) + body)


def oauth_seed(name, status, body):
    seed("fuzz-oauth-reply", name, bytes([OAUTH_STATUSES.index(status)]) + body)


def main(builddir):
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "emulator.ini")
        with open(config, "w") as f:
            f.write(CONFIG)
        seed("fuzz-emulator-config", "auto-approve.ini", CONFIG.encode())
        emu = subprocess.Popen([os.path.join(builddir, "src/emulator/wbps-emulator"), "--config", config,
                                "--port", "0", "--data-dir", tmp], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
        try:
            base = emu.stdout.readline().split()[-1]
            run(base)
        finally:
            emu.terminate()
            emu.wait(10)


def run(base):
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(16)
    redirect = "http://127.0.0.1:1/callback/"
    query = urllib.parse.urlencode({
        "client_key": "wbps-demo", "response_type": "code", "scope": "user.info.basic,video.publish,video.upload",
        "redirect_uri": redirect, "state": state, "code_challenge_method": "S256",
        "code_challenge": hashlib.sha256(verifier.encode()).hexdigest()})
    status, headers, _ = call("GET", f"{base}/v2/auth/authorize/?{query}")
    location = headers["Location"]
    callback_query = urllib.parse.urlsplit(location).query
    code = urllib.parse.parse_qs(callback_query)["code"][0]
    scrub[code] = "seed-authorization-code"
    scrub[state] = "seed-state"
    fields = urllib.parse.parse_qs(callback_query)
    fields.update(code=["seed-authorization-code"], state=["seed-state"])
    seed("fuzz-callback-query", "granted", urllib.parse.urlencode(fields, doseq=True).encode())
    seed("fuzz-callback-query", "denied", b"error=access_denied&error_type=non_sandbox_target&error_description=The%20user%20denied&state=" + state.encode())

    form = {"client_key": "wbps-demo", "client_secret": "wbps-demo-secret", "code": code,
            "grant_type": "authorization_code", "redirect_uri": redirect, "code_verifier": verifier}
    status, _, body = call("POST", f"{base}/v2/oauth/token/", urllib.parse.urlencode(form).encode())
    oauth_seed("token", status, body)
    token = json.loads(body)
    scrub[token["access_token"]] = "act.seed-access-token-1"
    scrub[token["refresh_token"]] = "rft.seed-refresh-token-1"
    status, _, body = call("POST", f"{base}/v2/oauth/token/", urllib.parse.urlencode(form).encode())
    oauth_seed("code-used", status, body)
    form = {"client_key": "wbps-demo", "client_secret": "wbps-demo-secret", "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"]}
    status, _, body = call("POST", f"{base}/v2/oauth/token/", urllib.parse.urlencode(form).encode())
    token = json.loads(body)
    scrub[token["access_token"]] = "act.seed-access-token-2"
    scrub[token["refresh_token"]] = "rft.seed-refresh-token-2"
    oauth_seed("refresh", status, body)
    stored = {"version": 1, "client_key": "wbps-demo", "open_id": token["open_id"],
              "access_token": token["access_token"], "refresh_token": token["refresh_token"],
              "scope": token["scope"], "display_name": "Demo Creator", "avatar_url": None,
              "access_expires_at": 1800000000, "refresh_expires_at": 1900000000}
    oauth_seed("stored-bundle", 200, json.dumps(stored).encode())

    bearer = {"Authorization": "Bearer " + token["access_token"], "Content-Type": "application/json; charset=UTF-8"}
    status, _, body = call("GET", f"{base}/v2/user/info/?fields=open_id,union_id,avatar_url,display_name", headers=bearer)
    api_seed("user-info", status, body)
    status, _, body = call("GET", f"{base}/v2/user/info/?fields=open_id", headers={"Authorization": "Bearer nope"})
    api_seed("access-token-invalid", status, body)
    status, _, body = call("POST", f"{base}/v2/post/publish/creator_info/query/", b"", bearer)
    api_seed("creator-info", status, body)

    video = os.urandom(1000)
    init = {"post_info": {"title": "seed", "privacy_level": "SELF_ONLY", "disable_comment": True},
            "source_info": {"source": "FILE_UPLOAD", "video_size": len(video), "chunk_size": len(video),
                            "total_chunk_count": 1}}
    status, _, body = call("POST", f"{base}/v2/post/publish/video/init/", json.dumps(init).encode(), bearer)
    api_seed("init", status, body)
    reply = json.loads(body)["data"]
    status, _, body = call("POST", f"{base}/v2/post/publish/video/init/", b'{"post_info":1}', bearer)
    api_seed("invalid-params", status, body)

    headers = {"Content-Type": "video/mp4", "Content-Range": f"bytes 0-{len(video) - 1}/{len(video)}"}
    seed("fuzz-http-range", "request", headers["Content-Range"].encode())
    scrub[urllib.parse.urlsplit(reply["upload_url"]).query] = "upload_id=seed&upload_token=seed"
    api_seed("init", 200, json.dumps({"data": reply, "error": {"code": "ok", "message": "", "log_id": "seed"}}).encode())
    status, reply_headers, _ = call("PUT", reply["upload_url"], video, headers)
    if "Content-Range" in reply_headers:
        seed("fuzz-http-range", "reply", reply_headers["Content-Range"].encode())
    seed("fuzz-http-range", "unknown-held", f"bytes */{len(video)}".encode())
    seed("fuzz-http-range", "range", b"bytes=0-499,-100")

    body_json = json.dumps({"publish_id": reply["publish_id"]}).encode()
    for n in range(3):
        status, _, body = call("POST", f"{base}/v2/post/publish/status/fetch/", body_json, bearer)
        api_seed(f"status-{n}", status, body)
    status, _, body = call("POST", f"{base}/v2/post/publish/status/fetch/", b'{"publish_id":"v_pub_nope"}', bearer)
    api_seed("invalid-publish-id", status, body)

    form = {"client_key": "wbps-demo", "client_secret": "wbps-demo-secret", "token": token["access_token"]}
    status, _, body = call("POST", f"{base}/v2/oauth/revoke/", urllib.parse.urlencode(form).encode())
    oauth_seed("revoke", status, body)

    # Webhook envelopes the emulator recorded, signed as TikTok would for fuzz-webhook's secret.
    status, _, body = call("GET", f"{base}/emulator/events")
    for n, envelope in enumerate(json.loads(body)["data"]["events"]):
        raw = json.dumps(envelope, separators=(",", ":")).encode()
        signature = hmac.new(b"fuzz-client-secret", b"1700000000." + raw, hashlib.sha256).hexdigest()
        seed("fuzz-webhook", f"{envelope['event']}-{n}", f"t=1700000000,s={signature}\n".encode() + raw)


if __name__ == "__main__":
    main(sys.argv[1])
