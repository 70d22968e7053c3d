"""Only changed cells go to the terminal (floorwatch.tui.damage): a terminal fed the diffs shows
exactly what a full repaint shows, for synthetic updates (wide characters, styles, spans that
cut segments) and for the real board app driven over a captured terminal."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pyte
import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.geometry import Region
from textual.strip import Strip

from floorwatch.tui.damage import ScreenShadow

WIDTH, HEIGHT = 40, 6
STYLES = [None, Style(color="red"), Style(bold=True), Style(color="green", bgcolor="blue")]
CONSOLE = Console(color_system="256", force_terminal=True, width=WIDTH)


def terminal() -> tuple[pyte.Screen, pyte.Stream]:
    screen = pyte.Screen(WIDTH, HEIGHT)
    return screen, pyte.Stream(screen)


def full(lines: list[list[Segment]]) -> LayoutUpdate:
    return LayoutUpdate([[Strip(line)] for line in lines], Region(0, 0, WIDTH, HEIGHT))


def chops(lines: list[list[Segment]], spans: list[tuple[int, int, int]]) -> ChopsUpdate:
    """A partial update of `spans` (y, x1, x2) where each line is one chop from x=0."""
    return ChopsUpdate(
        [{0: Strip(line)} for line in lines],
        spans,
        [[WIDTH] for _ in lines],
    )


def text_line(text: str, style: Style | None = None) -> list[Segment]:
    return [Segment(text.ljust(WIDTH)[:WIDTH], style)]


def cells(screen: pyte.Screen) -> list[list[tuple[str, str, str, bool]]]:
    return [
        [(c.data, c.fg, c.bg, c.bold) for c in (screen.buffer[y][x] for x in range(WIDTH))]
        for y in range(HEIGHT)
    ]


def test_one_changed_digit_costs_a_few_bytes_and_shows_right() -> None:
    shadow, (screen, stream) = ScreenShadow(), terminal()
    lines = [text_line(f"line {y} clock 09:59:58") for y in range(HEIGHT)]
    stream.feed(shadow.update(full(lines), CONSOLE, WIDTH, HEIGHT))
    lines[0] = text_line("line 0 clock 09:59:59")
    sequence = shadow.update(chops(lines, [(0, 0, WIDTH)]), CONSOLE, WIDTH, HEIGHT)
    whole = Strip(lines[0]).render(CONSOLE)
    assert len(sequence) < 16 < len(whole)  # a move and one character, not the whole line
    stream.feed(sequence)
    assert screen.display[0].rstrip() == "line 0 clock 09:59:59"
    assert shadow.update(chops(lines, [(0, 0, WIDTH)]), CONSOLE, WIDTH, HEIGHT) == ""


def test_a_style_change_alone_is_written() -> None:
    shadow, (screen, stream) = ScreenShadow(), terminal()
    lines = [text_line("Break 19:59") for _ in range(HEIGHT)]
    stream.feed(shadow.update(full(lines), CONSOLE, WIDTH, HEIGHT))
    lines[2] = text_line("Break 19:59", Style(color="red", bold=True))
    stream.feed(shadow.update(chops(lines, [(2, 0, WIDTH)]), CONSOLE, WIDTH, HEIGHT))
    assert screen.buffer[2][0].fg == "red" and screen.buffer[2][0].bold


@pytest.mark.parametrize("seed", range(12))
def test_random_updates_leave_the_terminal_as_a_full_repaint_would(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "abc 0123:■▲"  # one-cell characters and symbols
    wide = "漢字"  # two cells each

    def random_line() -> list[Segment]:
        segments, used = [], 0
        while used < WIDTH:
            if rng.random() < 0.15 and used + 2 <= WIDTH:
                text = rng.choice(wide)
                used += 2
            else:
                text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
                text = text[: WIDTH - used]
                used += len(text)
            segments.append(Segment(text, rng.choice(STYLES)))
        return segments

    shadow, (screen, stream) = ScreenShadow(), terminal()
    plain, plain_stream = terminal()  # fed what Textual itself writes
    lines = [random_line() for _ in range(HEIGHT)]
    first = full(lines)
    stream.feed(shadow.update(first, CONSOLE, WIDTH, HEIGHT))
    plain_stream.feed(first.render_segments(CONSOLE))
    for _ in range(40):
        spans = []
        for y in rng.sample(range(HEIGHT), rng.randint(1, HEIGHT)):
            if rng.random() < 0.6:
                lines[y] = random_line()
            x1 = rng.randrange(WIDTH)
            spans.append((y, x1, rng.randint(x1 + 1, WIDTH)))
        update = chops(lines, sorted(spans))
        stream.feed(shadow.update(update, CONSOLE, WIDTH, HEIGHT))
        plain_stream.feed(update.render_segments(CONSOLE))
        assert cells(screen) == cells(plain), _first_difference(screen, plain)


def _first_difference(screen: pyte.Screen, plain: pyte.Screen) -> str:
    mine, theirs = cells(screen), cells(plain)
    for y in range(HEIGHT):
        for x in range(WIDTH):
            if mine[y][x] != theirs[y][x]:
                row = "".join(c[0] or "_" for c in mine[y])
                other = "".join(c[0] or "_" for c in theirs[y])
                return f"({x}, {y}): {mine[y][x]} != {theirs[y][x]}\n{row!r}\n{other!r}"
    return ""


def test_every_span_whole_makes_the_terminal_equal_the_lines() -> None:
    rng = random.Random(5)
    shadow, (screen, stream) = ScreenShadow(), terminal()
    lines = [text_line("x" * WIDTH) for _ in range(HEIGHT)]
    stream.feed(shadow.update(full(lines), CONSOLE, WIDTH, HEIGHT))
    for _ in range(30):
        lines = [
            [Segment(rng.choice(["ab", "漢", "  ", "■"]), rng.choice(STYLES)) for _ in range(20)]
            for _ in range(HEIGHT)
        ]
        lines = [line for line in (_fit(line) for line in lines)]
        stream.feed(
            shadow.update(
                chops(lines, [(y, 0, WIDTH) for y in range(HEIGHT)]), CONSOLE, WIDTH, HEIGHT
            )
        )
    reference, (fresh, fresh_stream) = ScreenShadow(), terminal()
    fresh_stream.feed(reference.update(full(lines), CONSOLE, WIDTH, HEIGHT))
    assert cells(screen) == cells(fresh)


def _fit(line: list[Segment]) -> list[Segment]:
    return list(Strip(line).adjust_cell_length(WIDTH).crop(0, WIDTH))


def test_a_resize_forgets_the_shadow() -> None:
    shadow = ScreenShadow()
    lines = [text_line("same") for _ in range(HEIGHT)]
    shadow.update(full(lines), CONSOLE, WIDTH, HEIGHT)
    assert shadow.update(chops(lines, [(0, 0, WIDTH)]), CONSOLE, WIDTH, HEIGHT) == ""
    again = shadow.update(chops(lines, [(0, 0, WIDTH)]), CONSOLE, WIDTH, HEIGHT + 1)
    assert "same" in again  # a new size: nothing is known to be on the screen


# -- the real app over a captured terminal ---------------------------------------------------


class CapturedOutput:
    def __init__(self, stream: pyte.Stream) -> None:
        self.stream = stream
        self.sent = 0
        self.backlogged = False

    def send(self, text: str) -> None:
        self.stream.feed(text)

    def send_frame(self, text: str) -> bool:
        self.sent += len(text.encode())
        self.stream.feed(text)
        return True


class CapturedLink:
    def __init__(self, size: tuple[int, int]) -> None:
        self.screen = pyte.Screen(*size)
        self.output = CapturedOutput(pyte.Stream(self.screen))
        self.size = size
        self.driver: Any = None
        self.is_ready = asyncio.Event()

    def attach(self, driver: Any) -> None:
        self.driver = driver

    def ready(self) -> None:
        self.is_ready.set()


async def test_the_board_over_a_terminal_fed_only_changes_matches_a_full_repaint() -> None:
    from floorwatch.ssh.driver import driver_class_for
    from tests.test_app_floor_live import LIVE, make_live_app  # noqa: F401

    app = make_live_app()
    link = CapturedLink((140, 40))
    app.driver_class = driver_class_for(link)  # type: ignore[arg-type]
    task = asyncio.create_task(app.run_async())
    try:
        await asyncio.wait_for(link.is_ready.wait(), 10)
        await _until(lambda: app.main_screen is not None and "Tomás Ruiz" in _shown(link))
        floor = app.floor
        for step in range(40):  # time passes: timers tick, a break turns red, the header moves
            floor.tick(advance=1.0)
            app.main_screen.tick()
            if step % 7 == 3:
                app.main_screen.table.move(1)  # the selection moves: two lines repaint
            await asyncio.sleep(0.02)
        await _until(lambda: _shown(link) == _repainted(app))
        assert link.output.sent > 0
    finally:
        app.exit()
        await asyncio.wait_for(task, 10)


def _shown(link: CapturedLink) -> str:
    return "\n".join(line.rstrip() for line in link.screen.display)


def _repainted(app: Any) -> str:
    from tests.app_text import screen_lines

    return "\n".join(screen_lines(app))


async def _until(test: Any, timeout: float = 10.0) -> None:
    """The screen settles between frames: wait for `test`, failing after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not test():
        if loop.time() > deadline:
            raise AssertionError("the terminal never matched")
        await asyncio.sleep(0.05)


def test_a_chop_past_the_right_edge_is_written_as_textual_would_and_forgotten() -> None:
    shadow, (_, stream) = ScreenShadow(), terminal()
    lines = [text_line("base") for _ in range(HEIGHT)]
    stream.feed(shadow.update(full(lines), CONSOLE, WIDTH, HEIGHT))
    wide = ChopsUpdate(
        [{0: Strip([Segment("y" * (WIDTH + 5))])}] * HEIGHT,
        [(1, 0, WIDTH + 5)],
        [[WIDTH + 5]] * HEIGHT,
    )
    shadow.update(wide, CONSOLE, WIDTH, HEIGHT)
    assert all(len(line) == WIDTH for line in shadow.chars)
    assert "base" in shadow.update(chops(lines, [(1, 0, WIDTH)]), CONSOLE, WIDTH, HEIGHT)


async def test_ctrl_l_forgets_the_shadow_and_the_help_lists_it() -> None:
    from tests.test_app_floor_live import make_live_app

    app = make_live_app()
    async with app.run_test(size=(140, 40)) as pilot:
        app._shadow.reset(140, 40)
        app._shadow.chars[0][0] = "x"  # pretend something is known to be on the screen
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app._shadow.width == 0  # forgotten: the next update is drawn whole
        await pilot.press("question_mark")
        await pilot.pause()
        from tests.app_text import screen_text

        assert "draw the whole screen again" in screen_text(app)
