// @ts-check
// Many sessions exporting at the watchdog's interval: each VU is one desktop session that posts one
// pre-encoded protobuf export (patched with its session id and real timestamps) per interval.
//   npm run load -- generate --key-id K --secret S     # once; the gateway must know key K
//   k6 run -e GATEWAY_URL=http://127.0.0.1:4318 -e SESSIONS=2000 -e DURATION=5m load/k6/ingest-throughput.js
import http from 'k6/http';
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { exportHeaders, parseManifest, patchProtobuf, uuid } from './lib/payloads.js';

const DIR = __ENV.PAYLOADS || '../payloads/default';
const ENDPOINT = `${__ENV.GATEWAY_URL || 'http://127.0.0.1:4318'}/v1/metrics`;
const INTERVAL_S = Number(__ENV.EXPORT_INTERVAL_S || 10);
const manifest = parseManifest(open(`${DIR}/manifest.json`));
const templates = manifest.payloads.map((entry) => open(`${DIR}/${entry.protobuf}`, 'b'));

export const options = {
  scenarios: {
    sessions: {
      executor: 'constant-vus',
      vus: Number(__ENV.SESSIONS || 1000),
      duration: __ENV.DURATION || '5m',
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:export}': ['p(99)<250'],
    checks: ['rate>0.99'],
  },
};

/** @type {{ sessionId: string; lastEndMs: number } | undefined} */
let session;

export default function () {
  const index = (exec.vu.idInTest - 1) % manifest.payloads.length;
  const entry = manifest.payloads[index];
  if (!session) {
    // Sessions start spread over one interval, like a fleet; the first export covers one interval.
    sleep(Math.random() * INTERVAL_S);
    session = { sessionId: uuid(), lastEndMs: Date.now() - INTERVAL_S * 1000 };
  }
  const now = Date.now();
  const body = patchProtobuf(templates[index], entry.offsets, session.sessionId, session.lastEndMs, now);
  session.lastEndMs = now;
  const res = http.post(ENDPOINT, body, {
    headers: exportHeaders(entry.token, 'application/x-protobuf'),
    tags: { name: 'export' },
  });
  check(res, { 'export accepted (2xx)': (r) => r.status >= 200 && r.status < 300 });
  sleep(INTERVAL_S);
}
