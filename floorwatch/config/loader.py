"""The floor's YAML config, read once at the door into the frozen dataclasses of config_types.

Every problem is collected before anything is raised, and each one names the file, line and column
of the text that caused it: `config/floorwatch.yaml:12:12: metrics.aht.green must be a number of
seconds or m:ss (got 'fast')`. Values come out in base units (seconds, fractions 0..1); paths are
resolved against the config file's folder, after `~` expansion. The sections `metrics:` and
`thresholds:` are read in _config_metrics.py, the YAML nodes in _yaml_nodes.py.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import zoneinfo
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from floorwatch.config.formats import format_names, guess_format
from floorwatch.config.goals_section import GoalsReader
from floorwatch.config.live_section import LiveSectionsReader
from floorwatch.config.metrics_section import MetricsReader
from floorwatch.config.presets import PRESETS, apply_preset
from floorwatch.config.types import (
    FEED_KINDS,
    QUEUE_LOG_COLUMNS,
    Config,
    FeedConfig,
    FieldSpec,
    FieldType,
    FloorConfig,
    NotesConfig,
    SshConfig,
    SshUser,
    TimeSpec,
)
from floorwatch.config.web_section import WebReader
from floorwatch.config.yaml_nodes import (
    NULL,
    ConfigError,
    Entries,
    NodeReader,
    Problem,
    ProblemList,
    collector_paused,
    compose_file,
    did_you_mean,
    first_value,
    parse_duration_text,
    scalar_named,
)

__all__ = [
    "ConfigError",
    "Problem",
    "find_config",
    "load_config",
    "load_config_with_warnings",
    "parse_duration_text",
]

SECTIONS = (
    "floor", "feeds", "metrics", "thresholds", "roster", "notes", "ssh", "web", "goals", "states",
    "queues",
)  # fmt: skip
FLOOR_KEYS = (
    "name", "timezone", "day_starts", "shift_end", "clock", "future_tolerance", "bell", "theme",
    "rerank_seconds",
    "state_counts", "offline_hides",
)  # fmt: skip
FLOOR_CHOICES = {"clock": ("wall", "data"), "theme": ("dark", "light", "colorblind")}
FEED_KEYS = (
    "name", "path", "format", "kind", "delimiter", "time", "agent", "name_column", "team",
    "where", "exclude_agents", "fields", "stale_after", "poll", "poll_interval", "state",
    "reason", "queue", "contact", "event", "wait", "preset", "follow_symlinks",
)  # fmt: skip
SSH_KEY_TYPES = ("ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-")


def find_config(explicit: str | None) -> Path | None:
    """The config to use: `--config`, then $FLOORWATCH_CONFIG, then ./floorwatch.yaml, then
    floorwatch.yaml in the user config folder. An explicit path or the variable is returned even
    when missing, so that loading it says so instead of silently using another file."""
    import platformdirs

    if explicit:
        return Path(explicit)
    if os.environ.get("FLOORWATCH_CONFIG"):
        return Path(os.environ["FLOORWATCH_CONFIG"])
    user_file = Path(platformdirs.user_config_dir("floorwatch")) / "floorwatch.yaml"
    return next((c for c in (Path("floorwatch.yaml"), user_file) if c.is_file()), None)


def load_config(path: Path | str) -> Config:
    """The validated config; ConfigError with every error found (warnings are dropped)."""
    return load_config_with_warnings(path)[0]


def load_config_with_warnings(path: Path | str) -> tuple[Config, list[Problem]]:
    """The validated config and its warnings (feed globs matching nothing, a missing roster).
    Raises ConfigError holding every error, in file order; problems name `path` as given."""
    path = Path(path)
    with collector_paused():
        root = compose_file(path)
        problems = ProblemList(path)
        nodes = NodeReader(problems)
        nodes.check_tags(root)
        if problems.errors:  # yaml.safe_load would refuse the file there: read no further
            raise ConfigError(problems.errors)
        config = _ConfigReader(nodes, path.absolute()).config(root)
    if problems.errors or config is None:
        raise ConfigError(problems.errors)
    return config, problems.warnings


class _ConfigReader:
    """Reads each section. A part with problems yields a placeholder so that reading goes on to
    find the next problem; placeholders never leave, since any error raises ConfigError."""

    def __init__(self, nodes: NodeReader, source: Path) -> None:
        self.nodes = nodes
        self.problems = nodes.problems
        self.source = source
        self.base_dir = source.parent

    def config(self, root: Node) -> Config | None:
        what = "a mapping of sections (floor, feeds, metrics, ...)"
        top = self.nodes.mapping(root, "", SECTIONS, ("feeds", "metrics"), what=what)
        if top is None:
            return None
        metrics_reader = MetricsReader(self.nodes)
        self.live = LiveSectionsReader(self.nodes)
        floor = self.floor(self.section(top, "floor"))
        feeds = self.feeds(top.get("feeds"))
        # A queue feed's `wait` is the queues' own figure, not a field for agents' metrics.
        contacts = tuple(feed for feed in feeds if feed.kind in ("events", "snapshot"))
        metrics = metrics_reader.metrics(top.get("metrics"), contacts)
        teams, agents = metrics_reader.overrides(self.section(top, "thresholds"))
        roster = top.read("roster", self.path)
        if roster is not None and not roster.exists():
            self.problems.warning(top.values["roster"], f"roster: {roster} does not exist yet")
        notes = self.notes(self.section(top, "notes"))
        ssh = self.ssh(self.section(top, "ssh"))
        web = WebReader(self.nodes, self.base_dir, self.listen).web(self.section(top, "web"))
        goals = GoalsReader(self.nodes, metrics_reader).goals(self.section(top, "goals"))
        states = self.live.states(self.section(top, "states"))
        queues = self.live.queues(self.section(top, "queues"))
        return Config(
            self.source, floor, feeds, metrics, teams, agents, roster, notes, ssh, web, goals,
            states=states, queues=queues,
        )  # fmt: skip

    def section(self, top: Entries, key: str) -> Node | None:
        """An optional section; left empty (`notes:` with nothing under it) it counts as absent."""
        node = top.get(key)
        return None if node is None or node.tag == NULL else node

    def path(self, node: Node, where: str) -> Path | None:
        text = self.nodes.optional_text(node, where)
        return None if text is None else self.base_dir / Path(text).expanduser()

    # --- floor -------------------------------------------------------------------------------

    def floor(self, node: Node | None) -> FloorConfig:
        entries = self.nodes.mapping(node, "floor", FLOOR_KEYS) if node is not None else None
        values: dict[str, object] = {}
        for key, value in entries or ():
            where = f"floor.{key}"
            if key in FLOOR_CHOICES:
                values[key] = self.nodes.choice(value, where, FLOOR_CHOICES[key])
            elif key in ("bell", "state_counts"):
                values[key] = self.nodes.flag(value, where)
            elif key == "offline_hides":
                values[key] = self.nodes.duration(value, where)
            elif key == "name":
                values[key] = self.nodes.text(value, where)
            elif key == "timezone":
                values[key] = self.timezone(value, where)
            elif key == "future_tolerance":
                values[key] = self.nodes.duration(value, where)
            elif key == "rerank_seconds":
                values[key] = self.nodes.duration(value, where, "like 10, 10s or 1m")
            else:
                values[key] = self.time_of_day(value, where)
        present = {key: value for key, value in values.items() if value is not None}
        return FloorConfig(**present)  # type: ignore[arg-type]

    def timezone(self, node: Node, where: str) -> str | None:
        name = self.nodes.optional_text(node, where)
        if name is None:
            return None
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            hint = did_you_mean(name, zoneinfo.available_timezones())
            message = f"{where}: unknown time zone {name!r} (use an IANA name like Europe/Paris)"
            self.problems.error(node, message + hint)
            return None
        return name

    def time_of_day(self, node: Node, where: str) -> str | None:
        text = self.nodes.text(node, where)  # as written: YAML 1.1 would read 6:00 as 360
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip()) if text else None
        if text is not None and match is None:
            self.problems.error(node, f"{where} must be a time of day HH:MM (got {text!r})")
        return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None

    # --- feeds -------------------------------------------------------------------------------

    def feeds(self, node: Node | None) -> tuple[FeedConfig, ...]:
        items = self.nodes.sequence(node, "feeds") if node is not None else None
        if node is not None and items == []:
            self.problems.error(node, "feeds must list at least one feed")
        feeds: list[FeedConfig] = []
        first_use: dict[str, tuple[int, Node]] = {}
        for index, item in enumerate(items or []):
            feed = self.feed(item, f"feeds[{index}]")
            name_node = first_value(item, "name")
            if feed is None or not feed.name or name_node is None:
                continue
            feeds.append(feed)
            if feed.name in first_use:
                other, other_node = first_use[feed.name]
                message = f"feeds[{index}].name {feed.name!r} is already used by feeds[{other}]"
                self.problems.error(name_node, f"{message} (line {other_node.start_mark.line + 1})")
            else:
                first_use[feed.name] = (index, name_node)
        return tuple(feeds)

    def feed(self, node: Node, where: str) -> FeedConfig | None:
        name_column = self.name_column(node, where)
        entries = self.nodes.mapping(node, where, FEED_KEYS, _required_feed_keys(node))
        if entries is None:
            return None
        preset = entries.read("preset", self.nodes.one_of(*PRESETS))
        if name_column is not None and "name_column" in entries.values:
            message = f"{where}.name_column repeats the display-name column given as a second name"
            self.problems.error(entries.keys["name_column"], message)
        text = {k: entries.read(k, self.nodes.text) for k in ("name", "path", "agent", "delimiter")}
        path_text = text["path"] or ""
        fmt = PRESETS[preset].format if preset else self.feed_format(entries, path_text)
        kind = entries.read("kind", self.nodes.one_of(*FEED_KINDS)) or (
            PRESETS[preset].kind if preset else "events"
        )
        # The feeds' own walk (each file once, no loops); imported here: feeds import config.
        from floorwatch.feeds.discover import feed_files, searches_from_root

        feed_glob = os.path.join(self.base_dir, os.path.expanduser(path_text))
        if path_text and searches_from_root(feed_glob):
            message = (
                f"{where}.path {path_text!r} would search every folder of the disk on each poll;"
                " start it at the feeds' folder (like /var/spool/dialer/**/*.csv)"
            )
            self.problems.error(entries.values["path"], message)
        elif path_text and not feed_files(feed_glob, follow_symlinks=True):
            message = f"{where}.path {path_text!r} matches no file yet (looked for {feed_glob})"
            self.problems.warning(entries.values["path"], message)
        delimiter = text["delimiter"]
        if delimiter is not None and (len(delimiter) != 1 or fmt not in ("csv", "tsv")):
            why = "must be one character" if len(delimiter) != 1 else "applies to csv feeds only"
            self.problems.error(entries.values["delimiter"], f"{where}.delimiter {why}")
        feed = FeedConfig(
            name=text["name"] or "",
            path=path_text,
            glob=feed_glob,
            format=fmt or "csv",
            kind=kind,
            time=entries.read("time", self.time_spec),
            agent=text["agent"] or "",
            fields=entries.read("fields", self.fields) or (),
            name_column=name_column or entries.read("name_column", self.nodes.optional_text),
            team_column=entries.read("team", self.nodes.optional_text),
            delimiter=delimiter,
            where=entries.read("where", self.row_filter) or (),
            exclude_agents=entries.read("exclude_agents", self.nodes.texts) or (),
            stale_after=entries.read("stale_after", self.nodes.duration) or 120.0,
            poll=bool(entries.read("poll", self.nodes.flag)),
            poll_interval=entries.read("poll_interval", self.nodes.duration) or 1.0,
            follow_symlinks=bool(entries.read("follow_symlinks", self.nodes.flag)),
            preset=preset,
            **self.live.columns(entries, kind, fmt, where, bool(preset)),
        )
        feed = self.live.finish(entries, feed, where)
        if preset:
            feed = apply_preset(feed, PRESETS[preset])
        if feed.format == "queue_log":
            self.queue_log_columns(node, feed, where)
        return feed

    def queue_log_columns(self, node: Node, feed: FeedConfig, where: str) -> None:
        """A queue_log has no header but fixed columns: a column it lacks is said here, at the
        line that names it, rather than as a file problem once the board runs."""
        named = [feed.agent, *(feed.time.columns if feed.time else ())]
        named += [c for c in (feed.name_column, feed.team_column) if c]
        named += [spec.column for spec in feed.fields] + [column for column, _ in feed.where]
        for column in dict.fromkeys(named):
            if column and column not in QUEUE_LOG_COLUMNS:
                message = (
                    f"{where}: a queue_log line has no column {column!r} "
                    f"(it has: {', '.join(QUEUE_LOG_COLUMNS)})"
                )
                self.problems.error(scalar_named(node, column) or node, message)

    def name_column(self, node: Node, where: str) -> str | None:
        """The schema (issue 2) writes a feed as `name: calls` ... `name: agent_name`: two equal
        keys, the first naming the feed, the second its display-name column. YAML loaders keep
        only the last of two equal keys, so take the second out here and read the rest as plain
        YAML. `name_column: agent_name` says the same without repeating a key."""
        if not isinstance(node, MappingNode):
            return None
        keys = [key.value if isinstance(key, ScalarNode) else None for key, _ in node.value]
        names = [index for index, key in enumerate(keys) if key == "name"]
        if len(names) != 2:
            return None  # one name is the feed's; three are reported as a duplicate
        _, column = node.value.pop(names[1])
        return self.nodes.optional_text(column, f"{where}.name (the display-name column)")

    def feed_format(self, entries: Entries, path_text: str) -> str | None:
        if "format" in entries.values:
            formats = format_names()
            return self.nodes.choice(entries.values["format"], entries.path("format"), formats)
        guessed = guess_format(path_text)
        if guessed is None and path_text:
            message = f"{entries.path('format')} is needed: {path_text!r} does not tell"
            known = ", ".join(format_names())
            self.problems.error(entries.values["path"], f"{message} ({known})")
        return guessed

    def time_spec(self, node: Node, where: str) -> TimeSpec | None:
        what = "a mapping like {column: ended_at} or {columns: [date, time], format: ...}"
        entries = self.nodes.mapping(node, where, ("column", "columns", "format"), what=what)
        if entries is None:
            return None
        fmt = entries.read("format", self.nodes.optional_text)
        misspelt = entries.suggested & {"column", "columns"}  # reported as unknown already
        if ("column" in entries.values) == ("columns" in entries.values) and not misspelt:
            self.problems.error(node, f"{where} needs either `column: NAME` or `columns: [A, B]`")
            return None
        if "column" in entries.values:
            column = entries.read("column", self.nodes.text)
            return TimeSpec((column,), fmt) if column is not None else None
        columns = entries.read("columns", self.nodes.texts)
        if columns == ():
            self.problems.error(entries.values["columns"], f"{where}.columns is empty")
        return TimeSpec(columns, fmt) if columns else None

    def fields(self, node: Node, where: str) -> tuple[FieldSpec, ...]:
        entries = self.nodes.mapping(node, where, what="a mapping of field: {column, type}")
        if entries is not None and not entries.values:
            message = f"{where} names no field: a feed needs at least one for a metric to read"
            self.problems.error(node, message)
        types = self.nodes.one_of(*(t.value for t in FieldType))
        what = "a mapping like {column: aht_s, type: seconds}"
        specs = []
        for name, value in entries or ():
            spec = self.nodes.mapping(
                value, f"{where}.{name}", ("column", "type"), ("column",), what
            )
            if spec is not None:
                column, kind = spec.read("column", self.nodes.text), spec.read("type", types)
                specs.append(FieldSpec(name, column or "", FieldType(kind or "number")))
        return tuple(specs)

    def row_filter(self, node: Node, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        entries = self.nodes.mapping(node, where, what="a mapping of column: [allowed values]")
        kept = [
            (column, self.nodes.texts(value, f"{where}.{column}"))
            for column, value in entries or ()
        ]
        return tuple((column, values) for column, values in kept if values is not None)

    # --- notes, ssh --------------------------------------------------------------------------

    def notes(self, node: Node | None) -> NotesConfig:
        keys = ("path", "author", "url", "site", "role", "default_visibility")
        entries = self.nodes.mapping(node, "notes", keys) if node else None
        if entries is None:
            return NotesConfig()
        author = entries.read("author", self.nodes.optional_text)
        url = entries.read("url", self.notes_url)
        path = entries.read("path", self.path)
        if url is not None and path is not None:
            message = "notes: give either url (PostgreSQL) or path (a SQLite file), not both"
            self.problems.error(entries.values["url"], message)
        site = entries.read("site", self.nodes.optional_text)
        role = entries.read("role", self.nodes.one_of("supervisor", "manager"))
        shown = entries.read("default_visibility", self.nodes.one_of("private", "shared"))
        return NotesConfig(
            path,
            author,
            url,
            site,
            role=role or "supervisor",
            default_visibility=shown or "private",
        )

    def notes_url(self, node: Node, where: str) -> str | None:
        """A postgresql:// URL without a password (that lives in $PGPASSWORD or ~/.pgpass)."""
        text = self.nodes.text(node, where)
        if text is None:
            return None
        problem = notes_url_problem(text)
        if problem is not None:
            self.problems.error(node, f"{where} {problem}")
            return None
        return text

    def ssh(self, node: Node | None) -> SshConfig:
        keys = ("listen", "host_key", "users", "max_sessions_per_user")
        entries = self.nodes.mapping(node, "ssh", keys) if node else None
        if entries is None:
            return SshConfig()
        users: list[SshUser] = []
        for index, item in enumerate(entries.read("users", self.nodes.sequence) or []):
            user = self.ssh_user(item, f"ssh.users[{index}]")
            if user is not None and any(u.name == user.name for u in users):
                message = f"ssh.users[{index}].name {user.name!r} is listed twice"
                self.problems.error(first_value(item, "name") or item, message)
            elif user is not None:
                users.append(user)
        listen = entries.read("listen", self.listen) or SshConfig.listen
        per_user = entries.read("max_sessions_per_user", self.session_count)
        return SshConfig(
            listen,
            entries.read("host_key", self.path),
            tuple(users),
            max_sessions_per_user=per_user or SshConfig.max_sessions_per_user,
        )

    def session_count(self, node: Node, where: str) -> int | None:
        value = self.nodes.number(node, where, "a whole number of sessions")
        if value is not None and (value != int(value) or not 1 <= value <= 64):
            self.problems.error(node, f"{where} must be a whole number from 1 to 64")
            return None
        return None if value is None else int(value)

    def listen(self, node: Node, where: str) -> str | None:
        text = self.nodes.text(node, where)
        match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:\s\[\]]+):(\d{1,5})", text or "")
        if text is not None and (match is None or not 0 < int(match.group(2)) < 65536):
            example = "0.0.0.0:8080" if where.startswith("web") else "0.0.0.0:2222"
            self.problems.error(node, f"{where} must be host:port like {example} (got {text!r})")
            return None
        return text

    def ssh_user(self, node: Node, where: str) -> SshUser | None:
        entries = self.nodes.mapping(
            node, where, ("name", "role", "keys", "teams"), ("name", "role")
        )
        if entries is None:
            return None
        name = entries.read("name", self.nodes.text)
        if name is not None and not re.fullmatch(r"[A-Za-z0-9._-]+", name):
            message = f"{where}.name must be a login name: letters, digits, . _ - (got {name!r})"
            self.problems.error(entries.values["name"], message)
        role = entries.read("role", self.nodes.one_of("supervisor", "manager", "wall"))
        keys = entries.read("keys", self.nodes.texts) or ()
        key_nodes = entries.values.get("keys")
        for index, key in enumerate(keys):
            why = ssh_key_problem(key)
            if why is not None:
                at = key_nodes.value[index] if isinstance(key_nodes, SequenceNode) else key_nodes
                message = f"{where}.keys[{index}] is not an OpenSSH public key line ({why})"
                example = "like 'ssh-ed25519 AAAA... li@laptop'"
                self.problems.error(at or entries.node, f"{message}, {example}")
        if not keys:
            at = key_nodes if key_nodes is not None else entries.node
            self.problems.error(at, f"{where} has no keys: {name} could never log in")
        teams = entries.read("teams", self.nodes.texts) or ()
        return SshUser(name or "", role or "wall", keys, teams)


def _required_feed_keys(node: Node) -> tuple[str, ...]:
    """A feed names its agent column and its fields, except a preset (it knows its columns), a
    queue feed (a caller waiting has no agent yet; no metric fields), a states feed (no metric
    fields) and an Asterisk queue_log's states (its lines say who)."""
    kind, fmt, preset = (first_value(node, key) for key in ("kind", "format", "preset"))
    kind_text = kind.value if isinstance(kind, ScalarNode) else "events"
    fmt_text = fmt.value if isinstance(fmt, ScalarNode) else None
    path = first_value(node, "path")
    if fmt_text is None and isinstance(path, ScalarNode) and "queue_log" in path.value.lower():
        fmt_text = "queue_log"
    if (
        preset is not None
        or kind_text == "queue"
        or (kind_text == "states" and fmt_text == "queue_log")
    ):
        return ("name", "path")
    if kind_text == "states":
        return ("name", "path", "agent")
    return ("name", "path", "agent", "fields")


def ssh_key_problem(line: str) -> str | None:
    """Why `line` is not an OpenSSH public key line ('TYPE BASE64 [comment]'), or None. The
    base64 part must decode and name the same key type, as sshd checks it."""
    parts = line.split()
    if len(parts) < 2 or not parts[0].startswith(SSH_KEY_TYPES):
        return "no key type such as ssh-ed25519 first"
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return "its key is not base64"
    size = int.from_bytes(blob[:4], "big") if len(blob) >= 4 else -1
    if size < 0 or blob[4 : 4 + size] != parts[0].encode("ascii", "replace"):
        return f"its key data is not a {parts[0]} key"
    return None


def notes_url_problem(url: str) -> str | None:
    """Why `url` cannot name the shared notes store (None when it can). A password in it is
    refused: the config is read by many and copied around; libpq reads $PGPASSWORD/~/.pgpass."""
    from urllib.parse import parse_qs, urlsplit

    if not url.startswith(("postgresql://", "postgres://")):
        example = "postgresql://floorwatch@db.example/notes"
        return f"must be a postgresql:// URL like {example} (got {url!r})"
    try:
        parts = urlsplit(url)
        has_password = parts.password is not None or "password" in parse_qs(parts.query)
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if has_password:
        return (
            "must not hold a password: put it in $PGPASSWORD or ~/.pgpass (see docs/postgresql.md)"
        )
    return None
