/** A layer name short enough for a one-line message, in typographic quotes. */
export function displayName(node: { name: string }): string {
  const name = node.name.trim() || 'Untitled';
  return `“${name.length > 40 ? `${name.slice(0, 39)}…` : name}”`;
}
