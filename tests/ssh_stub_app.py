"""A stand-in Textual app for the SSH tests: shows who logged in and counts the keys typed.

The real floorwatch app plugs into the server the same way (an app factory taking an
`SshSession`); this one keeps the SSH tests independent of the board's widgets.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from floorwatch.ssh import AppFactory, SshSession


class StubApp(App[None]):
    """Line 1: `stub user=NAME role=ROLE`; line 2: keys, last key, size, colour system."""

    CSS = """
    #who { background: #123456; color: #fedcba; }
    """

    def __init__(self, session: SshSession) -> None:
        super().__init__()
        self.session = session
        self.keys_seen = 0
        self.last_key = "-"
        self.connection_lost_calls = 0

    def compose(self) -> ComposeResult:
        yield Static(f"stub user={self.session.user} role={self.session.role}", id="who")
        yield Static(self._status(), id="status", markup=False)

    def _status(self) -> str:
        width, height = self.size
        return (
            f"keys={self.keys_seen} last={self.last_key} size={width}x{height} "
            f"colors={self.console.color_system} term={self.session.term}"
        )

    def _show_status(self) -> None:
        self.query_one("#status", Static).update(self._status())

    def on_key(self, event) -> None:
        if event.key == "ctrl+q":
            return
        self.keys_seen += 1
        self.last_key = event.key
        self._show_status()

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_status)

    def on_connection_lost(self) -> None:
        self.connection_lost_calls += 1


def make_stub_app(session: SshSession) -> StubApp:
    return StubApp(session)


def serve_stub(config: object, floor: object) -> AppFactory:
    """`floorwatch serve --app-factory tests.ssh_stub_app:serve_stub`: the stub over SSH."""
    return make_stub_app


def main(argv: list[str] | None = None) -> None:
    """The stub on the local terminal, as `floorwatch run --author NAME` runs under plain sshd."""
    import argparse
    import os

    from floorwatch.ssh.session import color_system_for

    parser = argparse.ArgumentParser()
    parser.add_argument("--author", required=True)
    parser.add_argument("--wall", action="store_true")
    args = parser.parse_args(argv)
    term = os.environ.get("TERM", "")
    session = SshSession(
        user=args.author,
        role="wall" if args.wall else "supervisor",
        term=term,
        size=(0, 0),
        color_system=color_system_for(term, os.environ),
        peer=os.environ.get("SSH_CLIENT", "local"),
    )
    StubApp(session).run(mouse=False)


if __name__ == "__main__":
    main()
