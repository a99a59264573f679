// Checks the import graph of src/, models/ and bench/ (run by `npm run lint`):
//   1. no import cycle: for every file on a circle, the shortest circle through it is printed
//      as a chain a → b → … → a (a circle found from several of its files is printed once);
//   2. one front door: src/cli, src/ui and bench import nothing under src/engine/ except
//      src/engine/index.ts (models/ is not the engine; test/ may reach inside for unit tests).
// Exits 1 when either check fails.
//
// Every relative specifier counts: `import`, `import type`, `export … from`, `import('…')` and
// `import('…').T` in type positions. Type-only edges count too: they vanish at runtime, but a
// circle of types still ties two modules together, so neither can be read or moved alone;
// lazy `import()` counts so that a cycle cannot be hidden behind one.
// Package specifiers (and esbuild's virtual `sketchify:` modules) are not files of ours.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = ['src', 'models', 'bench'];
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const ENGINE = 'src/engine/';
const DOOR = 'src/engine/index.ts';
const DOOR_USERS = ['src/cli/', 'src/ui/', 'bench/'];

const rel = (abs) => relative(ROOT, abs).split(sep).join('/');

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers a file names, with the line each appears on. */
function specifiers(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (node) => {
    if (node && ts.isStringLiteralLike(node)) {
      found.push({ spec: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative specifier names, or null for a package or a missing file. */
function resolveSpecifier(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const files = ROOTS.flatMap((root) => listFiles(join(ROOT, root)))
  .map(rel)
  .sort();
/** file → [{ to, line }] for every import that names a file of ours (in any folder). */
const edges = new Map();
for (const file of files) {
  const out = [];
  for (const { spec, line } of specifiers(join(ROOT, file))) {
    const target = resolveSpecifier(join(ROOT, file), spec);
    if (target) out.push({ to: rel(target), line });
  }
  edges.set(file, out);
}

const problems = [];

// 1. Cycles: Tarjan's strongly connected components, then for each member of a component the
// shortest circle through it (deduplicated), so every file in a circle shows up in a chain.
const next = (file) => [...new Set((edges.get(file) ?? []).map((e) => e.to))].filter((to) => edges.has(to));
const components = [];
{
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const strongConnect = (start) => {
    // Iterative, so a deep graph cannot overflow the call stack.
    const work = [{ file: start, children: null, i: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.children === null) {
        indexOf.set(frame.file, index);
        low.set(frame.file, index);
        index += 1;
        stack.push(frame.file);
        onStack.add(frame.file);
        frame.children = next(frame.file);
      }
      if (frame.i < frame.children.length) {
        const child = frame.children[frame.i++];
        if (!indexOf.has(child)) work.push({ file: child, children: null, i: 0 });
        else if (onStack.has(child)) low.set(frame.file, Math.min(low.get(frame.file), indexOf.get(child)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].file;
        low.set(parent, Math.min(low.get(parent), low.get(frame.file)));
      }
      if (low.get(frame.file) === indexOf.get(frame.file)) {
        const members = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          members.push(member);
        } while (member !== frame.file);
        const selfLoop = members.length === 1 && next(members[0]).includes(members[0]);
        if (members.length > 1 || selfLoop) components.push(members.sort());
      }
    }
  };
  for (const file of files) if (!indexOf.has(file)) strongConnect(file);
}

/** The shortest circle start → … → start inside `members` (breadth first). */
function shortestCycle(start, members) {
  const inside = new Set(members);
  const parent = new Map();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const file = queue[head];
    for (const to of next(file)) {
      if (!inside.has(to)) continue;
      if (to === start) {
        const chain = [file];
        while (chain[0] !== start) chain.unshift(parent.get(chain[0]));
        return [...chain, start];
      }
      if (!parent.has(to)) {
        parent.set(to, file);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

for (const members of components) {
  const seen = new Set();
  for (const start of members) {
    const cycle = shortestCycle(start, members);
    const ring = cycle.slice(0, -1);
    const first = ring.indexOf([...ring].sort()[0]);
    const key = [...ring.slice(first), ...ring.slice(0, first)].join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(`import cycle: ${cycle.join(' → ')}`);
  }
}

// 2. The front door.
for (const file of files) {
  if (!DOOR_USERS.some((prefix) => file.startsWith(prefix))) continue;
  for (const { to, line } of edges.get(file)) {
    if (to.startsWith(ENGINE) && to !== DOOR) {
      problems.push(`${file}:${line}: imports ${to}; import the engine through ${DOOR}`);
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`check-imports: ${problems.length} problem(s) in ${files.length} files`);
  process.exit(1);
}
console.log(`check-imports: ${files.length} files, no import cycle, the engine entered only through ${DOOR}`);
