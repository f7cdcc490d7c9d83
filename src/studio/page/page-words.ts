/**
 * The command line's messages in the page's words: each `--flag` that the form has a field for is
 * named by that field's label ("try a lower --lr" reads "try a lower Learning rate").
 */
export function inPageWords(
  message: string,
  fields: readonly { readonly flag: string; readonly label: string }[],
): string {
  return fields.reduce((text, f) => text.replace(new RegExp(`--${f.flag}(?![\\w-])`, 'g'), `“${f.label}”`), message);
}
