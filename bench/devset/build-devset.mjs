#!/usr/bin/env node
// Re-creates bench/devset/ from extracted Debian/npm packages (see build-devset.sh).
// Deterministic: fixed inputs, fixed seeds (mulberry32 of the id), ImageMagick 6 `convert`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const X = process.env.DEVSET_PKGS || '/tmp/devset-build/x';      // dpkg -x / tar targets
const OUT = process.env.DEVSET_OUT || 'bench/devset';
const TMP = mkdtempSync(join(tmpdir(), 'devset-'));
mkdirSync(OUT, { recursive: true });

const PKG = {
  tux: { dir: 'tuxpaint-stamps-default', name: 'tuxpaint-stamps-default', ver: '2022.06.04-1', root: 'usr/share/tuxpaint/stamps',
    licence: 'GPL-2 (debian/copyright, Files: *)' },
  plasma: { dir: 'plasma-workspace-wallpapers', name: 'plasma-workspace-wallpapers', ver: '4:5.27.5-2', root: 'usr/share/wallpapers' },
  mate: { dir: 'mate-backgrounds', name: 'mate-backgrounds', ver: '1.26.0-1', root: 'usr/share/backgrounds/mate' },
  lom16: { dir: 'lomiri-wallpapers-16.04', name: 'lomiri-wallpapers-16.04', ver: '20.04.0-2', root: 'usr/share/backgrounds' },
  lom20: { dir: 'lomiri-wallpapers-20.04', name: 'lomiri-wallpapers-20.04', ver: '20.04.0-2', root: 'usr/share/backgrounds' },
  f3d: { dir: 'lobehub-fluent-emoji-3d-1.1.0', npm: '@lobehub/fluent-emoji-3d', ver: '1.1.0', root: 'package/assets',
    licence: 'MIT (package.json; artwork: Microsoft Fluent Emoji, MIT)' },
};
const srcStr = (p, rel) => p.npm ? `npm:${p.npm}@${p.ver}:${p.root}/${rel}` : `debian:${p.name} ${p.ver}:${p.root}/${rel}`;
const srcPath = (p, rel) => join(X, p.dir, p.root, rel);

// plasma wallpapers: per-wallpaper metadata.json "License"; debian/copyright says GPL-2+ for the package
const plasmaLic = (n, author) => `LGPL-3.0 (metadata.json of ${n}, ${author}); debian/copyright: GPL-2+`;
const mateLic = (author) => `GPL-2+ (debian/copyright, ${author})`;
const lomLic = (spdx, who) => `${spdx} (debian/copyright, ${who})`;
const BG = [
  { id: 'pier', p: PKG.plasma, rel: 'BytheWater/contents/images/2560x1600.jpg', lic: plasmaLic('BytheWater', 'Maciej Wiklo'), desc: 'wooden pier planks by a lake' },
  { id: 'moss', p: PKG.plasma, rel: 'OneStandsOut/contents/images/2560x1600.jpg', lic: plasmaLic('OneStandsOut', 'Risto Saukonpää'), desc: 'moss shoots seen from above' },
  { id: 'forest', p: PKG.plasma, rel: 'Path/contents/images/2560x1600.jpg', lic: plasmaLic('Path', 'Risto Saukonpää'), desc: 'forest path between trunks' },
  { id: 'leaf', p: PKG.mate, rel: 'nature/Blinds.jpg', lic: mateLic('Lennart Poettering, Andrea Cimitan'), desc: 'close-up of a ribbed green leaf' },
  { id: 'grass', p: PKG.mate, rel: 'nature/Dune.jpg', lic: mateLic('Marco Cogoni, Hylke Bons'), desc: 'dune grass against the sea' },
  { id: 'raindrops', p: PKG.mate, rel: 'nature/RainDrops.jpg', lic: mateLic('blackcombwhistler07'), desc: 'wet leaves and grass' },
  { id: 'room', p: PKG.lom16, rel: 'Wine_by_Jakkub_Mede.jpg', lic: lomLic('CC-BY-4.0', 'Jakub Mede, 2018'), desc: 'living room with shelf, table and bean bag' },
  { id: 'stream', p: PKG.lom16, rel: 'life_by_Aitzol_Berasategi.jpg', lic: lomLic('CC-BY-4.0', 'Aitzol Berasategi, 2018'), desc: 'rocky forest stream' },
  { id: 'foliage', p: PKG.lom16, rel: 'Dragonfly_by_Bolly.jpg', lic: lomLic('CC-BY-SA-4.0', '"Bolly", 2018'), desc: 'tree foliage against the sky' },
  { id: 'garden', p: PKG.mate, rel: 'nature/LadyBird.jpg', lic: mateLic('Charles Barbin'), desc: 'garden foliage with small blue flowers' },
  { id: 'facade', p: PKG.plasma, rel: 'Grey/contents/images/2560x1600.jpg', lic: plasmaLic('Grey', 'Sigi Sagi'), desc: 'curved building facade slats' },
  { id: 'boats', p: PKG.plasma, rel: 'EveningGlow/contents/images/2560x1600.jpg', lic: plasmaLic('EveningGlow', 'Ian Hex'), desc: 'row boats on a pebble shore at dusk' },
];

// cut-outs: [id, package, path, class, subject, slot]
// `slot` fixes each subject's two backgrounds and which placements sit flush on the bottom edge (see below).
// Slots are permanent: the 2026-12 revision dropped 9 Tux Paint stamps (giraffe 3, flamingo 6, rabbit 8,
// flower 11, mushroom 13, tractor wheel 15, hot-air balloon 18, light bulb 19, guitar 20) and gave 8 of
// their slots to new MIT emoji, so every kept composite is byte-identical to the previous build.
const CUT = [
  // Tux Paint photographic stamps (GPL-2)
  ['horse', PKG.tux, 'animals/mammals/equines/horse.png', 'horse', 'brown horse standing, side view (photo)', 0],
  ['owl', PKG.tux, 'animals/birds/owl.png', 'owl', 'snowy owl perched (photo)', 1],
  ['elephant', PKG.tux, 'animals/mammals/elephant.png', 'elephant', 'elephant, side view (photo)', 2],
  ['dog', PKG.tux, 'animals/mammals/dogs/dog.png', 'dog', 'husky-like dog standing (photo)', 4],
  ['tiger', PKG.tux, 'animals/mammals/cats/tiger_sumatran.png', 'tiger', 'Sumatran tiger walking (photo)', 5],
  ['penguin', PKG.tux, 'animals/birds/magellanic_penguin.png', 'penguin', 'Magellanic penguin standing (photo)', 7],
  ['fish', PKG.tux, 'animals/fish/butterflyfish.png', 'fish', 'yellow-green butterflyfish (photo)', 9],
  ['strawberry', PKG.tux, 'food/fruit/Strawberry2.png', 'strawberry', 'strawberry (photo)', 10],
  ['tree', PKG.tux, 'plants/trees/tree336.png', 'tree', 'leafy tree (photo)', 12],
  ['firetruck', PKG.tux, 'vehicles/emergency/firetruck.png', 'firetruck', 'red fire engine, side view (photo)', 14],
  ['bus', PKG.tux, 'vehicles/masstransit/green_korean_bus.png', 'bus', 'green city bus (photo)', 16],
  ['airplane', PKG.tux, 'vehicles/flight/planes/747.png', 'airplane', 'Boeing 747 airliner (photo)', 17],
  // Microsoft Fluent Emoji 3D renders (MIT)
  ['cat', PKG.f3d, '1f408.webp', 'cat', 'cat, 3D-rendered emoji (drawn)', 21],
  ['butterfly', PKG.f3d, '1f98b.webp', 'butterfly', 'butterfly, 3D-rendered emoji (drawn)', 22],
  ['face', PKG.f3d, '1f474.webp', 'face', 'old man\'s face, 3D-rendered emoji (drawn)', 23],
  ['apple', PKG.f3d, '1f34e.webp', 'apple', 'red apple, 3D-rendered emoji (drawn)', 24],
  ['teapot', PKG.f3d, '1fad6.webp', 'teapot', 'pink teapot, side view, 3D-rendered emoji (drawn)', 3],
  ['duck', PKG.f3d, '1f986.webp', 'duck', 'mallard duck, side view, 3D-rendered emoji (drawn)', 6],
  ['cow', PKG.f3d, '1f404.webp', 'cow', 'black-and-white cow standing, side view, 3D-rendered emoji (drawn)', 8],
  ['umbrella', PKG.f3d, '2602-fe0f.webp', 'umbrella', 'open purple umbrella, 3D-rendered emoji (drawn)', 11],
  ['toadstool', PKG.f3d, '1f344.webp', 'mushroom', 'red-and-white spotted toadstool, 3D-rendered emoji (drawn)', 13],
  ['cactus', PKG.f3d, '1f335.webp', 'cactus', 'green saguaro cactus, 3D-rendered emoji (drawn)', 15],
  ['pig', PKG.f3d, '1f416.webp', 'pig', 'pink pig standing, side view, 3D-rendered emoji (drawn)', 19],
  ['car', PKG.f3d, '1f697.webp', 'car', 'red car, side view, 3D-rendered emoji (drawn)', 20],
];

// flats (clip-art, flattened on white): [id, package, path, class, subject]
const FLAT = [
  ['pear', PKG.tux, 'food/fruit/cartoon/pear.png', 'pear', 'cartoon pear'],
  ['pineapple', PKG.tux, 'food/fruit/cartoon/pineapple.png', 'pineapple', 'cartoon pineapple'],
  ['banana', PKG.tux, 'food/fruit/cartoon/banana.png', 'banana', 'cartoon banana'],
  ['snail', PKG.tux, 'animals/insects/cartoon/snail2.png', 'snail', 'cartoon snail'],
  ['teddy-bear', PKG.tux, 'animals/mammals/bears/cartoon/teddy_bear.png', 'teddy-bear', 'cartoon teddy bear'],
  ['house', PKG.tux, 'town/houses/cartoon/cityhouse.png', 'house', 'cartoon town house'],
  ['bicycle', PKG.f3d, '1f6b2.webp', 'bicycle', 'bicycle emoji (3D render)'],
  ['house-plant', PKG.f3d, '1fab4.webp', 'house_plant', 'potted plant emoji (3D render)'],
];

// plain photos: [id, package, path, crop WxH+X+Y (source pixels) or null, class, subject, licence]
const PHOTO = [
  ['yellow-flower', PKG.mate, 'nature/YellowFlower.jpg', null, 'flower', 'yellow daisy-like flower, close-up', mateLic('Charles Barbin')],
  ['red-flower', PKG.mate, 'nature/Garden.jpg', null, 'flower', 'red marigold-like flower on green bokeh', mateLic('Charles Barbin')],
  ['nuthatch', PKG.lom20, 'Kleiber_by_Lukas_Baubkus.jpg', '2500x2200+1510+600', 'bird', 'nuthatch on a tree trunk (crop)', lomLic('CC-BY-SA-3.0', 'Lukas Baubkus, 2021')],
  ['clock', PKG.lom16, 'greentock_by_Peter_Nerlich.jpg', null, 'clock', 'wall clock face, oblique close-up', lomLic('CC-BY-SA-4.0', 'Peter Nerlich, 2018')],
  ['paintbrushes', PKG.lom16, 'Picture_1A_by_freespace.jpg', null, 'paintbrush', 'paint brushes in a jar, close-up', lomLic('CC-BY-4.0', 'Trevor "Freespace", 2018')],
  ['maple-leaf', PKG.plasma, 'FallenLeaf/contents/images/2560x1600.jpg', '1400x1050+1140+380', 'leaf', 'fallen maple leaf among autumn leaves (crop)', plasmaLic('FallenLeaf', 'Martin Klapetek')],
  ['blue-cup', PKG.plasma, 'ColorfulCups/contents/images/2560x1600.jpg', '860x760+950+840', 'cup', 'blue cup seen from above among other cups (crop)', plasmaLic('ColorfulCups', 'Dmitri Popov')],
  ['rowing-boat', PKG.plasma, 'EveningGlow/contents/images/2560x1600.jpg', '840x740+0+790', 'canoe', 'wooden rowing boat on a pebble shore (crop)', plasmaLic('EveningGlow', 'Ian Hex')],
];

function im(...args) { return execFileSync('convert', args.flat(), { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] }); }
function size(f) { const [w, h] = execFileSync('identify', ['-format', '%w %h', f]).toString().split(' ').map(Number); return { w, h }; }
function gray(f) { const { w, h } = size(f); return { w, h, d: im(f, '-alpha', 'off', '-colorspace', 'gray', '-depth', '8', 'gray:-') }; }
function alphaRaw(f) { const { w, h } = size(f); return { w, h, d: im(f, '-alpha', 'extract', '-depth', '8', 'gray:-') }; }
function maskStats(m) { // m: {w,h,d} 0/255
  const band = Math.ceil(0.01 * Math.max(m.w, m.h)); let n = 0, touch = false;
  for (let y = 0; y < m.h; y++) for (let x = 0; x < m.w; x++) if (m.d[y * m.w + x] >= 128) {
    n++; if (x < band || y < band || x >= m.w - band || y >= m.h - band) touch = true;
  }
  return { coverage: n / (m.w * m.h), touchesFrame: touch };
}
function hash(s) { let h = 2166136261; for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619); return h >>> 0; }
function rng(seed) { let a = seed; return () => { a |= 0; a = (a + 0x6D2B79F5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
const r4 = (v) => Math.round(v * 1e4) / 1e4;
const MASKOPT = ['-threshold', '50%', '-depth', '8', '-type', 'Grayscale', '-define', 'png:color-type=0', '-strip'];

const manifest = [];
const entry = (o) => manifest.push(o);

// ---- cut-outs and composites
const ONLY = process.env.DEVSET_ONLY ? new Set(process.env.DEVSET_ONLY.split(',')) : null;
CUT.forEach(([name, p, rel, cls, subject, i]) => {
  if (ONLY && !ONLY.has(name)) return;
  const trim = join(TMP, `${name}-trim.png`);
  // trim to the alpha bounding box (1 px transparent border so -trim sees transparency in the corners)
  im(srcPath(p, rel), '-alpha', 'set', '-bordercolor', 'none', '-border', '1', '-trim', '+repage', `PNG32:${trim}`);
  const id = `${name}-cutout`, file = `${id}.png`, mask = `${id}-mask.png`;
  // cut-out: subject fitted in 416x416, centred on a transparent 448x448 canvas (>= 3.5 % margin)
  im(trim, '-filter', 'Lanczos', '-resize', '416x416', '-background', 'none', '-gravity', 'center', '-extent', '448x448', '-strip', `PNG32:${join(OUT, file)}`);
  im(join(OUT, file), '-alpha', 'extract', ...MASKOPT, join(OUT, mask));
  const st = maskStats(gray(join(OUT, mask)));
  entry({ id, kind: 'cutout', file, mask, class: cls, subject, source: srcStr(p, rel), licence: p.licence, background: null,
    touchesFrame: st.touchesFrame, coverage: r4(st.coverage) });

  // alpha fill fraction inside the trimmed bbox
  const a = alphaRaw(trim); let on = 0; for (const v of a.d) if (v >= 128) on++; const fill = on / (a.w * a.h);
  // two different backgrounds per subject, each background used about equally often
  const bgIdx = [(2 * i) % BG.length, (2 * i + 1 + 2 * Math.floor((2 * i) / BG.length)) % BG.length];
  bgIdx.forEach((bi, k) => {
    const bg = BG[bi]; const cid = `${name}-on-${bg.id}`; const rnd = rng(hash(cid));
    // canvas aspect follows the subject's (4:3, 3:4, 16:10 or 10:16) so thin subjects can still cover a fair share
    const asp = a.w / a.h;
    const [W, H] = asp > 1.6 ? [512, 320] : asp < 0.65 ? [320, 512] : asp < 0.87 ? [384, 512] : [512, 384];
    // a few composites (every 5th) sit flush on the bottom edge and may touch the frame
    const flush = (i * 2 + k) % 5 === 4;
    const margin = Math.ceil(0.03 * Math.max(W, H)) + 2;
    const target = 0.30 + 0.22 * rnd();                 // wanted share of the image covered by the subject
    let s = Math.sqrt((target * W * H) / (fill * a.w * a.h));
    const maxW = flush ? W * 0.97 : W - 2 * margin, maxH = flush ? H * 0.97 : H - 2 * margin;
    s = Math.min(s, maxW / a.w, maxH / a.h);
    const sw = Math.max(1, Math.round(a.w * s)), sh = Math.max(1, Math.round(a.h * s));
    const lo = flush ? 0 : margin;
    const x = Math.round(lo + rnd() * Math.max(0, W - sw - 2 * lo));
    const y = flush ? H - sh : Math.round(margin + rnd() * Math.max(0, H - sh - 2 * margin));
    // background: scaled to cover WxH, crop offset seeded
    const bgTmp = join(TMP, `${cid}-bg.png`);
    const bsrc = srcPath(bg.p, bg.rel); const bs = size(bsrc);
    const bscale = Math.max(W / bs.w, H / bs.h) * (1.0 + 0.25 * rnd());
    const bw = Math.ceil(bs.w * bscale), bh = Math.ceil(bs.h * bscale);
    const ox = Math.floor(rnd() * (bw - W)), oy = Math.floor(rnd() * (bh - H));
    im(bsrc, '-filter', 'Lanczos', '-resize', `${bw}x${bh}!`, '-crop', `${W}x${H}+${ox}+${oy}`, '+repage', '-colorspace', 'sRGB', '-type', 'TrueColor', `PNG24:${bgTmp}`);
    const subj = join(TMP, `${cid}-subj.png`);
    im(trim, '-filter', 'Lanczos', '-resize', `${sw}x${sh}!`, `PNG32:${subj}`);
    const cfile = `${cid}.jpg`, cmask = `${cid}-mask.png`;
    im(bgTmp, subj, '-geometry', `+${x}+${y}`, '-compose', 'over', '-composite', '-alpha', 'off', '-strip', '-colorspace', 'sRGB', '-type', 'TrueColor', '-sampling-factor', '4:2:0', '-quality', '88', join(OUT, cfile));
    im('-size', `${W}x${H}`, 'xc:black', '(', subj, '-alpha', 'extract', ')', '-geometry', `+${x}+${y}`, '-compose', 'over', '-composite', ...MASKOPT, join(OUT, cmask));
    const cs = maskStats(gray(join(OUT, cmask)));
    entry({ id: cid, kind: 'composite', file: cfile, mask: cmask, class: cls, subject, source: srcStr(p, rel), licence: p.licence,
      background: { file: `${bg.p.root}/${bg.rel}`, source: srcStr(bg.p, bg.rel), licence: bg.lic, description: bg.desc,
        crop: `${W}x${H}+${ox}+${oy} of ${bw}x${bh}` },
      placement: { x, y, w: sw, h: sh, seed: hash(cid) }, touchesFrame: cs.touchesFrame, coverage: r4(cs.coverage) });
  });
});

// ---- flats
FLAT.forEach(([name, p, rel, cls, subject]) => {
  if (ONLY && !ONLY.has(name)) return;
  const trim = join(TMP, `${name}-ftrim.png`);
  im(srcPath(p, rel), '-alpha', 'set', '-bordercolor', 'none', '-border', '1', '-trim', '+repage', `PNG32:${trim}`);
  const id = `${name}-flat`, file = `${id}.png`, mask = `${id}-mask.png`;
  const rgba = join(TMP, `${name}-f448.png`);
  im(trim, '-filter', 'Lanczos', '-resize', '400x400', '-background', 'none', '-gravity', 'center', '-extent', '448x448', `PNG32:${rgba}`);
  im(rgba, '-background', 'white', '-alpha', 'remove', '-alpha', 'off', '-strip', '-define', 'png:color-type=2', join(OUT, file));
  im(rgba, '-alpha', 'extract', ...MASKOPT, join(OUT, mask));
  const st = maskStats(gray(join(OUT, mask)));
  entry({ id, kind: 'flat', file, mask, class: cls, subject, source: srcStr(p, rel), licence: p.licence, background: null,
    touchesFrame: st.touchesFrame, coverage: r4(st.coverage) });
});

// ---- plain photos (no mask)
PHOTO.forEach(([name, p, rel, crop, cls, subject, lic]) => {
  if (ONLY && !ONLY.has(name)) return;
  const id = `${name}-photo`, file = `${id}.jpg`;
  const args = [srcPath(p, rel)]; if (crop) args.push('-crop', crop, '+repage');
  im(...args, '-filter', 'Lanczos', '-resize', '512x512', '-strip', '-colorspace', 'sRGB', '-type', 'TrueColor', '-sampling-factor', '4:2:0', '-quality', '88', join(OUT, file));
  entry({ id, kind: 'photo', file, mask: null, class: cls, subject, source: srcStr(p, rel) + (crop ? ` (crop ${crop})` : ''), licence: lic,
    background: null, touchesFrame: null });
});

const order = { cutout: 0, composite: 1, photo: 2, flat: 3 };
manifest.sort((a, b) => order[a.kind] - order[b.kind] || a.id.localeCompare(b.id));
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
const count = {}; for (const e of manifest) count[e.kind] = (count[e.kind] || 0) + 1;
rmSync(TMP, { recursive: true, force: true });
console.log(JSON.stringify(count));
