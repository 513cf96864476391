/**
 * Where a value sits in a JSON text, as HubSpot's JSON binding reports it ("Invalid input
 * JSON on line 3, column 17: …"): line and column, both from 1. The text is one the parser
 * has already accepted, so the walk below skips values without checking them.
 */

/** A property name or an array index, from the document's root to a value. */
export type JsonPath = readonly (string | number)[];

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** Line and column (both from 1) of a 0-based offset into `text`. */
export function lineAndColumn(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const SPACE = ' \t\n\r';

/**
 * The offset of the value at `path` in the valid JSON `text` (`after`: just past it), or
 * undefined when the path names nothing. A repeated key is found where it is last written,
 * as the parser keeps its last value.
 */
export function jsonOffset(text: string, path: JsonPath, after = false): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && SPACE.includes(text[i]!)) i++;
  };
  const skipString = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = (): void => {
    ws();
    const open = text[i];
    if (open === '"') return skipString();
    if (open !== '{' && open !== '[') {
      while (i < text.length && !`${SPACE},]}`.includes(text[i]!)) i++;
      return;
    }
    i++;
    for (;;) {
      ws();
      if (text[i] === ']' || text[i] === '}' || i >= text.length) return void i++;
      if (text[i] === ',') i++;
      ws();
      if (open === '{') {
        skipString();
        ws();
        i++; // the colon
      }
      skipValue();
    }
  };
  for (const step of path) {
    ws();
    const open = text[i];
    if (open !== (typeof step === 'number' ? '[' : '{')) return undefined;
    i++;
    let found: number | undefined;
    for (let index = 0; ; index++) {
      ws();
      if (text[i] === ',') i++;
      ws();
      if (text[i] === ']' || text[i] === '}' || i >= text.length) break;
      let key: string | number = index;
      if (open === '{') {
        const start = i;
        skipString();
        key = JSON.parse(text.slice(start, i)) as string;
        ws();
        i++; // the colon
        ws();
      }
      if (key === step) found = i;
      skipValue();
    }
    if (found === undefined) return undefined;
    i = found;
  }
  ws();
  if (after) skipValue();
  return i;
}

/** Line and column of the value at `path` (line 1, column 1 without a text or a match). */
export function jsonPosition(text: string | undefined, path: JsonPath, after = false): TextPosition {
  const offset = text === undefined ? undefined : jsonOffset(text, path, after);
  return offset === undefined ? { line: 1, column: 1 } : lineAndColumn(text!, offset);
}
