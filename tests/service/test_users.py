"""Users and roles from the command line, and the audit log they leave."""

import subprocess
import sys

import pytest

from service import users
from service.audit import entries
from service.cli import main
from scorecard.store import Store


def run(*args, password=None):
    return subprocess.run([sys.executable, "-m", "service.cli", *args], input=password,
                          capture_output=True, text=True)


def test_add_list_remove_with_password_from_standard_input(tmp_path):
    db = str(tmp_path / "users.duckdb")
    added = run("users", "add", "Amy.Analyst", "--role", "analyst", "--db", db, password="correct horse battery\n")
    assert added.returncode == 0, added.stderr
    listed = run("users", "list", "--db", db)
    assert "amy.analyst" in listed.stdout and "analyst" in listed.stdout
    with Store.open(db) as store:
        stored = users.get_user(store, "amy.analyst")
        assert stored["password_hash"].startswith("scrypt$")
        assert "correct horse" not in stored["password_hash"]
        assert users.authenticate(store, "amy.analyst", "correct horse battery")["role"] == "analyst"
        assert users.authenticate(store, "amy.analyst", "correct horse batterY") is None
    assert run("users", "remove", "amy.analyst", "--db", db).returncode == 0
    audit = run("audit", "--format", "csv", "--db", db).stdout
    assert "user add,amy.analyst" in audit and "user remove,amy.analyst" in audit


@pytest.mark.parametrize("name, role, password, message", [
    ("amy", "boss", "long enough password", "invalid choice"),
    ("amy", "viewer", "short", "at least 12"),
    ("a b", "viewer", "long enough password", "cannot be a username"),
])
def test_bad_users_are_refused(tmp_path, name, role, password, message):
    result = run("users", "add", name, "--role", role, "--db", str(tmp_path / "u.duckdb"), password=password + "\n")
    assert result.returncode == 2
    assert message in result.stderr


def test_each_hash_has_its_own_salt():
    assert users.hash_password("same password!") != users.hash_password("same password!")
    assert users.has_role("admin", "analyst") and not users.has_role("viewer", "analyst")


def test_loads_reverts_and_commentary_are_audited(tmp_path, capsys):
    db = str(tmp_path / "a.duckdb")
    assert main(["demo", "--db", db]) == 0
    with Store.open(db) as store:
        store.add_commentary("cla_rate", "E08000027", "2026-27 Q2", "first", "amy")
        store.add_commentary("cla_rate", "E08000027", "2026-27 Q2", "second", "ben")
    assert main(["revert", "1", "--db", db]) == 0
    with Store.open(db) as store:
        log = entries(store)
    actions = [entry["action"] for entry in log]
    # the demo sets the example council up first: its home area and townships
    assert actions == ["setting", "localities", "load", "commentary", "commentary", "revert"]
    assert (log[4]["before_value"], log[4]["after_value"], log[4]["who"]) == ("first", "second", "ben")
