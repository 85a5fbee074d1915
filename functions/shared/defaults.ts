/**
 * Defaults every function shares, each defined once: Lambda (from its
 * environment), the local server and the bench start from these.
 */

/**
 * Default scan width: buckets (S3) or Regions (EC2) worked on at once. A bucket sends its first two reads
 * together, so up to twice this many calls are in flight; each client's HTTP agent gets that many sockets.
 */
export const DEFAULT_CONCURRENCY = 64;

/** Milliseconds a scan keeps in reserve before the deadline, to shape and send a partial answer. */
export const DEFAULT_TIME_RESERVE_MS = 2_500;
