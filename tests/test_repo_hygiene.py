"""No secrets, environments or local data in the repository."""

import re
import subprocess

from tests.test_settings import ROOT

SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"xox[baprs]-[0-9A-Za-z-]{10,}"),
    re.compile(r"ghp_[0-9A-Za-z]{36}"),
    re.compile(r"sk_live_[0-9A-Za-z]{16,}"),
]


def _tracked_files() -> list[str]:
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line]


def test_no_virtualenv_database_or_env_file_is_tracked():
    for path in _tracked_files():
        assert not path.startswith(".venv/"), path
        assert not path.endswith((".sqlite3", ".env", ".pyc")), path


def test_no_credentials_are_committed():
    offenders = []
    for path in _tracked_files():
        file = ROOT / path
        if not file.is_file() or file.stat().st_size > 2_000_000:
            continue
        try:
            text = file.read_text()
        except UnicodeDecodeError:
            continue
        offenders += [f"{path}: {p.pattern}" for p in SECRET_PATTERNS if p.search(text)]
    assert offenders == []


def test_the_only_embedded_secret_key_is_marked_local_only():
    settings_text = (ROOT / "config" / "settings.py").read_text()
    assert '"insecure-local-only-' in settings_text
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "SECRET_KEY: ${SECRET_KEY:?" in compose
