"""diagnose: readings and/or a symptom → out-of-window readings and matching rules."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click

from ..diagnosis import diagnose as diagnosis
from ..errors import LaoshifuError, Problem
from ..formats.encoding import read_text
from ..messages import LANGS, cli_lang
from ..problem_text import in_lang
from ..review.material import GRADE_KEYS, THICKNESS_KEYS, Material
from .common import base_option, echo_json, open_store

_SKIP_COLUMNS = {"time", "timestamp", "ts", "datetime", "时间", "line", "产线", "机组", "coil",
                 "卷号", "钢卷号"}


def register(main: click.Group) -> None:
    main.add_command(diagnose_cmd)


@click.command("diagnose")
@click.argument("readings", nargs=-1)
@click.option("--json", "json_arg", is_flag=False, flag_value="", default=None,
              metavar="[OBJECT]",
              help='Alone: print one JSON object. With a JSON object of readings, e.g. '
                   '\'{"露点": 65, "带速": "95 m/min"}\': take the readings from it.')
@click.option("--csv", "csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Take readings from one row of a CSV file (header = parameter names).")
@click.option("--row", type=int, default=1, show_default=True,
              help="Which data row of --csv (1 = first row under the header).")
@click.option("--symptom", default="", help="What you see, in words, e.g. 涂层结垢.")
@click.option("--grade", help="Steel grade (牌号), selects grade-specific windows.")
@click.option("--thickness", type=float, help="Thickness in mm (厚度), selects windows.")
@click.option("--process", help="Process (工序) when names are shared, e.g. 脱碳退火.")
@base_option
@click.option("--output-json", "as_json", is_flag=True,
              help="Print one JSON object (also when --json carries readings).")
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help="Language of the text output: zh (default) or en; or set LAOSHIFU_LANG.")
def diagnose_cmd(readings: tuple[str, ...], json_arg: str | None, csv_file: Path | None,
                 row: int, symptom: str, grade: str | None, thickness: float | None,
                 process: str | None, base: str, as_json: bool, lang: str | None) -> None:
    """Judge readings (露点=65 氢气比例=15 带速=95) and a symptom against the rules.

    Values may carry units (露点=338K, 氢气比例=200000ppm); they are converted to the
    parameter's unit or refused. The text (and errors) are in Chinese unless --lang en.
    """
    lang = cli_lang(lang)
    try:
        result = _diagnose(readings, json_arg, csv_file, row, symptom, grade, thickness, process,
                           base, as_json)
    except LaoshifuError as exc:
        raise type(exc)([in_lang(p, lang) for p in exc.problems]) from None
    if result is None:
        return
    click.echo(diagnosis.render_text(result, lang), nl=False)


def _diagnose(readings, json_arg, csv_file, row, symptom, grade, thickness, process, base,
              as_json) -> diagnosis.Diagnosis | None:
    """The diagnosis to print as text, or None when it was printed as JSON."""
    readings, json_readings, as_json = _split_json_arg(readings, json_arg, as_json)
    raw: dict[str, object] = {}
    material = {"grade": grade, "thickness": thickness}
    if csv_file:
        raw.update(_csv_row(csv_file, row, material))
    if json_readings:
        raw.update(_json_readings(json_readings))
    raw.update(diagnosis.parse_pairs(readings))
    store = open_store()
    units = store.list_units(base, kinds=("parameter", "term", "rule"))
    if not units:
        raise LaoshifuError(Problem(f"knowledge base {base!r} is empty",
                                    hint="laoshifu import examples/go-silicon-steel"))
    result = diagnosis.diagnose(units, raw, symptom=symptom, process=process,
                                material=Material(material["grade"], material["thickness"]))
    if as_json:
        echo_json(result.to_dict())
        return None
    return result


def _split_json_arg(readings: tuple[str, ...], json_arg: str | None, as_json: bool
                    ) -> tuple[tuple[str, ...], str | None, bool]:
    """``--json`` alone asks for JSON output; ``--json '{...}'`` carries readings."""
    if json_arg is None:
        return readings, None, as_json
    if json_arg.lstrip().startswith("{"):
        return readings, json_arg, as_json
    # ``--json 露点=65``: click took a reading as the option's value.
    return ((json_arg, *readings) if json_arg else readings), None, True


def _json_readings(text: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LaoshifuError(Problem(f"--json is not valid JSON: {exc.msg}", column=exc.colno,
                                    field="--json", hint='e.g. {"露点": 65}')) from None
    if not isinstance(data, dict):
        raise LaoshifuError(Problem("--json must be an object of name: value",
                                    field="--json", hint='e.g. {"露点": 65}'))
    return {str(k): v for k, v in data.items()}


def _csv_row(path: Path, row: int, material: dict) -> dict[str, object]:
    rows = list(csv.reader(read_text(path).splitlines()))
    if len(rows) < 2:
        raise LaoshifuError(Problem("no data rows under the header", file=str(path), line=1))
    if row < 1 or row >= len(rows):
        raise LaoshifuError(Problem(f"no row {row}: the file has {len(rows) - 1} data rows",
                                    file=str(path), field="--row"))
    header, values = rows[0], rows[row]
    out: dict[str, object] = {}
    for name, value in zip(header, values):
        key = name.strip()
        folded = key.casefold()
        if folded in {k.casefold() for k in GRADE_KEYS}:
            material["grade"] = material["grade"] or value.strip() or None
        elif folded in {k.casefold() for k in THICKNESS_KEYS}:
            if material["thickness"] is None and value.strip():
                try:
                    material["thickness"] = float(value)
                except ValueError:
                    raise LaoshifuError(Problem(
                        f"thickness {value.strip()!r} is not a number", file=str(path),
                        line=row + 1, field=key, hint="write it in mm, e.g. 0.23")) from None
        elif folded not in _SKIP_COLUMNS and value.strip():
            out[key] = value.strip()
    return out
