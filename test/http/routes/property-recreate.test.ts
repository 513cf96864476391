/**
 * Re-creating the name of an archived property (decision D27): its values stay on the records,
 * so the new definition takes them over, and it is refused when they do not fit it (another
 * type, or another uniqueness), as a type change is (D31). `spoke check` stays clean and the
 * export imports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const definition = (name: string, type: string, fieldType: string, extra = {}) => ({
  name,
  label: name,
  type,
  fieldType,
  groupName: 'companyinformation',
  ...extra,
});

describe('re-creating an archived property name', () => {
  let server: TestServer;
  let api: Client;

  before(async () => {
    server = await startTestServer();
    api = client(server.url);
  });
  after(() => server.close());

  async function archivedWith(name: string, values: string[], extra = {}) {
    const made = await api.post('/crm/v3/properties/companies', definition(name, 'string', 'text', extra));
    assert.equal(made.status, 201, made.text);
    const ids: string[] = [];
    for (const value of values) {
      const r = await api.post('/crm/v3/objects/companies', { properties: { name: 'N', [name]: value } });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    assert.equal((await api.delete(`/crm/v3/properties/companies/${name}`)).status, 204);
    return ids;
  }

  it('as another type that a held value does not fit: 400, and the archived definition stays', async () => {
    const [id] = await archivedWith('region', ['EMEA']);
    const r = await api.post('/crm/v3/properties/companies', definition('region', 'number', 'number'));
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.status, 'error');
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.equal(
      r.body.message,
      `Property region cannot be created as number: it was archived, and record ${id} still holds a value of it that is not one`,
    );
    assert.equal((await api.get('/crm/v3/properties/companies/region')).status, 404);
    const archived = await api.get('/crm/v3/properties/companies/region?archived=true');
    assert.equal(archived.status, 200, archived.text);
    assert.equal(archived.body.type, 'string');
    const batch = await api.post('/crm/v3/properties/companies/batch/create', {
      inputs: [definition('region', 'number', 'number')],
    });
    assert.equal(batch.status, 207, batch.text);
    assert.equal(batch.body.errors[0].category, 'VALIDATION_ERROR');
    assert.equal((await api.get('/crm/v3/properties/companies/region')).status, 404);
  });

  it('archived records count too; values that fit the new type are taken over', async () => {
    const [, gone] = await archivedWith('headcount', ['12', 'many']);
    assert.equal((await api.delete(`/crm/v3/objects/companies/${gone}`)).status, 204);
    const refused = await api.post(
      '/crm/v3/properties/companies',
      definition('headcount', 'number', 'number'),
    );
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.body.message, new RegExp(`record ${gone} still holds`));

    await archivedWith('size_code', ['0012', '7']);
    const made = await api.post('/crm/v3/properties/companies', definition('size_code', 'number', 'number'));
    assert.equal(made.status, 400, 'stored "0012" would be stored as "12": it does not fit as is');

    await archivedWith('score', ['12', '7.5']);
    const number = await api.post('/crm/v3/properties/companies', definition('score', 'number', 'number'));
    assert.equal(number.status, 201, number.text);
  });

  it('with another uniqueness while records hold values: 400', async () => {
    const [id] = await archivedWith('ref', ['A', 'A']);
    const r = await api.post(
      '/crm/v3/properties/companies',
      definition('ref', 'string', 'text', { hasUniqueValue: true }),
    );
    assert.equal(r.status, 400, r.text);
    assert.match(
      r.body.message,
      new RegExp(`^Property ref cannot be created with hasUniqueValue true: .*record ${id}`),
    );
    const same = await api.post('/crm/v3/properties/companies', definition('ref', 'string', 'text'));
    assert.equal(same.status, 201, same.text);
  });

  it('afterwards the portal checks clean and its export imports', async () => {
    const check = await api.get('/_spoke/check');
    assert.equal(check.status, 200, check.text);
    assert.deepEqual(check.body.problems, []);
    const exported = await api.get('/_spoke/portals/4680000/export');
    assert.equal(exported.status, 200, exported.text);
    const imported = await api.post('/_spoke/portals/4680000/import', exported.body);
    assert.equal(imported.status, 200, imported.text);
  });
});
