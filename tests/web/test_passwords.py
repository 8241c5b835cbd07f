"""Accounts: one changes one's own password; a password someone else saw (the first
admin's, a new user's, a reset's) must be changed at the first login; the banner names
whose password it shows; generated passwords never start with '-' (issue 9 #9)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from laoshifu.people import accounts
from laoshifu.errors import LaoshifuError

from .conftest import PASSWORD, csrf_of, login


# -- generated passwords -------------------------------------------------------------------
def test_a_generated_password_never_starts_with_a_dash(monkeypatch):
    drawn = iter(["-starts-with-dash", "_underscore-too", "Fine-password_1"])
    monkeypatch.setattr(accounts.secrets, "token_urlsafe", lambda n: next(drawn))
    assert accounts.new_password() == "Fine-password_1"


def test_many_generated_passwords():
    passwords = [accounts.new_password() for _ in range(3000)]
    assert not [p for p in passwords if not p[0].isalnum()]
    assert all(len(p) == 16 for p in passwords)


# -- who must change ------------------------------------------------------------------------
def test_generated_passwords_must_be_changed_chosen_ones_not(store):
    assert accounts.ensure_admin(store)
    assert accounts.get_user(store, "admin").must_change_password
    new, _ = accounts.add_user(store, "xiao", "apprentice")
    chosen, _ = accounts.add_user(store, "wang", "master", "wang-chose-this")
    assert (new.must_change_password, chosen.must_change_password) == (True, False)
    accounts.reset_password(store, "wang")
    assert accounts.get_user(store, "wang").must_change_password
    accounts.reset_password(store, "wang", "typed-by-admin-1")
    assert not accounts.get_user(store, "wang").must_change_password


@pytest.mark.parametrize("current,new,field,message", [
    ("wrong-password", "brand-new-pw-1", "current", "the current password is wrong"),
    (PASSWORD, "short", "password", "password too short"),
    (PASSWORD, PASSWORD, "new", "the new password is the old one"),
])
def test_a_change_is_refused_and_nothing_changes(world, current, new, field, message):
    with pytest.raises(LaoshifuError) as caught:
        accounts.change_password(world.store, "xiao", current, new)
    assert (caught.value.problems[0].field, caught.value.problems[0].message) == (field, message)
    assert accounts.verify_password(world.store, "xiao", PASSWORD) is not None


# -- the web --------------------------------------------------------------------------------
def _change(client, current: str, new: str, repeat: str | None = None, next: str = "/"):
    page = client.get("/account/password")
    return client.post("/account/password", data={
        "csrf": csrf_of(page.text), "current": current, "new": new,
        "repeat": new if repeat is None else repeat, "next": next}, follow_redirects=False)


def test_the_first_admin_must_change_the_password_first(world):
    first = accounts.reset_password(world.store, "admin").password  # as shown once
    client = world.client()
    assert login(client, "admin", first).status_code == 303
    for path in ("/", "/units", "/admin", "/questions?base=main"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/account/password?next={quote(path)}"
    page = client.get("/account/password?next=/admin")
    assert "先改成只有你自己知道的密码" in page.text
    assert _change(client, first, "admin-own-pw-1", "admin-own-pw-2").status_code == 400
    done = _change(client, first, "admin-own-pw-1", next="/admin")
    assert done.status_code == 303 and done.headers["location"] == "/admin?password=changed"
    landed = client.get("/admin?password=changed")
    assert landed.status_code == 200 and "密码已修改" in landed.text
    assert not accounts.get_user(world.store, "admin").must_change_password
    assert login(world.client(), "admin", first).status_code == 401
    assert login(world.client(), "admin", "admin-own-pw-1").status_code == 303


def test_a_wrong_current_password_is_shown_on_the_form(world):
    client = world.login("xiao")
    refused = _change(client, "not-my-password", "brand-new-pw-1")
    assert refused.status_code == 400
    assert "当前密码不对" in refused.text  # in the page's language
    differ = _change(client, PASSWORD, "brand-new-pw-1", "brand-new-pw-2")
    assert differ.status_code == 400 and "两次输入的新密码不一样" in differ.text


def test_changing_ends_the_other_logins_but_not_this_one(world):
    here, elsewhere = world.login("xiao"), world.login("xiao")
    token_client = world.api("xiao")
    assert _change(here, PASSWORD, "xiao-new-pw-1").status_code == 303
    assert here.get("/", follow_redirects=False).status_code == 200
    assert elsewhere.get("/", follow_redirects=False).headers["location"].startswith("/login")
    assert token_client.get("/api/v1/me").status_code == 200  # API tokens are their own secrets
    entry = next(a for a in world.store.audit_log() if a["action"] == "user.passwd")
    assert (entry["actor"], entry["target"]) == ("xiao", "xiao")
    assert "xiao-new-pw-1" not in str(world.store.audit_log())


def test_every_page_links_to_it(world):
    assert '<a href="/account/password">改密码</a>' in world.login("xiao").get("/").text


def test_the_new_user_banner_names_whose_password_it_shows(world):
    admin = world.login("admin")
    csrf = csrf_of(admin.get("/admin").text)
    added = admin.post("/admin/users", data={"csrf": csrf, "name": "newbie", "role": "apprentice",
                                             "bases": "main"})
    match = re.search(r'<section class="card secret"><p>(.*?)</p><pre class="once">([^<]+)</pre>',
                      added.text)
    assert match.group(1) == "newbie 的密码（只显示这一次；newbie 第一次登录时要改成自己的密码）："
    password = match.group(2)
    assert not password.startswith("-")
    client = world.login("newbie", password)
    assert client.get("/", follow_redirects=False).headers["location"] == "/account/password?next=/"
    token = admin.post("/admin/tokens", data={"csrf": csrf, "user": "newbie", "name": "ci"})
    assert "newbie 的 API 令牌（请立即复制，只显示这一次）：" in token.text


# -- the CLI --------------------------------------------------------------------------------
def test_cli_passwd(cli, home):
    added = cli("user", "add", "xiao")
    assert "changes it at the first login" in added.stdout
    first = added.stdout.strip().rsplit(": ", 1)[1]
    wrong = cli("user", "passwd", "xiao", "--password-stdin", input="nope\nxiao-own-pw-1\n")
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == ("error: [current] the current password is wrong "
                                    "(hint: forgotten it? an administrator can reset it)")
    done = cli("user", "passwd", "xiao", "--password-stdin", input=f"{first}\nxiao-own-pw-1\n")
    assert done.returncode == 0 and done.stdout.strip() == "password of xiao changed"
    from laoshifu.store import Store
    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    user = accounts.verify_password(store, "xiao", "xiao-own-pw-1")
    assert user is not None and not user.must_change_password
    store.close()
