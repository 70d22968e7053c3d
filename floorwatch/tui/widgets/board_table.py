"""The board: one line per agent, drawn with Textual's Line API.

Each row's `Strip` is cached per agent and rebuilt only when that agent's row, the selection, a
flash or the column layout changes; an update repaints only the visible lines whose agent or row
changed. A DataTable repaints its whole visible area on every update: at 2,000 agents and 10
updates a second that is ~50% of a core, where this costs a few percent.

Untrusted text (names, teams, ids, notes indicators) only ever becomes `rich.text.Text` built
from a plain string: never markup, never an action.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from floorwatch.config.types import MetricConfig
from floorwatch.live.board import AgentRow
from floorwatch.live.thresholds import Status
from floorwatch.text.search import matches
from floorwatch.tui.themes import DARK, Palette
from floorwatch.tui.widgets.columns import GUTTER, Column, choose_columns
from floorwatch.tui.widgets.live_text import state_cell
from floorwatch.tui.widgets.row_scrollbar import WholeRowScrollBarRender
from floorwatch.tui.widgets.row_text import fit, row_text, title_text

FLASH_SECONDS = 3.0  # how long a cell that just turned red stays highlighted


class BoardTable(ScrollView, can_focus=True):
    """Agents x metrics, worst first; a fixed title line, then one line per agent."""

    DEFAULT_CSS = """
    BoardTable { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    BoardTable.-paged { overflow-y: hidden; }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    class Opened(Message):
        """The user asked to open an agent (enter)."""

        def __init__(self, agent: str) -> None:
            super().__init__()
            self.agent = agent

    class Paged(Message):
        """Wall mode: the page or the number of pages changed."""

        def __init__(self, page: int, pages: int) -> None:
            super().__init__()
            self.page = page
            self.pages = pages

    def __init__(
        self,
        metrics: Sequence[MetricConfig],
        *,
        palette: Palette = DARK,
        timezone: str | None = None,
        clock: Callable[[], float] | None = None,
        paged: bool = False,
        states: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.metrics = tuple(metrics)
        self.palette = palette
        self.zone = ZoneInfo(timezone) if timezone else None
        self.clock = clock
        self.paged = paged
        self.states = states  # the floor has a states feed: a STATE column
        self.now = 0.0  # the floor's time: the STATE cells' timers read it
        # agent -> (the floor time, the STATE text) its cached line was drawn with
        self._state_shown: dict[str, tuple[float, str]] = {}
        self.can_focus = not paged
        if paged:
            self.add_class("-paged")
        self.rows: dict[str, AgentRow] = {}
        self.order: list[str] = []
        self.selected: str | None = None
        self.notes: dict[str, str] = {}
        self.sort_key = "status"
        self.empty_text = "No agents to show: none has rows in its windows (or matches the filter)."
        self.page = 0
        self.renders = 0  # row strips built: cache misses (tests and benchmarks read it)
        self.spliced = 0  # cached lines given a new STATE timer (tests read it)
        self._selected_at: int | None = None  # where `selected` is in `order` (None: unknown)
        self._strips: dict[str, Strip] = {}
        # agent -> its line's segments left and right of the STATE cell, and the widget's
        # style under them (for timer splices)
        self._around: dict[str, tuple[list[Segment], list[Segment], Style]] = {}
        self._title_strip: Strip | None = None
        self._flash: dict[str, dict[str, float]] = {}  # agent -> metric -> flash until
        self._trouble: dict[str, list[int]] = {m.key: [0, 0] for m in self.metrics}
        self._columns: list[Column] = []
        self._layout_width = -1
        self._longest: tuple[int, int, int] | None = None
        self._named = True  # some agent has a name other than its id (recounted with _longest)

    # -- data in (attributes down) ---------------------------------------------------------------

    def set_rows(self, rows: Mapping[str, AgentRow], order: Sequence[str]) -> None:
        """Replace everything (first load, or after a filter change)."""
        self.rows = dict(rows)
        self._longest = None
        self._trouble = {m.key: [0, 0] for m in self.metrics}
        for row in self.rows.values():
            self._count(row, 1)
        self._strips.clear()
        self._around.clear()
        self._state_shown.clear()
        self._flash = {a: f for a, f in self._flash.items() if a in self.rows}
        self._relayout(force=True)
        self._set_order(list(order), dirty=set(), full=True)

    def update(
        self, changed: Mapping[str, AgentRow], removed: Iterable[str], order: Sequence[str]
    ) -> None:
        """Apply changed (or new) rows and removed agents, then show `order`. Repaints only the
        visible lines whose agent or row changed."""
        dirty = set()
        for agent in removed:
            old = self.rows.pop(agent, None)
            if old is not None:
                self._count(old, -1)
                self._longest = None
            self._strips.pop(agent, None)
            self._around.pop(agent, None)
            self._flash.pop(agent, None)
            self._state_shown.pop(agent, None)
        for agent, row in changed.items():
            old = self.rows.get(agent)
            if old is not None:
                if old == row:
                    continue
                self._count(old, -1)
            if old is None or old.name != row.name or old.team != row.team:
                self._longest = None
            self.rows[agent] = row
            self._count(row, 1)
            self._strips.pop(agent, None)
            dirty.add(agent)
        full = self._relayout()
        self._set_order(list(order), dirty=dirty, full=full)

    def set_notes(self, notes: Mapping[str, str]) -> None:
        """The notes/follow-up indicator per agent (short plain text); repaints changed rows."""
        changed = {a for a in set(notes) | set(self.notes) if notes.get(a) != self.notes.get(a)}
        self.notes = {agent: text for agent, text in notes.items() if text}
        if self._relayout():  # the NOTE column shows only once some agent has a note
            self._set_order(self.order, dirty=set(), full=True)
        else:
            self._invalidate(changed)

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        self._strips.clear()
        self._title_strip = None
        self.refresh()

    def set_sort_key(self, sort: str) -> None:
        self.sort_key = sort
        self._title_strip = None
        self.refresh(Region(0, 0, self.size.width, 1))

    def flash(self, cells: Iterable[tuple[str, str]], now: float) -> None:
        """Highlight these (agent, metric) cells until `now + FLASH_SECONDS`."""
        touched = set()
        for agent, metric in cells:
            if agent in self.rows:
                self._flash.setdefault(agent, {})[metric] = now + FLASH_SECONDS
                touched.add(agent)
        self._invalidate(touched)

    def expire_flashes(self, now: float) -> None:
        """Stop highlighting cells whose moment has passed."""
        touched = set()
        for agent, cells in list(self._flash.items()):
            for metric, until in list(cells.items()):
                if until <= now:
                    del cells[metric]
                    touched.add(agent)
            if not cells:
                del self._flash[agent]
        self._invalidate(touched)

    @property
    def flashing(self) -> dict[str, dict[str, float]]:
        return self._flash

    def tick(self, now: float) -> None:
        """Move the STATE timers to `now`: only the STATE cells of visible lines whose text (or
        colour) changed are repainted (the terminal gets those cells, not whole lines); lines out
        of sight are rebuilt when they come into view."""
        self.now = now
        cell = self._state_cell_span()
        if not self.states or cell is None:
            return
        top = self.scroll_offset.y
        moved = []
        for index in range(top, min(top + self.body_height, len(self.order))):
            agent = self.order[index]
            if self._moved_state(self.rows.get(agent), now) is not None:
                moved.append(index - top + 1)  # its line splices the new timer in when drawn
        lines = [y for y in moved if 1 <= y < self.size.height]
        if lines:  # one region for the column: lines between are drawn from their cache
            self.refresh(Region(cell[0], lines[0], cell[1], lines[-1] - lines[0] + 1))

    def _state_cell_span(self) -> tuple[int, int] | None:
        """(x, width) of the STATE column on screen, or None when it is not shown."""
        x = GUTTER
        for column in self._columns:
            if column.key == "state":
                return x, column.width
            x += column.width + 1
        return None

    def _moved_state(self, row: AgentRow | None, now: float) -> tuple[str, Status] | None:
        """The row's STATE cell (text, status) at `now` when its text differs from what the
        cached line shows; None when the line is still right."""
        if row is None or row.state is None:
            return None
        shown = self._state_shown.get(row.agent)
        if shown is not None and shown[0] == now:  # drawn this very second: no need to ask
            return None
        cell = state_cell(row.state, now)
        if shown is None or shown[1] != cell[0]:
            return cell
        self._state_shown[row.agent] = (now, cell[0])  # still right at `now`
        return None

    # -- selection and paging ------------------------------------------------------------------

    def select(self, agent: str | None, *, scroll: bool = True) -> None:
        if (
            self.paged
            or agent == self.selected
            or (agent is not None and self._find(agent) is None)
        ):
            return
        previous, self.selected = self.selected, agent
        self._selected_at = None
        self._invalidate({a for a in (previous, agent) if a is not None})
        if scroll and agent is not None:
            index = self.selected_index
            if index is not None:
                self._scroll_to_index(index)

    @property
    def selected_index(self) -> int | None:
        if self._selected_at is None and self.selected is not None:
            self._selected_at = self._find(self.selected)
        return self._selected_at

    def _find(self, agent: str) -> int | None:
        """Where `agent` is in `order`: one scan in C (a dict of 2,000 positions rebuilt on
        every re-sort cost more than the lookups it served)."""
        try:
            return self.order.index(agent)
        except ValueError:
            return None

    def move(self, step: int) -> None:
        if not self.order:
            return
        index = self.selected_index
        target = 0 if index is None else max(0, min(len(self.order) - 1, index + step))
        self.select(self.order[target])

    def on_click(self, event: events.Click) -> None:
        """A click selects the row under it (nothing needs the mouse; it is just allowed)."""
        if self.paged:
            return
        index = self.scroll_offset.y + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.order):
            self.select(self.order[index])
            if event.chain == 2:
                self.post_message(self.Opened(self.order[index]))

    def action_cursor_up(self) -> None:
        self.move(-1)

    def action_cursor_down(self) -> None:
        self.move(1)

    def action_page_up(self) -> None:
        self.move(-max(1, self.body_height))

    def action_page_down(self) -> None:
        self.move(max(1, self.body_height))

    def action_first(self) -> None:
        self.move(-len(self.order))

    def action_last(self) -> None:
        self.move(len(self.order))

    @property
    def body_height(self) -> int:
        """Agent lines that fit under the title line."""
        return max(0, self.size.height - 1)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.order) / max(1, self.body_height)))

    def show_page(self, page: int) -> None:
        """Wall mode: show page `page` (wraps around)."""
        self.page = page % self.pages
        height = self._virtual_height()
        if height != self.virtual_size.height:
            self.virtual_size = Size(self.size.width, height)
        self.scroll_to(y=self.page * self.body_height, animate=False, force=True, immediate=True)
        self.refresh()
        self.post_message(self.Paged(self.page, self.pages))

    def first_match(self, text: str) -> str | None:
        """The first agent in display order whose name or id contains `text` (case and accents
        ignored: 'fernandez' finds Fernández)."""
        found = self.matches(text)
        return found[0] if found else None

    def matches(self, text: str) -> list[str]:
        """Every agent shown whose name or id contains `text`, in display order (case and
        accents ignored)."""
        if not text.strip():
            return []
        return [agent for agent in self.order if matches(text, self.rows[agent].name, agent)]

    # -- rendering -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if self.content_width != self._layout_width:  # resized, or the scrollbar came or went
            self._relayout()
        if y == 0:
            if self._title_strip is None:
                self._title_strip = self._build_title()
            return self._title_strip
        index = self.scroll_offset.y + y - 1
        if not self.order and y == 1:
            return self._to_strip(Text(f" {self.empty_text}", style="dim"))
        if index >= len(self.order) or index < 0:
            return Strip.blank(self.content_width, self.rich_style)
        agent = self.order[index]
        strip = self._strips.get(agent)
        row = self.rows[agent]
        if strip is None:
            strip = self._strips[agent] = self._build_row(row)
            self.renders += 1
        elif self.states and (cell := self._moved_state(row, self.now)) is not None:
            strip = self._strips[agent] = self._splice_state(strip, row, cell)
            self.spliced += 1
        return strip

    def on_resize(self) -> None:
        if self._relayout():
            self._set_order(self.order, dirty=set(), full=True)
        if self.paged:
            self.show_page(self.page)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's scrollbar with a thumb in whole rows: no ▁▂▃▄▅▆▇ beside an agent's line."""
        scrollbar = super().vertical_scrollbar
        # Textual documents setting `renderer` on one instance; its type says ClassVar.
        scrollbar.renderer = WholeRowScrollBarRender  # type: ignore[misc]
        return scrollbar

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def _build_title(self) -> Strip:
        return self._to_strip(title_text(self._columns, self.palette, self.sort_key))

    def _build_row(self, row: AgentRow) -> Strip:
        self._around.pop(row.agent, None)  # cut again from this line at its first splice
        if row.state is not None:
            self._state_shown[row.agent] = (self.now, state_cell(row.state, self.now)[0])
        text = row_text(
            row,
            self._columns,
            palette=self.palette,
            zone=self.zone,
            note=self.notes.get(row.agent, ""),
            flashing=self._flash.get(row.agent, {}),
            selected=row.agent == self.selected,
            now=self.now,
        )
        return self._to_strip(text)

    def _splice_state(self, strip: Strip, row: AgentRow, cell: tuple[str, Status]) -> Strip:
        """`strip` (the row's cached line) with its STATE cell drawn anew at `now`: a ticking
        timer costs one cell, not the whole row (every visible row ticks once a second). The
        segments either side of the cell are cut from the line once and kept."""
        span = self._state_cell_span()
        if span is None:
            return self._build_row(row)
        x, width = span
        around = self._around.get(row.agent)
        if around is None:  # the widget's style too: asking Textual for it costs ~15 us
            around = self._around[row.agent] = (
                list(strip.crop(0, x)),
                list(strip.crop(x + width, strip.cell_length)),
                self.rich_style,
            )
        label, status = cell
        self._state_shown[row.agent] = (self.now, label)
        # One segment, styled as row_text's cell would be once rendered on the widget's style.
        style = self.palette.for_status(status)
        if row.agent == self.selected:
            style += self.palette.cursor
        drawn = Segment(fit(label, width).plain, around[2] + style)
        return Strip([*around[0], drawn, *around[1]], strip.cell_length)

    @property
    def content_width(self) -> int:
        """The width lines are drawn in: the widget's, less the scrollbar."""
        return self.scrollable_content_region.width

    def _to_strip(self, text: Text) -> Strip:
        width = self.content_width
        segments = list(text.render(self.app.console))
        strip = Strip(segments).apply_style(self.rich_style)
        return strip.adjust_cell_length(width, self.rich_style).crop(0, width)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _count(self, row: AgentRow, sign: int) -> None:
        for key, cell in row.cells.items():
            tally = self._trouble.get(key)
            if tally is None:
                continue
            if cell.status is Status.RED:
                tally[0] += sign
            elif cell.status is Status.AMBER:
                tally[1] += sign

    def _relayout(self, force: bool = False) -> bool:
        """Choose the columns for the current width and data; True when they changed (every
        cached line is then stale)."""
        width = self.content_width
        if width <= 0:
            return False
        longest = self._longest_texts()
        columns = choose_columns(
            width,
            self.metrics,
            longest_name=longest[0],
            longest_team=longest[1],
            longest_id=longest[2],
            trouble={key: (tally[0], tally[1]) for key, tally in self._trouble.items()},
            notes=bool(self.notes) and not self.paged,
            named=self._named,
            states=self.states,
        )
        if not force and columns == self._columns and width == self._layout_width:
            return False
        self._columns = columns
        self._layout_width = width
        self._strips.clear()
        self._title_strip = None
        return True

    def _longest_texts(self) -> tuple[int, int, int]:
        """The longest name, team and id shown: recounted only when rows came, went or were
        renamed (a full scan of 2,000 rows on every update would cost more than the update)."""
        if self._longest is None:
            rows = self.rows.values()
            self._named = any(r.name != r.agent for r in rows)
            self._longest = (
                max((len(r.name) for r in rows), default=0),
                max((len(r.team or "") for r in rows), default=0),
                max((len(a) for a in self.rows), default=0),
            )
        return self._longest

    def _set_order(self, order: list[str], *, dirty: set[str], full: bool) -> None:
        old = self.order
        previous_index = self.selected_index
        was_visible = previous_index is not None and self._is_visible(previous_index)
        if order != old:
            self.order = order
            self._selected_at = None
        height = self._virtual_height()
        if full or height != self.virtual_size.height:
            self.virtual_size = Size(self.size.width, height)
            self.refresh()
            if self.paged:
                self.show_page(self.page)
        else:
            self._refresh_visible(old, dirty)
        self._keep_selection(previous_index, was_visible)

    def _virtual_height(self) -> int:
        if self.paged and self.body_height:
            return self.pages * self.body_height + 1
        return len(self.order) + 1

    def _refresh_visible(self, old: list[str], dirty: set[str]) -> None:
        """Repaint only the visible lines whose agent moved or whose row changed."""
        top = self.scroll_offset.y
        for index in range(top, min(top + self.body_height, max(len(old), len(self.order)))):
            now = self.order[index] if index < len(self.order) else None
            before = old[index] if index < len(old) else None
            if now != before or now in dirty:
                self._refresh_index(index)

    def _keep_selection(self, previous_index: int | None, was_visible: bool) -> None:
        """The selected agent stays selected across re-sorts; if it left (or was filtered
        out), the agent now at its place is selected."""
        if self.paged:
            return
        index = self.selected_index
        if index is not None:
            if was_visible and not self._is_visible(index):
                self._scroll_to_index(index)
            return
        self.selected = None
        if self.order:
            index = min(previous_index or 0, len(self.order) - 1)
            self.select(self.order[index], scroll=was_visible)

    def _invalidate(self, agents: Iterable[str]) -> None:
        top = self.scroll_offset.y
        visible = {
            agent: top + i for i, agent in enumerate(self.order[top : top + self.body_height])
        }
        for agent in agents:
            self._strips.pop(agent, None)
            index = visible.get(agent)
            if index is not None:
                self._refresh_index(index)

    def _is_visible(self, index: int) -> bool:
        top = self.scroll_offset.y
        return top <= index < top + self.body_height

    def _refresh_index(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_index(self, index: int) -> None:
        top, body = self.scroll_offset.y, self.body_height
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif body and index >= top + body:
            self.scroll_to(y=index - body + 1, animate=False, immediate=True)
