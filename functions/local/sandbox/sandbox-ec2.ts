/** The EC2 commands of the simulated account. */
import { sandboxError } from './sandbox-errors';
import type { Scenario } from './scenario';

export function handleEc2(
  _scenario: Scenario,
  _region: string,
  command: string,
  _input: Record<string, unknown>,
): Record<string, unknown> {
  throw sandboxError('NotImplemented', `The sandbox does not implement EC2 ${command} yet.`);
}
