"""The deployment files, checked without a Docker engine: compose.yaml against the
compose-spec schema (check-jsonschema ships it) and the properties the README promises;
the Dockerfile's stages and user. Where an engine answers, `docker compose config` too."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT

COMPOSE = REPO_ROOT / "compose.yaml"


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec"]
    return subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_compose_file_follows_the_compose_specification() -> None:
    result = _validate(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_can_fail(compose: dict[str, Any], tmp_path: Path) -> None:
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["api"]["depends_on"]["migrate"]["condition"] = "service_finished"
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(broken))
    assert _validate(path).returncode != 0


def test_postgis_with_a_named_volume_and_a_healthcheck(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    assert db["image"].startswith("postgis/postgis:")
    volume, mount = db["volumes"][0].split(":")[:2]
    assert mount == "/var/lib/postgresql/data"
    assert volume in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "POSTGRES_PASSWORD:?" in db["environment"]["POSTGRES_PASSWORD"], "no default password"


def test_migrations_run_once_before_the_api(compose: dict[str, Any]) -> None:
    services = compose["services"]
    migrate, api = services["migrate"], services["api"]
    assert migrate["command"][:3] == ["neetmap", "db", "prepare"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name, service in services.items():
        command = " ".join(service.get("command", []))
        if name != "migrate":
            assert "upgrade" not in command
            assert "prepare" not in command


def test_api_runs_several_workers_and_is_healthy_when_ready(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    workers = next(arg for arg in api["command"] if arg.startswith("--workers="))
    default = re.search(r":-(\d+)", workers)
    assert default is not None
    assert int(default.group(1)) > 1
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    assert api["environment"]["PROMETHEUS_MULTIPROC_DIR"] in api["tmpfs"]
    assert "@db:5432/" in compose["x-neetmap-environment"]["NEETMAP_DATABASE_URL"]


def test_dockerfile_is_multi_stage_slim_and_not_root() -> None:
    lines = (REPO_ROOT / "Dockerfile").read_text().splitlines()
    stages = [line for line in lines if line.startswith("FROM ")]
    assert len(stages) >= 2
    assert all("-slim" in stage for stage in stages)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users
    assert not users[-1].startswith(("0", "root"))
    assert any("/readyz" in line for line in lines)
    assert any("postgresql-client" in line for line in lines), "pg_dump for db backup"


def _docker_engine() -> str | None:
    if shutil.which("docker") is None:
        return "the docker command is not installed"
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    return None if info.returncode == 0 else "no Docker engine answers `docker info`"


def test_docker_compose_config_where_an_engine_exists(tmp_path: Path) -> None:
    reason = _docker_engine()
    if reason is not None:
        pytest.skip(f"{reason}: compose.yaml was checked against the compose-spec schema only")
    env = {"POSTGRES_PASSWORD": "check-only", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
