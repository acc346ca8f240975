"""The report page: inline CSS, inline SVG, no script and no external asset."""

from __future__ import annotations

from html import escape

from crawler.report import svg
from crawler.report.data import ReportData, RunRow

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;
 margin:24px auto;max-width:1040px;color:#1d2330;background:#fff;padding:0 16px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:32px 0 8px;
 border-bottom:1px solid #d8dce4;padding-bottom:4px}
.meta{color:#5a6275;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #d8dce4;border-radius:8px;padding:10px 14px;min-width:130px}
.card .n{font-size:1.5em;font-weight:600}.card .l{color:#5a6275;font-size:.85em}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{padding:5px 8px;border-bottom:1px solid #e6e9ef;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fbeaea}tr.failed td.status{color:#a3262e;font-weight:600}
.chart{max-width:100%;height:auto;display:block}
.chart .grid{stroke:#e6e9ef}.chart .tick{font-size:11px;fill:#5a6275}
.chart .legend{font-size:12px;fill:#1d2330}
.chart .threshold{stroke:#a3262e;stroke-dasharray:6 4}
td.run{font-size:.8em;word-break:break-all;max-width:220px}
.empty{color:#5a6275;font-style:italic}
tr.failed td.alerts{color:#a3262e;font-size:.85em;padding-top:0}
"""


def _card(key: str, value: int | str, label: str) -> str:
    return (f'<div class="card"><div class="n" data-metric="{key}">{escape(str(value))}</div>'
            f'<div class="l">{escape(label)}</div></div>')


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _run_row(run: RunRow) -> str:
    started = run.started_at.strftime("%Y-%m-%d %H:%M") if run.started_at else ""
    rate = run.failure_rate
    mark = "✗ " if run.failed else "✓ "
    cells = [
        f'<td class="run">{escape(run.run_id)}</td>', f"<td>{escape(run.site)}</td>",
        f"<td>{started}</td>", f'<td class="status">{mark}{escape(run.status)}</td>',
        f'<td class="num">{"" if run.exit_code is None else run.exit_code}</td>',
        f'<td class="num">{_duration(run.duration_s)}</td>',
        f'<td class="num" data-field="pages">{run.pages}</td>',
        f'<td class="num" data-field="new">{run.new}</td>',
        f'<td class="num" data-field="stored">{run.stored}</td>',
        f'<td class="num" data-field="extract_failed">{run.extract_failed}</td>',
        f'<td class="num">{"" if rate is None else f"{rate:.0%}"}</td>',
        f'<td class="num" data-field="errors">{run.errors}</td>',
    ]
    css = ' class="failed"' if run.failed else ""
    row = f'<tr{css} data-run="{escape(run.run_id)}">{"".join(cells)}</tr>'
    if run.alerts:  # the failed monitors, full width under their run
        row += (f'<tr{css}><td colspan="{len(cells)}" class="alerts">'
                + "<br>".join(f"⚠ {escape(a)}" for a in run.alerts) + "</td></tr>")
    return row


def render(data: ReportData) -> str:
    scope = f"site {data.site}" if data.site else "all sites"
    title = f"newscrawl report: {scope} since {data.since.isoformat()}"
    failed_runs = sum(r.failed for r in data.runs)
    cards = "".join([
        _card("published", data.published_in_period, "articles published in the period"),
        _card("runs", len(data.runs), "runs in the period"),
        _card("failed-runs", failed_runs, "runs failed or alerted"),
        _card("articles", data.articles, "articles stored (all time)"),
        _card("links", data.links, "links in the graph"),
        _card("links-resolved", data.links_resolved, "links to stored articles"),
        _card("near-duplicates", data.near_duplicates, "near-duplicates merged"),
        _card("aliases", data.with_aliases, "articles with merged URL aliases"),
    ])
    if data.published_in_period:
        per = "day" if data.bucket == "day" else "month"
        articles_chart = svg.stacked_bars(data.per_bucket, data.buckets,
                                          f"Articles published per {per} and site")
    else:
        articles_chart = '<p class="empty">No article published in this period.</p>'
    chronological = list(reversed(data.runs))
    rates = [(r.started_at.strftime("%m-%d %H:%M") if r.started_at else r.run_id,
              r.failure_rate) for r in chronological]
    rate_chart = (svg.rate_bars(rates, data.max_failure_rate, "Extraction failure rate per run")
                  if rates else '<p class="empty">No run in this period.</p>')
    runs = "".join(_run_row(r) for r in data.runs) or (
        '<tr><td colspan="12" class="empty">No run in this period.</td></tr>')
    linked = "".join(
        f'<tr><td>{escape(m.get("title") or m["article_id"])}</td>'
        f'<td class="num" data-field="inbound">{m["inbound"]}</td></tr>'
        for m in data.most_linked) or '<tr><td colspan="2" class="empty">No links.</td></tr>'
    head = ("<tr><th>run</th><th>site</th><th>started (UTC)</th><th>outcome</th>"
            '<th class="num">exit</th><th class="num">duration</th><th class="num">pages</th>'
            '<th class="num">new</th><th class="num">stored</th>'
            '<th class="num">extract failed</th><th class="num">failure rate</th>'
            '<th class="num">errors</th></tr>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="meta">Generated {data.generated_at:%Y-%m-%d %H:%M} UTC by <code>newscrawl report</code>.
More detail: <code>newscrawl runs</code>, <code>newscrawl stats</code>.</p>
<div class="cards">{cards}</div>
<h2 id="articles">Articles published</h2>
{articles_chart}
<h2 id="runs">Runs</h2>
<table class="runs"><thead>{head}</thead><tbody>{runs}</tbody></table>
<h2 id="failure-rate">Extraction failure rate per run</h2>
{rate_chart}
<h2 id="links">Most-linked articles</h2>
<p>The link graph has <span data-metric="graph-nodes">{data.articles}</span> articles and
<span data-metric="graph-edges">{data.links}</span> links, of which
{data.links_resolved} point to a stored article.</p>
<table class="most-linked"><thead><tr><th>article</th><th class="num">inbound links</th></tr>
</thead><tbody>{linked}</tbody></table>
<h2 id="duplicates">Duplicates merged</h2>
<p><span data-metric="dup-near">{data.near_duplicates}</span> stored article(s) are
near-duplicates of another (kept with <code>duplicate_of</code>);
<span data-metric="dup-aliases">{data.with_aliases}</span> article(s) carry URL aliases merged
into one record; runs in the period met
<span data-metric="dup-runs">{data.duplicates_in_period}</span> duplicate(s).</p>
</body></html>
"""
