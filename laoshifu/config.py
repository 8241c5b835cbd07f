"""Settings from the environment (LAOSHIFU_*) and an optional LAOSHIFU_HOME/config.yaml."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import LaoshifuError, Problem


# The store ``make`` keeps in a checkout; the plain command finds it there too, so the
# README's examples, run in the checkout, answer from the knowledge ``make run`` imported.
LOCAL_HOME = ".laoshifu-home"

# How the home was chosen, as ``status`` names it.
HOME_FROM_ENV = "LAOSHIFU_HOME"
HOME_FROM_FOLDER = f"./{LOCAL_HOME}"
HOME_FROM_DEFAULT = "default"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    max_file_mb: float = 64.0
    # Semantic retrieval beside BM25F: "auto" (when the model loads), "on", or "off".
    semantic: str = "auto"
    home_from: str = HOME_FROM_DEFAULT  # HOME_FROM_ENV, HOME_FROM_FOLDER or HOME_FROM_DEFAULT
    # The plant's time zone for showing times (stored times are UTC); None: the machine's.
    timezone: str | None = None
    # Where each base's production data is written by the plant (``review: {data: ...}``):
    # base -> folder; "*" for every base.
    review_data: tuple[tuple[str, Path], ...] = ()

    @property
    def reviews_dir(self) -> Path:
        """The daily reports the web app keeps, by base and day."""
        return self.home / "reviews"

    def review_data_for(self, base: str) -> Path | None:
        folders = dict(self.review_data)
        return folders.get(base) or folders.get("*")

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def database_shown(self) -> str:
        """The database URL without its password, fit to print."""
        from sqlalchemy.engine import make_url

        try:
            return make_url(self.database_url).render_as_string(hide_password=True)
        except Exception:  # an unparsable URL fails later, with its own message
            return "(unreadable database URL)"


def find_home(env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[Path, str]:
    """The store's home and how it was chosen: LAOSHIFU_HOME when set, else the working
    folder's ``.laoshifu-home`` when there is one (the checkout ``make`` uses), else
    XDG_DATA_HOME/laoshifu (~/.local/share/laoshifu)."""
    env = os.environ if env is None else env
    if env.get("LAOSHIFU_HOME"):
        return Path(env["LAOSHIFU_HOME"]).expanduser(), HOME_FROM_ENV
    try:
        local = (cwd or Path.cwd()) / LOCAL_HOME
        if local.is_dir():
            return local.resolve(), HOME_FROM_FOLDER
    except OSError:  # a working folder removed under the process: no local store
        pass
    xdg = env.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "laoshifu", HOME_FROM_DEFAULT


def default_home() -> Path:
    """The home when LAOSHIFU_HOME is not set."""
    return find_home({k: v for k, v in os.environ.items() if k != "LAOSHIFU_HOME"})[0]


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    home, home_from = find_home(env)
    file_settings = _read_config_file(home / "config.yaml")
    url = env.get("LAOSHIFU_DATABASE_URL") or file_settings.get("database_url") \
        or f"sqlite:///{home / 'laoshifu.db'}"
    max_mb = float(env.get("LAOSHIFU_MAX_FILE_MB") or file_settings.get("max_file_mb") or 64.0)
    semantic = env.get("LAOSHIFU_SEMANTIC") or _semantic_setting(file_settings, home / "config.yaml")
    if semantic not in SEMANTIC_MODES:
        where = "LAOSHIFU_SEMANTIC" if env.get("LAOSHIFU_SEMANTIC") else str(home / "config.yaml")
        raise LaoshifuError(Problem(f"semantic search must be one of {', '.join(SEMANTIC_MODES)}, "
                                    f"not {semantic!r}", file=where, field="search.semantic"))
    timezone = env.get("LAOSHIFU_TIMEZONE") or file_settings.get("timezone") or None
    if timezone is not None:
        _check_timezone(str(timezone), "LAOSHIFU_TIMEZONE" if env.get("LAOSHIFU_TIMEZONE")
                        else str(home / "config.yaml"))
    review_data = _review_data(env.get("LAOSHIFU_REVIEW_DATA"), file_settings, home / "config.yaml")
    return Settings(home=home, database_url=str(url), max_file_mb=max_mb, semantic=semantic,
                    home_from=home_from, timezone=str(timezone) if timezone else None,
                    review_data=review_data)


def _check_timezone(name: str, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise LaoshifuError(Problem(f"unknown time zone {name!r}", file=where, field="timezone",
                                    hint="a name such as Asia/Shanghai")) from None


def _review_data(env_value: str | None, file_settings: dict, path: Path) -> tuple[tuple[str, Path], ...]:
    """``review: {data: FOLDER}`` for every base, or ``{data: {BASE: FOLDER, ...}}``."""
    if env_value:
        return (("*", Path(env_value).expanduser()),)
    review = file_settings.get("review") or {}
    if not isinstance(review, dict):
        raise LaoshifuError(Problem("'review' must hold settings such as 'data: /srv/line-data'",
                                    file=str(path), field="review"))
    data = review.get("data")
    if not data:
        return ()
    if isinstance(data, str):
        return (("*", Path(data).expanduser()),)
    if isinstance(data, dict) and all(isinstance(v, str) and v for v in data.values()):
        return tuple((str(base), Path(folder).expanduser()) for base, folder in data.items())
    raise LaoshifuError(Problem("'review.data' must be a folder, or knowledge base: folder lines",
                                file=str(path), field="review.data"))


SEMANTIC_MODES = ("auto", "on", "off")


def _semantic_setting(file_settings: dict, path: Path) -> str:
    search = file_settings.get("search") or {}
    if not isinstance(search, dict):
        raise LaoshifuError(Problem("'search' must hold settings such as 'semantic: auto'",
                                    file=str(path), field="search"))
    value = search.get("semantic", "auto")
    # YAML reads a bare on/off as a boolean.
    return {True: "on", False: "off"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def _read_config_file(path: Path) -> dict:
    if not path.exists():
        return {}
    from .formats import yamlio  # only when there is a file: most stores have none

    # The knowledge files' YAML reader: no anchors or aliases, errors with their line.
    data, _lines, problems = yamlio.load_with_lines(path.read_text(encoding="utf-8"), str(path))
    if problems:
        raise LaoshifuError(problems)
    data = data or {}
    if not isinstance(data, dict):
        raise LaoshifuError(Problem("settings must be 'key: value' lines", file=str(path), line=1))
    return data
