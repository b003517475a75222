#!/usr/bin/env bash
# Builds the fastest stratosim: the `dist` profile with profile-guided
# optimisation (PGO), and the hand-written M/M/16 loop the same way, so the
# README's performance table compares like with like.
#
#   benches/pgo.sh     # about 6 minutes on 2 cores
#
# Results: target/pgo/dist/stratosim and
# target/pgo/dist/examples/handwritten_mm16 (same options as `dist`).
#
# How: an instrumented build (`-Cprofile-generate`; room for 8 targets per
# indirect call site, where the default ran out) runs every scenario of
# the shipped library once (one replication each; the benchmark scenarios
# of benches/ are left out, so the profile is that of the library, not of
# the benchmarks) and the loop once; llvm-profdata merges the counts, and
# the second build (`-Cprofile-use`) lays out and inlines the code by them:
# which branches are taken, which calls are hot. Outputs are byte for byte
# those of the plain `dist` build: PGO changes the machine code, not what
# it computes (floating point stays IEEE, no fast-math).
#
# Needs llvm-profdata of the toolchain's LLVM: `rustup component add
# llvm-tools`.
set -euo pipefail
cd "$(dirname "$0")/.."

host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [[ ! -x "$profdata" ]]; then
  echo "pgo.sh: $profdata not found; install it with: rustup component add llvm-tools" >&2
  exit 2
fi

profiles="$PWD/target/pgo-profiles"
rm -rf "$profiles"
mkdir -p "$profiles"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Separate target folders: RUSTFLAGS differ, and the plain `dist` build in
# target/dist stays as it is.
RUSTFLAGS="-Cprofile-generate=$profiles -Cllvm-args=-vp-counters-per-site=8" cargo build --profile dist --locked \
  --target-dir target/pgo-generate --bin stratosim --example handwritten_mm16 >&2

echo "pgo.sh: training on the shipped scenarios" >&2
for scenario in scenarios/*.toml; do
  rm -rf "$work/out"
  target/pgo-generate/dist/stratosim run "$scenario" --replications 1 --out "$work/out" --quiet >/dev/null
done
target/pgo-generate/dist/examples/handwritten_mm16 >/dev/null

"$profdata" merge -o "$profiles/merged.profdata" "$profiles"
RUSTFLAGS="-Cprofile-use=$profiles/merged.profdata" cargo build --profile dist --locked \
  --target-dir target/pgo --bin stratosim --example handwritten_mm16 >&2
echo "pgo.sh: built target/pgo/dist/stratosim and target/pgo/dist/examples/handwritten_mm16" >&2
