// The limit Spoke is measured against: a raw node:http server that reads the request body
// and answers a canned, HubSpot-shaped JSON body of the same size as Spoke's answer to the
// same request. No routing library, no parsing, no store.
//
//   node bench/baseline-server.mjs   →  prints "listening on http://127.0.0.1:<port>"
import http from 'node:http';

const NOW = '2026-11-28T12:00:00.000Z';
const spec = (typeId) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId });
const labels = (i) => ({
  fromObjectTypeId: '0-1',
  fromObjectId: String(10000000001 + i),
  toObjectTypeId: '0-2',
  toObjectId: String(10000002001 + i),
  labels: ['Bench'],
});
const associated = (i) => ({
  toObjectId: String(10000000001 + i),
  associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 280, label: null }],
});

function page(size) {
  return JSON.stringify({
    results: Array.from({ length: size }, (_, i) => associated(i)),
    paging: {
      next: { after: 'MTAwMDAwMDAxMDA', link: '/crm/v4/objects/companies/1/associations/contacts?after=x' },
    },
  });
}

const bodies = {
  putDefault: JSON.stringify({
    status: 'COMPLETE',
    results: [
      { from: { id: '10000000001' }, to: { id: '10000002001' }, associationSpec: spec(279) },
      { from: { id: '10000002001' }, to: { id: '10000000001' }, associationSpec: spec(280) },
    ],
    startedAt: NOW,
    completedAt: NOW,
  }),
  putLabeled: JSON.stringify(labels(0)),
  list100: page(100),
  list500: page(500),
  batchCreate: JSON.stringify({
    status: 'COMPLETE',
    results: Array.from({ length: 2000 }, (_, i) => labels(i)),
    startedAt: NOW,
    completedAt: NOW,
  }),
  batchRead: JSON.stringify({
    status: 'COMPLETE',
    results: Array.from({ length: 1000 }, (_, i) => ({
      from: { id: String(10000000001 + i) },
      to: [associated(i)],
    })),
    startedAt: NOW,
    completedAt: NOW,
  }),
  objectCreate: JSON.stringify({
    id: '10000000001',
    properties: {
      email: 'bench@example.com',
      firstname: 'Bench',
      hs_object_id: '10000000001',
      createdate: NOW,
      lastmodifieddate: NOW,
      hs_lastmodifieddate: NOW,
    },
    createdAt: NOW,
    updatedAt: NOW,
    archived: false,
  }),
};

function bodyFor(method, url) {
  if (method === 'PUT' && url.includes('/associations/default/')) return [200, bodies.putDefault];
  if (method === 'PUT') return [201, bodies.putLabeled];
  if (method === 'GET') return [200, url.includes('limit=500') ? bodies.list500 : bodies.list100];
  if (url.endsWith('/batch/create')) return [201, bodies.batchCreate];
  if (url.endsWith('/batch/read')) return [200, bodies.batchRead];
  return [201, bodies.objectCreate];
}

const server = http.createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    const [status, body] = bodyFor(request.method, request.url);
    response.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
