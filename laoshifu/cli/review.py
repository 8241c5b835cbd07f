"""review: a day of production data → report and today's plan; example-data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..errors import LaoshifuError, Problem
from ..localtime import check_day
from ..knowledge.units import Unit
from ..progress import bars
from .common import base_option, echo_json, json_option, open_store

kb_option = click.option(
    "--kb", "kb_paths", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Read windows and rules from this knowledge-base folder instead of the store "
         "(repeatable).")


def register(main: click.Group) -> None:
    main.add_command(review_cmd)
    main.add_command(example_data_cmd)


def load_units(kb_paths: tuple[Path, ...], base: str) -> list[Unit]:
    """Approved units from knowledge-base folders, or else from the store."""
    if kb_paths:
        from ..formats.folder import read_folder

        units: list[Unit] = []
        for path in kb_paths:
            contents = read_folder(path)
            if contents.problems:
                raise LaoshifuError(contents.problems)
            units += [u for u in contents.units if u.status == "approved"]
        return units
    units = open_store().list_units(base)
    if not units:
        raise LaoshifuError(Problem(f"knowledge base {base!r} is empty",
                                    hint="laoshifu import examples/go-silicon-steel, or pass --kb"))
    return units


@click.command("review")
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option("--day", help="Day to review (YYYY-MM-DD); default: the latest day holding most of "
                             "the data (stray rows on later days do not count).")
@click.option("--line", help="Production line, when the data holds several.")
@click.option("--process", help="Process (工序) of the line, when column names are shared.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the HTML report, Markdown summary and JSON here.")
@click.option("--stuck-minutes", default=10.0, show_default=True,
              help="A live signal unchanged this long is reported as a stuck sensor.")
@click.option("--merge-seconds", default=60.0, show_default=True,
              help="Out-of-window stretches closer than this count as one excursion.")
@click.option("--max-rows", default=2_000_000, show_default=True, type=click.IntRange(min=1),
              help="Refuse a day with more rows than this (memory grows with the rows).")
@kb_option
@base_option
@json_option
def review_cmd(data: Path, day: str | None, line: str | None, process: str | None,
               out_dir: Path | None, stuck_minutes: float, merge_seconds: float, max_rows: int,
               kb_paths: tuple[Path, ...], base: str, as_json: bool) -> None:
    """Review a day of production data (CSV/Parquet file or folder of daily files)."""
    from ..review.daily import ReviewOptions, review_day
    from ..review.report_md import render_markdown

    if day:
        check_day(day, "--day")
    units = load_units(kb_paths, base)
    with bars(enabled=not as_json) as progress:
        options = ReviewOptions(day=day, line=line, process=process,
                                stuck_seconds=stuck_minutes * 60, merge_seconds=merge_seconds,
                                max_rows=max_rows, charts=12 if out_dir else 0, progress=progress)
        review = review_day(data, units, options)
        paths = {}
        if out_dir:
            from ..review.report_html import write_reports

            paths = write_reports(review, out_dir, progress)
    if as_json:
        payload = review.to_dict()
        payload["reports"] = {k: str(v) for k, v in paths.items()}
        echo_json(payload)
        return
    click.echo(render_markdown(review), nl=False)
    for kind, path in paths.items():
        click.echo(f"wrote {kind}: {path}", err=True)


@click.command("example-data")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--days", default=3, show_default=True, help="Days of data; faults on the last.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same data).")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True)
@click.option("--shape", type=click.Choice(["wide", "long"]), default="wide", show_default=True,
              help="One column per parameter, or (time, line, coil, parameter, value) rows.")
@click.option("--params", default=0, show_default=True,
              help="Pad with synthetic parameters up to this many (benchmarks).")
@click.option("--hours", default=24.0, show_default=True, help="Hours of data per day.")
@click.option("--last-day", default="2026-07-22", show_default=True, help="The day with the faults.")
@click.option("--no-faults", is_flag=True, help="A clean last day, nothing injected.")
@click.option("--process", default="脱碳退火", show_default=True)
@kb_option
@base_option
@json_option
def example_data_cmd(out: Path, days: int, seed: int, fmt: str, shape: str, params: int,
                     hours: float, last_day: str, no_faults: bool, process: str,
                     kb_paths: tuple[Path, ...], base: str, as_json: bool) -> None:
    """Write example line data at 1 Hz with injected faults and OUT/faults.json."""
    from ..review.example_data import ExampleSpec, generate

    units = load_units(kb_paths, base)
    spec = ExampleSpec(out, days=days, seed=seed, fmt=fmt, shape=shape, params=params, hours=hours,
                       last_day=date.fromisoformat(last_day), faults=not no_faults, process=process)
    with bars(enabled=not as_json) as progress:
        result = generate(units, spec, progress)
    if as_json:
        echo_json({"files": [str(p) for p in result.files],
                   "written": [str(p) for p in result.written],
                   "faults": [f.to_dict() for f in result.faults],
                   "columns": result.columns,
                   "extra_kb": str(result.extra_kb) if result.extra_kb else None})
        return
    others = [p.relative_to(out).as_posix() for p in result.written if p not in result.files]
    click.echo(f"wrote {len(result.written)} files to {out}: {len(result.files)} daily data files, "
               f"{', '.join(others)} ({len(result.columns)} parameters, {hours:g} h/day at 1 Hz)")
    for fault in result.faults:
        click.echo(f"  {fault.kind:<13} {fault.parameter:<8} {fault.start} → {fault.end}"
                   + (f"  {fault.rule_id}" if fault.rule_id else ""))
    if result.extra_kb:
        click.echo(f"synthetic parameters: {result.extra_kb} (pass it with --kb)")
