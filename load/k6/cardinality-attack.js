// @ts-check
// A cardinality attack: every export claims a random version and a brand-new session id. The
// gateway must stay up and fast, and Prometheus must stay bounded (docs/metrics.md §3): at most
// maxVersions versions plus "other". With PROMETHEUS_URL set, teardown checks that bound.
//   k6 run -e GATEWAY_URL=http://127.0.0.1:4318 -e PROMETHEUS_URL=http://127.0.0.1:9090 load/k6/cardinality-attack.js
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { exportHeaders, fillJson, parseManifest, uuid } from './lib/payloads.js';

const DIR = __ENV.PAYLOADS || '../payloads/default';
const ENDPOINT = `${__ENV.GATEWAY_URL || 'http://127.0.0.1:4318'}/v1/metrics`;
const MAX_VERSIONS = Number(__ENV.MAX_VERSIONS || 20);
const manifest = parseManifest(open(`${DIR}/manifest.json`));
const templates = manifest.payloads.map((entry) => open(`${DIR}/${entry.json}`));

export const options = {
  scenarios: {
    attack: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 200),
      timeUnit: '1s',
      duration: __ENV.DURATION || '2m',
      preAllocatedVUs: 50,
      maxVUs: 500,
    },
  },
  thresholds: {
    // Accepted (and folded into "other") or pushed back — never a server error.
    'http_req_duration{name:attack}': ['p(99)<500'],
    'checks{check:no server error}': ['rate>0.99'],
    'checks{check:versions bounded}': ['rate==1'],
  },
};

export default function () {
  const index = exec.scenario.iterationInTest % manifest.payloads.length;
  const entry = manifest.payloads[index];
  const now = Date.now();
  const version = `${Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 1000)}.${Math.floor(Math.random() * 10000)}`;
  const body = fillJson(templates[index], manifest.jsonPlaceholders, {
    sessionId: uuid(),
    startMs: now - 10_000,
    endMs: now,
    version,
  });
  const res = http.post(ENDPOINT, body, {
    headers: exportHeaders(entry.token, 'application/json'),
    tags: { name: 'attack' },
  });
  check(
    res,
    { 'no server error': (r) => r.status > 0 && (r.status < 500 || r.status === 503) },
    { check: 'no server error' },
  );
}

export function teardown() {
  if (!__ENV.PROMETHEUS_URL) return;
  const query = encodeURIComponent('count(count by (version) (filesfu_sessions_total))');
  const res = http.get(`${__ENV.PROMETHEUS_URL}/api/v1/query?query=${query}`);
  const body = /** @type {{ data?: { result?: Array<{ value: [number, string] }> } }} */ (res.json());
  const versions = Number(body.data?.result?.[0]?.value[1] ?? 0);
  check(versions, { 'versions bounded': (v) => v <= MAX_VERSIONS + 1 }, { check: 'versions bounded' });
}
