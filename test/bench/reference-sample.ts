/**
 * The public sample's algorithms, rewritten here as the benchmark's reference:
 * one Region, everything sequential, about three calls per bucket and one
 * DescribeSecurityGroups call per security group per instance. They run on the
 * same sandbox (same latency) so the ratio compares algorithms, not machines.
 */
/** A failed call counts as "not public": the sample ignored errors. */
export async function settle<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}
