import {
  canonicalJson,
  newPlanKey,
  PLAN_TTL_MS,
  type PlanBinding,
  signPlan,
  verifyPlan,
} from '../../functions/shared/plan-token';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const rule = {
  securityGroupRuleId: 'sgr-1',
  ipProtocol: 'tcp',
  fromPort: 0,
  toPort: 65535,
  cidrIpv4: '0.0.0.0/0',
};
const binding: PlanBinding = {
  operation: 'closeUnwantedPortForEc2Instance',
  target: 'i-0123456789abcdef0',
  parameters: { port: 22, protocol: 'tcp', region: 'us-east-1' },
  beforeState: { rules: [rule] },
};

function withTarget(planId: string, target: string): string {
  const [payload, signature] = planId.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
  claims.target = target;
  return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('planId', () => {
  const key = newPlanKey();

  it('verifies against the same binding, whatever the key order of the facts', () => {
    // Arrange
    const planId = signPlan(binding, key, NOW);
    const reordered: PlanBinding = {
      ...binding,
      parameters: { region: 'us-east-1', protocol: 'tcp', port: 22 },
      beforeState: {
        rules: [
          {
            cidrIpv4: '0.0.0.0/0',
            toPort: 65535,
            fromPort: 0,
            ipProtocol: 'tcp',
            securityGroupRuleId: 'sgr-1',
          },
        ],
      },
    };

    // Act / Assert
    expect(verifyPlan(planId, reordered, key, NOW + 60_000)).toEqual({ ok: true });
  });

  const other = 'i-0fffffffffffffff0';
  it.each<[string, (id: string) => string, PlanBinding, number, string]>([
    ['expired', (id) => id, binding, NOW + PLAN_TTL_MS + 1000, 'expired'],
    ['forged (signature replaced)', (id) => `${id.split('.')[0]}.${'A'.repeat(43)}`, binding, NOW, 'forged'],
    [
      'edited (target swapped under the old signature)',
      (id) => withTarget(id, other),
      { ...binding, target: other },
      NOW,
      'forged',
    ],
    ['not a planId at all', () => 'hello', binding, NOW, 'malformed'],
    ['for another target', (id) => id, { ...binding, target: 'i-0aaaaaaaaaaaaaaa0' }, NOW, 'other-change'],
    [
      'for other parameters',
      (id) => id,
      { ...binding, parameters: { ...binding.parameters, port: 3389 } },
      NOW,
      'other-change',
    ],
    [
      'for another operation',
      (id) => id,
      { ...binding, operation: 'removePublicAccessFromS3Bucket' },
      NOW,
      'other-change',
    ],
    [
      'stale (a rule changed since)',
      (id) => id,
      { ...binding, beforeState: { rules: [{ ...rule, toPort: 1024 }] } },
      NOW,
      'state-changed',
    ],
  ])('refuses a planId that is %s, saying to preview again', (_label, tamper, expected, at, reason) => {
    // Arrange
    const planId = tamper(signPlan(binding, key, NOW));

    // Act
    const check = verifyPlan(planId, expected, key, at);

    // Assert
    expect(check).toMatchObject({ ok: false, reason });
    expect(check.ok ? '' : check.message).toContain('preview the change again');
  });

  it('refuses a planId signed with another key (another deployment or a restarted local server)', () => {
    expect(verifyPlan(signPlan(binding, newPlanKey(), NOW), binding, key, NOW)).toMatchObject({
      ok: false,
      reason: 'forged',
    });
  });
});

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [{ d: 2, c: 3 }] }, '{"a":[{"c":3,"d":2}],"b":1}'],
    [{ a: undefined, b: null }, '{"b":null}'],
    ['x', '"x"'],
  ])('%j → %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});
