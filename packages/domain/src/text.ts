// Characters that change how a text is shown without being seen: what campaign texts lose, and free texts show.

/**
 * C0 and C1 controls, and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): a right-to-left
 * override turns `评议gnp.exe` into what reads as `评议exe.png`. Campaign texts never need them; Chinese, and the
 * Uyghur or Tibetan a county may write, lay out correctly by the Unicode bidi algorithm alone.
 */
const MISLEADING = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** Campaign texts (titles, names, labels) as stored: the misleading characters removed. */
export const stripMisleading = (text: string) => text.replace(MISLEADING, '');

/** Everything invisible that can reorder or hide text, plus the bidi marks; tabs and line breaks are kept. */
const HIDDEN = /[^\P{Cc}\t\n\r]|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * A voter's free text for an organizer's spreadsheet: kept as written, but each hidden character becomes a visible
 * mark such as `[U+202E]`, so it neither reorders the cell nor goes unnoticed.
 */
export const neutralizeHidden = (text: string) =>
  text.replace(HIDDEN, (ch) => `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`);
