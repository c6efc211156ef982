// SPDX-License-Identifier: GPL-3.0-or-later
// The Node.js reference receiver for bench/relay: the same work as `wbps relay`'s
// POST /webhook (1 MiB cap, TikTok-Signature HMAC-SHA256 check in constant time,
// envelope check, SHA-256 dedupe, a committed insert before the 200), in the usual
// Node way: http + crypto + better-sqlite3 (WAL, synchronous=NORMAL).
'use strict';
const http = require('http');
const crypto = require('crypto');
const Database = require('better-sqlite3');

const [dbPath, port] = process.argv.slice(2);
const secrets = (process.env.WBPS_CLIENT_SECRET || '').split(',').filter(s => s.length > 0);
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT,
  body_sha256 BLOB NOT NULL UNIQUE, open_id TEXT, event TEXT NOT NULL,
  create_time INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL)`);
const insert = db.prepare(`INSERT INTO events (body_sha256, open_id, event, create_time, received_at, body)
  VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (body_sha256) DO NOTHING`);

function verify(header, body) {
  if (typeof header !== 'string') return false;
  let t = null, s = null;
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=');
    if (k === 't') t = v; else if (k === 's') s = v;
  }
  if (!t || !/^[0-9]+$/.test(t) || !s || !/^[0-9a-f]{64}$/.test(s)) return false;
  const given = Buffer.from(s, 'hex');
  let ok = false;
  for (const secret of secrets) {
    const expected = crypto.createHmac('sha256', secret).update(t + '.').update(body).digest();
    ok = crypto.timingSafeEqual(expected, given) || ok;
  }
  return ok && Math.abs(Date.now() / 1000 - Number(t)) <= 300;
}

function envelope(body) {
  try {
    const e = JSON.parse(body);
    if (typeof e.client_key !== 'string' || typeof e.event !== 'string' ||
        !Number.isInteger(e.create_time) || typeof e.content !== 'string') return null;
    const content = JSON.parse(e.content);
    return content !== null && typeof content === 'object' ? e : null;
  } catch (_) {
    return null;
  }
}

http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhook') { res.writeHead(405); res.end(); return; }
  const chunks = [];
  let size = 0;
  req.on('data', c => {
    size += c.length;
    if (size > 1048576) { res.writeHead(413); res.end(); req.destroy(); } else chunks.push(c);
  });
  req.on('end', () => {
    if (size > 1048576) return;
    const body = Buffer.concat(chunks);
    if (!verify(req.headers['tiktok-signature'], body)) { res.writeHead(401); res.end(); return; }
    const e = envelope(body.toString('utf8'));
    if (e === null) { res.writeHead(400); res.end(); return; }
    const digest = crypto.createHash('sha256').update(body).digest();
    insert.run(digest, e.user_openid ?? null, e.event, e.create_time, Math.floor(Date.now() / 1000), body.toString('utf8'));
    res.writeHead(200); res.end();
  });
}).listen(Number(port), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
