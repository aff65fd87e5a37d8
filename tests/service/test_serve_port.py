"""A port already in use is one plain line naming the setting to change, from `scorecard serve`
and from `python app.py`: no "Address already in use" traceback, no C++ abort."""

import socket
import subprocess
import sys

from service.cli import main
from tests.paths import REPO


def taken_port() -> socket.socket:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    return listener


def test_serve_on_a_taken_port_says_which_setting_to_change(tmp_path, capsys):
    with taken_port() as listener:
        port = listener.getsockname()[1]
        assert main(["serve", "--db", str(tmp_path / "none.duckdb"), "--port", str(port)]) == 2
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and said.startswith(f"scorecard serve: Port {port} on 127.0.0.1 is in use")
    assert "--port" in said and f"SCORECARD_PORT={port + 1}" in said


def test_python_app_py_on_a_taken_port_says_so_in_one_line(tmp_path):
    with taken_port() as listener:
        port = listener.getsockname()[1]
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "SCORECARD_PORT": str(port),
               "SCORECARD_DB": str(tmp_path / "scorecard.duckdb")}
        done = subprocess.run([sys.executable, str(REPO / "app.py")], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
    assert done.returncode == 1 and done.stdout == ""
    said = (f"python app.py: Port {port} on 127.0.0.1 is in use (Address already in use), perhaps by another "
            f"Scorecard: stop that, or choose another port with --port or the setting port (SCORECARD_PORT={port + 1}).")
    assert done.stderr.strip().splitlines() == [said]
    assert not (tmp_path / "scorecard.duckdb").exists()  # said before anything was opened
