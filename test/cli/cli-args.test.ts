import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.ts';

const base = {
  kind: 'run',
  images: ['cat.png'],
  output: null,
  outDir: null,
  png: null,
  series: null,
  nested: false,
  init: null,
  json: false,
  quiet: false,
};

describe('parseArgs', () => {
  it.each([
    [['cat.png'], { ...base, options: {} }],
    [['cat.png', '--strokes', '8', '--preset', 'draft'], { ...base, options: { strokes: 8, preset: 'draft' } }],
    [
      ['--strokes=32', 'cat.png', '--seeds', '1', '--seed', '5', '--width', '1.5'],
      { ...base, options: { strokes: 32, seeds: 1, seed: 5, width: 1.5 } },
    ],
    [
      ['cat.png', '--iterations', '50', '--views', '2', '--model', 'embedded', '--backend', 'cpu'],
      { ...base, options: { iterations: 50, views: 2, model: 'embedded', backend: 'cpu' } },
    ],
    [['cat.png', '--subject', 'off'], { ...base, options: { subject: 'off' } }],
    [
      ['cat.png', '-o', 'out.svg', '--png', 'out.png', '--json', '-q'],
      { ...base, options: {}, output: 'out.svg', png: 'out.png', json: true, quiet: true },
    ],
    [['--output=x.svg', '--', '-weird.png'], { ...base, images: ['-weird.png'], options: {}, output: 'x.svg' }],
    [['a.png', 'b.jpg', '-d', 'out'], { ...base, images: ['a.png', 'b.jpg'], options: {}, outDir: 'out' }],
    [
      ['cat.png', '--series', '4,8,16,32', '--out-dir=out', '--json'],
      { ...base, options: {}, outDir: 'out', series: [4, 8, 16, 32], json: true },
    ],
    [['cat.png', '--series', '32, 2', '-o', 's.svg'], { ...base, options: {}, output: 's.svg', series: [32, 2] }],
    [['cat.png', '--series', '4,8', '--nested', '-o', 's.svg'], { ...base, options: {}, output: 's.svg', series: [4, 8], nested: true }],
    [['cat.png', '--init', 'a.svg', '-o', 'b.svg'], { ...base, options: {}, output: 'b.svg', init: { path: 'a.svg', freeze: [] } }],
    [
      ['cat.png', '--init', 'a.svg', '--freeze', '1, 3,5-7', '--add', '4', '--remove', '2'],
      { ...base, options: { add: 4, remove: 2 }, init: { path: 'a.svg', freeze: [0, 2, 4, 5, 6] } },
    ],
    [['--help'], { kind: 'help' }],
    [['cat.png', '-h'], { kind: 'help' }],
    [['--version'], { kind: 'version' }],
  ])('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  it.each([
    [[], /missing <image>/],
    [['a.png', 'b.png'], /2 images need -d DIR/],
    [['a.png', 'b.png', '-o', 'x.svg'], /2 images need -d DIR/],
    [['a.png', '-o', 'x.svg', '-d', 'out'], /-o and -d both given/],
    [['a.png', '--series', '4,8', '--strokes', '8'], /--strokes and --series both given/],
    [['a.png', '--series', '4,x'], /--series expects stroke counts from 1 to 128 separated by commas, got '4,x'/],
    [['a.png', '--series', '4,129'], /from 1 to 128/],
    [['a.png', '--series', '1,2,3,4,5,6,7,8,9'], /--series holds at most 8 sketches, got 9/],
    [['a.png', '--series', '4,8,4'], /lists a stroke count twice/],
    [['a.png', '--json'], /--json needs -o FILE or -d DIR/],
    [['a.png', '--png', 'p.png'], /--png works with -o and one sketch/],
    [['a.png', '--png', 'p.png', '-d', 'out'], /--png works with -o and one sketch/],
    [['a.png', '--png', 'p.png', '-o', 's.svg', '--series', '4,8'], /--png works with -o and one sketch/],
    [['cat.png', '--strokes'], /--strokes needs a value/],
    [['cat.png', '--strokes', 'many'], /--strokes expects a number, got 'many'/],
    [['cat.png', '--strokes', '0'], /'strokes' must be between 1 and 128, got 0/],
    [['cat.png', '--strokes', '129'], /'strokes' must be between 1 and 128, got 129/],
    [['cat.png', '--strokes', '2.5'], /'strokes' must be an integer/],
    [['cat.png', '--preset', 'fast'], /'preset' must be one of draft, standard, best/],
    [['cat.png', '--backend', 'tpu'], /'backend' must be auto, cpu or webgpu/],
    [['cat.png', '--width', '-1'], /'width' must be between/],
    [['cat.png', '--subject', 'background'], /'subject' must be auto or off, got 'background'/],
    [['cat.png', '--colour', 'red'], /unknown option --colour/],
    [
      ['cat.png', '--model', 'clip-vit-l14'],
      /unknown model 'clip-vit-l14': known models are embedded, clip-rn50, clip-rn101, clip-vit-b32/,
    ],
    [['cat.png', '--json=yes'], /--json takes no value/],
    [['cat.png', '--seed', '1', '--seed', '2'], /--seed given twice/],
    [['cat.png', '-o', 'a.svg', '--output', 'b.svg'], /-o and --output both given/],
    [['cat.png', '--nested'], /--nested needs --series/],
    [['cat.png', '--nested=yes', '--series', '4,8'], /--nested takes no value/],
    [['cat.png', '--add', '4'], /--add needs --init FILE.svg/],
    [['cat.png', '--freeze', '1'], /--freeze needs --init FILE.svg/],
    [['cat.png', '--remove', '1'], /--remove needs --init FILE.svg/],
    [['a.png', 'b.png', '--init', 'a.svg', '-d', 'out'], /--init holds the strokes of one image/],
    [['a.png', '--init', 'a.svg', '--series', '4,8'], /--init and --series both given/],
    [['a.png', '--init', 'a.svg', '--freeze', '0'], /--freeze expects stroke numbers from 1/],
    [['a.png', '--init', 'a.svg', '--freeze', '3-1'], /--freeze expects stroke numbers from 1 .* got '3-1'/],
    [['a.png', '--init', 'a.svg', '--freeze', '1,x'], /--freeze expects/],
    [['a.png', '--init', 'a.svg', '--freeze', '1,2-4,3'], /--freeze lists stroke 3 twice/],
    [['a.png', '--init', 'a.svg', '--add', 'many'], /--add expects a number, got 'many'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
