/**
 * What Twenty's rate limit allows, for the throughput benchmarks. Two measures, because a bucket starts full:
 * - the sustained ceiling: the long bucket's refill rate × records per call (100 calls a minute × 200 = 333 records/s);
 * - the allowance of one run: the calls the buckets let through in its time, their initial tokens included
 *   (a bucket left idle holds `limit` calls that can go at once), × records per call. For a run much longer than the
 *   window the two agree; a short run can beat the sustained ceiling but never its allowance.
 */
export interface BucketShape {
  limit: number;
  windowMs: number;
}

/** Records per second the long bucket's refill allows. */
export function sustainedCeiling(long: BucketShape, recordsPerCall: number): number {
  return (long.limit * recordsPerCall) / (long.windowMs / 1_000);
}

/** Records per second a run of `seconds` could reach at most, starting with full buckets. */
export function runAllowance(buckets: readonly BucketShape[], recordsPerCall: number, seconds: number): number {
  const calls = Math.min(...buckets.map((b) => b.limit + Math.floor((seconds * 1_000 * b.limit) / b.windowMs)));
  return (calls * recordsPerCall) / seconds;
}
