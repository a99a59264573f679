#!/usr/bin/env bash
# What runs on the GPU machine (README.md beside this file), from the repo root, with .device
# and .gl carried (bench/device/prepare.sh builds them). Steps, each under `timeout`:
#   1. Vulkan loader from .gl (only where the machine has none) and the NVIDIA ICD
#   2. unpack Node, dawn.node and the ORT wasm into $WORK
#   3. torch_reference.py: RN101 loss-and-gradient in PyTorch (fp32, tf32, bf16), first: short
#   4. gpu-bench.mjs: our WebGPU per-iteration breakdown (RN101 B=5 N=16, embedded, RN101 N=64
#      last: a timeout cuts the least needed case; rows already printed stay)
#   5. one summary line: ours / PyTorch
# Output: JSON lines on stdout and in $OUT/{webgpu,torch,summary}.jsonl (+ env.txt, log.txt).
# Knobs (environment): DEVICE_CASES, DEVICE_ITERS (gpu-bench.ts), TORCH_ARGS, PYTHON,
# GPU_TIMEOUT (s, default 270), TORCH_TIMEOUT (s, default 90), DEVICE_ICD (Vulkan driver json).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
D=$ROOT/.device
OUT=${OUT:-$ROOT/.device/out}
WORK=${WORK:-/tmp/sketchify-device}
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT" "$WORK"
exec > >(tee -a "$OUT/log.txt") 2>&1
TEE=$!
say() { echo "run.sh: $*" >&2; }

# 1. Vulkan: the loader (libvulkan.so.1) and the NVIDIA driver's ICD.
if ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
  for f in "$ROOT"/.gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
ICD=${DEVICE_ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
if [ -f "$ICD" ]; then export VK_DRIVER_FILES=$ICD VK_ICD_FILENAMES=$ICD; else say "no Vulkan ICD at $ICD: Dawn picks what the loader finds"; fi

# 2. Unpack (xz where installed, else Python's lzma).
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else "$PYTHON" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
timeout 45 bash -c "$(declare -f unxz_to); PYTHON=$PYTHON
  unxz_to '$D/node.xz' '$WORK/node' && chmod +x '$WORK/node' &&
  unxz_to '$D/dawn.node.xz' '$WORK/dawn.node' &&
  unxz_to '$D/ort-wasm-simd-threaded.asyncify.wasm.xz' '$WORK/ort-wasm-simd-threaded.asyncify.wasm' &&
  mkdir -p '$WORK/lib' && unxz_to '$D/libstdc++.so.6.xz' '$WORK/lib/libstdc++.so.6'" || say "unpack failed"
NODE=$WORK/node
# The machine's libstdc++ first; ours only where that one is too old for Node or Dawn.
if ! "$NODE" -e "require('$WORK/dawn.node')" >/dev/null 2>&1; then
  export LD_LIBRARY_PATH=$WORK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  say "using the carried libstdc++"
fi
{
  echo "date: $(date -u +%FT%TZ)"; uname -a; "$NODE" --version
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"; ldconfig -p | grep -i vulkan
  nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu --format=csv 2>&1
  "$PYTHON" -c 'import torch; print("torch", torch.__version__, torch.cuda.is_available())' 2>&1
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt" >&2

# 3. PyTorch reference (default: RN101, B=5, fp32 / tf32 / bf16 autocast).
# shellcheck disable=SC2086
PYTHONUNBUFFERED=1 timeout -k 10 "${TORCH_TIMEOUT:-90}" "$PYTHON" bench/device/torch_reference.py ${TORCH_ARGS:-} | tee "$OUT/torch.jsonl"
say "torch_reference exit ${PIPESTATUS[0]}"

# 4. Ours: WebGPU one-device pipeline in Node + Dawn.
DAWN_NODE=$WORK/dawn.node ORT_WASM=$WORK/ort-wasm-simd-threaded.asyncify.wasm EMBEDDED_BIN=$D/embedded-mobilenetv2.bin \
  timeout -k 10 "${GPU_TIMEOUT:-270}" "$NODE" "$D/gpu-bench.mjs" | tee "$OUT/webgpu.jsonl"
say "gpu-bench exit ${PIPESTATUS[0]}"

# 5. Summary.
timeout 30 "$PYTHON" bench/device/summary.py "$OUT/webgpu.jsonl" "$OUT/torch.jsonl" | tee "$OUT/summary.jsonl"
# Let tee write the last lines before the machine ends the command.
exec 1>&- 2>&-
wait "$TEE"
