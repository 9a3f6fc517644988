"""The deployment-file checks on fixtures written for them: the seed's recipe, agno's production template, a
hardened twin that passes everything, and one twin per check (the hardened project with exactly one flaw).

Each run reads files only: a directory TARGET contacts no server. Every failing verdict must name the file and
the 1-based line of its flaw, and no report may carry a credential written in a fixture.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from agno_check.targets.spec import parse_target
from tests.conftest import ROOT
from tests.readiness_helpers import readiness, result, statuses

FIXTURES = ROOT / "tests" / "fixtures" / "deploy"
DEPLOYMENT_CHECKS = {
    "configuration.deployment_files", "configuration.container_healthcheck", "security.container_user",
    "configuration.base_image_pinned", "security.secrets_in_image", "security.compose_secrets",
    "security.exposed_datastores", "configuration.dev_settings_in_deploy", "security.env_dump",
    "configuration.restart_and_limits", "configuration.replicas", "configuration.dependencies_pinned",
}


def not_passing(report) -> dict[str, str]:
    return {c: s for c, s in statuses(report).items() if s != "pass"}


def line_text(project: Path, file: str, line: int) -> str:
    return (project / file).read_text(encoding="utf-8").splitlines()[line - 1]


def assert_points_at(project: Path, verdict, file: str, snippet: str) -> None:
    """Some finding of the verdict names ``file`` and a line holding ``snippet``; every finding has file/line."""
    evidence = verdict.evidence
    assert isinstance(evidence["file"], str) and isinstance(evidence["line"], int) and evidence["line"] >= 1
    findings = evidence["findings"]
    assert findings and all({"file", "line", "message"} <= set(f) for f in findings)
    assert (evidence["file"], evidence["line"]) == (findings[0]["file"], findings[0]["line"])
    hits = [f for f in findings if f["file"] == file and snippet in line_text(project, file, f["line"])]
    assert hits, (snippet, findings)
    assert f"{file}:{hits[0]['line']}" in verdict.detail


def test_a_directory_target_is_said_to_be_one():
    spec = parse_target(str(FIXTURES / "seed"))
    assert spec.kind == "project" and "project directory" in spec.guessed and "no server" in spec.guessed


def test_the_seed_recipe_every_flaw_found_and_nothing_else():
    project = FIXTURES / "seed"
    report = readiness(str(project))
    assert set(statuses(report)) == DEPLOYMENT_CHECKS  # a directory runs the deployment checks alone
    assert report.profile == "inprocess" and report.protocol == "project"
    assert not_passing(report) == {"configuration.container_healthcheck": "fail", "security.compose_secrets": "fail",
                                   "security.exposed_datastores": "fail", "configuration.replicas": "warn"}
    health = result(report, "configuration.container_healthcheck")
    assert "imports requests, which the image does not install" in health.detail
    assert_points_at(project, health, "Dockerfile", "HEALTHCHECK")
    assert "urllib.request" in health.remediation  # a fix that works with what the image installs
    secrets = result(report, "security.compose_secrets")
    assert_points_at(project, secrets, "docker-compose.yml", "POSTGRES_PASSWORD: agno_pass")
    assert_points_at(project, secrets, "docker-compose.yml", "DATABASE_URL=postgresql")
    exposed = result(report, "security.exposed_datastores")
    assert_points_at(project, exposed, "docker-compose.yml", '"5432:5432"')
    assert_points_at(project, exposed, "docker-compose.yml", '"6379:6379"')
    replicas = result(report, "configuration.replicas")
    assert "caps scaling at 3" in replicas.detail
    assert_points_at(project, replicas, "docker-compose.yml", '"8000-8002:8000"')
    assert "docker-compose.yml (the default compose file)" in secrets.detail  # which file was judged
    assert "agno_pass" not in report.to_json()


def test_agnos_production_template_every_flaw_found():
    project = FIXTURES / "template"
    report = readiness(str(project))
    assert not_passing(report) == {
        "configuration.container_healthcheck": "fail", "configuration.dev_settings_in_deploy": "fail",
        "security.env_dump": "fail", "security.exposed_datastores": "fail", "security.compose_secrets": "fail",
        "configuration.restart_and_limits": "warn", "configuration.replicas": "warn"}
    assert "no HEALTHCHECK" in result(report, "configuration.container_healthcheck").detail
    dev = result(report, "configuration.dev_settings_in_deploy")
    assert_points_at(project, dev, "compose.yaml", "--reload")
    assert_points_at(project, dev, "compose.yaml", 'AGNO_DEBUG: "True"')
    assert_points_at(project, dev, "compose.yaml", "RUNTIME_ENV: dev")
    dump = result(report, "security.env_dump")
    assert_points_at(project, dump, "scripts/entrypoint.sh", "printenv")
    assert "PRINT_ENV_ON_LOAD=True (compose.yaml:35)" in dump.detail
    exposed = result(report, "security.exposed_datastores")
    assert "5432:5432 (by default: ${DB_PORT:-5432})" in exposed.detail
    secrets = result(report, "security.compose_secrets")
    assert "POSTGRES_PASSWORD is a plain-text secret (a default credential)" in secrets.detail
    assert "${DB_PASS:-...}" in secrets.detail
    assert any("${VAR:-default} resolved to their defaults" in n and "DB_PASS=(not shown)" in n
               for n in report.notes)
    assert result(report, "security.container_user").status == "pass"  # USER ${USER} resolves to app
    assert "USER app" in result(report, "security.container_user").detail


def test_the_hardened_twin_passes_every_deployment_check():
    report = readiness(str(FIXTURES / "hardened"), fail_on="low")
    assert statuses(report) == dict.fromkeys(DEPLOYMENT_CHECKS, "pass")
    assert report.gate.passed and report.score == 100
    health = result(report, "configuration.container_healthcheck")
    assert "Dockerfile:15: its imports (urllib.request, sys) are installed" in health.detail
    assert "readinessProbe on agent" in health.detail
    # the development compose file is named, and not judged
    assert "not judged: compose.dev.yaml (local development)" in result(report, "security.exposed_datastores").detail
    assert any("compose.dev.yaml: a local-development compose file" in n for n in report.notes)


def hardened_copy(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "hardened", target)
    return target


def mutate(project: Path, file: str, old: str, new: str) -> None:
    path = project / file
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if old:
        assert text.count(old) == 1, f"{old!r} is not once in {file}"
        text = text.replace(old, new)
    else:
        text += new
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


#: (check, its status, [(file, old text, new text)], file and snippet of the line the finding points at, cause)
TWINS = [
    ("configuration.deployment_files", "error",
     [("deploy/k8s/broken.yaml", "", "apiVersion: v1\nkind: ConfigMap\ndata: [oops\n")],
     ("deploy/k8s/broken.yaml", ""), "not valid yaml"),
    ("configuration.container_healthcheck", "fail",
     [("Dockerfile", """CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)\"""",  # noqa: E501
       "CMD curl -fsS http://127.0.0.1:8000/health || exit 1")],
     ("Dockerfile", "HEALTHCHECK"), "curl is not in the image"),
    ("configuration.container_healthcheck", "fail",
     [("deploy/k8s/deployment.yaml", "          readinessProbe:\n            httpGet:\n              path: /health\n"
                                     "              port: 8000\n", "")],
     ("deploy/k8s/deployment.yaml", "- name: agent"), "has no readinessprobe"),
    ("security.container_user", "fail", [("Dockerfile", "USER app\n", "")],
     ("Dockerfile", "FROM python:3.12-slim"), "it runs as root"),
    ("security.container_user", "fail",
     [("deploy/k8s/deployment.yaml", "          args:", "          securityContext:\n            runAsUser: 0\n"
                                                      "          args:")],
     ("deploy/k8s/deployment.yaml", "- name: agent"), "runasuser: 0"),
    ("configuration.base_image_pinned", "fail",
     [("compose.yaml", "    image: postgres:16.4\n", "    image: postgres\n")],
     ("compose.yaml", "image: postgres"), "no tag"),
    ("configuration.base_image_pinned", "fail",
     [("Dockerfile", "FROM python:3.12-slim AS build", "FROM python:latest AS build")],
     ("Dockerfile", "FROM python:latest"), "the latest tag"),
    ("security.secrets_in_image", "fail",
     [("Dockerfile", "ENV PYTHONUNBUFFERED=1 RUNTIME_ENV=prd\n",
       "ENV PYTHONUNBUFFERED=1 RUNTIME_ENV=prd\nENV OPENAI_API_KEY=sk-proj-a8f3k2m9q7w4e1r6t5y0u2i8o3p\n")],
     ("Dockerfile", "ENV OPENAI_API_KEY"), "openai_api_key is a provider key"),
    ("security.secrets_in_image", "fail",
     [(".env", "", "OPENAI_API_KEY=sk-proj-a8f3k2m9q7w4e1r6t5y0u2i8o3p\n"), (".dockerignore", ".env\n.env.*\n", "")],
     ("Dockerfile", "COPY . ."), "copies .env into the image"),
    ("security.compose_secrets", "fail",
     [("compose.yaml", "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n",
       "      POSTGRES_PASSWORD: postgres\n")],
     ("compose.yaml", "POSTGRES_PASSWORD: postgres"), "a default credential"),
    ("security.compose_secrets", "fail",
     [("deploy/k8s/deployment.yaml", "            - name: RUNTIME_ENV\n",
       "            - name: DATABASE_URL\n              value: postgresql://agno:s3cr3t-pw@db/agno\n"
       "            - name: RUNTIME_ENV\n")],
     ("deploy/k8s/deployment.yaml", "- name: DATABASE_URL"), "a dsn with a password"),
    ("security.exposed_datastores", "fail",
     [("compose.yaml", "    image: postgres:16.4\n", "    image: postgres:16.4\n    ports:\n      - \"5432\"\n")],
     ("compose.yaml", '- "5432"'), "an ephemeral host port"),
    ("configuration.dev_settings_in_deploy", "fail",
     [("compose.yaml", "      RUNTIME_ENV: prd\n", "      RUNTIME_ENV: dev\n")],
     ("compose.yaml", "RUNTIME_ENV: dev"), "runtime_env=dev"),
    ("configuration.dev_settings_in_deploy", "fail",
     [("app/main.py", 'agent = Agent(model=OpenAIChat(id="gpt-4o-mini"),',
       'agent = Agent(debug_mode=True, model=OpenAIChat(id="gpt-4o-mini"),')],
     ("app/main.py", "debug_mode=True"), "debug_mode=true"),
    ("security.env_dump", "fail", [("scripts/entrypoint.sh", "set -eu\n", "set -eux\n")],
     ("scripts/entrypoint.sh", "set -eux"), "prints the environment"),
    ("security.env_dump", "fail", [("scripts/entrypoint.sh", 'exec "$@"', 'printenv\nexec "$@"')],
     ("scripts/entrypoint.sh", "printenv"), "prints the environment"),
    ("configuration.restart_and_limits", "warn",
     [("compose.yaml", "--to app:8000\n    restart: unless-stopped\n", "--to app:8000\n")],
     ("compose.yaml", "proxy:"), "no restart policy"),
    ("configuration.restart_and_limits", "warn",
     [("compose.yaml", "      db:\n        condition: service_healthy\n", "      - db\n")],
     ("compose.yaml", "- db"), "without condition: service_healthy"),
    ("configuration.replicas", "warn", [("compose.yaml", "      replicas: 3\n", "      replicas: 1\n")],
     ("compose.yaml", "replicas: 1"), "one replica"),
    ("configuration.replicas", "warn", [("compose.yaml", '    expose:\n      - "8000"\n',
                                         '    ports:\n      - "8000-8002:8000"\n')],
     ("compose.yaml", '"8000-8002:8000"'), "caps scaling at 3"),
    ("configuration.dependencies_pinned", "fail", [("requirements.txt", "agno==3.1.10\n", "agno>=3.0\n")],
     ("requirements.txt", "agno>=3.0"), "not pinned"),
    ("configuration.dependencies_pinned", "fail", [("requirements.txt", "openai==1.58.1\n", "")],
     ("app/main.py", "from agno.models.openai import OpenAIChat"), "which needs openai"),
]


@pytest.mark.parametrize(("check_id", "status", "edits", "points_at", "cause"), TWINS,
                         ids=[f"{t[0]}-{i}" for i, t in enumerate(TWINS)])
def test_each_twin_fails_only_its_check(tmp_path, check_id, status, edits, points_at, cause):
    project = hardened_copy(tmp_path)
    for file, old, new in edits:
        mutate(project, file, old, new)
    report = readiness(str(project), fail_on="low")
    assert not_passing(report) == {check_id: status}, [(c.id, c.detail) for c in report.checks
                                                       if c.status != "pass"]
    verdict = result(report, check_id)
    assert cause in verdict.detail.lower(), verdict.detail
    assert_points_at(project, verdict, *points_at)
    assert verdict.remediation
    for secret in ("s3cr3t-pw", "sk-proj-a8f3k2m9q7w4e1r6t5y0u2i8o3p"):
        assert secret not in report.to_json()


def test_a_development_profile_service_is_not_judged(tmp_path):
    project = hardened_copy(tmp_path)
    mutate(project, "compose.yaml", "\nsecrets:\n", "\n  adminer:\n    image: adminer:4.8.1\n    profiles: [dev]\n"
           "    command: php -S 0.0.0.0:8080 --reload\n    environment:\n      ADMINER_PASSWORD: admin\n"
           "  debugdb:\n    image: postgres:16.4\n    profiles: [debug]\n    ports:\n      - \"5432:5432\"\n"
           "\nsecrets:\n")
    report = readiness(str(project), fail_on="low")
    assert not_passing(report) == {}


def test_compose_file_chooses_what_is_judged_and_the_detail_says_so(tmp_path):
    project = FIXTURES / "hardened"
    report = readiness(str(project), compose_file="compose.dev.yaml")
    failing = not_passing(report)
    assert failing["configuration.dev_settings_in_deploy"] == "fail"
    assert failing["security.exposed_datastores"] == "fail"
    assert failing["security.compose_secrets"] == "fail"
    dev = result(report, "configuration.dev_settings_in_deploy")
    assert "compose.dev.yaml (--compose-file)" in dev.detail
    assert_points_at(project, dev, "compose.dev.yaml", "--reload")


def test_a_malformed_dockerfile_is_one_error_with_its_line(tmp_path):
    project = hardened_copy(tmp_path)
    mutate(project, "Dockerfile", "USER app\n", "USER app\nFROBNICATE everything\n")
    report = readiness(str(project), fail_on="low")
    files = result(report, "configuration.deployment_files")
    assert files.status == "error"
    assert files.evidence["file"] == "Dockerfile" and files.evidence["line"] == 14
    assert "unknown instruction 'FROBNICATE'" in files.detail and "Dockerfile:14" in files.detail
    # a check that had only the Dockerfile says why it had nothing to judge; one that judged other files names
    # the file it could not read
    assert result(report, "security.secrets_in_image").status == "skip"
    assert "not read: Dockerfile:14" in result(report, "security.secrets_in_image").detail
    assert "not read: Dockerfile:14" in result(report, "security.container_user").detail
    assert not report.gate.passed


def test_a_malformed_compose_file_is_one_error_with_the_parsers_line(tmp_path):
    project = hardened_copy(tmp_path)
    mutate(project, "compose.yaml", "    expose:\n", "    expose: [\n")
    report = readiness(str(project), fail_on="low")
    files = result(report, "configuration.deployment_files")
    assert files.status == "error" and files.evidence["file"] == "compose.yaml"
    assert "not valid YAML" in files.detail and isinstance(files.evidence["line"], int)
    assert result(report, "security.exposed_datastores").status == "skip"


def test_without_a_project_the_deployment_checks_skip_and_say_why(seed_service):
    from tests.refs.seed_app import SOUND_TOKEN

    report = readiness(seed_service(), token=SOUND_TOKEN, only=sorted(DEPLOYMENT_CHECKS) + [
        "configuration.health_endpoint"])
    for check_id in DEPLOYMENT_CHECKS:
        assert result(report, check_id).status == "skip"
        assert "no --project DIR" in result(report, check_id).detail
    assert result(report, "configuration.health_endpoint").status == "pass"


def test_the_catalogue_has_the_deployment_table_of_checks_md_with_its_severities():
    from agno_check.checks.registry import load_catalogue

    checks_md = ROOT.parent / "shared" / "design" / "checks.md"
    if not checks_md.is_file():
        pytest.skip("shared/design/checks.md is not beside this checkout")
    table = checks_md.read_text(encoding="utf-8").split("## deployment files", 1)[1]
    rows = re.findall(r"^\| ([a-z]+\.[a-z_]+) \| (critical|high|medium|low) \|", table, re.M)
    assert len(rows) == 11
    catalogue = load_catalogue()
    for check_id, severity in rows:
        assert catalogue[check_id].severity == severity, check_id
        assert "project" in catalogue[check_id].targets
    assert {check_id for check_id, _ in rows} | {"configuration.deployment_files"} == DEPLOYMENT_CHECKS


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


REQUESTS_CHECK = ('HEALTHCHECK CMD python -c "import requests; '
                  "requests.get('http://127.0.0.1:8000/health', timeout=4).raise_for_status()\"\n")


@pytest.mark.parametrize(("files", "status", "cause"), [
    # requests comes in through an included file: the check can run
    ({"Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nUSER app\n"
                    + REQUESTS_CHECK,
      "requirements.txt": "-r base.txt\nagno==3.1.10\n", "base.txt": "requests==2.32.3\n"},
     "pass", "its imports (requests) are installed"),
    # httpx arrives with an extra (fastapi[standard]), which the image asks for
    ({"Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nUSER app\n"
                    "HEALTHCHECK CMD python -c \"import httpx; httpx.get('http://127.0.0.1:8000/health')\"\n",
      "requirements.txt": "fastapi[standard]==0.115.6\n"},
     "pass", "its imports (httpx) are installed"),
    # a base image agno-check does not know may ship requests: could not confirm, never "cannot work"
    ({"Dockerfile": "FROM agnohq/python:3.12\nCOPY requirements.txt .\nRUN uv pip sync requirements.txt --system\n"
                    "USER app\n" + REQUESTS_CHECK,
      "requirements.txt": "agno==3.1.10\n"},
     "warn", "the base image agnohq/python:3.12 may ship it"),
    # an install line naming a file the project does not have: unknown, not missing
    ({"Dockerfile": "FROM python:3.12-slim\nRUN pip install -r /tmp/generated.txt\nUSER app\n" + REQUESTS_CHECK},
     "warn", "could not be read"),
    # curl on a slim image cannot run; installed by apt-get it can
    ({"Dockerfile": "FROM python:3.12-slim\nUSER app\nHEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/health\n"},
     "fail", "curl is not in the image"),
    ({"Dockerfile": "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
                    "USER app\nHEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/health || exit 1\n"},
     "pass", "curl is in the image"),
    # a BuildKit heredoc (which dockerfile-parse does not know) is read as its RUN, and later lines keep their number
    ({"Dockerfile": "FROM python:3.12-slim\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nUSER app\n"
                    "HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/health || exit 1\n"},
     "pass", "Dockerfile:7: curl is in the image"),
    ({"Dockerfile": "FROM python:3.12-slim\nUSER app\nHEALTHCHECK CMD /app/bin/health.sh\n"},
     "fail", "/app/bin/health.sh does not exist in the project"),
    ({"Dockerfile": "FROM python:3.12-slim\nUSER app\nHEALTHCHECK CMD [\"python\", \"-m\", \"app.health\"]\n",
      "app/health.py": "print('ok')\n"},
     "pass", "python -m app.health can be found"),
    ({"Dockerfile": "FROM python:3.12-slim\nUSER app\nHEALTHCHECK CMD python -u /srv/health.py\n"},
     "fail", "/srv/health.py does not exist in the project"),
    ({"Dockerfile": "FROM python:3.12-slim\nUSER app\nHEALTHCHECK CMD python -c \"import urllib.request; (\"\n"},
     "fail", "not valid python"),
])
def test_the_health_check_command_is_judged_by_what_the_image_holds(tmp_path, files, status, cause):
    report = readiness(str(write_project(tmp_path, files)), only=["configuration.container_healthcheck"])
    verdict = result(report, "configuration.container_healthcheck")
    assert verdict.status == status, verdict.detail
    assert cause in verdict.detail.lower() if cause.islower() else cause in verdict.detail, verdict.detail
    if status != "pass":
        assert verdict.evidence["file"] == "Dockerfile" and verdict.evidence["line"] >= 1


def test_the_production_compose_file_is_judged_and_the_other_named(tmp_path):
    project = write_project(tmp_path, {
        "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
        "docker-compose-prod.yml": "services:\n  db:\n    image: postgres:16\n",
    })
    report = readiness(str(project), only=["security.exposed_datastores"])
    verdict = result(report, "security.exposed_datastores")
    assert verdict.status == "pass"
    assert "docker-compose-prod.yml (its name says production)" in verdict.detail
    chosen = readiness(str(project), only=["security.exposed_datastores"], compose_file="docker-compose.yml")
    assert result(chosen, "security.exposed_datastores").status == "fail"
    assert "docker-compose.yml (--compose-file)" in result(chosen, "security.exposed_datastores").detail


def test_quoted_lines_never_carry_the_secrets_they_hold(tmp_path):
    key = "sk-proj-Zq8vN3kL0pW7xR2tY5uB1mC4"
    project = write_project(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\nUSER app\n",
        "app.py": f'agent = Agent(debug_mode=True, api_key="{key}")\n',
        "entrypoint.sh": "#!/bin/sh\nprintenv | grep DATABASE_URL=postgresql://app:pw-9f8e7d@db/app\nexec \"$@\"\n",
    })
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nUSER app\nENTRYPOINT [\"/entrypoint.sh\"]\n")
    report = readiness(str(project), only=["configuration.dev_settings_in_deploy", "security.env_dump"])
    assert result(report, "configuration.dev_settings_in_deploy").status == "fail"
    assert result(report, "security.env_dump").status == "fail"
    text = report.to_json()
    assert key not in text and "pw-9f8e7d" not in text


def test_an_autoscaler_counts_as_replicas_and_a_database_statefulset_is_not_the_agent(tmp_path):
    project = hardened_copy(tmp_path)
    mutate(project, "deploy/k8s/deployment.yaml", "  replicas: 3\n", "")
    mutate(project, "deploy/k8s/hpa.yaml", "", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
           "metadata:\n  name: agent\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
           "    name: agent\n  minReplicas: 2\n  maxReplicas: 10\n")
    mutate(project, "deploy/k8s/postgres.yaml", "", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n"
           "  name: postgres\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: db\n"
           "          image: postgres:16.4\n          readinessProbe:\n            exec:\n              command: "
           "[pg_isready]\n          resources:\n            limits:\n              cpu: \"1\"\n"
           "              memory: 1Gi\n")
    report = readiness(str(project), fail_on="low")
    assert not_passing(report) == {}
    replicas = result(report, "configuration.replicas")
    assert "Deployment agent: autoscaled from 2 (deploy/k8s/hpa.yaml:2)" in replicas.detail


def test_a_replica_count_set_at_deploy_time_is_not_confirmed(tmp_path):
    project = write_project(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\nUSER app\n",
        "compose.yaml": "services:\n  app:\n    build: .\n    deploy:\n      replicas: ${REPLICAS}\n",
    })
    verdict = result(readiness(str(project), only=["configuration.replicas"]), "configuration.replicas")
    assert verdict.status == "warn" and "set at deploy time: could not confirm" in verdict.detail
    assert (verdict.evidence["file"], verdict.evidence["line"]) == ("compose.yaml", 5)


def test_only_a_development_compose_file_means_no_compose_is_judged(tmp_path):
    project = write_project(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\nUSER app\n",
        "docker-compose.dev.yml": "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
    })
    report = readiness(str(project), only=["security.exposed_datastores", "security.container_user"])
    exposed = result(report, "security.exposed_datastores")
    assert exposed.status == "skip"
    assert "only local-development ones (docker-compose.dev.yml)" in exposed.detail
    assert result(report, "security.container_user").status == "pass"
    assert any("docker-compose.dev.yml: a local-development compose file (its name says so: dev)" in n
               for n in report.notes)


def test_a_final_stage_built_on_an_earlier_one_inherits_its_user_env_and_healthcheck(tmp_path):
    project = write_project(tmp_path, {"Dockerfile": (
        "FROM python:3.12-slim AS base\nENV OS_SECURITY_KEY=Zk3Qw9Lm2Np8Rt5V\nUSER app\n"
        "HEALTHCHECK CMD python -c \"import urllib.request\"\n"
        "FROM base AS builder\nRUN pip install agno==3.1.10\nFROM base\nCMD [\"python\", \"-m\", \"app\"]\n")})
    report = readiness(str(project), only=["security.container_user", "security.secrets_in_image",
                                           "configuration.container_healthcheck"])
    assert result(report, "security.container_user").status == "pass"
    assert "Dockerfile:3: USER app" in result(report, "security.container_user").detail
    secret = result(report, "security.secrets_in_image")
    assert secret.status == "fail" and (secret.evidence["file"], secret.evidence["line"]) == ("Dockerfile", 2)
    assert result(report, "configuration.container_healthcheck").status == "pass"
    assert "Zk3Qw9Lm2Np8Rt5V" not in report.to_json()


def test_kubernetes_running_every_container_non_root_covers_an_image_without_user(tmp_path):
    project = hardened_copy(tmp_path)
    mutate(project, "Dockerfile", "USER app\n", "")
    mutate(project, "compose.yaml", "    build: .\n", "    image: registry.example.com/agent:1.4.2\n")
    report = readiness(str(project), only=["security.container_user"])
    verdict = result(report, "security.container_user")
    assert verdict.status == "pass", verdict.detail
    assert "Dockerfile sets no USER, but every Kubernetes container runs non-root" in verdict.detail
    mutate(project, "deploy/k8s/deployment.yaml", "        runAsNonRoot: true\n        runAsUser: 10001\n", "")
    assert result(readiness(str(project), only=["security.container_user"]), "security.container_user").status \
        == "fail"


def test_a_template_placeholder_is_not_a_written_secret(tmp_path):
    project = hardened_copy(tmp_path)
    mutate(project, "deploy/k8s/deployment.yaml", "            - name: RUNTIME_ENV\n",
           "            - name: GOOGLE_API_KEY\n              value: GOOGLE_API_KEY_VAL\n"
           "            - name: RUNTIME_ENV\n")
    assert result(readiness(str(project), only=["security.compose_secrets"]), "security.compose_secrets").status \
        == "pass"


def test_examples_and_tests_folders_are_not_deployment_files(tmp_path):
    project = write_project(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\nUSER app\n",
        "examples/Dockerfile": "FROM python\n",
        "tests/fixtures/compose.yaml": "services:\n  db:\n    image: postgres\n    ports:\n      - \"5432:5432\"\n",
        "cookbook/agent.py": "agent = Agent(debug_mode=True)\n",
    })
    report = readiness(str(project), only=["configuration.base_image_pinned", "security.container_user",
                                           "configuration.dev_settings_in_deploy", "security.exposed_datastores"])
    assert statuses(report) == {"configuration.base_image_pinned": "pass", "security.container_user": "pass",
                                "configuration.dev_settings_in_deploy": "pass", "security.exposed_datastores": "skip"}


def test_a_path_that_is_not_a_directory_is_not_taken_for_one(tmp_path):
    from agno_check.errors import UsageError

    with pytest.raises(UsageError, match="or a project directory"):
        parse_target(str(tmp_path / "missing"))


def test_kubernetes_probes_do_not_excuse_an_image_that_compose_runs_without_a_health_check(tmp_path):
    project = hardened_copy(tmp_path)
    dockerfile = project / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8")
    start = text.index("HEALTHCHECK")
    dockerfile.write_text(text[:start] + text[text.index("ENTRYPOINT"):], encoding="utf-8")
    verdict = result(readiness(str(project), only=["configuration.container_healthcheck"]),
                     "configuration.container_healthcheck")
    assert verdict.status == "fail" and "no HEALTHCHECK in the final stage nor a healthcheck: on app" in verdict.detail
    mutate(project, "compose.yaml", "    build: .\n", "    image: registry.example.com/agent:1.4.2\n")
    verdict = result(readiness(str(project), only=["configuration.container_healthcheck"]),
                     "configuration.container_healthcheck")
    assert verdict.status == "pass" and "readinessProbe on agent" in verdict.detail
