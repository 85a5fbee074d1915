/** What a handler knows about the call beyond its validated input. */
export interface Caller {
  /** Best human identifier: username, else client id, else sub, else IAM principal; `local` on the local server. */
  principal: string;
  username?: string;
  /** The email the token trigger puts on access tokens (names the person in CloudTrail's source identity). */
  email?: string;
  sub?: string;
  clientId?: string;
  /**
   * True when the verified access token carries scopes but no `remediate` one: a read-only person. Unset
   * without a token (local server, IAM-signed calls), where IAM or nothing decides.
   */
  readOnly?: true;
  /** The IAM principal of a SigV4-signed call (the automation API). */
  iamArn?: string;
}

export interface InvocationContext {
  requestId: string;
  caller: Caller;
  /** Milliseconds left before the platform stops the call (Lambda's remaining time, or the local deadline). */
  remainingMs: () => number;
  /** The Lambda function's ARN (holds the account id); undefined locally. */
  invokedFunctionArn: string | undefined;
}

/** The account id in a Lambda ARN (`arn:aws:lambda:region:ACCOUNT:function:name`). */
export function accountIdFromArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}
