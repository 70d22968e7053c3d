"""The app factory for the real floorwatch app: every session views the one shared `Floor`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from floorwatch.config.types import Config
from floorwatch.live.floor import Floor
from floorwatch.ssh.auth import SshSetupError
from floorwatch.ssh.session import AppFactory, SshSession

# Builds an AppFactory for a loaded config and its running floor.
FactoryBuilder = Callable[[Config, Floor], AppFactory]


def floorwatch_app_factory(config: Config, floor: Floor) -> AppFactory:
    """Sessions of the real board (over SSH and in browsers): authored as the login's person,
    with their role (a manager sees private notes) and their board scoped to the teams their
    login lists; read-only for wall logins."""
    from floorwatch.tui.app import FloorwatchApp

    def make(session: SshSession) -> Any:
        return FloorwatchApp(
            config, floor=floor, author=session.user, wall=session.is_wall, role=session.role,
            teams=session.teams,
        )  # fmt: skip

    return make


def load_factory_builder(spec: str) -> FactoryBuilder:
    """'package.module:function' -> that function (development and tests: serve another app)."""
    module_name, colon, name = spec.partition(":")
    if not colon or not module_name or not name:
        raise SshSetupError(f"--app-factory must be MODULE:FUNCTION (got {spec!r})")
    try:
        builder = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as error:
        raise SshSetupError(f"--app-factory {spec}: {error}") from None
    if not callable(builder):
        raise SshSetupError(f"--app-factory {spec} is not callable")
    return builder  # type: ignore[no-any-return]
