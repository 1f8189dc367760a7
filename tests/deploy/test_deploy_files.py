"""The files an operator runs Bansō with (deploy/, the Dockerfile) are valid and agree.

Offline, without Docker or a cluster: the compose file against the Compose Specification schema
(vendored in schemas/), the Kubernetes manifests against the Kubernetes JSON schemas shipped by
kubernetes-validate, every PromQL expression parsed by promql-parser, Dockerfiles by
dockerfile-parse.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate  # type: ignore[import-untyped]
import promql_parser
import pytest
import yaml
from dockerfile_parse import DockerfileParser  # type: ignore[import-untyped]
from packaging.requirements import Requirement
from prometheus_client import CollectorRegistry

from banso_console.main import ASSETS as CONSOLE_ASSETS
from banso_contracts.topics import ALL_TOPICS
from banso_kit.metrics import ConsumerMetrics, HttpMetrics

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = ROOT / "deploy" / "compose"
K8S_DIR = ROOT / "deploy" / "k8s"
GRAFANA_DIR = ROOT / "deploy" / "grafana"
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
SERVICES = {"ingest": 8001, "scoring": 8002, "bridge": 8003, "notify": 8004, "console": 8000}
CONSUMERS = ("scoring", "bridge", "notify")
SINGLE_CONSUMER = ("bridge",)
# The oldest Kubernetes OPERATIONS.md promises, and the newest schemas installed.
K8S_VERSIONS = ("1.29", "latest")
SECRET_VARIABLES = ("BANSO_SECRET", "BANSO_ADMIN_TOKEN")

# Metrics each service declares itself (CONTRIBUTING.md: prefix banso_<service>_); the kit's HTTP
# and consumer metrics are read from banso_kit. Dashboards and alerts may use nothing else, so a
# renamed metric fails here instead of silently emptying a panel.
SERVICE_METRICS = {
    "counter": {
        "banso_ingest_events_received",
        "banso_ingest_events_accepted",
        "banso_ingest_events_rejected",
        "banso_ingest_events_deduplicated",
        "banso_scoring_health_changes",
        "banso_bridge_tickets",
        "banso_notify_nudges",
    },
    "histogram": {
        "banso_ingest_request_duration_seconds",
        "banso_ingest_kafka_ack_duration_seconds",
    },
    "gauge": {"banso_ingest_inflight_requests", "banso_bridge_themes"},
}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
# Grafana's macros are not PromQL; any valid duration stands in for them.
GRAFANA_MACRO = re.compile(r"\$__(rate_interval|interval|range)\b")


@cache
def declared_metrics() -> frozenset[str]:
    registry = CollectorRegistry()
    for service in SERVICES:
        HttpMetrics(registry, service)
    for service in CONSUMERS:
        ConsumerMetrics(registry, service)
    families = {(family.name, family.type) for family in registry.collect()}
    families |= {(name, kind) for kind, names in SERVICE_METRICS.items() for name in names}
    return frozenset(name + suffix for name, kind in families for suffix in SUFFIXES[kind])


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects; raises ValueError when it is not valid PromQL."""
    names: set[str] = set()

    def visit(node: promql_parser.Expr) -> None:
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(GRAFANA_MACRO.sub("5m", expr)), visit)
    return names


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(COMPOSE_DIR / "docker-compose.yml")
    return loaded


def k8s_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def k8s_manifests() -> list[Path]:
    return sorted(p for p in K8S_DIR.glob("*.yaml") if p.name != "kustomization.yaml")


def env_example() -> dict[str, str]:
    """KEY=value lines of .env.example, optional ones (`# KEY=value`) included."""
    text = (COMPOSE_DIR / ".env.example").read_text()
    return dict(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", text, re.M))


# ---- Docker Compose ----


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads((ROOT / "tests/deploy/schemas/compose-spec.json").read_text())
    jsonschema.Draft201909Validator.check_schema(schema)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft201909Validator(schema).iter_errors(compose())
    ]
    assert errors == []


def test_every_compose_service_is_health_checked_or_an_awaited_one_shot_job() -> None:
    # `up --wait` waits for healthchecks, and counts a finished job as success only when some
    # service depends on it with service_completed_successfully.
    services = compose()["services"]
    awaited = {
        name
        for svc in services.values()
        for name, dep in svc.get("depends_on", {}).items()
        if dep["condition"] == "service_completed_successfully"
    }
    for name, svc in services.items():
        if svc.get("restart") == "no":
            assert name in awaited, f"one-shot job {name} is not awaited by any service"
        else:
            assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_compose_starts_services_after_topics_and_their_own_migration() -> None:
    services = compose()["services"]
    assert services["topics"]["command"] == ["banso", "topics", "create"]
    for svc in services.values():
        for target, dep in svc.get("depends_on", {}).items():
            if dep["condition"] == "service_healthy":
                assert "healthcheck" in services[target], target
            if dep["condition"] == "service_completed_successfully":
                assert services[target]["restart"] == "no", target
    for name in SERVICES:
        migrate = services[f"{name}-migrate"]
        assert migrate["command"] == [f"banso-{name}", "migrate"]
        assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert services[name]["command"] == [f"banso-{name}", "serve", "--no-migrate"]
        assert services[name]["depends_on"] == {
            "topics": {"condition": "service_completed_successfully"},
            f"{name}-migrate": {"condition": "service_completed_successfully"},
        }


def test_each_compose_service_has_its_own_database() -> None:
    services = compose()["services"]
    for name in SERVICES:
        env = services[name]["environment"]
        assert env == services[f"{name}-migrate"]["environment"]
        url = urlsplit(env[f"{name.upper()}_DATABASE_URL"])
        assert url.scheme == "postgresql"
        assert (url.username, url.path) == (f"banso_{name}", f"/banso_{name}")
    init = (COMPOSE_DIR / "postgres/init-databases.sh").read_text()
    loop = re.search(r"^for service in (.+); do$", init, re.M)
    assert loop is not None
    assert set(loop.group(1).split()) == set(SERVICES)
    init_mount = "./postgres/init-databases.sh:/docker-entrypoint-initdb.d/10-init-databases.sh:ro"
    assert init_mount in services["postgres"]["volumes"]


def test_compose_builds_and_mounts_only_files_that_exist() -> None:
    for name, svc in compose()["services"].items():
        if "build" in svc:
            context = (COMPOSE_DIR / svc["build"]["context"]).resolve()
            assert context == ROOT, name
            service = name.removesuffix("-migrate") if name != "topics" else "ingest"
            # One Dockerfile; the service and its port are build arguments.
            assert svc["build"]["dockerfile"] == "Dockerfile"
            assert svc["build"]["args"] == {"SERVICE": service, "PORT": str(SERVICES[service])}
            assert (context / svc["build"]["dockerfile"]).is_file()
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (COMPOSE_DIR / source).exists(), f"{name} mounts missing {source}"


def test_compose_secrets_come_only_from_the_untracked_env_file() -> None:
    lines = (COMPOSE_DIR / "docker-compose.yml").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    example = env_example()
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert used - set(example) == set(), "variables missing from .env.example"
    secrets = [*SECRET_VARIABLES, *(k for k in example if k.endswith("PASSWORD"))]
    for variable in secrets:
        assert example[variable] == "change-me", variable
        assert f"${{{variable}:?" in text, f"{variable} must be required, never defaulted"
    for name, svc in compose()["services"].items():
        for variable in SECRET_VARIABLES:
            value = svc.get("environment", {}).get(variable, f"${{{variable}:?")
            assert value.startswith(f"${{{variable}:?"), f"{name} sets {variable} literally"
    assert ".env" in (COMPOSE_DIR / ".gitignore").read_text().split()


# ---- Prometheus and Grafana ----


def test_prometheus_scrapes_every_service_metrics_endpoint() -> None:
    config = load_yaml(PROMETHEUS_DIR / "prometheus.yml")
    scraped = {
        (target, job.get("metrics_path", "/metrics"))
        for job in config["scrape_configs"]
        for static in job.get("static_configs", [])
        for target in static["targets"]
    }
    for name, port in SERVICES.items():
        assert (f"{name}:{port}", "/metrics") in scraped
        assert f"{port}:{port}" in compose()["services"][name]["ports"][0]
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS_DIR / rule_file).is_file()
    assert "../prometheus:/etc/prometheus:ro" in compose()["services"]["prometheus"]["volumes"]


def test_alert_rules_are_valid_promql_on_declared_metrics() -> None:
    rules = [r for g in load_yaml(PROMETHEUS_DIR / "alerts.yml")["groups"] for r in g["rules"]]
    assert rules
    for rule in rules:
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        assert names <= declared_metrics() | {"up"}, rule["alert"]
        assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


def test_every_dashboard_panel_queries_a_declared_banso_metric() -> None:
    dashboard = json.loads((GRAFANA_DIR / "dashboards/banso.json").read_text(encoding="utf-8"))
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert panels
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
    assert [v["name"] for v in dashboard["templating"]["list"]] == ["datasource"]
    used: set[str] = set()
    for panel in panels:
        assert panel["targets"], panel["title"]
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        for target in panel["targets"]:
            names = metric_names(target["expr"])
            assert names, panel["title"]
            assert all(n.startswith("banso_") for n in names), panel["title"]
            assert names <= declared_metrics(), (panel["title"], names - declared_metrics())
            used |= names
    # What issue 7 asks the dashboard to show: ingest rate and rejects, consumer lag, health
    # changes, themes, nudges by outcome.
    assert {
        "banso_ingest_events_accepted_total",
        "banso_ingest_events_rejected_total",
        *(f"banso_{s}_consumer_lag" for s in CONSUMERS),
        "banso_scoring_health_changes_total",
        "banso_bridge_themes",
        "banso_notify_nudges_total",
    } <= used


def test_grafana_provisions_prometheus_and_the_dashboard_folder_compose_mounts() -> None:
    provisioning = GRAFANA_DIR / "provisioning"
    datasource = load_yaml(provisioning / "datasources/prometheus.yml")["datasources"][0]
    assert (datasource["type"], datasource["url"]) == ("prometheus", "http://prometheus:9090")
    provider = load_yaml(provisioning / "dashboards/banso.yml")["providers"][0]
    volumes = compose()["services"]["grafana"]["volumes"]
    assert f"../grafana/dashboards:{provider['options']['path']}:ro" in volumes
    assert "../grafana/provisioning:/etc/grafana/provisioning:ro" in volumes


# ---- Dockerfile ----


def image(service: str) -> DockerfileParser:
    """The one Dockerfile as `docker build --build-arg SERVICE=… --build-arg PORT=…` reads it."""
    args = {"SERVICE": service, "PORT": str(SERVICES[service])}
    return DockerfileParser(path=str(ROOT / "Dockerfile"), build_args=args)


def instructions(service: str) -> list[tuple[str, str]]:
    """Each instruction with the build arguments substituted, as Docker does."""
    steps = [(i["instruction"], i["value"]) for i in image(service).structure]
    substituted = []
    for name, value in steps:
        if name == "COMMENT":
            continue
        for arg, given in (("SERVICE", service), ("PORT", str(SERVICES[service]))):
            value = value.replace(f"${{{arg}}}", given)
        substituted.append((name, value))
    return substituted


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_copies_existing_paths_and_the_whole_workspace(service: str) -> None:
    copied: set[str] = set()
    for instruction, value in instructions(service):
        args = shlex.split(value)
        if instruction == "COPY" and not any(a.startswith("--from=") for a in args):
            *sources, _destination = [a for a in args if not a.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"{service} Dockerfile copies missing {source}"
            copied |= set(sources)
    # uv reads the whole workspace from uv.lock and every member's pyproject.toml.
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]
    members = workspace["members"]
    assert {"pyproject.toml", "uv.lock", *(f"{m}/pyproject.toml" for m in members)} <= copied


@pytest.mark.parametrize(("service", "port"), SERVICES.items())
def test_dockerfile_installs_from_the_lock_and_runs_unprivileged(service: str, port: int) -> None:
    steps = instructions(service)
    final_stage = steps[max(i for i, (name, _) in enumerate(steps) if name == "FROM") :]
    values = {name: value for name, value in final_stage}
    syncs = [v for name, v in steps if name == "RUN" and "uv sync" in v]
    assert syncs
    for sync in syncs:
        assert "--frozen --no-dev" in sync
        assert f"--package banso-{service}" in sync
    assert values["USER"].split(":")[0] not in {"root", "0"}
    assert values["EXPOSE"] == str(port)
    assert "/healthz" in values["HEALTHCHECK"]
    # The command is the service's entry point, named by the build argument.
    assert json.loads(values["CMD"]) == ["sh", "-c", 'exec banso-"$BANSO_SERVICE"']
    # The final stage's ENV: reachable from outside the container, on the documented port
    # (banso_kit.serve reads BANSO_HOST / BANSO_PORT when <SERVICE>_HOST / _PORT are unset).
    env = image(service).envs
    assert env["BANSO_SERVICE"] == service
    assert env["BANSO_HOST"] == "0.0.0.0"
    assert env["BANSO_PORT"] == str(port)


def test_dockerfile_refuses_a_service_it_does_not_know() -> None:
    check = next(v for name, v in instructions("ingest") if name == "RUN" and "case" in v)
    assert set(re.findall(r"(\w+):(\d{4})", check)) == {(s, str(p)) for s, p in SERVICES.items()}


def test_the_console_image_builds_its_assets_and_catalogues_into_itself() -> None:
    """Nothing from a CDN at run time: htmx and Chart.js come from npm at build time (runtime
    dependencies only), the message catalogues are compiled, and the console is pointed at them."""
    steps = instructions("console")
    runs = [value for name, value in steps if name == "RUN"]
    assert any("npm ci --omit=dev" in run for run in runs)
    assert any("pybabel compile" in run for run in runs)
    assert ("COPY", "--from=assets /assets /app/assets") in steps
    assert image("console").envs["CONSOLE_ASSETS_DIR"] == "/app/assets/node_modules"
    package = json.loads((ROOT / "services/console/package.json").read_text())
    served = {relative.split("/")[0] for relative in CONSOLE_ASSETS.values()}
    assert served <= set(package["dependencies"]), "an asset the console serves is a dev one"


def test_the_ingest_image_builds_and_installs_the_compiled_pass() -> None:
    """Ingest's image runs the compiled pass: a Rust at least as new as the crates need and the
    maturin the package asks for build its wheel, which the ingest venv installs offline; the
    other images build and install nothing of it."""
    core = tomllib.loads((ROOT / "services/ingest_core/Cargo.toml").read_text())["package"]
    backend = tomllib.loads((ROOT / "services/ingest_core/pyproject.toml").read_text())
    args = dict(v.split("=", 1) for name, v in instructions("ingest") if name == "ARG" and "=" in v)
    rust = re.fullmatch(r"rust:(\d+)\.(\d+)\.\d+-slim-bookworm", args["RUST_IMAGE"])
    assert rust, args["RUST_IMAGE"]
    wanted = tuple(int(part) for part in core["rust-version"].split("."))
    assert (int(rust[1]), int(rust[2])) >= wanted
    [maturin] = [Requirement(r) for r in backend["build-system"]["requires"]]
    assert maturin.name == "maturin"
    assert args["MATURIN_VERSION"] in maturin.specifier
    for service in SERVICES:
        steps = instructions(service)
        assert ("FROM", "${RUST_IMAGE} AS core") in steps
        [build] = [v for name, v in steps if name == "RUN" and "uv build --wheel" in v]
        assert 'echo "maturin==${MATURIN_VERSION}"' in build
        assert "--build-constraints" in build
        assert ("COPY", "--from=core /wheels /wheels") in steps
        [install] = [v for name, v in steps if name == "RUN" and "/wheels/*.whl" in v]
        assert "uv pip install --python /app/.venv/bin/python --no-deps --no-index" in install
        for step in (build, install):
            assert f'if [ "{service}" = ingest ]' in step


def test_dockerignore_keeps_local_state_and_secrets_out_of_images() -> None:
    patterns = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".data", ".cache", "bench/results", ".git", "**/.env"} <= set(patterns)


# ---- Kubernetes ----


@pytest.mark.parametrize("manifest", k8s_manifests(), ids=lambda p: p.name)
def test_kubernetes_manifest_matches_the_kubernetes_schemas(manifest: Path) -> None:
    for document in k8s_documents(manifest):
        for version in K8S_VERSIONS:
            wanted = kubernetes_validate.latest_version() if version == "latest" else version
            try:
                kubernetes_validate.validate(document, wanted, strict=True)
            except kubernetes_validate.ValidationError as error:
                where = ".".join(map(str, error.path))
                pytest.fail(f"{manifest.name} {document['kind']} {wanted} {where}: {error.message}")


def test_kustomization_applies_every_manifest_but_the_example_secret() -> None:
    kustomization = load_yaml(K8S_DIR / "kustomization.yaml")
    expected = {p.name for p in k8s_manifests() if not p.name.endswith(".example.yaml")}
    assert set(kustomization["resources"]) == expected
    applied = [d for name in expected for d in k8s_documents(K8S_DIR / name)]
    assert "Secret" not in {d["kind"] for d in applied}
    assert {i["name"] for i in kustomization["images"]} == {f"banso/{s}" for s in SERVICES}


@pytest.mark.parametrize(("service", "port"), SERVICES.items())
def test_each_deployment_is_probed_migrated_scaled_and_unprivileged(
    service: str, port: int
) -> None:
    docs = {d["kind"]: d for d in k8s_documents(K8S_DIR / f"{service}.yaml")}
    deployment, pod = docs["Deployment"], docs["Deployment"]["spec"]["template"]
    [container] = pod["spec"]["containers"]
    [migrate] = pod["spec"]["initContainers"]
    assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["command"] == [f"banso-{service}", "serve", "--no-migrate"]
    assert migrate["command"] == [f"banso-{service}", "migrate"]
    assert migrate["image"] == container["image"]
    for c in (container, migrate):
        assert c["resources"]["requests"]
        assert c["resources"]["limits"]["memory"]
        assert c["securityContext"]["allowPrivilegeEscalation"] is False
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    if service in SINGLE_CONSUMER:
        # the clusterer is in memory: one consumer, never two side by side during a rollout
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        assert "HorizontalPodAutoscaler" not in docs
    else:
        # the autoscaler owns the replica count; more consumers than partitions would sit idle
        assert "replicas" not in deployment["spec"]
    labels = pod["metadata"]["labels"]
    assert docs["Service"]["spec"]["selector"].items() <= labels.items()
    assert docs["Service"]["spec"]["ports"][0]["port"] == port
    assert docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    if service in SINGLE_CONSUMER:
        return
    hpa = docs["HorizontalPodAutoscaler"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    if service in CONSUMERS:
        assert hpa["spec"]["maxReplicas"] <= max(t.partitions for t in ALL_TOPICS)


def test_kubernetes_references_secrets_and_config_that_the_examples_define() -> None:
    secret = k8s_documents(K8S_DIR / "secret.example.yaml")[0]
    config = k8s_documents(K8S_DIR / "configmap.yaml")[0]
    assert all("change-me" in value for value in secret["stringData"].values())
    text = "\n".join(p.read_text() for p in k8s_manifests() if p.name != "secret.example.yaml")
    secret_refs = re.findall(r"secretKeyRef:\s+name: (\S+)\s+key: (\S+)", text)
    config_refs = re.findall(r"configMapKeyRef:\s+name: (\S+)\s+key: (\S+)", text)
    assert secret_refs
    assert config_refs
    assert {name for name, _ in secret_refs} == {secret["metadata"]["name"]}
    assert {key for _, key in secret_refs} <= set(secret["stringData"])
    assert {name for name, _ in config_refs} == {config["metadata"]["name"]}
    assert {key for _, key in config_refs} <= set(config["data"])
    job = k8s_documents(K8S_DIR / "topics-job.yaml")[0]
    [job_container] = job["spec"]["template"]["spec"]["containers"]
    assert job_container["command"] == ["banso", "topics", "create"]
