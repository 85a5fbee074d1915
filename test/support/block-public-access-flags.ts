/** Block Public Access flags for tables: the named ones on, the rest off. */
import type { PublicAccessBlockFlags } from '../../functions/domain/bucket-exposure';

export function flags(...on: (keyof PublicAccessBlockFlags)[]): PublicAccessBlockFlags {
  return {
    BlockPublicAcls: on.includes('BlockPublicAcls'),
    IgnorePublicAcls: on.includes('IgnorePublicAcls'),
    BlockPublicPolicy: on.includes('BlockPublicPolicy'),
    RestrictPublicBuckets: on.includes('RestrictPublicBuckets'),
  };
}

/** All four flags on. */
export const ALL_FLAGS = flags(
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
);
