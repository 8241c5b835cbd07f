"""The ask page warns when the base holds nothing to answer from (issue 9 #4)."""

from __future__ import annotations

from laoshifu.people import accounts

from .conftest import csrf_of

WARNING = "知识库「line9」里还没有已批准的知识，现在问只会得到「不确定」。"


def test_an_empty_base_is_announced_before_and_after_asking(world):
    accounts.create_base(world.store, "line9")
    client = world.login("admin")
    page = client.get("/?base=line9")
    assert WARNING in page.text
    assert 'href="/import?base=line9"' in page.text  # the admin may import
    answered = client.post("/ask", data={"question": "露点控制在多少？", "base": "line9",
                                         "csrf": csrf_of(page.text)})
    assert answered.status_code == 200 and WARNING in answered.text
    english = client.get("/?base=line9&lang=en")
    assert "The knowledge base “line9” holds no approved knowledge yet" in english.text


def test_a_filled_base_is_not(world):
    page = world.login("xiao").get("/")
    assert "还没有已批准的知识" not in page.text
