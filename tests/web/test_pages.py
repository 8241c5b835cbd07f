"""Server-rendered pages: the flows people click through, in-process."""

from __future__ import annotations

import re

from .conftest import csrf_of

UID = "note-dc-dew-meter-tube"


def test_login_required_redirects_with_next(world):
    response = world.client().get("/units?kind=rule", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/units")


def test_chinese_by_default_english_on_request(world):
    client = world.login("xiao")
    assert "问师傅" in client.get("/").text
    english = client.get("/?lang=en")
    assert "Ask the master" in english.text
    assert "Ask the master" in client.get("/").text  # remembered in a cookie
    assert "问师傅" in client.get("/?lang=zh").text


def test_ask_shows_citations_linking_to_units(world):
    client = world.login("xiao")
    page = client.post("/ask", data={"question": "脱碳退火露点控制在多少",
                                     "csrf": csrf_of(client.get("/").text)})
    assert page.status_code == 200
    links = re.findall(r'class="cite" href="(/units/[^"]+)"', page.text)
    assert links
    assert client.get(links[0].replace("&amp;", "&")).status_code == 200
    assert 'name="helpful" value="0"' in page.text


def test_unsure_answer_says_it_went_to_the_master(world):
    client = world.login("xiao")
    page = client.post("/ask", data={"question": "食堂的红烧肉今天几点开饭",
                                     "csrf": csrf_of(client.get("/").text)})
    assert "已转给师傅" in page.text


def test_feedback_form_and_fetch(world):
    client = world.login("xiao")
    csrf = csrf_of(client.get("/").text)
    plain = client.post("/feedback", data={"question": "露点", "helpful": "1", "csrf": csrf})
    assert plain.status_code == 200 and "谢谢" in plain.text
    fetched = client.post("/feedback", data={"question": "露点", "helpful": "0", "comment": "太短",
                                             "csrf": csrf}, headers={"X-Requested-With": "fetch"})
    assert fetched.json()["ok"] is True
    from laoshifu.answer import feedback
    assert feedback.summary(world.store, "main") == {"up": 1, "down": 1}


def test_browse_filters(world):
    client = world.login("xiao")
    rules = client.get("/units", params={"kind": "rule"}).text
    assert "应急判断" in rules
    assert client.get("/units", params={"q": "露点"}).status_code == 200


def test_form_errors_are_shown_beside_the_field(world):
    client = world.login("wang")
    form = client.get("/units/new?kind=parameter")
    response = client.post("/units/new", data={
        "csrf": csrf_of(form.text), "kind": "parameter", "id": "p-form", "title": "表单参数",
        "process": "常化", "name": "温度", "lower": "abc", "upper": "900"})
    assert response.status_code == 400
    assert re.search(r'data-field="lower">[^<]*不是数字', response.text)
    assert 'value="表单参数"' in response.text  # what was typed is kept
    assert world.store.get_unit("main", "p-form") is None


def test_every_kind_can_be_created_through_the_form(world):
    client = world.login("wang")
    samples = {
        "parameter": {"name": "速度", "unit": "m/min", "lower": "60", "upper": "90", "process": "常化"},
        "procedure": {"steps": "第一步\n第二步", "process": "常化"},
        "rule": {"symptom": "板面发黑", "diagnosis": "氧化", "actions": "降温\n查气氛", "severity": "high",
                 "category": "quality"},
        "note": {"body": "一条笔记", "context": "夜班"},
        "qa": {"question": "为什么？", "body": "因为。"},
        "term": {"synonyms": "别名", "body": "定义"},
    }
    for kind, fields in samples.items():
        csrf = csrf_of(client.get(f"/units/new?kind={kind}").text)
        response = client.post("/units/new", data={"csrf": csrf, "kind": kind, "id": f"form-{kind}",
                                                   "title": f"表单{kind}", "status": "approved", **fields},
                               follow_redirects=False)
        assert response.status_code == 303, (kind, response.text[-2000:])
        assert world.store.get_unit("main", f"form-{kind}").status == "approved"


def test_engineer_edit_is_a_draft_master_approves(world):
    engineer = world.login("li")
    form = engineer.get(f"/units/{UID}/edit")
    before = world.store.get_unit("main", UID)
    response = engineer.post(f"/units/{UID}/edit", data={
        "csrf": csrf_of(form.text), "title": before.title, "process": before.process,
        "body": "工程师改过的正文", "expected_version": str(before.version), "comment": "补充",
        "status": "approved"}, follow_redirects=True)
    assert "草稿" in response.text
    # The approved version is still what apprentices see and are answered from.
    assert world.store.get_unit("main", UID).status == "approved"
    assert world.store.get_unit("main", UID).body == before.body
    assert world.store.get_pending("main", UID).body == "工程师改过的正文"
    master = world.login("wang")
    review = master.get("/review")
    assert UID in review.text and "工程师改过的正文" in review.text
    version = re.search(r'name="version" value="(\d+)"', review.text).group(1)
    decided = master.post(f"/review/{UID}", data={"csrf": csrf_of(review.text), "decision": "approve",
                                                  "version": version, "comment": "可以"},
                          follow_redirects=True)
    assert decided.status_code == 200
    assert world.store.get_unit("main", UID).status == "approved"
    page = master.get(f"/units/{UID}")
    assert "approve" in page.text
    diff = master.get(f"/units/{UID}/diff", params={"a": before.version})
    assert "工程师改过的正文" in diff.text
    assert world.store.get_unit("main", UID).body == "工程师改过的正文"
    assert world.store.get_pending("main", UID) is None


def test_stale_edit_is_refused(world):
    client = world.login("wang")
    form = client.get(f"/units/{UID}/edit")
    unit = world.store.get_unit("main", UID)
    world.api("wang").put(f"/api/v1/units/{UID}", json={"title": unit.title, "body": "别人先改了"})
    response = client.post(f"/units/{UID}/edit", data={
        "csrf": csrf_of(form.text), "title": unit.title, "body": "我的修改",
        "expected_version": str(unit.version)})
    assert response.status_code == 400 and "刚被别人改过" in response.text


def test_master_answers_queued_question_in_place(world):
    apprentice = world.login("xiao")
    question = "食堂的红烧肉今天几点开饭"
    apprentice.post("/ask", data={"question": question, "csrf": csrf_of(apprentice.get("/").text)})
    master = world.login("wang")
    queue = master.get("/questions")
    qid = re.search(r'action="/questions/(\d+)/answer"', queue.text).group(1)
    done = master.post(f"/questions/{qid}/answer", data={"csrf": csrf_of(queue.text),
                                                         "text": "十一点半开饭。"}, follow_redirects=True)
    assert "已答复" in done.text
    again = apprentice.post("/ask", data={"question": question, "csrf": csrf_of(apprentice.get("/").text)})
    assert "十一点半开饭" in again.text and "已转给师傅" not in again.text


def test_admin_manages_users_bases_tokens(world):
    admin = world.login("admin")
    page = admin.get("/admin")
    csrf = csrf_of(page.text)
    added = admin.post("/admin/users", data={"csrf": csrf, "name": "newbie", "role": "apprentice",
                                             "bases": "main"})
    assert "newbie" in added.text and "pre class=\"once\"" in added.text
    password = re.search(r'<pre class="once">([^<]+)</pre>', added.text).group(1)
    assert world.login("newbie", password)
    admin.post("/admin/users/newbie", data={"csrf": csrf, "role": "engineer", "bases": "main other",
                                            "action": "save"})
    from laoshifu.people import accounts
    user = accounts.get_user(world.store, "newbie")
    assert user.role == "engineer" and user.bases == ("main", "other")
    admin.post("/admin/bases", data={"csrf": csrf, "name": "line3"})
    assert "line3" in world.store.bases()
    token_page = admin.post("/admin/tokens", data={"csrf": csrf, "user": "newbie", "name": "ci"})
    token = re.search(r'<pre class="once">([^<]+)</pre>', token_page.text).group(1)
    client = world.client()
    client.headers["Authorization"] = f"Bearer {token}"
    assert client.get("/api/v1/me").json()["name"] == "newbie"
    assert token not in admin.get("/admin").text  # shown once only
    admin.post("/admin/users/newbie", data={"csrf": csrf, "action": "disable"})
    assert client.get("/api/v1/me").status_code == 401
    bad = admin.post("/admin/users", data={"csrf": csrf, "name": "x y", "role": "apprentice"})
    assert bad.status_code == 400 and "用户名 「x y」 不合用" in bad.text
    assert "添加用户" in admin.get("/admin").text  # the audit log in words


def test_master_sees_the_audit_log_of_the_base(world):
    master = world.login("wang")
    page = master.get("/admin/audit")
    assert page.status_code == 200 and "import" in page.text


def test_import_page_for_master(world):
    client = world.login("wang")
    page = client.get("/import")
    response = client.post("/import", data={"csrf": csrf_of(page.text)},
                           files={"file": ("设备.md", "# 风机\n\n风机每班点检一次。\n".encode(), "text/markdown")})
    assert response.status_code == 200 and "导入完成" in response.text


def test_cli_users_and_tokens(cli, home):
    added = cli("user", "add", "wang", "--role", "master")
    assert added.returncode == 0, added.stderr
    assert "password (shown once; wang changes it at the first login):" in added.stdout
    piped = cli("user", "add", "xiao", "--password-stdin", input="long-enough-pw\n")
    assert piped.returncode == 0 and "password" not in piped.stdout.split("\n", 1)[1]
    assert cli("user", "role", "xiao", "engineer").stdout.strip() == "xiao is now engineer"
    assert "new password" in cli("user", "reset", "xiao").stdout
    token = cli("token", "create", "wang").stdout.strip()
    assert token.startswith("lsf_")
    bad = cli("user", "role", "nobody", "master")
    assert bad.returncode == 2 and "no user" in bad.stderr
    from laoshifu.people import accounts
    from laoshifu.store import Store
    store = Store.open(f"sqlite:///{home / 'laoshifu.db'}")
    assert accounts.user_for_token(store, token).name == "wang"
    assert accounts.verify_password(store, "xiao", "long-enough-pw") is None  # was reset


def test_knowledge_search_folds_width_and_script(world):
    client = world.login("xiao")
    for query in ("露點", "ＤＰ", "dp"):
        page = client.get("/units", params={"q": query})
        assert page.status_code == 200 and "dc-dew-point" in page.text, query


def test_ask_page_lists_a_procedures_steps(world):
    client = world.login("xiao")
    page = client.get("/")
    csrf = csrf_of(page.text)
    answer = client.post("/ask", data={"csrf": csrf, "question": "配MgO浆子一步一步怎么弄？"})
    steps = world.store.get_unit("main", "proc-mg-slurry-prep").steps
    assert all(step in answer.text for step in steps)


def test_ask_page_shows_the_window_in_the_unit_asked(world):
    client = world.login("xiao")
    csrf = csrf_of(client.get("/").text)
    answer = client.post("/ask", data={"csrf": csrf, "question": "Hi-B常化一段炉温合多少K？"})
    assert answer.status_code == 200
    assert "数字与换算" in answer.text and "≈ 1373～1423 K" in answer.text
