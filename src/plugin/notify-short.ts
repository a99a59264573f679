/** figma.notify cuts messages at 100 characters; cut them ourselves, on a word if possible. */
export function notifyShort(message: string, error = false): void {
  let text = message.trim();
  if (text.length > 99) {
    const cut = text.slice(0, 98);
    const space = cut.lastIndexOf(' ');
    text = `${space > 60 ? cut.slice(0, space) : cut}…`;
  }
  figma.notify(text, { error });
}
