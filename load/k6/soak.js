// @ts-check
// A steady, realistic fleet for a long time: latency and error rate must not drift (memory leaks,
// growing state, expiring series). Watch the gateway's /metrics and RSS while it runs.
//   k6 run -e GATEWAY_URL=http://127.0.0.1:4318 -e SESSIONS=500 -e DURATION=2h load/k6/soak.js
import http from 'k6/http';
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { exportHeaders, parseManifest, patchProtobuf, uuid } from './lib/payloads.js';

const DIR = __ENV.PAYLOADS || '../payloads/default';
const ENDPOINT = `${__ENV.GATEWAY_URL || 'http://127.0.0.1:4318'}/v1/metrics`;
const INTERVAL_S = Number(__ENV.EXPORT_INTERVAL_S || 10);
/** A desktop session lasts about this long, then the install starts a new one (new session id). */
const SESSION_MINUTES = Number(__ENV.SESSION_MINUTES || 30);
const manifest = parseManifest(open(`${DIR}/manifest.json`));
const templates = manifest.payloads.map((entry) => open(`${DIR}/${entry.protobuf}`, 'b'));

export const options = {
  scenarios: {
    fleet: { executor: 'constant-vus', vus: Number(__ENV.SESSIONS || 500), duration: __ENV.DURATION || '1h' },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    'http_req_duration{name:export}': ['p(99)<250', 'p(50)<50'],
    checks: ['rate>0.999'],
  },
};

/** @type {{ sessionId: string; lastEndMs: number; endsAtMs: number } | undefined} */
let session;

export default function () {
  const index = (exec.vu.idInTest - 1) % manifest.payloads.length;
  const entry = manifest.payloads[index];
  const now = Date.now();
  if (!session || now >= session.endsAtMs) {
    if (!session) sleep(Math.random() * INTERVAL_S);
    const start = Date.now();
    session = {
      sessionId: uuid(),
      lastEndMs: start - INTERVAL_S * 1000,
      endsAtMs: start + SESSION_MINUTES * 60_000 * (0.5 + Math.random()),
    };
  }
  const end = Date.now();
  const body = patchProtobuf(templates[index], entry.offsets, session.sessionId, session.lastEndMs, end);
  session.lastEndMs = end;
  const res = http.post(ENDPOINT, body, {
    headers: exportHeaders(entry.token, 'application/x-protobuf'),
    tags: { name: 'export' },
  });
  check(res, { 'export accepted (2xx)': (r) => r.status >= 200 && r.status < 300 });
  sleep(INTERVAL_S);
}
