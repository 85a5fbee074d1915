/**
 * Finds a key that one JSON object names twice. `JSON.parse` keeps the last value silently, so
 * `{"dryRun": true, "dryRun": false}` would read as a real write while the caller (or a proxy, a log,
 * another parser that keeps the first value) saw a preview: the request is ambiguous, and refused.
 */

type Frame =
  | { kind: 'object'; keys: Set<string>; key: string | undefined; expectKey: boolean }
  | { kind: 'array'; index: number };

/**
 * The path of the first key an object in `text` names twice (`dryRun`, `tags.env`, `rules[1].port`), or
 * undefined when there is none. Keys are compared as JSON decodes them, so `"dry\u0052un"` and `"dryRun"`
 * are the same key. `text` must already be valid JSON (parse it first): this scanner only tracks where
 * keys start and end, it does not validate.
 */
export function findDuplicateJsonKey(text: string): string | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    const top = stack[stack.length - 1];
    if (char === '"') {
      const end = endOfString(text, i);
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return pathOf(stack, key);
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
      continue;
    }
    if (char === '{') stack.push({ kind: 'object', keys: new Set(), key: undefined, expectKey: true });
    else if (char === '[') stack.push({ kind: 'array', index: 0 });
    else if (char === '}' || char === ']') stack.pop();
    else if (char === ',' && top?.kind === 'object') top.expectKey = true;
    else if (char === ',' && top?.kind === 'array') top.index += 1;
    i += 1;
  }
  return undefined;
}

/** Index just past the closing quote of the string that starts at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

function pathOf(stack: readonly Frame[], key: string): string {
  let path = '';
  // Every frame but the innermost contributes the key or index that leads to the next one.
  for (const frame of stack.slice(0, -1)) {
    if (frame.kind === 'array') path += `[${frame.index}]`;
    else path += path === '' ? (frame.key ?? '') : `.${frame.key ?? ''}`;
  }
  return path === '' ? key : `${path}.${key}`;
}
