"""Screenshots of the web app for docs/screenshots/: 应急诊断 and 日报 on a phone, 审核,
待答问题, 录入 and 缺口 on a desktop.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Builds a throwaway store (the example knowledge base, one user per role, an engineer's
draft, an unanswerable question, a day of example production data), serves it on a free
loopback port and drives Debian's Chromium (/usr/bin/chromium, with fonts-wqy-microhei
from ``make system-deps``) through Playwright. Nothing outside the temporary folder and
OUT is touched.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "go-silicon-steel"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "screenshot-pass-1"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def prepare(home: Path, data_dir: Path) -> None:
    """The store the screenshots show, and a day of production data to review."""
    os.environ["LAOSHIFU_HOME"] = str(home)
    from laoshifu.people import accounts
    from laoshifu.answer import asking
    from laoshifu.knowledge import editing
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.review.example_data import ExampleSpec, generate
    from laoshifu.store import Store

    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    import_folder(store, EXAMPLE)
    users = {name: accounts.add_user(store, name, role, PASSWORD)[0]
             for name, role in (("wang", "master"), ("li", "engineer"), ("xiao", "apprentice"))}
    # A draft for 审核: the engineer lowers an upper limit, with his reason.
    unit = store.require_unit("main", "dc-humidifier-temp")
    editing.save_edit(store, "main", unit.with_changes(upper=67.0), users["li"],
                      "夏天水温偏高，上限收紧一度", expected_version=unit.version)
    # Questions for 待答问题: the knowledge base cannot answer these.
    for question in ("渗氮炉氨气管道结霜了要不要停炉？", "新换的露点仪要多久校准一次？"):
        asking.ask(store, "main", question, users["xiao"])
    units = store.list_units("main")
    store.close()
    generate(units, ExampleSpec(data_dir, days=2, last_day=date(2026, 7, 22)))


def serve(home: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAOSHIFU_")}
    env.update(LAOSHIFU_HOME=str(home), LAOSHIFU_SEMANTIC="off", LAOSHIFU_TIMEZONE="Asia/Shanghai")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "laoshifu.web.app:create_app",
                             "--factory", "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning"], env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/login", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def login(browser, url: str, user: str, viewport: dict):
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page


def shoot(browser, url: str, data_file: Path, out: Path) -> list[Path]:
    written = []

    def save(page, name: str, full: bool = True, element: str | None = None) -> None:
        path = out / f"{name}.png"
        if element:
            page.locator(element).screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=full)
        written.append(path)

    # 应急诊断 on the phone: 脱碳退火, dew point high and hydrogen low.
    apprentice = login(browser, url, "xiao", PHONE)
    apprentice.goto(url + "/diagnose")
    save(apprentice, "diagnose-pick", full=False)
    apprentice.click("text=脱碳退火")
    apprentice.fill("input[name='r:露点']", "68")
    apprentice.fill("input[name='r:氢气比例']", "45")
    apprentice.fill("input[name='r:带速']", "95")
    save(apprentice, "diagnose-form", full=False)
    apprentice.click("form.diag-form button[type=submit]")
    apprentice.wait_for_selector("#result")
    save(apprentice, "diagnose", element="#result")

    # 日报: the engineer uploads the faulty day; the report and today's plan, on the phone.
    engineer = login(browser, url, "li", PHONE)
    engineer.goto(url + "/daily")
    engineer.set_input_files("input[name=file]", str(data_file))
    engineer.click("form.daily-run button[type=submit]")
    engineer.wait_for_selector("section.plan", timeout=120_000)
    save(engineer, "daily")
    engineer.goto(url + "/daily")
    save(engineer, "daily-list", full=False)

    # 审核 and 待答问题 for the master, on a desktop.
    master = login(browser, url, "wang", DESKTOP)
    master.goto(url + "/review")
    save(master, "review")
    master.goto(url + "/questions")
    save(master, "questions")

    # 录入: a pasted shift note becomes drafts beside its source; 缺口: what is still missing.
    engineer = login(browser, url, "li", DESKTOP)
    engineer.goto(url + "/capture")
    engineer.fill("textarea[name=text]", SHIFT_NOTE)
    engineer.click("form[action='/capture'] button[type=submit]")
    engineer.wait_for_selector("form.capture")
    save(engineer, "capture")
    master.goto(url + "/gaps")
    save(master, "gaps")
    return written


# A shift note as the master would paste it (issue 12): a window, a rule, a term.
SHIFT_NOTE = ("渗氮段炉温控制在730～770℃，目标750℃。\n"
              "氨气比例超过15%、总氮高于230 ppm时，先把氨气比例调回12%，再查氨气流量计。\n"
              "渗氮时间指的是带钢在渗氮段停留的时间。")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs {CHROMIUM} (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="laoshifu-shots-") as tmp:
        home, data_dir = Path(tmp) / "home", Path(tmp) / "data"
        home.mkdir()
        prepare(home, data_dir)
        proc, url = serve(home)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                            args=["--no-sandbox", "--disable-gpu"])
                written = shoot(browser, url, data_dir / "dcl-line3-2026-07-22.parquet", args.out)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
