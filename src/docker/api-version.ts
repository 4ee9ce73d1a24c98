/**
 * The newest Engine API version lastlook speaks (the docker CLI's negotiation: the engine's version when it is
 * older, else this one). Its own module: the launcher's early reads (./early-reads.ts) negotiate the same way.
 */
export const CLIENT_MAX_API = '1.45';
