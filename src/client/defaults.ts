/**
 * The client's defaults, shared by the client, the fake ECE and the CLI's help.
 *
 * @module
 */

/** The API root of a default ECE installation. */
export const DEFAULT_API_ROOT = "/system/ws/v19/clientapplications";
/** Time allowed per call, the token request included, unless the client or call says otherwise. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** How often a failed call is retried, unless the client or call says otherwise. */
export const DEFAULT_MAX_RETRIES = 2;
