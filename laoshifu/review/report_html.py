"""The day's review as one self-contained HTML file (charts inline, no network needed)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..progress import Progress, steps
from ..knowledge.units import format_number
from .plan import PlanItem
from .report_md import KIND_LABELS, quality_note

if TYPE_CHECKING:
    from .daily import DayReview

CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
_SPAN_COLORS = {"excursion": "#e67e22", "rule": "#c0392b", "stuck_sensor": "#8e44ad",
                "gap": "#7f8c8d", "drift": "#2980b9"}
_STYLE = """
body{font-family:"DejaVu Sans","WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;
color:#222;max-width:1180px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}
.item{border-left:5px solid #999;padding:6px 12px;margin:10px 0;background:#fafafa}
.safety{border-color:#c0392b}.quality{border-color:#e67e22}.equipment{border-color:#2980b9}
.cost{border-color:#27ae60}.routine{border-color:#95a5a6}
.tag{display:inline-block;font-size:12px;padding:1px 6px;border-radius:3px;background:#eee;margin-right:6px}
.reason{color:#444;font-style:italic}.meta{color:#666;font-size:13px}
img{max-width:100%}.clear{background:#eafaf1;padding:8px 12px;border-left:5px solid #27ae60}
"""


def import_charting() -> None:
    """Import what drawing a chart needs: matplotlib's figure, dates, Agg canvas and font
    list (0.4 s of CPU, run in a thread while the day's data are read)."""
    import matplotlib.dates  # noqa: F401
    from matplotlib import font_manager  # noqa: F401
    from matplotlib.backends import backend_agg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401


def cjk_font() -> str | None:
    """Register a CJK font with matplotlib; its family name, or None (labels fall back).

    The system's font first (the plant may have chosen one); else Noto Sans CJK SC from
    the ``noto-cjk-sans-otc`` wheel, a dependency, so that charts keep their Chinese
    labels on any machine the package is installed on, root or not."""
    from matplotlib import font_manager

    for path in CJK_FONTS:
        if Path(path).exists():
            try:
                font_manager.fontManager.addfont(path)
                name = font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
            return _use_font(name)
    packaged = _packaged_font()
    if packaged is not None:
        return _use_font(packaged)
    return None


PACKAGED_FAMILY = "Noto Sans CJK SC"  # the collection's simplified-Chinese face


def _packaged_font() -> str | None:
    """Register the font shipped by the noto-cjk-sans-otc wheel; its SC family or None."""
    from matplotlib import font_manager

    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = str(noto_cjk_sans_otc.FONT_PATH)
    try:
        font_manager.fontManager.addfont(path)
    except (OSError, RuntimeError, ValueError):
        return None
    # matplotlib registers every face of the collection: JP, KR, SC, TC, HK.
    families = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
    if PACKAGED_FAMILY in families:
        return PACKAGED_FAMILY
    return min(families) if families else None


def _use_font(name: str) -> str:
    from matplotlib import rcParams

    # DejaVu first: it has ℃ and ², which the CJK font draws blank; CJK falls back.
    # matplotlib falls back glyph by glyph only along font.family itself.
    rcParams["font.family"] = ["DejaVu Sans", name]
    rcParams["axes.unicode_minus"] = False
    return name


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def _hms(iso_text: str) -> str:
    return iso_text[11:19] if len(iso_text) >= 19 else iso_text


def render_html(review: "DayReview", progress: Progress | None = None) -> str:
    r = review
    font = cjk_font() if r.series else None
    parts = ["<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
             f"<title>日报 {_e(r.process or '')} {_e(r.day)}</title>",
             f"<style>{_STYLE}</style></head><body>"]
    where = f"{r.process or ''} line {r.line}" if r.line else (r.process or "")
    parts.append(f"<h1>日报 Daily review — {_e(where)}, {_e(r.day)}</h1>")
    if r.choice:
        parts.append(f'<p class="meta">日期 Day: {_e(r.day)} — {_e(r.choice.reason)}</p>')
    parts.append(f'<p class="meta">{r.rows:,} rows {_e(_hms(r.first))}–{_e(_hms(r.last))}, '
                 f"one every {_e(format_number(r.step_seconds))} s; files: {_e(', '.join(r.files))}"
                 + (f"; compared with {_e(', '.join(r.previous_days))}" if r.previous_days else "")
                 + f"; {len(r.matched)} columns recognised, {len(r.unmatched)} not"
                 + (f" ({_e(', '.join(r.unmatched))})" if r.unmatched else "") + "</p>")
    parts += _plan(r)
    parts.append("<h2>发现 Findings</h2>")
    if not r.findings:
        parts.append('<p class="clear">Nothing found: every parameter stayed in its window.</p>')
    else:
        parts.append("<table><tr><th>kind</th><th>parameter</th><th>start</th><th>end</th>"
                     "<th>rule</th><th>what</th></tr>")
        for f in r.findings:
            parts.append(f"<tr><td>{_e(KIND_LABELS.get(f.kind, f.kind))}</td><td>{_e(', '.join(f.names) or '—')}</td>"
                         f"<td>{_e(_hms(f.start))}</td><td>{_e(_hms(f.end))}</td>"
                         f"<td>{_e(f.rule_id or '')}</td><td>{_e(f.summary)}</td></tr>")
        parts.append("</table>")
    if r.series:
        parts.append("<h2>曲线 Charts</h2>")
        if font is None:
            parts.append('<p class="meta">No Chinese font found (reinstall laoshifu, or install fonts-wqy-microhei); '
                         "charts are labelled with symbols.</p>")
        for key, entry in steps(progress, "charts", list(r.series.items())):
            parts.append(f'<figure><img alt="{_e(entry["name"])}" src="data:image/png;base64,'
                         f'{_chart(entry, key, r, font is not None)}"></figure>')
    parts += _parameters(r)
    parts += _issues(r)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _plan(r: "DayReview") -> list[str]:
    out = ["<h2>今日操作计划 Today's plan</h2>"]
    if r.plan is None:
        return out
    if r.plan.all_clear:
        out.append('<p class="clear">昨天没有参数超窗，也没有规则触发。Nothing was out of window.</p>')
    for item in r.plan.items + r.plan.routine:
        out.append(_item(item))
    return out


def _item(item: PlanItem) -> str:
    steps = "".join(f"<li>{_e(s)}</li>" for s in item.steps)
    cite = (f' <span class="meta">— {_e(item.unit_id)} v{_e(item.version)} ({_e(item.source)})</span>'
            if item.unit_id else "")
    number = f"{item.priority}. " if item.priority else ""
    return (f'<div class="item {_e(item.category)}"><b>{number}{_e(item.action)}</b> '
            f'<span class="tag">{_e(item.category)}</span><span class="tag">{_e(item.severity)}</span>'
            f"<div>证据 evidence: {_e(item.evidence)}</div>"
            + (f'<div class="reason">师傅说：“{_e(item.reason)}”{cite}</div>' if item.reason else "")
            + (f"<ol>{steps}</ol>" if steps else "") + "</div>")


def _parameters(r: "DayReview") -> list[str]:
    out = ["<h2>参数 Parameters</h2>",
           "<table><tr><th>parameter</th><th>window</th><th>time out</th><th>excursions</th>"
           "<th>worst</th><th>when</th><th>coils</th><th>missing</th></tr>"]
    rows = sorted(r.parameters, key=lambda p: (-p.out_seconds, p.name))
    for p in rows[:60]:
        w = p.worst or {}
        windows = "; ".join(x["window"] + (f" ({x['condition']})" if x["condition"] else "")
                            for x in p.windows)
        out.append(f"<tr><td>{_e(p.name)}</td><td>{_e(windows)}</td>"
                   f"<td>{p.out_seconds / 60:.1f} min</td><td>{p.excursions}</td>"
                   f"<td>{_e(format_number(round(w['value'], 4)) if w else '')}</td>"
                   f"<td>{_e(_hms(w.get('at', '')))}</td><td>{_e(', '.join(p.coils[:6]))}</td>"
                   f"<td>{p.missing}</td></tr>")
    out.append("</table>")
    if len(rows) > 60:
        out.append(f'<p class="meta">{len(rows) - 60} more parameters, all inside their windows.</p>')
    return out


def _issues(r: "DayReview") -> list[str]:
    out = ["<h2>数据质量 Data quality</h2>"]
    if not r.issues:
        return out + [f"<p>{_e(quality_note(r))}</p>"]
    out.append("<table><tr><th>issue</th><th>count</th><th>where</th><th>detail</th></tr>")
    for i in r.issues:
        out.append(f"<tr><td>{_e(i.kind)}</td><td>{i.count}</td><td>{_e(i.where)}</td>"
                   f"<td>{_e(i.detail)}</td></tr>")
    out.append("</table>")
    if r.unchecked:
        out.append(f"<p>Parameters without a window: {_e(', '.join(r.unchecked))}</p>")
    if r.rules_skipped:
        out.append(f"<p>Rules whose readings are not in the data: {_e(', '.join(r.rules_skipped))}</p>")
    return out


def _to_datetime(ms: np.ndarray) -> np.ndarray:
    return np.asarray(ms, dtype="int64").astype("datetime64[ms]")


def _chart(entry: dict[str, Any], key: str, r: "DayReview", cjk: bool) -> str:
    # A bare Figure (no pyplot): nothing global to set up or close, and faster to import.
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    t = _to_datetime(entry["time"])
    label = entry["name"] if cjk else (entry["symbol"] or key.encode("ascii", "replace").decode())
    fig = Figure(figsize=(11, 2.6), dpi=72)
    # Fixed margins: room for tick labels of up to seven characters, without measuring
    # every label as tight_layout would.
    ax = fig.add_axes((0.07, 0.13, 0.92, 0.74))
    if "lower" in entry:
        lower = np.where(np.isinf(entry["lower"]), np.nan, entry["lower"])
        upper = np.where(np.isinf(entry["upper"]), np.nan, entry["upper"])
        lo = np.where(np.isnan(lower), np.nanmin(entry["min"]), lower)
        hi = np.where(np.isnan(upper), np.nanmax(entry["max"]), upper)
        ax.fill_between(t, lo, hi, step="post", color="#2ecc71", alpha=0.15,
                        label="窗口 window" if cjk else "window")
        for limit in (lower, upper):
            ax.step(t, limit, where="post", color="#27ae60", linewidth=0.8)
    ax.fill_between(t, entry["min"], entry["max"], color="#34495e", alpha=0.35, linewidth=0)
    ax.plot(t, (entry["min"] + entry["max"]) / 2, color="#2c3e50", linewidth=0.7)
    for f in r.findings:
        related = f.key == key or (f.kind == "rule" and key in f.detail.get("keys", [])) or f.kind == "gap"
        if not related:
            continue
        a = np.datetime64(f.start)
        b = np.datetime64(f.end) + np.timedelta64(1, "s")
        ax.axvspan(a, b, color=_SPAN_COLORS.get(f.kind, "#999"), alpha=0.25 if f.kind != "rule" else 0.18)
        if f.kind == "rule":
            ax.annotate(f.rule_id or "", xy=(a, 1), xycoords=("data", "axes fraction"),
                        fontsize=7, color="#c0392b", va="top")
    unit = f" ({entry['unit']})" if entry["unit"] else ""
    # y given: the title is not placed by measuring every tick label (a third of a chart).
    ax.set_title(f"{label}{unit}", fontsize=11, loc="left", y=1.0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    start = np.datetime64(r.day)
    ax.set_xlim(t[0], t[-1] if t.size > 1 else start + np.timedelta64(1, "D"))
    ax.grid(alpha=0.3)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_reports(review: "DayReview", out: Path | str, progress: Progress | None = None
                  ) -> dict[str, Path]:
    """Write the HTML report, the Markdown summary and the findings JSON into ``out``."""
    import json

    from .report_md import render_markdown

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"review-{review.day}" + (f"-line{review.line}" if review.line else "")
    paths = {"html": out / f"{stem}.html", "markdown": out / f"{stem}.md", "json": out / f"{stem}.json"}
    paths["html"].write_text(render_html(review, progress), encoding="utf-8")
    paths["markdown"].write_text(render_markdown(review), encoding="utf-8")
    paths["json"].write_text(json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return paths
