"""Accounts: a password reset ends the user's API tokens, tokens are listed and revoked from
the command line, and the last administrator stays one (issue 14, items 20 and 23)."""

from __future__ import annotations

import json

import pytest

from laoshifu.people import accounts
from laoshifu.errors import LaoshifuError

from .conftest import csrf_of


# -- item 20: a reset revokes the user's tokens ------------------------------------------
def test_password_reset_revokes_the_users_tokens(store):
    accounts.add_user(store, "xiao", "apprentice", "long-enough-pw")
    accounts.add_user(store, "wang", "master", "long-enough-pw")
    token = accounts.create_token(store, "xiao", "phone").token
    other = accounts.create_token(store, "wang", "laptop").token
    accounts.reset_password(store, "xiao", actor="admin")
    assert accounts.user_for_token(store, token) is None
    assert accounts.user_for_token(store, other).name == "wang"
    assert [t["revoked"] for t in accounts.list_tokens(store, "xiao")] == [1]
    entry = next(a for a in store.audit_log() if a["action"] == "user.reset")
    assert json.loads(entry["detail"]) == {"tokens_revoked": 1}


def test_admin_page_reset_ends_api_access_at_once(world):
    api = world.api("xiao")
    assert api.get("/api/v1/me").status_code == 200  # the token is now cached
    admin = world.login("admin")
    page = admin.get("/admin")
    reset = admin.post("/admin/users/xiao", data={"action": "reset", "csrf": csrf_of(page.text)})
    assert reset.status_code == 200
    assert api.get("/api/v1/me").status_code == 401


def test_cli_token_list_and_revoke(cli, home):
    assert cli("user", "add", "wang", "--role", "master").returncode == 0
    assert cli("user", "add", "xiao").returncode == 0
    first = cli("token", "create", "wang", "--label", "laptop").stdout.strip()
    cli("token", "create", "xiao", "--label", "phone")
    listing = cli("token", "list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.strip().splitlines()
    assert len(lines) == 3 and lines[0].split()[:3] == ["id", "user", "label"]
    assert lines[1].split()[:3] == ["1", "wang", "laptop"] and "active" in lines[1]
    assert first not in listing.stdout  # only the hash is kept
    only = cli("token", "list", "--user", "xiao", "--json")
    assert [(t["id"], t["user"], t["name"], t["revoked"]) for t in json.loads(only.stdout)["tokens"]] \
        == [(2, "xiao", "phone", False)]
    revoked = cli("token", "revoke", "1")
    assert revoked.returncode == 0 and revoked.stdout.strip() == "revoked token 1 (wang, laptop)"
    assert "revoked" in cli("token", "list", "--user", "wang").stdout.splitlines()[1]
    from laoshifu.store import Store
    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    assert accounts.user_for_token(store, first) is None
    store.close()
    missing = cli("token", "revoke", "99")
    assert missing.returncode == 2 and "no token 99" in missing.stderr
    reset = cli("user", "reset", "xiao")
    assert "1 API token revoked" in reset.stdout


# -- item 23: the last admin stays ---------------------------------------------------------
@pytest.mark.parametrize("change", ["demote", "disable"])
def test_the_last_admin_cannot_be_demoted_or_disabled(store, change):
    accounts.add_user(store, "admin", "admin", "long-enough-pw")
    accounts.add_user(store, "wang", "master", "long-enough-pw")
    act = (lambda name: accounts.set_role(store, name, "master", actor="admin")) if change == "demote" \
        else (lambda name: accounts.set_disabled(store, name, True, actor="admin"))
    with pytest.raises(LaoshifuError, match="last administrator"):
        act("admin")
    assert accounts.get_user(store, "admin").role == "admin"
    assert not accounts.get_user(store, "admin").disabled
    # With a second, enabled admin it is allowed.
    accounts.set_role(store, "wang", "admin", actor="admin")
    act("admin")
    # A disabled admin does not count as one.
    with pytest.raises(LaoshifuError, match="last administrator"):
        act("wang")


def test_admin_page_refuses_to_demote_or_disable_the_last_admin(world):
    admin = world.login("admin")
    for data in ({"action": "save", "role": "master", "bases": "main"}, {"action": "disable"}):
        page = admin.get("/admin")
        response = admin.post("/admin/users/admin", data={**data, "csrf": csrf_of(page.text)})
        assert response.status_code == 400 and "是最后一个管理员" in response.text  # the page's language
    user = accounts.get_user(world.store, "admin")
    assert user.role == "admin" and not user.disabled
    assert admin.get("/admin").status_code == 200


def test_cli_refuses_to_demote_the_last_admin(cli):
    cli("user", "add", "root", "--role", "admin")
    refused = cli("user", "role", "root", "engineer")
    assert refused.returncode == 2 and "last administrator" in refused.stderr
