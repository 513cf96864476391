/**
 * The SQL both stores share: PostgreSQL's text is the shared text with numbered placeholders,
 * and SQLite runs the shared text under the same names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SQL as POSTGRES_SQL } from '../../src/store/postgres/postgres-statements.js';
import {
  CATALOG_SQL,
  CATALOG_SQL_NUMBERED,
  SHARED_SQL,
  SHARED_SQL_NUMBERED,
  numberedPlaceholders,
} from '../../src/store/shared-sql.js';
import { SQL as SQLITE_SQL } from '../../src/store/sqlite/sqlite-statements.js';

describe('shared SQL', () => {
  it('numbers placeholders in order', () => {
    assert.equal(
      numberedPlaceholders('SELECT 1 FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?'),
      'SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4',
    );
  });

  it('gives PostgreSQL every shared statement with as many numbered placeholders as SQLite has', () => {
    const pairs = [
      ...Object.entries(SHARED_SQL).map(([name, sql]) => [
        name,
        sql,
        SHARED_SQL_NUMBERED[name as keyof typeof SHARED_SQL],
      ]),
      ...Object.entries(CATALOG_SQL).map(([name, sql]) => [
        name,
        sql,
        CATALOG_SQL_NUMBERED[name as keyof typeof CATALOG_SQL],
      ]),
    ];
    assert.ok(pairs.length > 30);
    for (const [name, sql, numbered] of pairs as Array<[string, string, string]>) {
      const count = sql.split('?').length - 1;
      assert.equal(numbered.includes('?'), false, name);
      assert.equal(numbered.includes(`$${count + 1}`), false, name);
      if (count > 0) assert.ok(numbered.includes(`$${count}`), name);
      else assert.equal(numbered, sql, name);
    }
  });

  it('is what each store runs under the shared names', () => {
    for (const name of Object.keys(SHARED_SQL) as Array<keyof typeof SHARED_SQL>) {
      assert.equal(SQLITE_SQL[name], SHARED_SQL[name], name);
      if (name in POSTGRES_SQL)
        assert.equal((POSTGRES_SQL as Record<string, string>)[name], SHARED_SQL_NUMBERED[name], name);
    }
  });
});
