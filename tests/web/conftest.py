"""Web fixtures: a store with the example base, one user per role, tokens, clients.

The store is built once per session (import + argon2 hashes are the slow part) and
copied to a fresh file for every test, so no test sees another's writes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "go-silicon-steel"
PASSWORD = "correct-horse-1"
# name: (role, bases)
USERS = {
    "admin": ("admin", ("main",)),
    "wang": ("master", ("main",)),
    "li": ("engineer", ("main",)),
    "xiao": ("apprentice", ("main",)),
    "zhao": ("apprentice", ("other",)),
    "chen": ("master", ("other",)),
}
OTHER_UNIT = "other-secret-note"


@dataclass
class WebWorld:
    store: object
    app: object
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self):
        from fastapi.testclient import TestClient
        return TestClient(self.app, base_url="http://testserver")

    def api(self, user: str):
        client = self.client()
        client.headers["Authorization"] = f"Bearer {self.tokens[user]}"
        return client

    def login(self, user: str, password: str = PASSWORD):
        client = self.client()
        response = login(client, user, password)
        assert response.status_code == 303, response.text
        return client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def login(client, user: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": user, "password": password,
                                       "csrf": csrf_of(page.text), "next": "/"},
                       follow_redirects=False)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    from laoshifu.people import accounts
    from laoshifu.knowledge.folders import import_folder
    from laoshifu.store import Store
    from laoshifu.knowledge.units import Note

    path = tmp_path_factory.mktemp("web-template") / "laoshifu.db"
    store = Store.open(f"sqlite:///{path}")
    import_folder(store, EXAMPLE)
    store.save_unit("other", Note(id=OTHER_UNIT, title="二号线的秘密笔记", body="只有二号线的人能看到。",
                                  status="approved"), actor="test")
    tokens = {}
    for name, (role, bases) in USERS.items():
        accounts.add_user(store, name, role, PASSWORD, bases=bases)
        tokens[name] = accounts.create_token(store, name, "test").token
    store.close()
    return path, tokens


@pytest.fixture
def world(template_db, home, monkeypatch) -> WebWorld:
    from laoshifu.store import Store
    from laoshifu.web.app import create_app

    source, tokens = template_db
    home.mkdir(parents=True, exist_ok=True)
    target = home / "laoshifu.db"
    shutil.copyfile(source, target)
    store = Store.open(f"sqlite:///{target}")
    app = create_app(store, max_upload_bytes=512 * 1024)
    yield WebWorld(store, app, dict(tokens))
    store.close()
