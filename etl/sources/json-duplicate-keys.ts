// Finds keys that occur more than once in one JSON object. JSON.parse keeps the last value of a
// repeated key and drops the others without a word, so an export with repeated keys can lose data
// silently. This scanner walks the raw text with an explicit stack (no recursion, so deep nesting
// cannot overflow the call stack) and reports each repeated key with the raw text of every value.

/** Keys and array indexes from the document root to an object. */
export type JsonPath = readonly (string | number)[];

export interface DuplicateKey {
  /** Path of the object that contains the repeated key. */
  readonly path: JsonPath;
  readonly key: string;
  /** Raw JSON text of each value, in document order; JSON.parse keeps the last. */
  readonly values: readonly string[];
}

interface ObjectFrame {
  readonly kind: 'object';
  /** Key or index of this container in its parent; null for the root. */
  readonly segment: string | number | null;
  readonly start: number;
  readonly spans: Map<string, Array<[number, number]>>;
  key: string;
}

interface ArrayFrame {
  readonly kind: 'array';
  readonly segment: string | number | null;
  readonly start: number;
  index: number;
}

type Frame = ObjectFrame | ArrayFrame;

type Expectation = 'value' | 'key' | 'after-value';

/**
 * Lists the repeated keys of every object in `text`. The text should be valid JSON (parse it with
 * JSON.parse first, for its error messages): on malformed text the scan stops at the first error
 * and returns what it found before it. It never throws.
 */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const frames: Frame[] = [];
  let position = 0;
  let expectation: Expectation = 'value';

  const skipWhitespace = () => {
    while (position < text.length && isJsonWhitespace(text.charCodeAt(position))) position += 1;
  };

  // Paths are built only for an object with a repeated key, from the stack of open containers,
  // so deep nesting costs memory in proportion to its depth, not to its square.
  const childSegment = (): string | number | null => {
    const top = frames.at(-1);
    if (!top) return null;
    return top.kind === 'object' ? top.key : top.index;
  };

  const currentPath = (frame: Frame): JsonPath => {
    const path = frames.map((open) => open.segment);
    path.push(frame.segment);
    return path.slice(1) as JsonPath;
  };

  const valueEnded = (start: number, end: number) => {
    const top = frames.at(-1);
    if (top?.kind !== 'object') return;
    const spans = top.spans.get(top.key);
    if (spans) spans.push([start, end]);
    else top.spans.set(top.key, [[start, end]]);
  };

  const closeFrame = () => {
    const frame = frames.pop()!;
    if (frame.kind === 'object') {
      for (const [key, spans] of frame.spans) {
        if (spans.length > 1) found.push({ path: currentPath(frame), key, values: spans.map(([start, end]) => text.slice(start, end)) });
      }
    }
    valueEnded(frame.start, position);
  };

  while (true) {
    skipWhitespace();
    if (position >= text.length) return found;
    const char = text[position];

    if (expectation === 'value') {
      const start = position;
      if (char === '{' || char === '[') {
        const segment = childSegment();
        position += 1;
        frames.push(char === '{' ? { kind: 'object', segment, start, spans: new Map(), key: '' } : { kind: 'array', segment, start, index: 0 });
        skipWhitespace();
        if (text[position] === (char === '{' ? '}' : ']')) {
          position += 1;
          closeFrame();
          expectation = 'after-value';
        } else {
          expectation = char === '{' ? 'key' : 'value';
        }
        continue;
      }
      const end = char === '"' ? stringEnd(text, position) : scalarEnd(text, position);
      if (end === null || end === position) return found;
      position = end;
      valueEnded(start, end);
      expectation = 'after-value';
      continue;
    }

    if (expectation === 'key') {
      const top = frames.at(-1);
      const end = char === '"' ? stringEnd(text, position) : null;
      if (top?.kind !== 'object' || end === null) return found;
      const key = decodeKey(text.slice(position, end));
      if (key === null) return found;
      top.key = key;
      position = end;
      skipWhitespace();
      if (text[position] !== ':') return found;
      position += 1;
      expectation = 'value';
      continue;
    }

    const top = frames.at(-1);
    if (!top) return found;
    if (char === ',') {
      position += 1;
      if (top.kind === 'array') top.index += 1;
      expectation = top.kind === 'object' ? 'key' : 'value';
    } else if ((char === '}' && top.kind === 'object') || (char === ']' && top.kind === 'array')) {
      position += 1;
      closeFrame();
    } else {
      return found;
    }
  }
}

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Returns the index just past the closing quote of the string that opens at `start`. */
function stringEnd(text: string, start: number): number | null {
  let position = start + 1;
  while (position < text.length) {
    const char = text[position];
    if (char === '\\') position += 2;
    else if (char === '"') return position + 1;
    else position += 1;
  }
  return null;
}

/** Returns the index just past a number, `true`, `false` or `null` that starts at `start`. */
function scalarEnd(text: string, start: number): number | null {
  let position = start;
  while (position < text.length && !',]}'.includes(text[position]) && !isJsonWhitespace(text.charCodeAt(position))) position += 1;
  return position;
}

function decodeKey(raw: string): string | null {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return null;
  }
}
