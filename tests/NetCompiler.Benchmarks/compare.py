#!/usr/bin/env python3
"""Compares full runs of the benchmark suite made on two versions of the code, alternately on the same machine.
Each figure is compared as a share of the FMA peak measured in its own run (which cancels the host's speed of the
moment), and as plain time; a figure is reported at its best over the runs of each version.
Usage: python3 tests/NetCompiler.Benchmarks/compare.py before1.csv[,before2.csv...] after1.csv[,after2.csv...]
(each argument a comma-separated list of BenchmarkDotNet *-report.csv files, one per full run).
After the table it summarises the generated figures and, as a null test, the baselines (textbook, ONNX Runtime), whose
code is the same in both versions: how far they move between the two sets of runs is the noise of the comparison."""
import csv, math, statistics, sys

def nanoseconds(text):
    number, unit = text.replace(',', '').split()
    return float(number) * {'ns': 1, 'μs': 1e3, 'us': 1e3, 'ms': 1e6, 's': 1e9}[unit]

def load(paths):
    """Per benchmark key: the best share of peak (1 / (time × peak) up to a constant) and the best time over the runs."""
    best = {}
    for path in paths.split(','):
        rows = list(csv.DictReader(open(path, encoding='utf-8')))
        peak = next(r for r in rows if r['Type'] == 'PeakBenchmark')
        peak_ns = nanoseconds(peak['Mean'])
        for r in rows:
            if r['Type'] == 'PeakBenchmark':
                continue
            key = (r['Type'], r['Method'].strip("'"), r.get('Batch', ''))
            t = nanoseconds(r['Mean'])
            relative = t / peak_ns  # time in units of the peak benchmark's time: lower is better
            old = best.get(key)
            best[key] = (min(old[0], relative), min(old[1], t)) if old else (relative, t)
    return best

before, after = load(sys.argv[1]), load(sys.argv[2])
print('| benchmark | batch | implementation | before | after | after/before (time relative to the run\'s peak) | within 3 %? |')
print('|---|---:|---|---:|---:|---:|---|')
worse = 0
for key in sorted(before.keys() & after.keys()):
    kind, method, batch = key
    if not any(method.startswith(p) for p in ('generated', '2 threads')):
        continue
    ratio = after[key][0] / before[key][0]
    ok = ratio <= 1.03
    worse += not ok
    print(f"| {kind.replace('Benchmark', '')} | {batch} | {method} | {before[key][1] / 1e3:,.2f} µs | {after[key][1] / 1e3:,.2f} µs | {ratio:.3f} | {'yes' if ok else 'NO'} |")
print(f"\n{worse} figure(s) more than 3 % slower than before, relative to the peak of their own runs.")

def summary(label, keys):
    ratios = [after[k][0] / before[k][0] for k in keys]
    if not ratios:
        return
    geomean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"{label}: {len(ratios)} figures, after/before geometric mean {geomean:.3f}, median {statistics.median(ratios):.3f}, "
          f"{sum(r > 1.03 for r in ratios)} more than 3 % slower, {sum(r < 1 / 1.03 for r in ratios)} more than 3 % faster, "
          f"range {min(ratios):.3f}-{max(ratios):.3f}")

common = sorted(before.keys() & after.keys())
generated = [k for k in common if any(k[1].startswith(p) for p in ('generated', '2 threads'))]
summary("generated code", generated)
summary("baselines, the same code in both versions (the noise)", [k for k in common if k not in generated])
