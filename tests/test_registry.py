"""The catalogue as a contract: ids, severities and docstrings as checks.md asks, and every check tested."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from agno_check.checks.registry import CATEGORIES, load_catalogue
from tests.conftest import ROOT

CHECKS_MD = ROOT.parent / "shared" / "design" / "checks.md"
TESTS = Path(__file__).resolve().parent

#: the required catalogue and its severities, as checks.md states them
REQUIRED = {
    "critical": "security.auth_required security.auth_invalid_token security.jwt_alg_none security.jwt_tampered "
                "security.jwt_weak_secret security.unauthenticated_data security.user_isolation "
                "security.agentos_auth_mode security.run_entry_points",
    "high": "configuration.health_endpoint performance.latency performance.concurrency reliability.malformed_input "
            "reliability.error_status_honest reliability.upstream_faults security.jwt_expired security.rate_limiting "
            "security.prompt_injection security.system_prompt_exposure security.error_disclosure configuration.tls "
            "reliability.runtime_errors reliability.tool_errors",
    "medium": "configuration.prometheus_metrics configuration.debug_disabled performance.ttft "
              "performance.health_under_load reliability.session_continuity reliability.backpressure "
              "security.input_size_limit security.cors security.egress performance.tool_latency",
    "low": "configuration.health_depth configuration.api_docs_exposed reliability.error_responses security.headers "
           "configuration.version_banner",
}


def test_required_catalogue_is_complete_with_the_contracts_severities():
    catalogue = load_catalogue()
    for severity, ids in REQUIRED.items():
        for check_id in ids.split():
            assert check_id in catalogue, f"{check_id} is missing"
            assert catalogue[check_id].severity == severity, check_id


def test_required_list_matches_checks_md():
    if not CHECKS_MD.is_file():
        pytest.skip("shared/design/checks.md is not beside this checkout")
    text = CHECKS_MD.read_text().split("## Severities", 1)[1].split("\n\n", 1)[0]  # the paragraph of lists
    listed: dict[str, set[str]] = {}
    # "high: a, b,\n c." lines, and "medium also: d, e." that adds to an earlier severity
    for match in re.finditer(r"^(\w+)(?: also)?: (.+?)(?=^\w+(?: also)?: |\Z)", text, re.M | re.S):
        severity, ids = match.group(1), match.group(2)
        if severity not in REQUIRED:
            continue  # e.g. "Deployment-file checks carry their severity in their table."
        listed.setdefault(severity, set()).update(
            part.strip().rstrip(".") for part in ids.split(". ")[0].replace("\n", " ").split(",") if part.strip())
    for severity, ids in REQUIRED.items():
        assert listed.get(severity) == set(ids.split()), severity


@pytest.mark.parametrize("check_id", sorted(load_catalogue()))
def test_every_check_is_documented_and_exercised_by_a_test(check_id):
    spec = load_catalogue()[check_id]
    assert spec.category in CATEGORIES
    assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", check_id)
    for section in ("What it checks", "Why it matters", "How to fix"):
        assert spec.section(section), f"{check_id}: no '{section}:' section in its docstring"
    module = ROOT / "agno_check" / "checks" / spec.category / f"{check_id.split('.', 1)[1]}.py"
    assert module.is_file(), f"{check_id} should live in {module.relative_to(ROOT)}"
    assert check_id in verdicts_asserted(), f"no test asserts a pass, warn, fail or error verdict of {check_id}"


VERDICTS = frozenset({"pass", "warn", "fail", "error"})


#: the module-level string constants of the test file being read (``CHECK = "reliability.upstream_faults"``)
_CONSTANTS: dict[str, str] = {}


def _strings(nodes: list[ast.AST]) -> set[str]:
    found = {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found | {_CONSTANTS[n.id] for n in nodes if isinstance(n, ast.Name) and n.id in _CONSTANTS}


def _verdict_compared(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Compare) and _strings(list(ast.walk(n))) & VERDICTS for n in ast.walk(node))


@functools.cache
def verdicts_asserted() -> frozenset[str]:
    """Check ids that some test pairs with a non-skip verdict: in one ``assert`` statement
    (``assert result(report, ID).status == "fail"``), through a name bound to the check's result
    (``check = result(report, ID)`` then ``assert check.status == "pass"``), in one call's arguments
    (``assert_flaw_found(report, ID, "fail", ...)``), one tuple (a parametrize case) or one dict entry
    (``{ID: "pass"}`` compared with the statuses), or in a module about one check (``CHECK = ID``) whose
    tests assert verdicts. Naming an id, or asserting it was skipped, is not testing it."""
    found: set[str] = set()
    for path in TESTS.glob("test_*.py"):
        if path.name == "test_registry.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        _CONSTANTS.clear()
        _CONSTANTS.update({t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                           and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                           for t in n.targets if isinstance(t, ast.Name)})
        if any(isinstance(n, ast.Assert) and _verdict_compared(n) for n in ast.walk(tree)):
            found |= {v for k, v in _CONSTANTS.items() if k == "CHECK"}
        for node in ast.walk(tree):
            groups: list[set[str]] = []
            if isinstance(node, ast.Assert) and _verdict_compared(node):
                groups.append(_strings(list(ast.walk(node))))
            elif isinstance(node, ast.Call):
                groups.append(_strings([*node.args, *(k.value for k in node.keywords)]))
            elif isinstance(node, ast.Tuple | ast.List):
                groups.append(_strings(node.elts))
            elif isinstance(node, ast.Dict):
                groups += [_strings([k, v]) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
            elif isinstance(node, ast.FunctionDef):
                bound: dict[str, set[str]] = {}  # name -> the check ids its value came from
                for assign in ast.walk(node):
                    if isinstance(assign, ast.Assign):
                        value_nodes = list(ast.walk(assign.value))
                        ids = {s for n in value_nodes if isinstance(n, ast.Call) for s in _strings(n.args)}
                        ids |= {i for n in value_nodes if isinstance(n, ast.Name) for i in bound.get(n.id, ())}
                        for target in assign.targets:
                            for name in (n for n in ast.walk(target) if isinstance(n, ast.Name)):
                                if ids:
                                    bound.setdefault(name.id, set()).update(ids)
                for assertion in ast.walk(node):
                    if isinstance(assertion, ast.Assert) and _verdict_compared(assertion):
                        for name in {n.id for n in ast.walk(assertion) if isinstance(n, ast.Name)} & bound.keys():
                            found |= bound[name]
            for strings in groups:
                if strings & VERDICTS:
                    found |= strings
    return frozenset(found)
