"""configuration.dependencies_pinned: agno and the model SDKs are pinned in the deployed requirements."""

from __future__ import annotations

import re

from packaging.version import InvalidVersion, Version

from agno_check.checks._deployment import deployment_check, judged_text, project_of, unreadable, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.image import image_contents
from agno_check.project.load import python_sources
from agno_check.project.model import Finding
from agno_check.project.requirements import Requirements

#: the model SDKs an agno model class imports: ``agno.models.<name>`` -> distribution
MODEL_SDKS = {"openai": "openai", "anthropic": "anthropic", "google": "google-genai", "groq": "groq",
              "mistral": "mistralai", "cohere": "cohere", "ollama": "ollama", "litellm": "litellm",
              "together": "openai", "deepseek": "openai", "xai": "openai", "openrouter": "openai",
              "fireworks": "openai", "aws": "boto3"}
SDK_MODULES = {"openai": "openai", "anthropic": "anthropic", "google.genai": "google-genai", "groq": "groq",
               "mistralai": "mistralai", "cohere": "cohere", "ollama": "ollama", "litellm": "litellm"}
IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))")
#: modules of agno that a pin must be new enough for: module prefix -> first version that has it
AGNO_SINCE = {"agno.os": Version("2.0.0")}


def _deployed_requirements(project) -> list[Requirements]:
    chosen: dict[str, Requirements] = {}
    for dockerfile in project.deployed_dockerfiles:
        for rel in image_contents(project, dockerfile).sources:
            chosen.update({r.rel: r for r in project.requirements if r.rel == rel})
    if not chosen:
        chosen = {r.rel: r for r in project.requirements if "/" not in r.rel}
    locks = {k: v for k, v in chosen.items() if v.rel != "pyproject.toml"}
    return list((locks or chosen).values())


@deployment_check(id="configuration.dependencies_pinned", severity="low",
                  title="agno and the model SDKs are pinned, matching the code's imports")
async def dependencies_pinned(ctx: CheckContext) -> Outcome:
    """What it checks: the requirements the deployed image installs (``pip install -r``/``uv pip sync`` in the
    Dockerfile; else the top-level ``requirements*.txt`` / ``pyproject.toml``) pin ``agno`` and every model SDK
    (``openai``, ``anthropic``, ``google-genai``, ...) with ``==``; that the SDKs the code's agno models need are
    listed (``agno.models.openai`` needs ``openai``); and that the agno pin has the modules the code imports
    (``agno.os`` arrived in agno 2.0). Equivalent: hadolint DL3013 (pin versions in pip install); checkov, trivy
    and KICS have no rule for it.

    Why it matters: agno and the SDKs move fast and break APIs between minors; an unpinned ``agno`` builds a
    different agent on every image build, and an SDK missing from the image is an ImportError on the first run.

    How to fix: Pin them (``agno==3.1.10``, ``openai==1.58.1``), best with a lock file (``uv pip compile
    pyproject.toml -o requirements.txt``) that the Dockerfile installs, and bump them on purpose.
    """
    project = project_of(ctx)
    requirements = _deployed_requirements(project)
    imports: list[tuple[str, int, str]] = []
    for rel, lines in python_sources(project):
        for number, text in enumerate(lines, start=1):
            match = IMPORT.match(text)
            if match:
                imports.append((rel, number, match.group(1) or match.group(2)))
    if not requirements:
        return skipped("no requirements file or pyproject.toml dependencies to judge" + unreadable(project))
    findings: list[Finding] = []

    def entry(name: str):
        return next((e for r in requirements for e in r.entries if e.name == name), None), \
            next((r for r in requirements if r.find(name)), None)

    needed: dict[str, tuple[str, int, str]] = {}
    for rel, line, module in imports:
        if module.split(".", 1)[0] == "agno":
            needed.setdefault("agno", (rel, line, module))
            parts = module.split(".")
            if len(parts) >= 3 and parts[1] == "models" and parts[2] in MODEL_SDKS:
                needed.setdefault(MODEL_SDKS[parts[2]], (rel, line, module))
        for prefix, dist in SDK_MODULES.items():
            if module == prefix or module.startswith(prefix + "."):
                needed.setdefault(dist, (rel, line, module))
    listed = {e.name for r in requirements for e in r.entries}
    for name in sorted({"agno", *MODEL_SDKS.values()} & listed | set(needed)):
        found, file = entry(name)
        if found is None:
            rel, line, module = needed[name]
            findings.append(Finding(rel, line, f"imports {module}, which needs {name}: not in "
                                               f"{', '.join(r.rel for r in requirements)}"))
            continue
        if not found.pinned:
            findings.append(Finding(file.rel, found.line, f"{found.text} is not pinned (==)"))  # type: ignore[union-attr]
            continue
        if name == "agno":
            version_text = found.specifier.split("==", 1)[1].split(",", 1)[0]
            try:
                pinned = Version(version_text)
            except InvalidVersion:
                continue
            for rel, line, module in imports:
                for prefix, since in AGNO_SINCE.items():
                    if (module == prefix or module.startswith(prefix + ".")) and pinned < since:
                        findings.append(Finding(file.rel, found.line,  # type: ignore[union-attr]
                                                f"agno=={pinned} has no {prefix} ({rel}:{line} imports {module}; it "
                                                f"arrived in agno {since})"))
    judged = judged_text(project, [r.rel for r in requirements])
    relevant = sorted(e.text for r in requirements for e in r.entries if e.name in {"agno", *MODEL_SDKS.values()})
    if not relevant and not findings:
        return skipped(f"neither agno nor a model SDK in what the image installs ({judged})")
    return verdict(findings, bad="fail", ok_detail="agno and the model SDKs pinned: " + ", ".join(relevant),
                   judged=judged)
