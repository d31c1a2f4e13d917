// `npm run load -- generate`: writes payload templates and a manifest for the k6 scripts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintInstallToken } from '../gateway/auth/index.js';
import { createRandom, intervalSamples, loadSessionIdentity } from './load-fleet.js';
import {
  JSON_PLACEHOLDERS,
  START_SENTINEL,
  TIME_SENTINEL,
  jsonTemplate,
  protobufTemplate,
} from './payload-templates.js';

export const PAYLOAD_MANIFEST_VERSION = 1;

export interface PayloadManifestEntry {
  installId: string;
  token: string;
  appVersion: string;
  protobuf: string;
  json: string;
  offsets: { sessionId: number[]; startTimeUnixNano: number[]; timeUnixNano: number[] };
}

export interface PayloadManifest {
  manifestVersion: number;
  keyId: string;
  samplesPerExport: number;
  jsonPlaceholders: typeof JSON_PLACEHOLDERS;
  sentinels: { startTimeUnixNano: string; timeUnixNano: string };
  payloads: PayloadManifestEntry[];
}

export interface GeneratePayloadOptions {
  outDir: string;
  /** Distinct installs (payload files). */
  installs: number;
  /** Samples per export (= export interval / 1 s sampling period). */
  samplesPerExport: number;
  keyId: string;
  secret: string;
  seed?: number;
}

export function generatePayloadFiles(options: GeneratePayloadOptions): PayloadManifest {
  mkdirSync(options.outDir, { recursive: true });
  const random = createRandom(options.seed ?? 1);
  const payloads: PayloadManifestEntry[] = [];
  for (let i = 0; i < options.installs; i++) {
    const identity = loadSessionIdentity(random);
    const stages = intervalSamples(random, options.samplesPerExport);
    const base = String(i).padStart(5, '0');
    const template = protobufTemplate(identity, stages);
    writeFileSync(join(options.outDir, `${base}.pb`), template.bytes);
    writeFileSync(join(options.outDir, `${base}.json`), jsonTemplate(identity, stages));
    payloads.push({
      installId: identity.installId,
      token: mintInstallToken({
        installId: identity.installId,
        keyId: options.keyId,
        secret: options.secret,
      }),
      appVersion: identity.appVersion,
      protobuf: `${base}.pb`,
      json: `${base}.json`,
      offsets: template.offsets,
    });
  }
  const manifest: PayloadManifest = {
    manifestVersion: PAYLOAD_MANIFEST_VERSION,
    keyId: options.keyId,
    samplesPerExport: options.samplesPerExport,
    jsonPlaceholders: JSON_PLACEHOLDERS,
    sentinels: { startTimeUnixNano: START_SENTINEL.toString(), timeUnixNano: TIME_SENTINEL.toString() },
    payloads,
  };
  writeFileSync(join(options.outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
