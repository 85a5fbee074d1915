/** An AWS SDK v3 service error as the SDK throws it (`name` is the AWS error code), for mocked clients. */
export function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} from the mock`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}
