import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/cli/args.ts';

const base = { kind: 'run', image: 'cat.png', output: null, png: null, json: false, quiet: false };

describe('parseArgs', () => {
  it.each([
    [['cat.png'], { ...base, options: {} }],
    [['cat.png', '--strokes', '8', '--preset', 'draft'], { ...base, options: { strokes: 8, preset: 'draft' } }],
    [['--strokes=32', 'cat.png', '--seeds', '1', '--seed', '5', '--width', '1.5'], { ...base, options: { strokes: 32, seeds: 1, seed: 5, width: 1.5 } }],
    [['cat.png', '--iterations', '50', '--views', '2', '--model', 'embedded', '--backend', 'cpu'], { ...base, options: { iterations: 50, views: 2, model: 'embedded', backend: 'cpu' } }],
    [['cat.png', '-o', 'out.svg', '--png', 'out.png', '--json', '-q'], { ...base, options: {}, output: 'out.svg', png: 'out.png', json: true, quiet: true }],
    [['--output=x.svg', '--', '-weird.png'], { ...base, image: '-weird.png', options: {}, output: 'x.svg' }],
    [['--help'], { kind: 'help' }],
    [['cat.png', '-h'], { kind: 'help' }],
    [['--version'], { kind: 'version' }],
  ])('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  it.each([
    [[], /missing <image>/],
    [['a.png', 'b.png'], /one image at a time, got 2/],
    [['cat.png', '--strokes'], /--strokes needs a value/],
    [['cat.png', '--strokes', 'many'], /--strokes expects a number, got 'many'/],
    [['cat.png', '--strokes', '0'], /'strokes' must be between 1 and 128, got 0/],
    [['cat.png', '--strokes', '129'], /'strokes' must be between 1 and 128, got 129/],
    [['cat.png', '--strokes', '2.5'], /'strokes' must be an integer/],
    [['cat.png', '--preset', 'fast'], /'preset' must be one of draft, standard, best/],
    [['cat.png', '--backend', 'tpu'], /'backend' must be auto, cpu or webgpu/],
    [['cat.png', '--width', '-1'], /'width' must be between/],
    [['cat.png', '--colour', 'red'], /unknown option --colour/],
    [['cat.png', '--model', 'clip-vit-l14'], /unknown model 'clip-vit-l14': known models are embedded, clip-rn50, clip-rn101, clip-vit-b32/],
    [['cat.png', '--json=yes'], /--json takes no value/],
    [['cat.png', '--seed', '1', '--seed', '2'], /--seed given twice/],
    [['cat.png', '-o', 'a.svg', '--output', 'b.svg'], /-o and --output both given/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
