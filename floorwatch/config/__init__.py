"""The floor's config: YAML -> validated, typed `Config` (config.types), each problem at
path:line:col.

Public: `find_config`, `load_config`, `load_config_with_warnings`, `ConfigError` and `Problem`.
`loader` reads the file, `yaml_nodes` keeps each value's position, `metrics_section` reads the
`metrics:` and `thresholds:` sections, `types` holds the frozen dataclasses everything else reads.
"""

from floorwatch.config.loader import (
    ConfigError,
    Problem,
    find_config,
    load_config,
    load_config_with_warnings,
    parse_duration_text,
)

__all__ = [
    "ConfigError",
    "Problem",
    "find_config",
    "load_config",
    "load_config_with_warnings",
    "parse_duration_text",
]
