"""The training report: one self-contained HTML file (pictures as base64 data URIs, no network needed).

Sections: summary, loss and accuracy curves, confusion matrix and per-class accuracy, misclassified digits,
per-layer gradient norms, the diagnostics' findings (``history.findings``), and every setting.
"""
import base64
import html

import numpy as np

from ..files import atomic_write_text
from ..findings import Finding
from .plots import (confusion_figure, curves_figure, figure_png_bytes, grad_norms_figure, misclassified_figure)

MAX_MISCLASSIFIED = 32

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }
.summary { font-size: 1.15em; } .passed { color: #1a7f37; font-weight: bold; } .failed { color: #b3261e; font-weight: bold; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th { background: #f5f5f5; } td.key { text-align: left; font-family: monospace; }
.finding { border-left: 4px solid #e0a800; background: #fff8e1; padding: 0.5em 1em; margin: 0.5em 0; }
.finding.error { border-color: #b3261e; background: #fdecea; } .finding.info { border-color: #1a73e8; background: #e8f0fe; }
.muted { color: #666; }
"""

# Marks the page once every picture has decoded, so a headless browser test can see it in the DOM.
SCRIPT = """
window.addEventListener('load', function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (img) { return img.complete && img.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images-loaded', loaded + '/' + images.length);
});
"""


def data_uri(png_bytes):
    return "data:image/png;base64," + base64.b64encode(png_bytes).decode("ascii")


def _img(figure, alt, element_id):
    return f'<img id="{element_id}" alt="{html.escape(alt)}" src="{data_uri(figure_png_bytes(figure))}">'


def _table(rows, header=None):
    out = ["<table>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in header) + "</tr>")
    for row in rows:
        cells = [f'<td class="key">{html.escape(str(row[0]))}</td>'] + \
                [f"<td>{html.escape(str(c))}</td>" for c in row[1:]]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


FINDING_LABELS = (("message", "What was measured"), ("cause", "Likely cause"), ("advice", "Advice"))


def _finding_html(finding):
    """One diagnostics finding (a ``Finding``, or a dict: title, severity, epoch, layer, message, cause,
    advice) as a box."""
    if isinstance(finding, Finding):
        finding = dict(finding.to_dict(), message=finding.seen)
    if not isinstance(finding, dict):
        return f'<div class="finding">{html.escape(str(finding))}</div>'
    level = html.escape(str(finding.get("severity", "warning")))
    title = finding.get("title") or finding.get("kind") or "finding"
    epoch = finding.get("epoch")
    when = "before training" if epoch is None else f"epoch {epoch + 1}" if isinstance(epoch, int) else str(epoch)
    if finding.get("layer") is not None:
        when += f", layer {finding['layer']}"
    parts = [f"<strong>{html.escape(str(title))}</strong> <span class=\"muted\">({html.escape(level)}, "
             f"{html.escape(when)})</span>"]
    for key, label in FINDING_LABELS:
        if finding.get(key) not in (None, ""):
            parts.append(f"<div><em>{label}:</em> {html.escape(str(finding[key]))}</div>")
    return f'<div class="finding {level}">{"".join(parts)}</div>'


def _format(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, dict)):
        return str(value)
    return "-" if value is None else str(value)


def build_report(result, title=None):
    """The report of a ``ProjectResult`` as an HTML string."""
    from .settings import GUIDE_TARGET, format_digits

    h, ev, config = result.history, result.evaluation, result.config
    title = title or f"chainrule training report: MNIST digits {format_digits(config.digits)}"
    passed = result.test_accuracy > GUIDE_TARGET
    wrong = ev.misclassified[:MAX_MISCLASSIFIED]
    names = [str(c) for c in ev.class_names]
    misclassified = misclassified_figure(result.data.X_test[wrong], [names[i] for i in ev.labels[wrong]],
                                         [names[i] for i in ev.predicted[wrong]], ev.confidence[wrong],
                                         n_total=len(ev.misclassified))
    per_class_rows = [(names[i], int(ev.confusion[i].sum()), int(ev.confusion[i, i]),
                       "-" if np.isnan(ev.per_class[i]) else f"{100 * ev.per_class[i]:.1f}%")
                      for i in range(len(names))]
    epoch_rows = []
    test_acc = h.metrics.get("test_accuracy", [None] * h.epochs)
    for e in range(h.epochs):
        epoch_rows.append((e + 1, f"{h.train_loss[e]:.5f}", _pct(h.train_accuracy[e]), _pct(test_acc[e]),
                           f"{h.learning_rate[e]:.4g}",
                           " / ".join(f"{n:.3g}" for n in (h.grad_norms[e] or [])), f"{h.time[e]:.2f}"))
    findings = "".join(_finding_html(f) for f in h.findings) or \
        '<p class="muted" id="no-findings">No findings were recorded for this run.</p>'
    settings_rows = [(k, _format(v)) for k, v in config.to_dict().items()]
    settings_rows += [(f"fit.{k}", _format(v)) for k, v in h.settings.items() if k not in config.to_dict()]
    settings_rows += [(f"file.{k}", v) for k, v in sorted(result.files.items()) if k != "report"]
    summary = (f'<p class="summary">Final test accuracy <strong id="test-accuracy">{100 * result.test_accuracy:.1f}%'
               f'</strong> on {len(ev.labels):,} held-out digits: '
               f'<span class="{"passed" if passed else "failed"}">{"PASSED" if passed else "NOT YET"}</span> '
               f"(the guide's target is &gt;{100 * GUIDE_TARGET:.0f}%). "
               f"{h.epochs} epochs in {result.seconds:.1f} s.</p>")
    if h.stop_reason:
        summary += f"<p>Stopped early: {html.escape(h.stop_reason)}.</p>"
    if h.best_epoch is not None:
        summary += f"<p>Weights restored from epoch {h.best_epoch + 1} (best validation loss).</p>"
    body = f"""
<h1>{html.escape(title)}</h1>
<p class="muted">{html.escape(str(result.net))} &middot; {html.escape(result.data.description)} &middot;
{html.escape(result.data.split)}</p>
{summary}
<h2 id="curves">Loss and accuracy</h2>
{_img(curves_figure(h, f"MNIST {format_digits(config.digits)}"), "loss and accuracy curves", "curves-img")}
<h2 id="diagnostics">Diagnostics</h2>
{findings}
<h2 id="confusion">Confusion matrix</h2>
{_img(confusion_figure(ev.confusion, names), "confusion matrix", "confusion-img")}
{_table(per_class_rows, ["class", "test examples", "correct", "accuracy"])}
<h2 id="misclassified">Misclassified digits</h2>
<p>{int(np.sum(ev.predicted != ev.labels))} of {len(ev.labels):,} test digits are misclassified; the
{len(wrong)} most confident mistakes:</p>
{_img(misclassified, "misclassified digits", "misclassified-img")}
<h2 id="gradients">Gradient norms per layer</h2>
{_img(grad_norms_figure(h), "gradient norms per layer", "gradnorms-img")}
<h2 id="epochs">Epoch by epoch</h2>
{_table(epoch_rows, ["epoch", "train loss", "train acc", "test acc", "lr", "mean ||dW|| per layer", "seconds"])}
<h2 id="settings">Settings</h2>
{_table(settings_rows, ["setting", "value"])}
"""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style><script>{SCRIPT}</script></head>"
            f"<body>{body}</body></html>\n")


def _pct(value):
    return "-" if value is None else f"{100 * value:.1f}%"


def write_report(result, path, title=None):
    """Write the report atomically; returns ``path``."""
    text = build_report(result, title)
    return atomic_write_text(path, text)
