/**
 * HalfSipHash (Aumasson and Bernstein's 32-bit variant of SipHash) with a 32-bit tag, over the low
 * bytes of a string's UTF-16 code units (exact for Latin-1 strings, each code unit one byte). With
 * 1/3 rounds it is what Linux's hsiphash is on 32-bit machines: not a MAC, but made for hash tables
 * whose keys come from outside, since nobody without the key can pick strings that collide. Plain
 * hashes, even seeded ones (MurmurHash, CityHash), have seed-independent multicollisions; SipHash was
 * designed against exactly that.
 *
 * `compressionRounds`/`finalRounds` 1/3 for tables, 2/4 for the reference test vectors.
 */
export function halfSipHash(
  text: string,
  k0: number,
  k1: number,
  compressionRounds = 1,
  finalRounds = 3,
): number {
  let v0 = k0 | 0;
  let v1 = k1 | 0;
  let v2 = 0x6c796765 ^ k0;
  let v3 = 0x74656462 ^ k1;
  // One loop of rounds, so that the round is written once: `compressionRounds` per 4-byte word, the
  // last word being the final block (the length and the tail), then `finalRounds`.
  const words = (text.length >>> 2) + 1;
  const messageRounds = words * compressionRounds;
  let word = 0;
  for (let round = 0; round < messageRounds + finalRounds; round++) {
    if (round < messageRounds && round % compressionRounds === 0) {
      if (round > 0) v0 ^= word;
      word = wordAt(text, round / compressionRounds);
      v3 ^= word;
    } else if (round === messageRounds) {
      v0 ^= word;
      v2 ^= 0xff;
    }
    v0 = (v0 + v1) | 0;
    v1 = (v1 << 5) | (v1 >>> 27);
    v1 ^= v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = (v3 << 8) | (v3 >>> 24);
    v3 ^= v2;
    v0 = (v0 + v3) | 0;
    v3 = (v3 << 7) | (v3 >>> 25);
    v3 ^= v0;
    v2 = (v2 + v1) | 0;
    v1 = (v1 << 13) | (v1 >>> 19);
    v1 ^= v2;
    v2 = (v2 << 16) | (v2 >>> 16);
  }
  return v1 ^ v3;
}

/** Little-endian word `index` of the text's bytes; the one after the last whole word is the final block. */
function wordAt(text: string, index: number): number {
  const start = index * 4;
  if (start + 4 <= text.length) {
    return (
      (text.charCodeAt(start) & 0xff) |
      ((text.charCodeAt(start + 1) & 0xff) << 8) |
      ((text.charCodeAt(start + 2) & 0xff) << 16) |
      ((text.charCodeAt(start + 3) & 0xff) << 24)
    );
  }
  let block = (text.length & 0xff) << 24;
  for (let i = start, shift = 0; i < text.length; i++, shift += 8) {
    block |= (text.charCodeAt(i) & 0xff) << shift;
  }
  return block;
}
