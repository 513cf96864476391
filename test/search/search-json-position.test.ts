/**
 * A search body that parses but that HubSpot's JSON binding refuses is a 400 naming where in
 * the body the binding stopped (decision D83): the line and column of the value it could not
 * read, or just past the filter it could not build. Over real HTTP on the test store, every
 * response checked against HubSpot's spec by the test server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonOffset } from '../../src/domain/json-position.js';
import { client, type Client } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SEARCH = '/crm/v3/objects/contacts/search';

/** Line and column (from 1) of a 0-based offset, counted here independently of Spoke. */
function at(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

describe('search: where in the body a refused filter is', () => {
  let server: TestServer;
  let api: Client;
  const send = async (text: string) => {
    const r = await api.request('POST', SEARCH, {
      raw: text,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    return r.body.message as string;
  };

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  it('an unknown operator in a pretty-printed body: the line and column of its value', async () => {
    const text = JSON.stringify(
      {
        filterGroups: [
          { filters: [{ propertyName: 'email', operator: 'EQ', value: 'a@b.test' }] },
          {
            filters: [
              { propertyName: 'firstname', operator: 'EQ', value: 'x' },
              { propertyName: 'lastname', operator: 'LIKE', value: 'y' },
            ],
          },
        ],
      },
      null,
      2,
    );
    const message = await send(text);
    assert.equal(message.split(':')[0], `Invalid input JSON on ${at(text, text.indexOf('"LIKE"'))}`, message);
    assert.match(message, /FilterOperator` from String "LIKE"/);
    assert.doesNotMatch(message, /line 1, column 1:/);
  });

  it('BETWEEN without highValue: just past the filter, as HubSpot reports a filter it cannot build', async () => {
    const text =
      '{"filterGroups":[{"filters":[{"propertyName":"createdate","operator":"GT","value":"1"},' +
      '{"value":"2023-02-01","propertyName":"createdate","operator":"BETWEEN"}]}],"limit":10}';
    const end = text.indexOf('"BETWEEN"}') + '"BETWEEN"}'.length;
    const message = await send(text);
    assert.equal(
      message,
      `Invalid input JSON on ${at(text, end)}: Cannot construct instance of ` +
        '`com.hubspot.inbounddb.publicobject.core.v3.search.Filter`, problem: operator BETWEEN requires a highValue',
    );
  });

  it('a value of the wrong type, a bad sort direction, a missing operator, a top-level filter', async () => {
    const value =
      '{\n  "filters": [\n    {"propertyName": "email", "operator": "EQ", "value": {"a": 1}}\n  ]\n}';
    assert.match(
      await send(value),
      new RegExp(`^Invalid input JSON on ${at(value, value.indexOf('{"a"'))}:`),
    );

    const sort = '{"sorts": ["", {"propertyName": "email", "direction": "UP"}]}';
    assert.match(await send(sort), new RegExp(`^Invalid input JSON on ${at(sort, sort.indexOf('"UP"'))}:`));

    const missing = '{"filterGroups": [\n{"filters": [{"propertyName": "email"}]}]}';
    const end = missing.indexOf('"email"}') + '"email"}'.length;
    assert.match(
      await send(missing),
      new RegExp(`^Invalid input JSON on ${at(missing, end)}: Cannot build Filter`),
    );
  });

  it('finds values past strings with escapes, nested values and repeated keys', () => {
    const text = '{"a": "x\\"]}", "b": [1, {"c": [true, null]}, "z"], "b": [7, 8]}';
    assert.equal(jsonOffset(text, ['b', 1]), text.lastIndexOf('8'));
    assert.equal(jsonOffset(text, ['a']), text.indexOf('"x'));
    assert.equal(jsonOffset(text, ['nope']), undefined);
    assert.equal(jsonOffset(text, ['a', 0]), undefined);
    const nested = '[{"c": [true, null]}, "z"]';
    assert.equal(jsonOffset(nested, [0, 'c', 1]), nested.indexOf('null'));
    assert.equal(jsonOffset(nested, [1]), nested.indexOf('"z"'));
    assert.equal(jsonOffset(nested, [0], true), nested.indexOf(', "z"'));
  });
});
