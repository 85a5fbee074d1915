/** Where untrusted text enters an answer in the domain: rule descriptions, undo commands, policy Sids. */
import { evaluateBucketPolicy } from '../../functions/domain/bucket-policy';
import { undoCommands, visibleJson } from '../../functions/domain/port-closure-undo';
import { toRuleChange } from '../../functions/domain/security-group-rules';

const HIDDEN = 'a\u202Eb\u200Bc\u2028d\u0085e\u{E0041}f';

describe('visibleJson', () => {
  it.each([
    ['bidi override', '\u202E', '\\u202e'],
    ['zero-width space', '\u200B', '\\u200b'],
    ['line separator', '\u2028', '\\u2028'],
    ['C1 control (NEL)', '\u0085', '\\u0085'],
    ['tag character (astral)', '\u{E0041}', '\\udb40\\udc41'],
    ['C0 control (JSON already escapes it)', '\u0007', '\\u0007'],
  ])('writes a %s as an escape', (_name, char, escaped) => {
    expect(visibleJson({ d: `x${char}y` })).toBe(`{"d":"x${escaped}y"}`);
  });

  it('reads back as the exact original text', () => {
    expect(JSON.parse(visibleJson({ d: HIDDEN }))).toEqual({ d: HIDDEN });
  });

  it('leaves visible non-ASCII text alone', () => {
    expect(visibleJson(['Zürich – 東京'])).toBe('["Zürich – 東京"]');
  });
});

describe('a rule description in answers', () => {
  const rule = {
    groupId: 'sg-1',
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv4: '0.0.0.0/0',
    description: `ops\u202E\n\u200Bteam ${'y'.repeat(300)}`,
  };

  it('is cleaned and capped in revokedRules/addedRules', () => {
    const { description } = toRuleChange(rule);
    expect(description?.startsWith('ops team y')).toBe(true);
    expect(description).not.toMatch(/[\u202E\u200B\n]/);
    expect(description?.endsWith('…')).toBe(true);
  });

  it('keeps its exact bytes in the undo command, written visibly', () => {
    const [command = ''] = undoCommands('eu-west-1', [rule], []);
    expect(command).not.toMatch(/[\u202E\u200B\n]/);
    const json = command.slice(command.indexOf("'") + 1, command.lastIndexOf("'"));
    expect(JSON.parse(json)[0].IpRanges[0].Description).toBe(rule.description);
  });
});

describe('a policy Sid in the public reasons', () => {
  it('is quoted and cleaned', () => {
    const evaluation = evaluateBucketPolicy(
      JSON.stringify({
        Statement: [{ Sid: 'Pub\u202Elic\nRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }],
      }),
    );
    expect(evaluation.publicStatements[0]).toMatch(/^Sid "Public Read" /);
  });
});
