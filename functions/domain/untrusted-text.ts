/**
 * Text that someone other than this API wrote (Name tags, rule and group descriptions, group names,
 * policy Sids, bucket names) is data from anyone who can tag an instance or edit a policy. It reaches
 * answers an assistant reads, so it must stay inert there: no invisible or direction-changing
 * characters that hide what it says, no line breaks that make it look like our own text, a bounded
 * length, and in sentences it appears only inside quotes.
 */

/** The longest untrusted string an answer carries, in code points (a Name tag may hold 256). */
export const UNTRUSTED_TEXT_MAX = 80;

/**
 * The cap for bucket names: a name is an identity (a legacy one may be 255 characters), so it is never
 * cut; S3 allows only letters, digits, dots, hyphens and underscores in it, so cleaning changes nothing.
 */
export const BUCKET_NAME_MAX = 255;

// Cc: control characters; Cf: format characters (bidi overrides and isolates, zero-width space and
// joiners, the word joiner, soft hyphen, BOM, and the tag characters U+E0000-E007F that can carry
// hidden ASCII); Co/Cs/Cn: private use, lone surrogates and unassigned code points, which render as
// nothing or as boxes. Whitespace controls (tab, line feed, carriage return) are kept as spaces.
const INVISIBLE = /[\p{Cf}\p{Co}\p{Cs}\p{Cn}]|(?![\t\n\v\f\r])\p{Cc}/gu;
const ANY_SPACE = /[\s\p{Zl}\p{Zp}\p{Zs}]+/gu;
const PLAIN = /^(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?$/;

/**
 * The text as it may appear in an answer: invisible and control characters removed, every run of
 * whitespace (line breaks included) one space, trimmed, and cut to `max` code points with an ellipsis.
 */
export function cleanUntrustedText(text: string, max = UNTRUSTED_TEXT_MAX): string {
  // Printable ASCII words with single spaces between them, short enough (most names and descriptions):
  // nothing to remove, collapse, trim or cut.
  if (text.length <= max && PLAIN.test(text)) return text;
  const collapsed = text.replace(INVISIBLE, '').replace(ANY_SPACE, ' ').trim();
  const codePoints = [...collapsed];
  return codePoints.length <= max
    ? collapsed
    : `${codePoints
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * The cleaned text inside double quotes, as every summary shows untrusted text: JSON quoting, so a
 * quote inside the text is escaped and cannot end the quotation early.
 */
export function quoteUntrusted(text: string, max = UNTRUSTED_TEXT_MAX): string {
  return JSON.stringify(cleanUntrustedText(text, max));
}
