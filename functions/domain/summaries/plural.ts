/** `1 bucket`, `2 buckets`; `many` for irregular or phrase forms (`1 bucket is`, `2 buckets are`). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `a`, `a or b`, `a, b or c`: alternatives as a person lists them. */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
