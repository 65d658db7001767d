"""The teacher's class report as one self-contained HTML page (``chainrule check FOLDER --html class.html``).

No network: the styles and the few lines of script are inline, nothing is fetched. On a phone (390 px wide)
the table becomes one card per file and no text is under 12 px. The page has the summary (how many passed,
what could not be checked, each named mistake with its files), a table of the files (status, first failing
check, named mistakes, time) and, one click away from each row, that file's full report (every hint level: it
is the teacher's) in a ``<details>`` section that the link opens. Everything a learner's file printed is
escaped: the page shows it, never runs it.
"""
from __future__ import annotations

import html

from .classroom import CHECKED
from .class_report import learner_report

STYLE = """
:root { color-scheme: light; --ok: #1b6e2e; --bad: #a61b1b; --odd: #8a5300; --line: #d0d4da; }
* { box-sizing: border-box; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 16px; color: #1d2026; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; } h2 { font-size: 18px; margin: 24px 0 8px; }
.meta { color: #4a505a; font-size: 14px; margin: 0 0 12px; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; padding: 0; margin: 0; list-style: none; }
.counts li { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; font-size: 15px; }
.counts b { font-size: 18px; }
ol.mistakes { padding-left: 20px; } ol.mistakes li { margin: 0 0 8px; }
code, .kind { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 15px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f5f8; } td.time { text-align: right; white-space: nowrap; }
.passed { color: var(--ok); font-weight: 600; } .failed { color: var(--bad); font-weight: 600; }
.unchecked { color: var(--odd); font-weight: 600; }
a { color: #0b57b3; } a:focus, summary:focus { outline: 2px solid #0b57b3; }
details { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 10px; }
details > summary { cursor: pointer; padding: 8px 10px; font-size: 15px; overflow-wrap: anywhere; }
details[open] > summary { border-bottom: 1px solid var(--line); }
details:target, details.target { border-color: #0b57b3; box-shadow: 0 0 0 2px #0b57b3 inset; }
.back { margin: 0; padding: 0 10px 8px; font-size: 14px; }
pre { margin: 0; padding: 10px; overflow-x: auto; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
@media (max-width: 640px) {
  body { padding: 10px; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 8px; padding: 4px 0; }
  td { border: 0; padding: 1px 10px; } td.time { text-align: left; }
  td::before { content: attr(data-label) ": "; color: #4a505a; font-size: 13px; }
  pre { font-size: 12px; }
}
"""

# A link to a report opens its <details> (a closed one hides what the link points to).
SCRIPT = """
function openTarget() {
  var id = decodeURIComponent(location.hash.slice(1));
  var target = id && document.getElementById(id);
  if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); }
}
window.addEventListener("hashchange", openTarget);
openTarget();
"""


def _status_class(status):
    return "passed" if status == "passed" else "failed" if status == "failed" else "unchecked"


def _anchor(i):
    return f"report-{i + 1}"


def render_class_html(checked) -> str:
    """The whole page, as text (``chainrule.files.atomic_write_text`` writes it)."""
    e = html.escape
    counts = checked.counts()
    n = len(checked.submissions)
    slowest = checked.slowest()
    index = {s.file: i for i, s in enumerate(checked.submissions)}

    def link(file):
        return f'<a href="#{_anchor(index[file])}">{e(file)}</a>'

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>chainrule check: {e(checked.checked)}</title>", f"<style>{STYLE}</style></head><body>",
             f"<h1>chainrule check: {e(checked.checked)}</h1>",
             f'<p class="meta">{n} file{"s" if n != 1 else ""}, {checked.jobs} at a time, {checked.seconds:.1f} s'
             + (f" (the slowest: {e(slowest.file)}, {slowest.seconds:.1f} s)" if slowest is not None and n > 1 else "")
             + f'. Verdict: <b class="{"passed" if checked.passed else "failed"}">'
             + ("all passed" if checked.passed else f"{n - counts['passed']} of {n} did not pass") + "</b>.</p>",
             '<h2 id="summary">Summary</h2>', '<ul class="counts">']
    for status, count in counts.items():
        if count or status in CHECKED:
            parts.append(f'<li class="{_status_class(status)}"><b>{count}</b> {e(status)}</li>')
    parts.append("</ul>")
    missed = checked.not_checked()
    if missed:
        parts.append(f"<p>Not checked fully ({len(missed)}): "
                     + "; ".join(f"{link(s.file)} ({e(s.status)})" for s in missed) + ".</p>")
    mistakes = checked.mistakes()
    parts.append('<h2 id="mistakes">Mistakes, most common first</h2>')
    if mistakes:
        parts.append('<ol class="mistakes">')
        for m in mistakes:
            warn = " (a workable choice: WARN)" if m.severity == "warning" else ""
            parts.append(f'<li><b>{m.count}</b> &times; <span class="kind">{e(m.kind)}</span>{warn}: '
                         f'{e(m.title)}<br>in: {", ".join(link(f) for f in m.files)}</li>')
        parts.append("</ol>")
    else:
        parts.append("<p>No named mistakes.</p>")
    parts += ['<h2 id="files">Files</h2>', '<table id="submissions"><thead><tr><th>file</th><th>status</th>'
              '<th>first failing check</th><th>named mistakes</th><th>time</th></tr></thead><tbody>']
    for i, s in enumerate(checked.submissions):
        named = ", ".join([e(k) for k in s.mistakes] + [f"{e(k)} (WARN)" for k in s.warnings]) or "&ndash;"
        parts.append(f'<tr><td data-label="file"><a href="#{_anchor(i)}">{e(s.file)}</a></td>'
                     f'<td data-label="status" class="{_status_class(s.status)}">{e(s.status)}</td>'
                     f'<td data-label="first failing check">{e(s.first_failure) or "&ndash;"}</td>'
                     f'<td data-label="named mistakes"><span class="kind">{named}</span></td>'
                     f'<td data-label="time" class="time">{s.seconds:.1f} s</td></tr>')
    parts += ["</tbody></table>", '<h2 id="reports">Reports</h2>']
    for i, s in enumerate(checked.submissions):
        parts.append(f'<details id="{_anchor(i)}"><summary><b>{e(s.file)}</b>: '
                     f'<span class="{_status_class(s.status)}">{e(s.status)}</span></summary>'
                     f'<pre>{e(learner_report(s, hints=3))}</pre>'
                     f'<p class="back"><a href="#files">back to the table</a></p></details>')
    parts += [f"<script>{SCRIPT}</script>", "</body></html>"]
    return "\n".join(parts) + "\n"
