"""``newscrawl eval``: score extraction on the benchmark pages against plain trafilatura."""

from __future__ import annotations

import argparse

TARGETS = {
    ("extraction", "f1"): 0.970,
    ("metadata", "title"): 0.90,
    ("metadata", "authors"): 0.90,
    ("metadata", "date"): 0.99,
    ("metadata", "f1"): 0.96,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=("extraction", "metadata", "all"), default="all")
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
    datasets = ["extraction", "metadata"] if args.dataset == "all" else [args.dataset]
    scores = evaluate(systems, datasets, workers=args.workers or None,
                      limit=args.limit or None, bootstrap=args.bootstrap)
    if args.json:
        print(json.dumps({"scores": [s.to_dict(per_page=args.per_page) for s in scores],
                          "targets": {f"{d}/{m}": v for (d, m), v in TARGETS.items()}},
                         indent=2))
    else:
        print(format_table(scores))
        print()
        for s in scores:
            if s.system != "newscrawl":
                continue
            for (dataset, metric), target in TARGETS.items():
                if dataset == s.dataset:
                    value = getattr(s, metric)
                    mark = "ok" if value is not None and value >= target else "below target"
                    print(f"  target {dataset}/{metric} >= {target:.3f}: {value:.4f} {mark}")
    return EXIT_OK
