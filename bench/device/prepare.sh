#!/usr/bin/env bash
# Builds what the GPU machine cannot fetch (README.md beside this file), in the repo root:
#   .device/  gpu-bench.mjs (esbuild bundle of gpu-bench.ts), node.xz (this machine's Node 20
#             binary), dawn.node.xz (npm `webgpu`'s linux-x64 binary), the ORT asyncify wasm
#             (.xz; its JS glue is inside the bundle), the embedded model, libstdc++ (.xz, used
#             only if the machine's is too old for Node or Dawn)
#   .gl/      the Vulkan loader .deb (device README: libvulkan1)
# Both are git-excluded (.git/info/exclude) and travel as `carry` paths. Prints their size.
set -euo pipefail
cd "$(dirname "$0")/../.."
for p in /.device/ /.gl/; do grep -qxF "$p" .git/info/exclude 2>/dev/null || echo "$p" >>.git/info/exclude; done
D=.device
rm -rf "$D" && mkdir -p "$D"
[ "$(uname -m)" = x86_64 ] || { echo "prepare.sh: the GPU machine is x86-64; build there-runnable binaries on x86-64" >&2; exit 1; }

npx esbuild bench/device/gpu-bench.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile="$D/gpu-bench.mjs" --log-level=warning \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

xz() { command xz -T2 -9 -c "$1" >"$2"; }
xz "$(command -v node)" "$D/node.xz"
xz node_modules/webgpu/dist/linux-x64/dawn.node "$D/dawn.node.xz"
xz node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm "$D/ort-wasm-simd-threaded.asyncify.wasm.xz"
xz "$(readlink -f /usr/lib/x86_64-linux-gnu/libstdc++.so.6)" "$D/libstdc++.so.6.xz"

BIN=build/models/embedded-mobilenetv2.bin
[ -f "$BIN" ] || npx tsx -e "import('./bench/_sketch-util.ts').then(async (u) => (await u.loadEmbedded()).model.dispose())"
cp "$BIN" "$D/"

# The Vulkan loader, as the device README downloads it (its list minus the GL/EGL parts).
rm -rf .gl && mkdir -p .gl /tmp/amd64/partial
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
apt-get $o update -qq >/dev/null
(cd .gl && apt-get $o download -qq libvulkan1)

node --version >"$D/node-version.txt"
du -b -c "$D" .gl | tail -1 | awk '{printf "carried: %.1f MiB (.device + .gl)\n", $1 / 1048576}'
ls -la "$D" .gl
