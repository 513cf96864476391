/**
 * What the streaming parser cannot tell the importer once it has dropped emitted values: the
 * section a value belongs to, which top-level keys hold arrays, and how deep the document is.
 */
import { TokenType, type ParsedElementInfo } from '@streamparser/json';
import { fail } from './import-checks.js';

/**
 * An export is nested a few levels deep (a schema's definition the most); the parser's work
 * grows faster than the depth, so a document nested deeper is refused before it is parsed.
 */
const MAX_DEPTH = 64;

/** A value the parser emitted: a top-level key's, or an element of records or associations. */
export interface Element {
  section: string;
  /** True for an element of `records` or `associations`, false for a top-level key's value. */
  item: boolean;
  inArray: boolean;
  value: unknown;
}

export function elementOf({ stack, key, value, parent }: ParsedElementInfo): Element {
  const item = stack.length === 2;
  return {
    section: String(item ? stack[1]?.key : key),
    item,
    inArray: Array.isArray(parent),
    value,
  };
}

/**
 * Watches the token stream for what the parsed values cannot say once emitted elements are
 * dropped: which top-level keys hold arrays (an empty array emits nothing), and keys that
 * would set an object's prototype instead of a property.
 */
export class TopLevelArrays {
  readonly arrays = new Set<string>();
  #containers: Array<'object' | 'array'> = [];
  #expectKey = false;
  #lastKey: string | undefined;
  #afterColon = false;

  observe(token: TokenType, value: unknown): void {
    const depth = this.#containers.length;
    // PostgreSQL cannot store NUL in text; the JSON body parser refuses it the same way.
    if (token === TokenType.STRING && (value as string).includes('\u0000'))
      fail('strings may not contain NUL (\\u0000)');
    if (token === TokenType.STRING && this.#expectKey) {
      if (value === '__proto__') fail('a "__proto__" key is not allowed');
      this.#lastKey = value as string;
      this.#expectKey = false;
      return;
    }
    if (token === TokenType.COLON) {
      this.#afterColon = depth === 1;
      return;
    }
    if (token === TokenType.LEFT_BRACKET && this.#afterColon && this.#lastKey !== undefined)
      this.arrays.add(this.#lastKey);
    this.#afterColon = false;
    if ((token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) && depth >= MAX_DEPTH)
      fail(`values are nested more than ${MAX_DEPTH} levels deep`);
    if (token === TokenType.LEFT_BRACE) {
      this.#containers.push('object');
      this.#expectKey = true;
    } else if (token === TokenType.LEFT_BRACKET) this.#containers.push('array');
    else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) this.#containers.pop();
    else if (token === TokenType.COMMA) this.#expectKey = this.#containers.at(-1) === 'object';
  }
}
