/**
 * Construct ids derived from names in other spellings. Logical ids in the
 * template come from these, so changing one replaces resources: keep it stable.
 */

/**
 * `find-public-buckets` → `FindPublicBuckets`, `DEFAULT_4XX` → `Default4xx`:
 * kebab-case and SCREAMING_SNAKE_CASE names as PascalCase.
 */
export function pascalCase(value: string): string {
  return value
    .toLowerCase()
    .split(/[_-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
