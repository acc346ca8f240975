"""``newscrawl eval``: score extraction on the benchmark pages against plain trafilatura."""

from __future__ import annotations

import argparse

TARGETS = {
    ("extraction", "f1"): 0.970,
    ("metadata", "title"): 0.92,
    ("metadata", "authors"): 0.92,
    ("metadata", "date"): 0.99,
    ("metadata", "f1"): 0.96,
    ("readability", "date"): 0.95,
}
# newscrawl at or above this reference system on the same pages (whole set and held out)
FLOORS = {"f1": "trafilatura-precision", "authors": "trafilatura"}
DATASETS = ("extraction", "metadata", "readability")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=(*DATASETS, "all"), default="all")
    parser.add_argument("--systems", default="newscrawl,trafilatura,trafilatura-precision",
                        help="comma-separated: newscrawl, trafilatura, trafilatura-precision")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--per-page", action="store_true", help="with --json: per-page scores")
    parser.add_argument("--workers", type=int, default=0, help="worker processes (0: CPUs)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages per set")
    parser.add_argument("--bootstrap", type=int, default=1000,
                        help="bootstrap resamples for the F1 spread (0: none)")


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from crawler.cli import EXIT_OK, EXIT_USAGE
    from newscrawl_dev.evaluation.compare import SYSTEMS, evaluate, format_table

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown or not systems:
        print(f"newscrawl eval: unknown system(s) {unknown}; known: {', '.join(SYSTEMS)}",
              file=sys.stderr)
        return EXIT_USAGE
    datasets = list(DATASETS) if args.dataset == "all" else [args.dataset]
    scores = evaluate(systems, datasets, workers=args.workers or None,
                      limit=args.limit or None, bootstrap=args.bootstrap)
    if args.json:
        print(json.dumps({"scores": [s.to_dict(per_page=args.per_page) for s in scores],
                          "targets": {f"{d}/{m}": v for (d, m), v in TARGETS.items()}},
                         indent=2))
    else:
        print(format_table(scores))
        print()
        for line in target_lines(scores):
            print(line)
    return EXIT_OK


def target_lines(scores: list) -> list[str]:
    """newscrawl against the fixed targets and against the reference systems, per split."""
    by_key = {(s.system, s.dataset, s.split): s for s in scores}
    lines = []
    for s in scores:
        if s.system != "newscrawl":
            continue
        where = f"{s.dataset}/{s.split}"
        for (dataset, metric), target in TARGETS.items():
            if dataset == s.dataset:
                value = getattr(s, metric)
                mark = "ok" if value is not None and value >= target else "below target"
                lines.append(f"  target {where} {metric} >= {target:.3f}: {value:.4f} {mark}")
        for metric, system in FLOORS.items():
            ref = by_key.get((system, s.dataset, s.split))
            value, floor = getattr(s, metric), getattr(ref, metric, None) if ref else None
            if value is None or floor is None:
                continue
            mark = "ok" if value >= floor - 1e-9 else "below reference"
            lines.append(f"  {where} {metric} >= {system} {floor:.4f}: {value:.4f} {mark}")
    return lines
