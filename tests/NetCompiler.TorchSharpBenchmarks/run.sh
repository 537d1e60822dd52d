#!/usr/bin/env bash
# Runs the TorchSharp comparison (BenchmarkDotNet, in-process, one run) with its arguments passed through, e.g.
#   bash tests/NetCompiler.TorchSharpBenchmarks/run.sh --filter '*TorchSharpStep*'
# (all of it without arguments). On a busy host set OMP_WAIT_POLICY=PASSIVE (BENCHMARKS.md, tenth session).
#
# TorchSharp's native glue, libLibTorchSharp.so, is built with GCC 13 and asks for the GLIBCXX_3.4.32 version of
# libstdc++, which Debian 12's libstdc++ (GCC 12, up to GLIBCXX_3.4.30) lacks, so it does not load. Its only symbol of
# that version is std::ios_base_library_init(), which GCC 13's <iostream> names without calling (no relocation or call
# refers to it). Where the system's libstdc++ lacks the version, this script marks the requirement weak in the build
# output's copy of the library (one flag byte; the package cache is untouched), so the loader accepts it. (A newer
# libstdc++ on LD_LIBRARY_PATH does not help: Debian 13's needs GLIBC_2.38 and Debian 12 has glibc 2.36.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
output="$here/bin/Release/net10.0"

dotnet build -c Release "$here/NetCompiler.TorchSharpBenchmarks.csproj" -v quiet -nologo

system_libstdcxx="$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')"
if [ -n "$system_libstdcxx" ] && ! grep -q GLIBCXX_3.4.32 "$system_libstdcxx"; then
  find "$output" -name libLibTorchSharp.so -print0 | while IFS= read -r -d '' library; do
    python3 "$here/weak_version.py" "$library" GLIBCXX_3.4.32
  done
fi

# Without arguments, every benchmark (BenchmarkDotNet would ask which).
if [ $# -eq 0 ]; then
  set -- --filter '*'
fi
cd "$here"
dotnet "$output/NetCompiler.TorchSharpBenchmarks.dll" "$@"
