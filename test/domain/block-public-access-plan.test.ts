import { planBlockPublicAccess } from '../../functions/domain/block-public-access-plan';
import type { PublicAccessBlockFlags } from '../../functions/domain/bucket-exposure';
import { ALL_FLAGS, flags } from '../support/block-public-access-flags';

const BUCKET = 'my.example-bucket-1';
const REGION = 'eu-west-1';
const TARGET = `--bucket ${BUCKET} --region ${REGION}`;

const put = (configuration: string): string =>
  `aws s3api put-public-access-block ${TARGET} --public-access-block-configuration ${configuration}`;

describe('planBlockPublicAccess', () => {
  it.each<[string, PublicAccessBlockFlags | null, boolean, string[]]>([
    ['no configuration: undo deletes it', null, true, [`aws s3api delete-public-access-block ${TARGET}`]],
    ['all four already on: unchanged, nothing to undo', ALL_FLAGS, false, []],
    [
      'a configuration with every flag off: undo puts it back, not a delete',
      flags(),
      true,
      [
        put(
          'BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false',
        ),
      ],
    ],
    [
      'only the Block* flags on',
      flags('BlockPublicAcls', 'BlockPublicPolicy'),
      true,
      [put('BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=false')],
    ],
    [
      'BlockPublicAcls off',
      flags('IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'),
      true,
      [put('BlockPublicAcls=false,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true')],
    ],
    [
      'IgnorePublicAcls off',
      flags('BlockPublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'),
      true,
      [put('BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=true')],
    ],
    [
      'BlockPublicPolicy off',
      flags('BlockPublicAcls', 'IgnorePublicAcls', 'RestrictPublicBuckets'),
      true,
      [put('BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=true')],
    ],
    [
      'RestrictPublicBuckets off',
      flags('BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy'),
      true,
      [put('BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=false')],
    ],
  ])('%s', (_name, before, changed, undo) => {
    // Act
    const plan = planBlockPublicAccess(BUCKET, REGION, before);

    // Assert
    expect(plan).toEqual({ changed, before, after: ALL_FLAGS, undo });
  });

  it('does not share or alter the caller’s flags', () => {
    // Arrange
    const before = flags('BlockPublicAcls');

    // Act
    const plan = planBlockPublicAccess(BUCKET, REGION, before);
    plan.after.BlockPublicAcls = false;

    // Assert
    expect(before).toEqual(flags('BlockPublicAcls'));
    expect(plan.before).not.toBe(before);
    expect(planBlockPublicAccess(BUCKET, REGION, before).after).toEqual(ALL_FLAGS);
  });

  it('sends the undo command to the bucket’s region', () => {
    // Act
    const plan = planBlockPublicAccess('logs', 'ap-southeast-2', null);

    // Assert
    expect(plan.undo).toEqual(['aws s3api delete-public-access-block --bucket logs --region ap-southeast-2']);
  });
});
