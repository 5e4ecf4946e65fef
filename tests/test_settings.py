"""Settings come from the environment with safe embedded defaults; production passes --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, 'debug': s.DEBUG, "
    "'hasher': s.PASSWORD_HASHERS[0], 'ssl_redirect': s.SECURE_SSL_REDIRECT, "
    "'cache': s.CACHES['default']['BACKEND']}))"
)


def _run(code_or_args, **env_overrides):
    dropped = {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", TESTING="0", **env_overrides)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_embedded_defaults_use_sqlite_eager_tasks_and_console_email():
    result = _run(PROBE)
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["debug"] is False
    assert values["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_database_and_redis_urls_switch_to_postgres_and_a_real_broker():
    result = _run(
        PROBE,
        DATABASE_URL="postgres://u:p@db.example:5432/flare",
        REDIS_URL="redis://cache.example:6379/0",
    )
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "flare"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.example:6379/0"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_settings_pass_check_deploy_without_warnings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="flaremap.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
