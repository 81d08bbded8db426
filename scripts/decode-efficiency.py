#!/usr/bin/env python3
"""Decode efficiency of a run (METRICS.md roofline), used by scripts/gpu-check.sh and scripts/gpu-device-run.sh.

efficiency = (bytes one decode step must read) / bandwidth / measured median step time, where the bytes are all
weights but the embedding table (only B rows of it are read) plus the KV cache at the mean context.
    scripts/decode-efficiency.py RESULT_JSON [BANDWIDTH_TB_PER_S=4.8]      prints a markdown table
"""
import json
import sys

r = json.load(open(sys.argv[1]))
bw = float(sys.argv[2] if len(sys.argv) > 2 else 4.8) * 1e12
m = r["model"]
io = 2 if m.get("io_dtype") in ("fp16", "float16") else 4
embed = m["vocab_size"] * m["hidden_size"] * io
print(f"decode efficiency vs {bw/1e12:g} TB/s ({r['engine']['name']} {r['engine']['version']}, {r['engine']['execution_provider']}):")
print("| B | P | G | tpot median (ms) | decode tok/s | bytes/step (GB) | lower bound (ms) | efficiency |")
print("|--:|--:|--:|--:|--:|--:|--:|--:|")
for s in r["scenarios"]:
    if s["status"] != "ok":
        print(f"| {s['batch_size']} | {s['prompt_tokens']} | {s['gen_tokens']} | failed: {s.get('failure_reason')} |")
        continue
    b, p, g = s["batch_size"], s["prompt_tokens"], s["gen_tokens"]
    tpot = s["summary"]["tpot_seconds"]["median"]
    kv = 2 * m["layers"] * m["kv_heads"] * m["head_size"] * io * b * (p + g / 2)
    weights = m.get("weight_bytes") or m["parameter_count"] * io
    need = weights - embed + kv
    bound = need / bw
    print(f"| {b} | {p} | {g} | {tpot*1e3:.3f} | {s['summary']['decode_tps']['median']:.1f} | {need/1e9:.2f} | {bound*1e3:.3f} | {bound/tpot:.1%} |")
