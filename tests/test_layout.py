"""The project layout: ``platform/`` is a plain folder, ``config`` is the settings package.

``import platform`` must stay the standard-library module both inside the configured
Django process and in a fresh interpreter started from the repository root.
"""

import os
import platform
import subprocess
import sys
import sysconfig
from pathlib import Path

from django.apps import apps
from django.conf import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
STDLIB_DIR = Path(sysconfig.get_paths()["stdlib"]).resolve()


def clean_env() -> dict[str, str]:
    """The current environment without the settings module, so manage.py must find it itself."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PYTHONPATH", None)
    return env


def test_platform_is_the_standard_library_module_inside_django():
    assert Path(platform.__file__).resolve().parent == STDLIB_DIR
    assert Path(platform.__file__).name == "platform.py"
    assert platform.python_version() == ".".join(str(p) for p in sys.version_info[:3])


def test_settings_module_is_config_settings():
    import config.settings

    assert settings.SETTINGS_MODULE == "config.settings"
    assert Path(config.settings.__file__).resolve() == (
        REPO_ROOT / "platform" / "config" / "settings.py"
    )
    # ``platform`` has no __init__.py: it is not a package, only a folder on sys.path.
    assert not (REPO_ROOT / "platform" / "__init__.py").exists()


def test_locale_time_zone_and_user_model():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes[0] == "zh-hans"
    assert "en" in codes
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_no_sites_framework():
    labels = {config.label for config in apps.get_app_configs()}
    assert "sites" not in labels
    assert not apps.is_installed("django.contrib.sites")
    # The project's own apps are there under their short labels.
    assert {"accounts", "organizations", "sharing", "courses", "api"} <= labels


def test_manage_py_check_passes_from_repo_root():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_plain_interpreter_in_repo_root_imports_stdlib_platform():
    result = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.__file__)"],
        cwd=REPO_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    printed = Path(result.stdout.strip()).resolve()
    assert printed.parent == STDLIB_DIR
    assert printed.name == "platform.py"
    assert REPO_ROOT not in printed.parents
