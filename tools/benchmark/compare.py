"""Before/after plot of two or more system-path runs: latency p99 and acknowledged rate against
the offered rate. Usage: compare.py out.png label=run-folder-or-system.csv [label=...]
(runs with .runtime/bench-python/bin/python, which has matplotlib)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def rows(path):
    if os.path.isdir(path):
        path = os.path.join(path, "system.csv")
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    out, runs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    series = [(label, [r for p in paths.split(",") for r in rows(p)]) for label, paths in runs]
    fig, axes = plt.subplots(1, 4, figsize=(18, 4.2))
    for ax, column, title in zip(axes[:3], ["post_p99_ms", "frame_p99_ms", "audit_p99_ms"],
                                 ["POST /tasks p99", "POST -> WebSocket frame p99", "POST -> visible in /audit p99"]):
        for label, rs in series:
            rs = sorted(rs, key=lambda r: float(r["rate"]))
            ax.plot([float(r["rate"]) for r in rs], [float(r[column]) for r in rs], marker="o", label=label)
        ax.set_yscale("log")
        ax.set_xlabel("offered POST /tasks per s")
        ax.set_ylabel("ms (log)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    ax = axes[3]
    for label, rs in series:
        rs = sorted(rs, key=lambda r: float(r["rate"]))
        ax.plot([float(r["rate"]) for r in rs], [float(r["acked_per_s"]) for r in rs], marker="o", label=label)
    top = max(float(r["rate"]) for _, rs in series for r in rs)
    ax.plot([0, top], [0, top], linestyle=":", color="grey", label="offered")
    ax.set_xlabel("offered POST /tasks per s")
    ax.set_ylabel("201 answers per s")
    ax.set_title("acknowledged while sending")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    print("written:", out)


if __name__ == "__main__":
    main()
