/**
 * Each Lambda serves one operation and builds only that operation's schemas: the registry builds an
 * operation's schemas the first time they are read, once. Observed through zod's global registry, where
 * each described schema is added as it is built (an operation's top-level schemas carry an `id`).
 */
import { globalRegistry } from 'zod/mini';
import { onFirstUse } from '../../openapi/schemas';

type Operations = typeof import('../../openapi/operations');
type HttpRouter = typeof import('../../functions/shared/http-router');

let add: jest.SpyInstance;

beforeEach(() => {
  add = jest.spyOn(globalRegistry, 'add');
});

afterEach(() => {
  add.mockRestore();
});

/** The ids added to zod's global registry so far in this test, in order. */
function registeredIds(): string[] {
  return add.mock.calls
    .map(([, meta]) => (meta as { id?: unknown } | undefined)?.id)
    .filter((id): id is string => typeof id === 'string');
}

/** Runs `act` with freshly loaded modules, so no earlier test has built their schemas. */
function withFreshModules(act: () => void): void {
  jest.isolateModules(act);
}

it('builds no operation schema when the registry loads, and an operation’s when its schemas are read', () => {
  withFreshModules(() => {
    // Arrange
    const operations = require('../../openapi/operations') as Operations;
    const afterLoad = registeredIds();

    // Act
    void operations.findS3BucketsWithPublicAccess.request.query;
    void operations.findS3BucketsWithPublicAccess.response;
    const afterFind = registeredIds();
    void operations.closeUnwantedPortForEc2Instance.request.body;

    // Assert
    expect(afterLoad).toEqual([]);
    expect(afterFind).toEqual(['FindS3BucketsWithPublicAccessResponse']);
    expect(registeredIds()).toEqual([
      'FindS3BucketsWithPublicAccessResponse',
      'CloseUnwantedPortForEc2InstanceRequest',
      'CloseUnwantedPortForEc2InstanceResponse',
      // The preview answers the write's response plus its planId: the two are built together.
      'PreviewCloseUnwantedPortForEc2InstanceResponse',
    ]);
  });
});

it('a Lambda router for one operation builds that operation’s schemas only', () => {
  withFreshModules(() => {
    // Arrange
    const { findEc2InstancesWithOpenPort } = require('../../openapi/operations') as Operations;
    const { bindOperation, createOperationRouter } =
      require('../../functions/shared/http-router') as HttpRouter;

    // Act
    createOperationRouter([
      bindOperation(findEc2InstancesWithOpenPort, () => Promise.reject(new Error('unused'))),
    ]);

    // Assert
    expect(registeredIds()).toEqual(['FindEc2InstancesWithOpenPortResponse']);
  });
});

it('onFirstUse builds on the first call only and hands out the same value after', () => {
  // Arrange
  const build = jest.fn(() => ({ built: true }));
  const get = onFirstUse(build);

  // Act / Assert
  expect(build).not.toHaveBeenCalled();
  const first = get();
  expect(get()).toBe(first);
  expect(build).toHaveBeenCalledTimes(1);
});
