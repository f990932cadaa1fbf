"""The scaling curve of a benchmark results file as a PNG: throughput and p50/p99 latency by client count.

Usage: chart.py RESULTS.json OUTPUT.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt  # noqa: E402


def main(results_file: str, output_file: str) -> None:
    with open(results_file, encoding="utf-8") as f:
        results = json.load(f)
    rounds = results["scaling"]
    clients = [r["concurrency"] for r in rounds]
    summaries = [r["summary"] for r in rounds]

    fig, (tps, latency) = plt.subplots(1, 2, figsize=(11, 4.2))
    tps.plot(clients, [s["throughput"] for s in summaries], marker="o", color="tab:blue")
    tps.set(title="Throughput", xlabel="concurrent clients", ylabel="settlements committed / s")
    latency.plot(clients, [s["latencyMs"]["p50"] for s in summaries], marker="o", label="p50")
    latency.plot(clients, [s["latencyMs"]["p99"] for s in summaries], marker="s", label="p99")
    latency.set(title="Latency, submit → commit", xlabel="concurrent clients", ylabel="ms")
    latency.legend()
    for axis in (tps, latency):
        axis.set_xscale("log", base=2)
        axis.set_xticks(clients, [str(c) for c in clients])
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
    commit = results["commit"]["short"] + ("+dirty" if results["commit"]["dirty"] else "")
    machine = results["machine"]
    fig.suptitle(
        f"Settlements via the HTTP gateway — {commit}, {machine['cores']} cores "
        f"({machine['cpuModel']}), {results['startedAt'][:16]}Z",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(output_file, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
