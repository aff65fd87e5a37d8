"""Subcommands for running a shared service: serve, backup, restore, users, audit."""

import argparse
import getpass
import sys
from pathlib import Path

from service import users
from service.cli.common import UserError, open_service, print_table


def add_serve(commands) -> None:
    parser = commands.add_parser("serve", help="serve the app under gunicorn")
    parser.add_argument("--host", help="the address to listen on (default: the setting host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="the port to listen on (default: the setting port, 8050)")
    parser.set_defaults(run=run_serve)


def run_serve(args) -> int:
    from service import serve
    from service.settings import value

    host, port = args.host or value("host"), args.port or value("port")
    serve.check_port(host, port)  # before anything else, so a taken port is the one line said
    with open_service(args) as service:  # a missing database is explained here, not in a worker's log
        service.sync_reference()  # once, before the workers start together
    try:
        return serve.serve(args.db, host, port)
    except serve.ServeRefused as refused:
        raise UserError(str(refused)) from refused


def add_backup(commands) -> None:
    parser = commands.add_parser("backup", help="copy the whole database to one file")
    parser.add_argument("file", metavar="FILE", help="the backup file to write (.zip)")
    parser.set_defaults(run=run_backup)


def run_backup(args) -> int:
    from service import backup

    with open_service(args) as service:
        manifest = backup.backup(service.store, Path(args.file))
    print(f"Backed up {sum(manifest['tables'].values()):,} rows from {len(manifest['tables'])} tables to {args.file}.")
    return 0


def add_restore(commands) -> None:
    parser = commands.add_parser("restore", help="replace the database's content with a backup")
    parser.add_argument("file", metavar="FILE", help="a file made by 'scorecard backup'")
    parser.set_defaults(run=run_restore)


def run_restore(args) -> int:
    from service import backup

    if not Path(args.file).is_file():
        raise UserError(f"{args.file}: no such file")
    with open_service(args, create=True) as service:
        try:
            manifest = backup.restore(service.store, Path(args.file))
        except backup.BackupError as bad:
            raise UserError(str(bad)) from bad
    print(f"Restored {sum(manifest['tables'].values()):,} rows taken on {manifest['taken_at']}.")
    print(manifest["users"])
    return 0


def add_users(commands) -> None:
    parser = commands.add_parser("users", help="manage who can sign in")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    db = argparse.ArgumentParser(add_help=False)  # --db after the action too
    db.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    add = actions.add_parser("add", parents=[db], help="add a user; the password comes from a prompt or standard input")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=list(users.ROLES))
    actions.add_parser("list", parents=[db], help="list users and their roles")
    remove = actions.add_parser("remove", parents=[db], help="remove a user; their sessions end at once")
    remove.add_argument("username")
    role = actions.add_parser("role", parents=[db], help="change a user's role; their sessions end at once")
    role.add_argument("username")
    role.add_argument("--role", required=True, choices=list(users.ROLES))
    password = actions.add_parser("password", parents=[db], help="set a new password from a prompt or standard input; "
                                  "the user's sessions end at once")
    password.add_argument("username")
    token = actions.add_parser("token", parents=[db], help="print a new API token for a user, shown once")
    token.add_argument("username")
    token.add_argument("--revoke", action="store_true", help="revoke every API token the user has")
    parser.set_defaults(run=run_users)


def run_users(args) -> int:
    with open_service(args, create=args.action == "add") as service:
        try:
            if args.action == "add":
                users.add_user(service.store, args.username, args.role, _password(args.username), by=getpass.getuser())
                print(f"Added {args.username} as {args.role}.")
            elif args.action == "role":
                users.change_role(service.store, args.username, args.role, by=getpass.getuser())
                print(f"{args.username} is now {args.role}; they sign in again to continue.")
            elif args.action == "password":
                users.change_password(service.store, args.username, _password(args.username), by=getpass.getuser())
                print(f"New password set for {args.username}; they sign in again to continue.")
            elif args.action == "token":
                from service import tokens

                if args.revoke:
                    count = tokens.revoke(service.store, args.username, by=getpass.getuser())
                    print(f"Revoked {count} API token(s) of {args.username}.")
                else:
                    print(tokens.new_token(service.store, args.username, by=getpass.getuser()))
                    print(f"A new API token for {args.username}: it is shown only this once.", file=sys.stderr)
            elif args.action == "remove":
                users.remove_user(service.store, args.username, by=getpass.getuser())
                print(f"Removed {args.username}.")
            else:
                listed = users.list_users(service.store)
                if not listed:
                    print("No users yet. Add one with 'scorecard users add NAME --role admin'.")
                else:
                    print_table(["User", "Role", "Added"], [
                        [u["username"], u["role"], f"{u['created_at']:%Y-%m-%d %H:%M}"] for u in listed])
        except users.UserError as problem:
            raise UserError(str(problem)) from problem
    return 0


def _password(username: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {username}: ")
    return sys.stdin.readline().rstrip("\n")


def add_audit(commands) -> None:
    parser = commands.add_parser("audit", help="the audit log: who changed what, when")
    parser.add_argument("--format", choices=["table", "csv"], default="table")
    parser.set_defaults(run=run_audit)


def run_audit(args) -> int:
    from service import audit, exports

    with open_service(args) as service:
        found = audit.entries(service.store)
    rows = [[entry[name] for name in audit.COLUMNS] for entry in found]
    if args.format == "csv":
        sys.stdout.write(exports.csv_text(audit.COLUMNS, rows))
    else:
        print_table(["Id", "When", "Who", "Action", "What", "Before", "After"],
                    [[str(v if v is not None else "")[:60] for v in row] for row in rows])
    return 0
