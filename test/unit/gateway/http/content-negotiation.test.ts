import { describe, expect, it } from 'vitest';
import { bodyEncodingOf, wireFormatOf } from '../../../../src/gateway/http/index.js';

describe('content negotiation', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['Application/X-Protobuf; charset=binary', 'protobuf'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['  application/json  ;foo=bar', 'json'],
    ['text/plain', undefined],
    ['application/protobuf', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('Content-Type %j → %s', (header, format) => {
    expect(wireFormatOf(header)).toBe(format);
  });

  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    ['GZIP', 'gzip'],
    ['gzip', 'gzip'],
    ['br', undefined],
    ['deflate', undefined],
    ['gzip, identity', undefined],
  ])('Content-Encoding %j → %s', (header, encoding) => {
    expect(bodyEncodingOf(header)).toBe(encoding);
  });
});
