/**
 * Released migrations never change what they execute: a database migrated by an earlier Spoke
 * records only the version numbers, so a migration whose text changed would leave it with a
 * schema no fresh database has. The SQL of both dialects is built from one description
 * (src/store/schema-ddl.ts); these digests are of the text as released, taken before it was.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/postgres-migrations.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/sqlite-migrations.js';

const RELEASED_SQLITE = [
  '1b9689e2dfac9db972be495a01b37d337343274adc8b057a8572a2f03d6131a3',
  'cccc9a854bc39114192e02ec050bba569106a73e0c8d1895aa51931e8fc9b8ea',
  '92c26e4b968c492deaec225d07611d7e46ae84c691ffbb584220ed0d58f82867',
  '3ef6513bb00bf5dc371ac37f4aea8f016d9b85c4704d819f73958f9e14c9eddc',
  '1bfc94038ab864da66932a0b4825fc89081d5118d4476ebf0d497694a9a5db52',
  '72daef042b2138f7354b8ca71119dad73cd279631538acfddd313d154d02c71b',
  '2cd75169cef08e9b5cc50560da54e725e9f83a2556498c4ce3558abbdfc6a335',
  'f31d95d9474059d03e9a668697de928f0fd5e1561c102f26cc1bbc8a28bb276f',
  'dd09f18a8cd6f8c44e4279b3f3ba41f0f962664d7176f45c70bbdd7857475cfb',
  '433371a1e6257d520129ac06486db82fa8c39ad135924a48824250906181215b',
  '80fccf2376b2729cf9670a0f94da6ba3feb72d91181dde3c93b61d9f8c6f42d6',
];
const RELEASED_POSTGRES = [
  'f6e8b9f7ab935bebc395db62f124be29adf4340f104ab2d61d9d506605c62ab1',
  '516a442f88f98d5ea25d62dbcf06e5c0977cd934ee608c06efbdbf3bec333f7c',
  '29566f2e9a38fe380f8388cb9284e58b065689bf71a40b1246b0999426283d78',
  '8b59a8240816dcc9c486e72f677b8dce1b088646ba8a0c50cfdeffe6d69a3e6f',
  'a4b977c6597f91af6d30b3061fc5578b513b96c202971bad0fcf421b2fd8ad80',
  'e214c394b74393c5f90bebf9167c0aaeb2c21c423a67f494af7c6d2b644079a5',
  'af7d67c8723f4efd7fc1753a08ca37c7bb034f78f7644b8f268c4a5d883df6f7',
  '798ec2b0f17b1d8d305516e42139c8eb619330f7eccb79746b581036af304ca7',
  '1d3e164cbbcf62ef736713fc6cbfd61ebde66f4c31e29778b6217dde326a0ef9',
  '415b0687025e074b94391a35234707e132878b4da2dd2d5fefa9acf75025526b',
  'c83e248b34896f4a1d6be29c90526f4d9d87c786855eebea12c5578b7a909abd',
];

function digests(migrations: readonly string[]): string[] {
  return migrations.map((sql) => createHash('sha256').update(sql).digest('hex'));
}

describe('released migrations', () => {
  it('execute on SQLite exactly the SQL they executed when released', () => {
    assert.deepEqual(digests(SQLITE_MIGRATIONS).slice(0, RELEASED_SQLITE.length), RELEASED_SQLITE);
  });

  it('execute on PostgreSQL exactly the SQL they executed when released', () => {
    assert.deepEqual(digests(POSTGRES_MIGRATIONS).slice(0, RELEASED_POSTGRES.length), RELEASED_POSTGRES);
  });
});
