import { impossibleBucketNameReason } from '../../openapi/bucket-name';

describe('impossibleBucketNameReason', () => {
  it.each([
    ['my..bucket', /two adjacent periods/],
    ['192.168.5.4', /IP address/],
    ['10.0.0.1', /IP address/],
    ['xn--bucket', /start with "xn--"/],
    ['sthree-bucket', /start with "sthree-"/],
    ['sthree-configurator-x', /start with "sthree-"/],
    ['amzn-s3-demo-bucket', /start with "amzn-s3-demo-"/],
    ['mybucket-s3alias', /end with "-s3alias".*access point aliases/],
    ['mybucket--ol-s3', /end with "--ol-s3".*Object Lambda/],
    ['mybucket.mrap', /end with "\.mrap".*Multi-Region/],
    ['mybucket--x-s3', /end with "--x-s3".*directory buckets/],
    ['mybucket--table-s3', /end with "--table-s3".*table buckets/],
  ])('%s cannot exist', (name, reason) => {
    expect(impossibleBucketNameReason(name)).toMatch(reason);
  });

  it.each([
    'prod-assets',
    'a.b.c',
    'xn-bucket',
    'bucket-s3-alias',
    '192.168.5.4.example',
    '1.2.3',
    'my-mrap',
    'Legacy_Bucket',
  ])('%s is possible', (name) => {
    expect(impossibleBucketNameReason(name)).toBeUndefined();
  });
});
