#!/usr/bin/env python3
"""Turns BenchmarkDotNet's CSV report into the tables of BENCHMARKS.md: each figure with its share of the
measured FMA peak, and its speed relative to ONNX Runtime (inference) or to the textbook code (training).
Usage: python3 tests/NetCompiler.Benchmarks/summarize.py BenchmarkDotNet.Artifacts/results/*-report.csv"""
import csv, sys, re

def nanoseconds(text):
    number, unit = text.replace(',', '').split()
    return float(number) * {'ns': 1, 'μs': 1e3, 'us': 1e3, 'ms': 1e6, 's': 1e9}[unit]

rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
peak = next(r for r in rows if r['Type'] == 'PeakBenchmark')
print(f"Measured single-core FP32 FMA peak: {peak['GFLOP/s']} GFLOP/s ({peak['Mean']} for {24 * 16 * 2 * 4096:,} FLOPs).\n")
for kind, reference in (('InferenceBenchmark', 'ONNX Runtime'), ('TrainingBenchmark', 'textbook')):
    print(f"### {'Inference' if kind.startswith('Inf') else 'Training step'}\n")
    print(f"| network | batch | implementation | time | GFLOP/s | % of peak | vs {reference} | allocated |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    group = [r for r in rows if r['Type'].startswith(kind)]
    for network in ('Tiny', 'Mnist128', 'Mnist100', 'Deep256'):
        for batch in ('1', '32', '64', '256'):
            cases = [r for r in group if f'<{network}>' in r['Type'] and r['Batch'] == batch]
            base = next((r for r in cases if r['Method'].strip("'").startswith(reference)), None)
            for r in sorted(cases, key=lambda r: nanoseconds(r['Mean'])):
                ratio = nanoseconds(base['Mean']) / nanoseconds(r['Mean']) if base else float('nan')
                name = r['Method'].strip("'")
                print(f"| {network} | {batch} | {name} | {r['Mean']} | {r['GFLOP/s']} | {r['% of peak']} | {ratio:.2f}× | {r['Allocated']} |")
    print()
