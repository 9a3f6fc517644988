"""Kubernetes workloads (``kind: Deployment`` / ``StatefulSet``) from ``*.yaml`` / ``*.yml``, with line numbers.

Only these two kinds are read: they say how the agent's pods run (replicas, probes, resources, environment).
Helm templates (``{{ ... }}``) are not rendered, so they are not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agno_check.project.yamlines import LineDict, LineList, YamlError, as_int, load_documents

KINDS = frozenset({"Deployment", "StatefulSet"})


@dataclass
class Container:
    name: str
    line: int
    data: LineDict

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def line_of(self, key: str) -> int:
        return self.data.line_of(key, self.line)

    def environment(self) -> list[tuple[str, str | None, int]]:
        """(name, literal value or None when it comes from a Secret/ConfigMap, line)."""
        env = self.data.get("env")
        found: list[tuple[str, str | None, int]] = []
        if isinstance(env, LineList):
            for index, item in enumerate(env):
                if isinstance(item, LineDict) and "name" in item:
                    value = item.get("value")
                    found.append((str(item["name"]), None if value is None else str(value), env.line_of(index)))
        return found

    def argv(self) -> str:
        parts = [*(self.data.get("command") or []), *(self.data.get("args") or [])]
        return " ".join(str(p) for p in parts)


@dataclass
class Workload:
    path: Path
    rel: str
    kind: str
    name: str
    line: int
    data: LineDict
    containers: list[Container] = field(default_factory=list)

    @property
    def spec(self) -> LineDict:
        spec = self.data.get("spec")
        return spec if isinstance(spec, LineDict) else LineDict()

    @property
    def pod_spec(self) -> LineDict:
        template = self.spec.get("template")
        pod = template.get("spec") if isinstance(template, LineDict) else None
        return pod if isinstance(pod, LineDict) else LineDict()

    def label(self) -> str:
        return f"{self.kind} {self.name}"


class ManifestError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def looks_like_manifest(text: str) -> bool:
    return "apiVersion" in text and "kind:" in text


@dataclass
class Autoscaler:
    """A HorizontalPodAutoscaler: the workload it scales and its floor."""

    rel: str
    line: int
    target: str
    min_replicas: int


def parse_manifests(path: Path, rel: str, autoscalers: list[Autoscaler] | None = None) -> list[Workload]:
    """The Deployments and StatefulSets of one YAML file (HorizontalPodAutoscalers go to ``autoscalers``,
    others are ignored); a ManifestError when a file that looks like a manifest does not parse."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read it: {exc}", 1) from None
    if "{{" in text:  # a Helm/Go template: not YAML until rendered
        return []
    try:
        documents = load_documents(text)
    except YamlError as exc:
        if looks_like_manifest(text):
            raise ManifestError(str(exc), exc.line) from None
        return []
    workloads = []
    for doc in documents:
        if isinstance(doc, LineDict) and doc.get("kind") == "HorizontalPodAutoscaler" and autoscalers is not None:
            spec = doc.get("spec") if isinstance(doc.get("spec"), LineDict) else LineDict()
            ref = spec.get("scaleTargetRef") if isinstance(spec.get("scaleTargetRef"), LineDict) else LineDict()
            autoscalers.append(Autoscaler(rel, doc.line_of("kind"), str(ref.get("name", "")),
                                          as_int(spec.get("minReplicas"), 1) or 1))
            continue
        if not isinstance(doc, LineDict) or doc.get("kind") not in KINDS:
            continue
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), LineDict) else LineDict()
        workload = Workload(path, rel, str(doc["kind"]), str(meta.get("name", "?")), doc.line_of("kind"), doc)
        containers = workload.pod_spec.get("containers")
        if isinstance(containers, LineList):
            for index, item in enumerate(containers):
                if isinstance(item, LineDict):
                    workload.containers.append(Container(str(item.get("name", index)), containers.line_of(index),
                                                         item))
        workloads.append(workload)
    return workloads
