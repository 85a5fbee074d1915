/** `1 bucket`, `2 buckets`; `many` for irregular or phrase forms (`1 bucket is`, `2 buckets are`). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
