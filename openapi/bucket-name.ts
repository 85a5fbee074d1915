/**
 * Bucket names that cannot exist, so a request naming one is a 400 saying what is wrong, not a 404.
 *
 * From the S3 user guide, "General purpose bucket naming rules"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): no two adjacent periods,
 * not an IP address, none of the reserved prefixes (xn--, sthree-, which covers sthree-configurator,
 * amzn-s3-demo-) or suffixes (-s3alias for access point aliases, --ol-s3 for Object Lambda access point
 * aliases, .mrap for Multi-Region Access Points, --x-s3 for directory buckets, --table-s3 for table
 * buckets). The character set and length are checked by the schema's pattern; this adds the rest.
 */

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
const RESERVED_SUFFIXES: readonly [suffix: string, reservedFor: string][] = [
  ['-s3alias', 'access point aliases'],
  ['--ol-s3', 'Object Lambda access point aliases'],
  ['.mrap', 'Multi-Region Access Points'],
  ['--x-s3', 'directory buckets'],
  ['--table-s3', 'table buckets'],
];
const IP_ADDRESS_FORM = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Why no S3 bucket can have this name, or undefined when the name is possible.
 *
 * Prefixes and suffixes are compared without regard to case: names with upper case exist only from
 * before March 2018 in us-east-1, and the reserved forms are reserved in every case.
 */
export function impossibleBucketNameReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.includes('..'))
    return 'bucketName cannot contain two adjacent periods: no S3 bucket has such a name';
  if (IP_ADDRESS_FORM.test(lower)) {
    return 'bucketName cannot be formatted as an IP address (such as 192.168.5.4): no S3 bucket has such a name';
  }
  const prefix = RESERVED_PREFIXES.find((reserved) => lower.startsWith(reserved));
  if (prefix !== undefined) {
    return `bucketName cannot start with "${prefix}": S3 reserves that prefix, so no bucket has such a name`;
  }
  const suffix = RESERVED_SUFFIXES.find(([reserved]) => lower.endsWith(reserved));
  if (suffix !== undefined) {
    return `bucketName cannot end with "${suffix[0]}": S3 reserves that suffix for ${suffix[1]}, so no bucket has such a name`;
  }
  return undefined;
}
