/**
 * The form a value is stored in is one a write accepts again unchanged: whatever the
 * normalizer makes of an accepted value passes the validator, and an input it cannot store in
 * such a form (a number with an exponent or out of double range, a date or datetime beyond the
 * years 0000–9999) gets HubSpot's 400 and writes nothing. `spoke check` then has nothing to
 * report, and the portal's export imports back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { canonicalDecimal, plainNumber } from '../../../src/domain/catalog/decimal-values.js';
import { checkValue } from '../../../src/domain/catalog/property-values.js';
import type { PropertyDefinition } from '../../../src/domain/catalog/property-types.js';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function entries(body: { message: string }) {
  const prefix = 'Property values were not valid: ';
  assert.ok(body.message.startsWith(prefix), body.message);
  return JSON.parse(body.message.slice(prefix.length)) as Array<Record<string, unknown>>;
}

const NUMBERS: unknown[] = [
  '1e400',
  '-1e400',
  '1e-400',
  '1E5',
  '+5',
  '0.0000001',
  '1.0000000000000001',
  '12345678901234567890123',
  '-0',
  '-0.0',
  '007',
  '5.',
  '.5',
  '1500.50',
  ' 42 ',
  '1,5',
  '1.2.3',
  '-',
  '.',
  'Infinity',
  'NaN',
  '0x10',
  Number('1e400'),
  1e-7,
  1.5e21,
  -0,
  0.1,
  123,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
];
const DATES: unknown[] = [
  '253402300800000',
  '253402300799999',
  '-62198755200000',
  '-62167219200000',
  '0',
  '2024-03-01',
  '0050-06-01',
  '0000-01-01',
  '9999-12-31',
  '2024-02-30',
  '2024-03-01T00:00:00Z',
  '2024-03-01T00:00:00.000+02:00',
  '+010000-01-01T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '20240301',
  253402300800000,
  1709251200000,
  -1,
];

describe('stored values are values a write accepts', () => {
  let server: TestServer;
  let http: Client;
  const count = async () => (await http.get('/crm/v3/objects/deals?limit=100')).body.results.length as number;

  before(async () => {
    server = await startTestServer();
    http = client(server.url);
    const made = await http.post('/crm/v3/properties/deals', {
      name: 'signed_on',
      label: 'Signed on',
      type: 'date',
      fieldType: 'date',
      groupName: 'dealinformation',
    });
    assert.equal(made.status, 201, made.text);
  });
  after(() => server.close());

  it('every normalized value passes the check again unchanged (number, date, datetime)', () => {
    const definition = (type: string) =>
      ({ name: 'p', type, fieldType: 'text', options: [] }) as unknown as PropertyDefinition;
    const inputs = [...NUMBERS, ...DATES].map((v) =>
      typeof v === 'number' ? (plainNumber(v) ?? String(v)) : String(v),
    );
    let accepted = 0;
    for (const type of ['number', 'date', 'datetime']) {
      for (const input of inputs) {
        const first = checkValue(definition(type), input);
        if ('problem' in first) continue;
        accepted++;
        assert.deepEqual(
          checkValue(definition(type), first.value),
          first,
          `${type} ${input} → ${first.value}`,
        );
      }
    }
    assert.ok(accepted > 20, `only ${accepted} accepted`);
  });

  it('numbers are kept exactly, in plain decimal notation', () => {
    assert.equal(canonicalDecimal('0.0000001'), '0.0000001');
    assert.equal(canonicalDecimal('1.0000000000000001'), '1.0000000000000001');
    assert.equal(canonicalDecimal('0012345678901234567890123.500'), '12345678901234567890123.5');
    assert.equal(canonicalDecimal('-0.0'), '0');
    assert.equal(canonicalDecimal('1e5'), undefined);
    assert.equal(plainNumber(1e-7), '0.0000001');
    assert.equal(plainNumber(1.5e21), '1500000000000000000000');
    assert.equal(plainNumber(Infinity), undefined);
  });

  it('out-of-range and exponent numbers are 400 INVALID_NUMBER, nothing written', async () => {
    for (const amount of ['1e400', '1E5', '+5', 'Infinity']) {
      const r = await http.post('/crm/v3/objects/deals', {
        properties: { dealname: 'N', dealstage: 'appointmentscheduled', amount },
      });
      assert.equal(r.status, 400, `${amount}: ${r.text}`);
      assert.equal(r.body.category, 'VALIDATION_ERROR');
      assert.deepEqual(
        entries(r.body).map((e) => [e.name, e.error]),
        [['amount', 'INVALID_NUMBER']],
      );
    }
    const json = await http.post('/crm/v3/objects/deals', undefined, {
      raw: '{"properties":{"dealname":"N","dealstage":"appointmentscheduled","amount":1e400}}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(json.status, 400, json.text);
    assert.equal(entries(json.body)[0]!.error, 'INVALID_NUMBER');
    assert.equal(await count(), 0);
  });

  it('dates and datetimes beyond the years 0000–9999 are 400, nothing written', async () => {
    for (const [name, value, error] of [
      ['closedate', '253402300800000', 'INVALID_DATETIME'],
      ['closedate', '-62198755200000', 'INVALID_DATETIME'],
      ['signed_on', '253402300800000', 'INVALID_DATE'],
      ['signed_on', '-62198755200000', 'INVALID_DATE'],
    ] as const) {
      const r = await http.post('/crm/v3/objects/deals', {
        properties: { dealname: 'D', dealstage: 'appointmentscheduled', [name]: value },
      });
      assert.equal(r.status, 400, `${name} ${value}: ${r.text}`);
      const [entry] = entries(r.body);
      assert.deepEqual([entry!.name, entry!.error], [name, error]);
      assert.match(String(entry!.message), /out of range/);
    }
    assert.equal(await count(), 0);
  });

  it('accepted edge values read back as values a write takes again; check is clean; the export imports', async () => {
    const written = await http.post('/crm/v3/objects/deals', {
      properties: {
        dealname: 'Edge',
        dealstage: 'appointmentscheduled',
        amount: 1e-7,
        closedate: '9999-12-31T23:59:59.999Z',
        signed_on: '0050-06-01',
      },
    });
    assert.equal(written.status, 201, written.text);
    const p = written.body.properties;
    assert.deepEqual(
      [p.amount, p.closedate, p.signed_on],
      ['0.0000001', '9999-12-31T23:59:59.999Z', '0050-06-01'],
    );
    const again = await http.patch(`/crm/v3/objects/deals/${written.body.id}`, {
      properties: { amount: p.amount, closedate: p.closedate, signed_on: p.signed_on },
    });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(
      [again.body.properties.amount, again.body.properties.closedate, again.body.properties.signed_on],
      [p.amount, p.closedate, p.signed_on],
    );
    const check = await http.get('/_spoke/check');
    assert.equal(check.status, 200, check.text);
    assert.deepEqual(check.body.problems, []);
    const exported = await http.get('/_spoke/portals/4680000/export');
    assert.equal(exported.status, 200, exported.text);
    const imported = await http.post('/_spoke/portals/4680000/import', exported.body);
    assert.equal(imported.status, 200, imported.text);
    const read = await http.get(`/crm/v3/objects/deals/${written.body.id}?properties=amount,signed_on`);
    assert.deepEqual([read.body.properties.amount, read.body.properties.signed_on], [p.amount, p.signed_on]);
  });
});
