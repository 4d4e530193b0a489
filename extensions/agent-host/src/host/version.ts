declare const GROVE_VERSION: string | undefined;

/** Grove's version: stamped into the bundle by the build, `dev` when run from source. */
export const HOST_VERSION: string = typeof GROVE_VERSION === 'string' ? GROVE_VERSION : 'dev';
