/**
 * Who may remediate: members of one group. Membership comes from the user
 * pool's own groups (`npm run grant -- --user NAME --remediator`) or, with
 * SAML federation, from a group list the identity provider sends and the pool
 * maps to a custom attribute. Everyone else keeps `read` and loses
 * `remediate` from their access token.
 */

/** What the token's subject is known to belong to when a token is issued. */
export interface MembershipFacts {
  /** The user pool groups of the user (Cognito `cognito:groups`). */
  readonly poolGroups: readonly string[];
  /**
   * A SAML-mapped attribute holding the identity provider's group names, when federation maps one. Cognito
   * stores a multi-valued SAML attribute as one string (`[a, b]` or `a,b`), so it is parsed here.
   */
  readonly mappedGroups?: string | undefined;
}

/** The group names in a mapped attribute value: brackets dropped, split on commas, trimmed, empties left out. */
export function parseMappedGroups(value: string | undefined): string[] {
  if (value === undefined) return [];
  const inner = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * True when the subject is a member of `groupName`, compared exactly (group names are case-sensitive in
 * Cognito; a near-miss such as "Remediators" is not membership).
 */
export function isRemediator(facts: MembershipFacts, groupName: string): boolean {
  return facts.poolGroups.includes(groupName) || parseMappedGroups(facts.mappedGroups).includes(groupName);
}

/**
 * The scopes to suppress from an access token: the remediate scope for anyone who is not a remediator,
 * nothing for a remediator. Suppressing a scope the client did not ask for is harmless, so this does not
 * depend on the requested scopes.
 */
export function scopesToSuppress(
  facts: MembershipFacts,
  groupName: string,
  remediateScope: string,
): string[] {
  return isRemediator(facts, groupName) ? [] : [remediateScope];
}
