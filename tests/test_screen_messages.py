"""Screens tell the App what they want by messages, and work under a bare App: the board's and
the agent screen's keys post OpenAgent, WriteNote, ShowErrors, ShowFollowUps and CycleTheme."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import App
from textual.message import Message

from floorwatch.tui.messages import CycleTheme, OpenAgent, ShowErrors, ShowFollowUps, WriteNote
from floorwatch.tui.screens.agent import AgentScreen
from floorwatch.tui.screens.board import BoardScreen
from floorwatch.tui.themes import palette_for
from tests.app_support import NOW, build_board


def described(message: Message) -> tuple[Any, ...]:
    if isinstance(message, OpenAgent):
        return ("open", message.agent)
    if isinstance(message, WriteNote):
        return ("note", message.kind, message.agent)
    return (type(message).__name__,)


class Recorder(App[None]):
    """A bare App (no floor, no notes store) that keeps what its screen asks of it."""

    def __init__(self, make_screen: Any) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.asked: list[tuple[Any, ...]] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    @on(OpenAgent)
    @on(WriteNote)
    @on(ShowErrors)
    @on(ShowFollowUps)
    @on(CycleTheme)
    def record(self, message: Message) -> None:
        self.asked.append(described(message))


def board_screen() -> BoardScreen:
    board, _ = build_board()
    return BoardScreen(board.config, board, palette=palette_for("dark"), clock=lambda: NOW)


async def test_the_board_screens_keys_post_messages_to_the_app() -> None:
    app = Recorder(board_screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        selected = screen.table.selected
        assert selected is not None
        for key in ("enter", "f", "p", "e", "u", "c"):
            await pilot.press(key)
            await pilot.pause()
        assert app.asked == [
            ("open", selected),
            ("note", "coaching", selected),
            ("note", "praise", selected),
            ("ShowErrors",),
            ("ShowFollowUps",),
            ("CycleTheme",),
        ]
        assert app.screen is screen  # the screen opened nothing itself


async def test_the_agent_screen_asks_for_a_note_on_its_agent() -> None:
    board, _ = build_board()

    def agent_screen() -> AgentScreen:
        return AgentScreen(
            "A004", board.config, row=board.rows["A004"], threshold_of=board.threshold,
            palette=palette_for("dark"),
        )  # fmt: skip

    app = Recorder(agent_screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f", "p")
        await pilot.pause()
        assert app.asked == [("note", "coaching", "A004"), ("note", "praise", "A004")]
        assert "Coaching notes: no notes store here" in str(
            app.screen.query_one("#agent-notes").children[0].render()
        )
