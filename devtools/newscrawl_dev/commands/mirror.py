"""``newscrawl mirror``: serve the offline mirror of a site on loopback, or print its manifest.

``newscrawl mirror serve`` prints exactly one line, ``serving <base_url>``, then serves until
interrupted (Ctrl-C or SIGTERM).  The manifest of the running mirror is at
``<base_url>/__manifest__.json``; ``newscrawl mirror manifest`` prints it without serving.
"""

from __future__ import annotations

import argparse


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--theme", choices=("newspaper", "generic", "legacy"),
                        default="newspaper",
                        help="newspaper: the tagDiv Newspaper site (default); generic: the "
                        "second site in a plain WordPress theme; legacy: a 2000s newsroom CMS "
                        "with query-string URLs and no structured metadata")
    parser.add_argument("--articles", type=int, default=None, metavar="N",
                        help="number of articles (default 60 newspaper, 40 generic, 40 legacy)")
    parser.add_argument("--revision", type=int, choices=(1, 2), default=1,
                        help="content revision: 2 changes one article (and adds one)")
    parser.add_argument("--no-traps", dest="traps", action="store_false",
                        help="leave out the problem pages (errors, redirects, traps, aliases)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="mirror_command", metavar="ACTION")
    serve = sub.add_parser("serve", help="serve the mirror until interrupted")
    _site_options(serve)
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any "
                       "free port)")
    serve.add_argument("--manifest", metavar="FILE", help="also write the manifest JSON here")
    serve.add_argument("--prerender", action="store_true",
                       help="render every article page before serving (printing the serving "
                       "line only then): about 155 KB of memory per article, in exchange for "
                       "almost no CPU per request (benchmarks); by default pages are rendered "
                       "on request and the last 256 kept")
    serve.add_argument("--fault", dest="faults", action="append", default=[], metavar="NAME",
                       help="inject a server fault (repeatable): see newscrawl_dev.mirror.faults")
    manifest = sub.add_parser("manifest", help="print the manifest JSON of a mirror")
    _site_options(manifest)
    manifest.add_argument("--base-url", default="http://127.0.0.1:8080",
                          help="base URL the manifest's URLs use (default http://127.0.0.1:8080)")
    manifest.add_argument("--summary", action="store_true",
                          help="print counts instead of the whole manifest")


def run(args: argparse.Namespace) -> int:
    import json
    import signal
    import sys

    from crawler.cli import EXIT_OK, EXIT_USAGE

    if args.mirror_command is None:
        print("usage: newscrawl mirror {serve,manifest} ...", file=sys.stderr)
        return EXIT_USAGE
    if args.articles is not None and args.articles < 1:
        print("newscrawl mirror: --articles must be positive", file=sys.stderr)
        return EXIT_USAGE
    if args.mirror_command == "manifest":
        from newscrawl_dev.mirror.app import MirrorApp

        try:
            app = MirrorApp(args.theme, args.articles, args.revision, args.base_url,
                            traps=args.traps)
        except ValueError as exc:
            print(f"newscrawl mirror: {exc}", file=sys.stderr)
            return EXIT_USAGE
        manifest = app.manifest()
        if args.summary:
            manifest = {k: v for k, v in manifest.items() if not isinstance(v, list | dict)}
        json.dump(manifest, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return EXIT_OK

    from newscrawl_dev.mirror.server import MirrorServer

    server = MirrorServer(theme=args.theme, articles=args.articles, port=args.port,
                          revision=args.revision, traps=args.traps, prerender=args.prerender,
                          faults=args.faults)
    try:
        server.start()
    except (ValueError, OSError) as exc:
        print(f"newscrawl mirror: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.manifest:
        with open(args.manifest, "w", encoding="utf-8") as fh:
            json.dump(server.manifest, fh, ensure_ascii=False)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, stop)
        print(f"serving {server.base_url}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return EXIT_OK
