import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCatalogue,
  gatewayError,
  gatewayErrorCodes,
  encodeRpcStatusProtobuf,
  type GatewayErrorCode,
} from '../../../../src/gateway/errors/index.js';
import { writeError } from '../../../../src/gateway/http/index.js';

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Minimal google.rpc.Status protobuf reader (fields 1 and 2) to check what we encode. */
function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  let code = 0;
  let message = '';
  while (offset < bytes.length) {
    const tag = varint();
    if (tag === 0x08) code = varint();
    else if (tag === 0x12) {
      const length = varint();
      message = Buffer.from(bytes.subarray(offset, offset + length)).toString('utf8');
      offset += length;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return { code, message };
}

describe('error catalogue', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const code = url.searchParams.get('code') as GatewayErrorCode;
      const format = url.searchParams.get('format') === 'protobuf' ? 'protobuf' : 'json';
      writeError(
        response,
        gatewayError(code, {
          retryAfterSeconds: 7,
          limitBytes: 10,
          reason: 'r',
          contentType: 'text/plain',
          encoding: 'br',
          maxAgeSeconds: 60,
          method: 'GET',
          path: '/x',
        }),
        format,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('has unique, prefixed codes and retryable only for statuses OTLP clients retry', () => {
    expect(gatewayErrorCodes.length).toBeGreaterThan(10);
    for (const code of gatewayErrorCodes) {
      expect(code).toMatch(/^FILESFU_GW_[A-Z_]+$/);
      const entry = errorCatalogue[code];
      expect(entry.retryable).toBe(RETRYABLE_STATUSES.has(entry.status));
    }
  });

  it.each(gatewayErrorCodes)('%s is answered with its status and a google.rpc.Status body', async (code) => {
    const entry = errorCatalogue[code];
    const json = await fetch(`${baseUrl}/?code=${code}&format=json`);
    expect(json.status).toBe(entry.status);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.headers.get('x-filesfu-error-code')).toBe(code);
    const body = (await json.json()) as { code: number; message: string };
    expect(body.code).toBe(entry.rpcCode);
    expect(body.message.startsWith(`${code}: `)).toBe(true);
    expect(body.message).not.toMatch(/\{\w+\}/);

    const proto = await fetch(`${baseUrl}/?code=${code}&format=protobuf`);
    expect(proto.status).toBe(entry.status);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    const status = decodeStatus(new Uint8Array(await proto.arrayBuffer()));
    expect(status.code).toBe(entry.rpcCode);
    expect(status.message).toBe(body.message);
  });

  it('carries Retry-After only when the error has one', async () => {
    const error = gatewayError('FILESFU_GW_BAD_PAYLOAD', { reason: 'x' });
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(
      gatewayError('FILESFU_GW_OVERLOADED', { reason: 'x', retryAfterSeconds: 3 }).retryAfterSeconds,
    ).toBe(3);
  });

  it('encodes google.rpc.Status with multi-byte varints and UTF-8 messages', () => {
    const message = 'ü'.repeat(100);
    expect(decodeStatus(encodeRpcStatusProtobuf({ code: 300, message }))).toEqual({ code: 300, message });
    expect(encodeRpcStatusProtobuf({ code: 0, message: '' }).length).toBe(0);
  });
});
