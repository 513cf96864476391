/**
 * The official HubSpot client in both versions the suite drives: 13.5.0 (node-fetch) and
 * 14.0.1 (undici), installed side by side (`hubspot-client-14` is an npm alias).
 */
import * as v13 from '@hubspot/api-client';
import * as v14 from 'hubspot-client-14';

export type HubSpotModule = typeof v13;

export const OFFICIAL_CLIENTS: ReadonlyArray<{ version: string; module: HubSpotModule }> = [
  { version: '13.5.0', module: v13 },
  { version: '14.0.1', module: v14 as unknown as HubSpotModule },
];

/** A client pointed at a Spoke URL, with only `basePath` changed from production use. */
export function officialClient(module: HubSpotModule, basePath: string, accessToken = 'test-token') {
  return new module.Client({ accessToken, basePath });
}
