// Short fingerprints of a record's content, kept for each id. They show whether a later record with
// the same id is an exact copy or has other values, without keeping the earlier record.

/** Offset basis and prime of 32-bit FNV-1a, also used to mix numbers into a fingerprint. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/**
 * Returns a 32-bit FNV-1a hash of `text`: a table cell, an id, or a record written as JSON. NOTE:
 * two different texts share a hash with a chance of about 1 in 4·10^9, and would then be called
 * equal.
 */
export function textFingerprint(text: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), FNV_PRIME);
  return hash >>> 0;
}
