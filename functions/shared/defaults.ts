/**
 * Defaults every function shares, each defined once: Lambda (from its
 * environment), the local server and the bench start from these.
 */

/**
 * Default scan width: buckets (S3) or Regions (EC2) worked on at once. A bucket sends its first two reads
 * together, so up to twice this many calls are in flight; each client's HTTP agent gets that many sockets.
 */
export const DEFAULT_CONCURRENCY = 64;

/**
 * The tag key that marks resources the API never changes, unless the stack names another (context
 * protectedTagKey, handed to the functions as PROTECTED_TAG_KEY). The stack's default is the same.
 */
export const DEFAULT_PROTECTED_TAG_KEY = 'aiops-protected';

/** The group whose members may remediate, unless the stack names another (REMEDIATOR_GROUP); the stack's default too. */
export const DEFAULT_REMEDIATOR_GROUP = 'remediators';

/** Milliseconds a scan keeps in reserve before the deadline, to shape and send a partial answer. */
export const DEFAULT_TIME_RESERVE_MS = 2_500;
