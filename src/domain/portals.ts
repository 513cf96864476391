/**
 * Portals (HubSpot "hubs"). Every record, association, label and limit belongs to one
 * portal, and portals share nothing. A token names a portal.
 */

/** The hub ID used when no tokens are configured. */
export const DEFAULT_PORTAL_ID = 4680000;

export interface TokenDirectory {
  /** The portal a token belongs to, or undefined when the token is not accepted. */
  portalFor(token: string): number | undefined;
}

/** Without configuration, any token means the default portal. */
export const anyTokenDefaultPortal: TokenDirectory = {
  portalFor: () => DEFAULT_PORTAL_ID,
};
