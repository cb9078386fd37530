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

/** Returns the fingerprint of a list of field values, each kept apart from the next. */
export function fieldsFingerprint(values: readonly string[]): number {
  return contentFingerprint(values.join('\u0000'));
}
