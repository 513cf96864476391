/**
 * The rows the domain hands to its callers, named here so that src/http reaches storage only
 * through the domain (the lint rule in eslint.config.js): what a record, its history, a custom
 * object's association definition, a webhook app or subscription looks like once read.
 */
export type { DefinitionRow, HistoryRow, ObjectRow, PropertyMap } from '../store/store.js';
export type { AppRow, SubscriptionRow } from '../store/webhooks.js';
