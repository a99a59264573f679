// SVG path data (as Figma's vectorPaths give it: absolute M L H V Q C Z) -> cubic Béziers of 8
// numbers each. A stroke the user edited may have gained segments or straight lines; each
// segment becomes one cubic the engine can draw, so the edited drawing counts in the loss.

const COMMAND = /^[MLHVQCZ]$/;
const ARITY: Record<string, number> = { M: 2, L: 2, H: 1, V: 1, Q: 4, C: 6, Z: 0 };

function tokenize(data: string): string[] {
  const tokens = data.match(/[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) ?? [];
  const rest = data.replace(/[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[\s,]+/g, '');
  if (rest) throw new Error(`unexpected characters "${rest.slice(0, 10)}" in path data`);
  return tokens;
}

/** Segments of `data` as cubics [x0 y0 x1 y1 x2 y2 x3 y3]; throws on commands it does not know. */
export function pathCubics(data: string): number[][] {
  const tokens = tokenize(data);
  const cubics: number[][] = [];
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  let command = '';
  const line = (x1: number, y1: number) => {
    if (x1 !== x || y1 !== y)
      cubics.push([x, y, x + (x1 - x) / 3, y + (y1 - y) / 3, x + (2 * (x1 - x)) / 3, y + (2 * (y1 - y)) / 3, x1, y1]);
    x = x1;
    y = y1;
  };
  for (let i = 0; i < tokens.length;) {
    if (/[A-Za-z]/.test(tokens[i])) {
      command = tokens[i++];
      if (!COMMAND.test(command)) throw new Error(`path command "${command}" is not one Figma writes`);
      if (command === 'Z') {
        line(startX, startY);
        continue;
      }
    } else if (!command || command === 'Z') {
      throw new Error('path data starts with a number, not a command');
    }
    const n = ARITY[command];
    const args = tokens.slice(i, i + n).map(Number);
    if (args.length < n || args.some((v) => !Number.isFinite(v))) throw new Error(`path command ${command} needs ${n} numbers`);
    i += n;
    switch (command) {
      case 'M':
        x = startX = args[0];
        y = startY = args[1];
        command = 'L'; // further pairs are lines, as in SVG
        break;
      case 'L':
        line(args[0], args[1]);
        break;
      case 'H':
        line(args[0], y);
        break;
      case 'V':
        line(x, args[0]);
        break;
      case 'Q': {
        const [qx, qy, x1, y1] = args;
        cubics.push([x, y, x + (2 / 3) * (qx - x), y + (2 / 3) * (qy - y), x1 + (2 / 3) * (qx - x1), y1 + (2 / 3) * (qy - y1), x1, y1]);
        x = x1;
        y = y1;
        break;
      }
      case 'C':
        cubics.push([x, y, ...args]);
        x = args[4];
        y = args[5];
        break;
    }
  }
  return cubics;
}
