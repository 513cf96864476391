import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contractChecker } from './contract.js';

const JSON_TYPE = 'application/json;charset=utf-8';
const PUT_DEFAULT = '/crm/v4/objects/contacts/1/associations/default/companies/2';
const okDefault = {
  status: 'COMPLETE',
  results: [
    {
      from: { id: '1' },
      to: { id: '2' },
      associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 },
    },
  ],
  startedAt: '2026-01-01T00:00:00.000Z',
  completedAt: '2026-01-01T00:00:00.001Z',
};

describe('the contract check', () => {
  const checker = contractChecker();

  it('accepts a response that follows the spec', () => {
    assert.deepEqual(checker.check('PUT', PUT_DEFAULT, 200, JSON_TYPE, JSON.stringify(okDefault)), []);
  });

  it('flags a status the operation does not list', () => {
    const problems = checker.check('PUT', PUT_DEFAULT, 201, JSON_TYPE, JSON.stringify(okDefault));
    assert.match(problems.join(), /status 201 is not listed/);
  });

  it('flags a missing required field', () => {
    const { completedAt: _, ...body } = okDefault;
    assert.match(
      checker.check('PUT', PUT_DEFAULT, 200, JSON_TYPE, JSON.stringify(body)).join(),
      /completedAt/,
    );
  });

  it('flags a wrong type and an unknown enum value', () => {
    const body = structuredClone(okDefault);
    (body.results[0]!.associationSpec as any).associationTypeId = '279';
    (body as any).status = 'DONE';
    const problems = checker.check('PUT', PUT_DEFAULT, 200, JSON_TYPE, JSON.stringify(body)).join();
    assert.match(problems, /associationTypeId must be integer/);
    assert.match(problems, /status must be equal to one of the allowed values/);
  });

  it('flags a timestamp that is not date-time', () => {
    const body = { ...okDefault, startedAt: 'yesterday' };
    assert.match(
      checker.check('PUT', PUT_DEFAULT, 200, JSON_TYPE, JSON.stringify(body)).join(),
      /startedAt must match format/,
    );
  });

  it('allows null only where a property is optional', () => {
    const list = {
      results: [
        { toObjectId: '2', associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] },
      ],
    };
    const path = '/crm/v4/objects/contacts/1/associations/companies';
    assert.deepEqual(checker.check('GET', path, 200, JSON_TYPE, JSON.stringify(list)), []);
    list.results[0]!.toObjectId = null as any;
    assert.match(checker.check('GET', path, 200, JSON_TYPE, JSON.stringify(list)).join(), /toObjectId/);
  });

  it('allows a string subCategory on a batch error item, as HubSpot sends it, and nothing else', () => {
    const path = '/crm/v4/associations/deals/companies/batch/read';
    const item = {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
      message: 'No company is associated with deal 1.',
      context: { fromObjectId: ['1'] },
      errors: [],
      links: {},
    };
    const body = (error: unknown) =>
      JSON.stringify({
        status: 'COMPLETE',
        results: [],
        errors: [error],
        numErrors: 1,
        startedAt: '2026-01-01T00:00:00.000Z',
        completedAt: '2026-01-01T00:00:00.001Z',
      });
    assert.deepEqual(checker.check('POST', path, 207, JSON_TYPE, body(item)), []);
    assert.match(
      checker.check('POST', path, 207, JSON_TYPE, body({ ...item, subCategory: 7 })).join(),
      /subCategory/,
    );
    assert.match(
      checker.check('POST', path, 207, JSON_TYPE, body({ ...item, context: { a: 'b' } })).join(),
      /context/,
    );
  });

  it('flags an error body without the required envelope fields', () => {
    const problems = checker.check('PUT', PUT_DEFAULT, 400, JSON_TYPE, JSON.stringify({ message: 'x' }));
    assert.match(problems.join(), /correlationId/);
    assert.match(problems.join(), /category/);
  });

  it('flags the wrong content type and a 204 with a body', () => {
    assert.match(
      checker
        .check('PUT', PUT_DEFAULT, 200, 'application/json; charset=utf-8', JSON.stringify(okDefault))
        .join(),
      /Content-Type/,
    );
    assert.match(
      checker
        .check('DELETE', '/crm/v4/objects/contacts/1/associations/companies/2', 204, undefined, '{}')
        .join(),
      /204 with a body/,
    );
  });

  it('validates the SDK prefix of the schema API against the v4 schema spec', () => {
    const op = checker.findOperation('GET', '/crm/v4/associations/contacts/companies/labels');
    assert.equal(op?.file, 'associations-schema-v4.json');
    assert.equal(
      checker.findOperation('POST', '/crm/v4/associations/contacts/companies/batch/read')?.file,
      'associations-v4.json',
    );
  });

  it('follows each family its own spec file', () => {
    assert.equal(
      checker.findOperation('POST', '/crm/associations/2026-09/contacts/companies/batch/archive')?.file,
      'associations-2026-09.json',
    );
    assert.equal(checker.findOperation('GET', '/crm/v3/objects/contacts/1')?.file, 'contacts-v3.json');
    assert.equal(checker.findOperation('GET', '/crm/v3/objects/deals/1')?.file, 'deals-v3.json');
    assert.equal(checker.findOperation('GET', '/crm/v3/objects/0-3/1')?.file, 'deals-v3.json');
    assert.equal(checker.findOperation('POST', '/crm/v3/objects/tickets/merge')?.file, 'tickets-v3.json');
    assert.equal(checker.findOperation('GET', '/crm/v3/objects/line_items/1')?.file, 'objects-v3.json');
    assert.equal(checker.findOperation('GET', '/crm/objects/2025-09/notes/1')?.file, 'objects-2025-09.json');
    assert.equal(
      checker.findOperation('POST', '/crm/v3/associations/contacts/companies/batch/read')?.file,
      'associations-v3.json',
    );
    assert.equal(checker.findOperation('GET', '/crm/v3/schemas/cars')?.file, 'schemas-v3.json');
  });
});
