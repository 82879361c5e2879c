"""Settings: one dataclass, read from NHSKG_* environment variables and CLI flags, validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from service import iris
from service.store.dialect import DIALECTS


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message names the setting."""


def _default_root() -> Path:
    """The project folder: the source tree this package sits in, else the working directory."""
    tree = Path(__file__).resolve().parent.parent
    return tree if (tree / "ontology").is_dir() else Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Everything the service and the build can be told. Each field is documented in docs/settings.md."""

    root: Path = field(default_factory=_default_root)
    cache_dir: Path | None = None
    store_path: Path | None = None
    canonical_base: str = iris.BASE
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2
    query_timeout: float = 10.0
    max_result_rows: int = 100_000
    max_request_bytes: int = 1_000_000
    max_concurrent_queries: int = 8
    query_queue_seconds: float = 2.0
    result_cache_mb: int = 32
    query_store: Literal["memory", "disk"] = "memory"
    query_memory_sides: int = 0
    service_allowlist: tuple[str, ...] = ()
    extra_graphs: tuple[tuple[str, Path], ...] = ()
    validate_on_build: bool = True
    huge_pages: bool = True
    backend_url: str | None = None  # a SPARQL 1.1 query endpoint to serve over instead of a local build
    backend_dialect: str = "standard"
    backend_graphs: tuple[str, ...] = ()  # the backend's named graphs outside iris.GRAPH that are ours

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data" / "ttl"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def query_slots_per_worker(self) -> int:
        """Each web worker's share of `max_concurrent_queries` (at least one)."""
        return max(1, -(-self.max_concurrent_queries // self.workers))

    @property
    def cache(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.root / ".cache"

    def validated(self) -> Settings:
        """These settings, or a SettingsError naming the first that cannot work."""
        if not 0 < self.port < 65536:
            raise SettingsError(f"port must be 1-65535, not {self.port}")
        if self.workers < 1:
            raise SettingsError(f"workers must be at least 1, not {self.workers}")
        if self.query_queue_seconds < 0:
            raise SettingsError(f"query_queue_seconds must not be negative, not {self.query_queue_seconds}")
        if self.query_store not in ("memory", "disk"):
            raise SettingsError(f"query_store must be memory or disk, not {self.query_store!r}")
        if self.query_memory_sides < 0:
            raise SettingsError(f"query_memory_sides must not be negative, not {self.query_memory_sides}")
        if self.result_cache_mb < 0:
            raise SettingsError(f"result_cache_mb must not be negative, not {self.result_cache_mb}")
        if self.query_timeout <= 0:
            raise SettingsError(f"query_timeout must be positive, not {self.query_timeout}")
        for name in ("max_result_rows", "max_request_bytes", "max_concurrent_queries"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1")
        if not self.canonical_base.endswith("/"):
            raise SettingsError("canonical_base must end with '/'")
        self._validate_backend()
        for iri, path in self.extra_graphs:
            if not iri.split(":", 1)[0].isalpha() or ":" not in iri:
                raise SettingsError(f"graph name must be an absolute IRI: {iri!r}")
            if not path.is_file():
                raise SettingsError(f"graph file not found: {path}")
        return self

    def _validate_backend(self) -> None:
        if self.backend_url is not None and not self.backend_url.startswith(("http://", "https://")):
            raise SettingsError(f"backend_url must be an http(s) URL, not {self.backend_url!r}")
        if self.backend_dialect not in DIALECTS:
            names = ", ".join(sorted(DIALECTS))
            raise SettingsError(f"backend_dialect must be one of {names}, not {self.backend_dialect!r}")
        for iri in self.backend_graphs:
            if not iri.split(":", 1)[0].isalpha() or ":" not in iri:
                raise SettingsError(f"backend graph must be an absolute IRI: {iri!r}")

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; None values are ignored (an unset CLI flag)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _flag(text: str) -> bool:
    return text.lower() not in ("0", "false", "no", "off")


_CONVERTERS = {
    "root": Path,
    "cache_dir": Path,
    "store_path": Path,
    "canonical_base": str,
    "host": str,
    "port": int,
    "workers": int,
    "query_timeout": float,
    "max_result_rows": int,
    "max_request_bytes": int,
    "max_concurrent_queries": int,
    "query_queue_seconds": float,
    "result_cache_mb": int,
    "query_store": str,
    "query_memory_sides": int,
    "service_allowlist": lambda text: tuple(s for s in text.split() if s),
    "validate_on_build": _flag,
    "huge_pages": _flag,
    "backend_url": lambda text: text or None,
    "backend_dialect": str,
    "backend_graphs": lambda text: tuple(s for s in text.split() if s),
}


def parse_graph_option(text: str) -> tuple[str, Path]:
    """`IRI=FILE` as given to `--graph`."""
    iri, sep, path = text.rpartition("=")
    if not sep or not iri or not path:
        raise SettingsError(f"--graph takes IRI=FILE, not {text!r}")
    return iri, Path(path)


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from NHSKG_<FIELD> variables (e.g. NHSKG_QUERY_TIMEOUT=5), defaults elsewhere."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in fields(Settings):
        key = f"NHSKG_{f.name.upper()}"
        if key in env and f.name in _CONVERTERS:
            try:
                values[f.name] = _CONVERTERS[f.name](env[key])  # type: ignore[operator]
            except ValueError as exc:
                raise SettingsError(f"{key}: {exc}") from exc
    if "NHSKG_EXTRA_GRAPHS" in env:
        values["extra_graphs"] = tuple(parse_graph_option(t) for t in env["NHSKG_EXTRA_GRAPHS"].split())
    return Settings(**values)  # type: ignore[arg-type]
