/** What a preview tells the person about applying it: only a token known to lack remediate is read-only. */
import { applyAccessOf, withApplyNote } from '../../functions/domain/apply-access';
import { callerFromEvent } from '../../functions/shared/caller';
import type { Caller } from '../../functions/shared/invocation';
import { apiGatewayEvent } from '../support/api-gateway-event';

describe('applyAccessOf', () => {
  it.each<[string, Caller, boolean]>([
    ['a read-only person', { principal: 'alice', readOnly: true }, false],
    ['a remediator', { principal: 'bob' }, true],
    ['the local server', { principal: 'local' }, true],
    ['an IAM-signed script (IAM decides)', { principal: 'arn', iamArn: 'arn:aws:iam::1:user/ci' }, true],
  ])('%s', (_name, caller, canApply) => {
    const access = applyAccessOf(caller, 'aiops-fixers');
    expect(access.canApply).toBe(canApply);
    if (canApply) {
      expect(access.applyNote).toBeNull();
      expect(withApplyNote('Would block.', access)).toBe('Would block.');
    } else {
      expect(access.applyNote).toMatch(
        /read-only access.*members of the "aiops-fixers" group can apply it.*share this preview/,
      );
      expect(withApplyNote('Would block.', access)).toBe(`Would block. ${access.applyNote}`);
    }
  });
});

describe('callerFromEvent: readOnly from the verified scopes', () => {
  const withScope = (scope: string | undefined) =>
    callerFromEvent(
      apiGatewayEvent('GET', '/s3/public-buckets', {
        requestContext: {
          authorizer: {
            claims: { sub: 's', token_use: 'access', ...(scope === undefined ? {} : { scope }) },
          },
        },
      }),
    );

  it.each([
    ['aiops-exposure-api/read', true],
    ['aiops-exposure-api/read aiops-exposure-api/remediate', false],
    [undefined, false],
  ])('scope %j -> readOnly %s', (scope, readOnly) => {
    expect(withScope(scope).readOnly === true).toBe(readOnly);
  });
});
