"""security.exposed_datastores: databases and caches are not published on the host."""

from __future__ import annotations

from agno_check.checks._deployment import deployment_check, judged_text, nothing_judged, project_of, verdict
from agno_check.checks.context import CheckContext
from agno_check.checks.outcome import Outcome, skipped
from agno_check.project.datastores import DATASTORE_IMAGES, DATASTORE_PORTS
from agno_check.project.model import Finding

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@deployment_check(id="security.exposed_datastores", severity="high",
                  title="Databases and caches are not published on the host")
async def exposed_datastores(ctx: CheckContext) -> Outcome:
    """What it checks: in the compose file the deployment uses, every service that is a datastore (its image:
    postgres, pgvector, mysql, redis, mongo, qdrant, ...; or a datastore's port) publishes no port on the
    host's interfaces: ``5432:5432``, ``${DB_PORT:-5432}:5432`` and ``6379`` (an ephemeral host port) all fail;
    ``127.0.0.1:5432:5432`` (loopback only) and ``expose:`` pass. Equivalent: KICS "Container Traffic Not Bound
    To Host Interface"; checkov and trivy have no compose rule for it.

    Why it matters: Docker's published ports bypass host firewalls such as ufw (Docker writes its own iptables
    rules); a database on ``0.0.0.0:5432`` with the template's default credentials is reachable by anyone who
    can reach the host, and Redis has no password at all by default.

    How to fix: Remove the ``ports:`` of the datastore services (the agent reaches them by service name on the
    compose network); for local debugging, bind to loopback (``127.0.0.1:5432:5432``) in a development-only
    file or profile.
    """
    project = project_of(ctx)
    compose = project.compose
    if compose is None:
        return skipped(nothing_judged(project, "compose file"))
    findings: list[Finding] = []
    stores: list[str] = []
    for service in compose.services:
        if service.dev_reason:
            continue
        is_store = bool(DATASTORE_IMAGES.search(service.image)) and not service.builds
        if is_store:
            stores.append(service.name)
        for host_ip, host, container, line in service.ports():
            what = DATASTORE_PORTS.get(container) or (service.image.split(":", 1)[0] if is_store else None)
            if what is None or (host_ip and host_ip.strip("[]") in LOOPBACK):
                continue
            published = f"{host}:{container}" if host else f"{container} (an ephemeral host port)"
            subs = [s.expression for s in compose.defaulted(line)]
            if subs:
                published += f" (by default: {', '.join(subs)})"
            findings.append(Finding(compose.rel, line, f"{service.name}: {what} published on the host as {published}"))
    ok = f"not published: {', '.join(stores)}" if stores else "no datastore service publishes a port"
    return verdict(findings, bad="fail", ok_detail=ok, judged=judged_text(project, [compose.rel]))
