"""user add/role/reset, token create, serve."""

from __future__ import annotations

import sys

import click

from ..people import accounts
from ..config import load_settings
from ..people.permissions import ROLES
from .common import echo_json, json_option, open_store, plant_time


def register(main: click.Group) -> None:
    main.add_command(user_group)
    main.add_command(token_group)
    main.add_command(serve_cmd)


@click.group("user")
def user_group() -> None:
    """Accounts: add users, change roles, reset or change passwords."""


def _read_password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="apprentice", show_default=True,
              help="admin, master (师傅), engineer or apprentice (徒弟).")
@click.option("--base", "bases", multiple=True, help="Knowledge base the user belongs to (repeat for several; default main).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of generating one.")
def user_add(name: str, role: str, bases: tuple[str, ...], password_stdin: bool) -> None:
    """Add a user; prints a generated password once."""
    user, password = accounts.add_user(open_store(), name, role, _read_password(password_stdin),
                                       bases=bases or ("main",), actor="cli")
    click.echo(f"added {user.name} ({user.role}) in {', '.join(user.bases)}")
    if not password_stdin:
        click.echo(f"password (shown once; {user.name} changes it at the first login): {password}")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
def user_role(name: str, role: str) -> None:
    """Change a user's role."""
    user = accounts.set_role(open_store(), name, role, actor="cli")
    click.echo(f"{user.name} is now {user.role}")


@user_group.command("reset")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def user_reset(name: str, password_stdin: bool) -> None:
    """Give a user a new password (ends their sessions, revokes their API tokens); prints it once."""
    reset = accounts.reset_password(open_store(), name, _read_password(password_stdin), actor="cli")
    if not password_stdin:
        click.echo(f"new password for {name} (shown once; {name} changes it at the next login): "
                   f"{reset.password}")
    else:
        click.echo(f"password of {name} changed")
    if reset.tokens_revoked:
        plural = "" if reset.tokens_revoked == 1 else "s"
        click.echo(f"{reset.tokens_revoked} API token{plural} revoked")


@user_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the current password, then the new one, a line each from standard input.")
def user_passwd(name: str, password_stdin: bool) -> None:
    """Change your own password (the current one first); ends your other web logins."""
    if password_stdin:
        current, new = _read_password(True), _read_password(True)
    else:
        current = click.prompt("当前密码 current password", hide_input=True)
        new = click.prompt("新密码 new password (at least 8 characters)", hide_input=True,
                           confirmation_prompt="再输一遍 repeat")
    accounts.change_password(open_store(), name, current or "", new or "")
    click.echo(f"password of {name} changed")


@user_group.command("list")
def user_list() -> None:
    """List users with their roles and knowledge bases."""
    for user in accounts.list_users(open_store()):
        flag = "  (disabled)" if user.disabled else ""
        click.echo(f"{user.name:<20} {user.role:<10} {', '.join(user.bases)}{flag}")


@click.group("token")
def token_group() -> None:
    """API tokens (Authorization: Bearer TOKEN)."""


@token_group.command("create")
@click.argument("name")
@click.option("--label", default="", help="What the token is for.")
def token_create(name: str, label: str) -> None:
    """Create an API token for user NAME; prints it once."""
    token = accounts.create_token(open_store(), name, label, actor="cli")
    click.echo(token.token)


@token_group.command("list")
@click.option("--user", "user", default=None, help="Only this user's tokens.")
@json_option
def token_list(user: str | None, as_json: bool) -> None:
    """List API tokens (never the tokens themselves: only their hashes are kept)."""
    tokens = accounts.list_tokens(open_store(), user)
    if as_json:
        echo_json({"tokens": [{**t, "revoked": bool(t["revoked"])} for t in tokens]})
        return
    click.echo(f"{'id':>4}  {'user':<16} {'label':<16} {'created':<25} {'last used':<25} state")
    for t in tokens:
        click.echo(f"{t['id']:>4}  {t['user']:<16} {t['name'] or '-':<16} "
                   f"{plant_time(t['created_at']):<25} {plant_time(t['last_used']) or '-':<25} "
                   f"{'revoked' if t['revoked'] else 'active'}")


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke API token TOKEN_ID (see token list); a running server refuses it within 2 s."""
    token = accounts.revoke_token(open_store(), token_id, actor="cli")
    click.echo(f"revoked token {token['id']} ({token['user']}, {token['name'] or '-'})")


# How long a stop waits for requests in flight (an import may take minutes); systemd's
# TimeoutStopSec in docs/deploy/laoshifu.service leaves room for it.
GRACEFUL_SHUTDOWN_S = 60


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int,
              help="Worker processes (use PostgreSQL for more than one on a busy site).")
def serve_cmd(host: str, port: int, workers: int) -> None:
    """Serve the web app and the /api/v1 API on the configured store."""
    import uvicorn

    from ..web.listen import check_address

    check_address(host, port)  # before the admin's password is shown for a server that fails
    store = open_store()
    password = accounts.ensure_admin(store)
    if password:
        click.echo(f"first start: created user 'admin' with password (shown once; change it at "
                   f"the first login): {password}")
    store.close()
    home = load_settings().home
    click.echo(f"serving on http://{host}:{port}/  (API docs at /api/v1/docs, health at /healthz)")
    click.echo(f"access log {home / 'logs' / 'access.log'}; stop with Ctrl-C or SIGTERM "
               f"(requests in flight finish, the search index is saved)")
    # uvicorn's own access log is off: ours (web/access_log.py) leaves out query strings.
    uvicorn.run("laoshifu.web.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="warning", proxy_headers=False, access_log=False,
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)
