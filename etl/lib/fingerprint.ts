// A short fingerprint of a record's content, kept for each id. It shows whether a later record with
// the same id is an exact copy or has other values, without keeping the earlier record.

/**
 * Returns a 53-bit hash of `text` (two 32-bit multiply-and-rotate lanes, cyrb53 style). Two texts
 * with the same hash are taken as equal. NOTE: not collision-free: two different records share a
 * hash with a chance of about 1 in 9·10^15 per pair, and would then be called copies.
 */
export function contentFingerprint(text: string): number {
  let first = 0xdeadbeef;
  let second = 0x41c6ce57;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 2654435761);
    second = Math.imul(second ^ code, 1597334677);
  }
  first = Math.imul(first ^ (first >>> 16), 2246822507) ^ Math.imul(second ^ (second >>> 13), 3266489909);
  second = Math.imul(second ^ (second >>> 16), 2246822507) ^ Math.imul(first ^ (first >>> 13), 3266489909);
  return 4294967296 * (2097151 & second) + (first >>> 0);
}

/**
 * Returns a 32-bit FNV-1a hash of `text`, cheaper than contentFingerprint, for comparing one cell
 * of a row with the same cell of another. NOTE: two different cells share a hash with a chance of
 * about 1 in 4·10^9, and would then be called equal.
 */
export function cellFingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}
