/**
 * JSON request bodies. Malformed JSON gets HubSpot's message shape, naming line and column
 * (decision D5: "Invalid input JSON on line 1, column 11: …"); `__proto__` and
 * `constructor.prototype` keys are refused (prototype poisoning).
 */
import secureJson from 'secure-json-parse';
import { lineAndColumn } from '../domain/json-position.js';
import { jsonWithNul, jsonWithPrototypeKeys, malformedJson } from './http-errors.js';

/** Where the first syntax error in `text` is, as a 0-based offset. V8's messages do not always say. */
export function locateJsonError(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const c of word) {
      if (text[i] !== c) fail();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) fail();
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail();
      } else i++;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return text.length;
  } catch (offset) {
    return offset as number;
  }
}

function describeToken(text: string, offset: number): string {
  if (offset >= text.length) return 'Unexpected end of input';
  const token = text.slice(offset, offset + 20).split(/[\s,:{}[\]]/)[0] || text[offset]!;
  return `Unexpected character (${JSON.stringify(token)})`;
}

/** `\u0000` written in a JSON string (an escaped backslash before `u0000` is not one). */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/**
 * Parses a request body, throwing a 400 envelope with line and column on malformed JSON.
 * An empty body parses to `undefined`: some clients send a JSON content type on body-less
 * PUTs, and the routes that need a body say so themselves.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  // PostgreSQL cannot store NUL in text, and no HubSpot field needs it: refused on both stores.
  if (ESCAPED_NUL.test(text)) {
    throw jsonWithNul({});
  }
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    if (error instanceof SyntaxError && /prototype/i.test(error.message)) {
      throw jsonWithPrototypeKeys({});
    }
    const offset = locateJsonError(text);
    const { line, column } = lineAndColumn(text, offset);
    throw malformedJson({ line, column, problem: describeToken(text, offset) });
  }
}
