/**
 * Runs the roles contract against every adapter in this one process: SQLite in memory always,
 * and PostgreSQL (a schema of its own) when TEST_DATABASE_URL names one.
 */
import { createStore } from '../../src/store/create-store.js';
import { createTestStore, onPostgres } from '../helpers/store.js';
import { runStoreRolesContract } from './store-roles.contract.js';

runStoreRolesContract('sqlite', () => createStore(':memory:'));
if (onPostgres()) runStoreRolesContract('postgres', createTestStore);
