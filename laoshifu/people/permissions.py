"""Who may do what: the role × action matrix, and knowledge-base membership."""

from __future__ import annotations

from ..errors import PermissionDenied, Problem

ROLES = ("admin", "master", "engineer", "apprentice")
ROLE_LABELS = {"admin": "管理员", "master": "师傅", "engineer": "工程师", "apprentice": "徒弟"}

# Every action a surface (web page, API, CLI) may ask about.
ACTIONS = (
    "ask",            # ask a question, give feedback on an answer
    "read",           # browse approved units
    "read_drafts",    # see drafts and retired units, history of them
    "edit",           # create/edit units (an engineer's edits become drafts)
    "import",         # upload a folder or handbook (publishes directly, so master/admin)
    "approve",        # approve or reject drafts; publish directly
    "answer",         # answer queued questions
    "questions",      # see the unanswered queue and thumbs-down answers
    "audit",          # read the audit log
    "admin",          # users, roles, bases, tokens
    "learn",          # study cards and take exams (带徒弟)
    "teach",          # set tracks, see the apprentices' progress in one's bases
    "diagnose",       # judge readings against the windows and rules (应急诊断)
    "review_data",    # run the daily review on a day's production data (日报)
    "read_reviews",   # read the daily reports and today's plan
)

# How a refusal names each action: "an apprentice may not see drafts".
_DOING = {
    "ask": "ask questions", "read": "read the knowledge base", "read_drafts": "see drafts",
    "edit": "edit units", "import": "import files", "approve": "approve, reject or retire units",
    "answer": "answer questions", "questions": "see the question queue",
    "audit": "read the audit log", "admin": "manage users, bases and tokens",
    "learn": "study cards or take exams", "teach": "see apprentices' progress or set tracks",
    "diagnose": "diagnose readings", "review_data": "review production data",
    "read_reviews": "read the daily reports",
}

MATRIX: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "master": frozenset({"ask", "read", "read_drafts", "edit", "import", "approve", "answer",
                         "questions", "audit", "learn", "teach", "diagnose", "review_data",
                         "read_reviews"}),
    "engineer": frozenset({"ask", "read", "read_drafts", "edit", "questions", "learn",
                           "diagnose", "review_data", "read_reviews"}),
    "apprentice": frozenset({"ask", "read", "learn", "diagnose", "read_reviews"}),
}


def allowed(role: str, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return action in MATRIX.get(role, frozenset())


def check(user, action: str, base: str | None = None) -> None:
    """Raise PermissionDenied unless ``user`` may do ``action`` (in ``base``)."""
    if user is None:
        raise PermissionDenied(Problem("log in first", hint="laoshifu user add creates accounts"))
    if not allowed(user.role, action):
        article = "an" if user.role[:1] in "aeiou" else "a"
        raise PermissionDenied(Problem(
            f"{article} {user.role} may not {_DOING.get(action, action.replace('_', ' '))}",
            hint="ask an administrator for another role"))
    if base is not None and not user.can_see(base):
        # The same words as a missing base: do not reveal which bases exist.
        raise PermissionDenied(Problem(f"no access to knowledge base {base!r}",
                                       field="base", hint="ask an administrator to add you"))
