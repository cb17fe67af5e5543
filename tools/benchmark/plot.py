"""Plots of a benchmark run (tools/bench.sh): reads results.csv (and system.csv next to it, when
the system path ran), writes PNGs next to it.

latency-vs-rate.png         p50 and p99 per path against the offered rate, one panel per message size
throughput.png              per path and size: the highest rate kept up with, and what the path
                            delivered at the first rate where it fell behind
system-latency-vs-rate.png  the system path: POST -> 201, POST -> WebSocket frame and POST -> visible
                            in /audit (p50, p99) against the offered rate, and acknowledged tasks/s
"""
import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"kafka": "tab:blue", "dapr-http": "tab:orange", "dapr-grpc": "tab:green", "dapr-quarkus": "tab:brown",
          "dapr-bulk": "tab:red", "post-ws": "tab:purple"}


def load(csv_path):
    groups = defaultdict(list)
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            groups[(row["path"], int(row["size"]), int(row["rate"]))].append(row)
    return groups


def med(rows, key):
    return statistics.median(float(r[key]) for r in rows)


def latency_plot(groups, out):
    sizes = sorted({s for (_, s, _) in groups if s > 0})
    fig, axes = plt.subplots(1, max(1, len(sizes)), figsize=(6.5 * max(1, len(sizes)), 5), squeeze=False)
    for ax, size in zip(axes[0], sizes):
        for path in COLORS:
            pts = sorted((rate, rows) for (p, s, rate), rows in groups.items() if p == path and s == size)
            if not pts:
                continue
            rates = [r for r, _ in pts]
            kept = [all(x["kept_up"] == "true" for x in rows) for _, rows in pts]
            for pct, style in (("p99_ms", "-"), ("p50_ms", ":")):
                ys = [med(rows, pct) for _, rows in pts]
                ax.plot(rates, ys, style, color=COLORS[path], label=f"{path} {pct[:3]}")
                ax.scatter([r for r, k in zip(rates, kept) if k], [y for y, k in zip(ys, kept) if k], color=COLORS[path], s=18)
                ax.scatter([r for r, k in zip(rates, kept) if not k], [y for y, k in zip(ys, kept) if not k],
                           color=COLORS[path], marker="x", s=40)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("offered rate (msg/s)")
        ax.set_ylabel("latency (ms), due time to handler")
        ax.set_title(f"{size} B messages (x: fell behind)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "latency-vs-rate.png", dpi=110)


def throughput_plot(groups, out):
    best, delivered, labels = [], [], []
    for path, size in sorted({(p, s) for (p, s, _) in groups if s > 0}, key=lambda k: (k[1], list(COLORS).index(k[0]))):
        pts = sorted((rate, rows) for (p, s, rate), rows in groups.items() if p == path and s == size)
        b, d = 0, 0
        for rate, rows in pts:
            if all(x["kept_up"] == "true" for x in rows):
                b = rate
            else:
                d = med(rows, "delivered_per_s")
                break
        labels.append(f"{path}\n{size} B")
        best.append(b)
        delivered.append(d)
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(labels)), 4.5))
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], best, 0.4, label="highest rate kept up with (backlog < 100)")
    ax.bar([x + 0.2 for x in xs], delivered, 0.4, label="delivered/s at the first rate it fell behind")
    ax.set_xticks(list(xs), labels, fontsize=8)
    ax.set_ylabel("messages per second")
    ax.set_title("throughput per path")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "throughput.png", dpi=110)


def system_plot(system_csv, out):
    with open(system_csv, newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["rate"]))
    if not rows:
        return False
    rates = [int(r["rate"]) for r in rows]
    kept = [r["kept_up"] == "true" for r in rows]
    fig, (lat, thr) = plt.subplots(1, 2, figsize=(13, 5))
    for key, color, label in (("post", "tab:purple", "POST -> 201"), ("frame", "tab:green", "POST -> WebSocket frame"),
                              ("audit", "tab:orange", "POST -> visible in /audit")):
        for pct, style in (("p99", "-"), ("p50", ":")):
            ys = [float(r[f"{key}_{pct}_ms"]) for r in rows]
            lat.plot(rates, ys, style, color=color, label=f"{label} {pct}")
            lat.scatter([x for x, k in zip(rates, kept) if k], [y for y, k in zip(ys, kept) if k], color=color, s=18)
            lat.scatter([x for x, k in zip(rates, kept) if not k], [y for y, k in zip(ys, kept) if not k], color=color,
                        marker="x", s=40)
    lat.set_xscale("log", base=2)
    lat.set_yscale("log")
    lat.set_xlabel("offered POST /tasks per second")
    lat.set_ylabel("latency (ms) from the due time")
    lat.set_title("whole system (x: not kept up)")
    lat.grid(True, which="both", alpha=0.3)
    lat.legend(fontsize=7)
    thr.plot(rates, rates, ":", color="grey", label="offered")
    thr.plot(rates, [float(r["acked_per_s"]) for r in rows], "-o", color="tab:purple", label="acknowledged (201) per second")
    thr.set_xscale("log", base=2)
    thr.set_yscale("log")
    thr.set_xlabel("offered POST /tasks per second")
    thr.set_ylabel("tasks per second")
    thr.set_title("whole system throughput")
    thr.grid(True, which="both", alpha=0.3)
    thr.legend(fontsize=8)
    for ax in (lat, thr):
        ax.set_xticks(rates, [str(r) for r in rates])  # the rates tried, not powers of two
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    fig.tight_layout()
    fig.savefig(out / "system-latency-vs-rate.png", dpi=110)
    return True


def main():
    csv_path = Path(sys.argv[1])
    groups = load(csv_path)
    written = []
    if groups:
        latency_plot(groups, csv_path.parent)
        throughput_plot(groups, csv_path.parent)
        written += [csv_path.parent / "latency-vs-rate.png", csv_path.parent / "throughput.png"]
    system_csv = csv_path.parent / "system.csv"
    if system_csv.exists() and system_plot(system_csv, csv_path.parent):
        written.append(csv_path.parent / "system-latency-vs-rate.png")
    print("plots: " + (", ".join(str(w) for w in written) or "none (no rows)"))


if __name__ == "__main__":
    main()
