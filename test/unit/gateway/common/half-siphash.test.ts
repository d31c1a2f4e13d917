import { describe, expect, it } from 'vitest';
import { halfSipHash } from '../../../../src/gateway/common/half-siphash.js';

// The reference implementation's vectors_hsip32 (github.com/veorq/SipHash, vectors.h): HalfSipHash-2-4
// with a 32-bit tag, key bytes 00..07, message bytes 00..(n-1) for n = 0..63; each tag's bytes in order.
const VECTORS = [
  'a9359f5b 27475ab8 fa62a603 8afee704 2a6e4689 c5fab669 5863fc23 8bcf63c5',
  'd0b8848f f806e779 94b07934 08083050 57f0872f 77e663ff d6fff87c 74fe2b97',
  'd9b5ac84 c474645b 465b8d9b 7befe387 e34d1045 613f62b3 70f367fe e6adb8bd',
  '27400c63 26787875 4f567b5f 3ab0e669 b0644000 ff670fb4 509e338b 5d589f1a',
  'fee72112 33753259 6a434f8c fe28b729 e75cc6ec 697e8d54 63688b0f 650b62b4',
  'b6bc1840 5d074505 2442fd2e 7bb7863a 7705d548 d75208b1 b6d499c8 0892202e',
  '69e12ce3 8db580e5 369764c6 016e0204 3b85f3d4 fedb66be 1e692a3a c68984c0',
  'a5c5b940 9be9e88c 7dbc8140 7c078ec5 d4e76c73 428fcbb9 bd83997a 59ea4a74',
]
  .join(' ')
  .split(' ');

describe('halfSipHash', () => {
  it("matches the reference implementation's HalfSipHash-2-4 test vectors", () => {
    VECTORS.forEach((hex, length) => {
      const message = String.fromCharCode(...Array.from({ length }, (_, i) => i));
      const tag = Buffer.from(hex, 'hex').readUInt32LE(0);
      expect({ length, tag: halfSipHash(message, 0x03020100, 0x07060504, 2, 4) >>> 0 }).toEqual({
        length,
        tag,
      });
    });
  });

  it('depends on the key', () => {
    const keys = ['install/session-1', 'install/session-2', ''];
    for (const key of keys) expect(halfSipHash(key, 1, 2)).not.toBe(halfSipHash(key, 1, 3));
  });
});
