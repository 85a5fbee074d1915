/**
 * The two renderings of the one registry. `rest` is the API for curl and scripts: REST status codes.
 * `assistant` is the same operations under {@link ASSISTANT_PATH_PREFIX}, for chat assistants (the Amazon Q
 * Business plugin, Amazon Quick): Q Business shows its users only 2xx bodies, so every outcome a user can act
 * on (not found, a mistake the assistant can fix, a refusal, a half-applied change) answers 200 with an
 * `outcome` and a `summary` (docs/safety.md says why a path prefix).
 */

export type Rendering = 'rest' | 'assistant';

/** Where the assistant rendering lives: `/assistant/s3/public-buckets` is `/s3/public-buckets` for assistants. */
export const ASSISTANT_PATH_PREFIX = '/assistant';

/**
 * What happened, in the assistant rendering: `done` is the operation's own answer; the others carry `error`
 * (the REST rendering's error body) and a summary to show the user. Authentication, authorization,
 * throttling and unexpected failures are not outcomes: they keep their statuses in both renderings.
 */
export const OUTCOMES = ['done', 'notFound', 'invalidRequest', 'refused', 'partial', 'failed'] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** The path of an operation (an OpenAPI path template or a concrete path) in a rendering. */
export function renderedPath(path: string, rendering: Rendering): string {
  return rendering === 'assistant' ? `${ASSISTANT_PATH_PREFIX}${path}` : path;
}

/** The rendering a concrete request path belongs to, and the path without the assistant prefix. */
export function renderingOfPath(path: string): { rendering: Rendering; path: string } {
  if (path === ASSISTANT_PATH_PREFIX || path.startsWith(`${ASSISTANT_PATH_PREFIX}/`)) {
    return { rendering: 'assistant', path: path.slice(ASSISTANT_PATH_PREFIX.length) || '/' };
  }
  return { rendering: 'rest', path };
}
