"""Config validation: the full schema loads into the expected dataclasses, and every mistake is
reported at its line and column, all of them at once.

Expected positions are found in the YAML text itself (where the offending token starts), so the
tests check the loader's positions against the text rather than against numbers copied from it.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest

from floorwatch.config import (
    ConfigError,
    Problem,
    find_config,
    load_config,
    load_config_with_warnings,
    parse_duration_text,
)
from floorwatch.config.types import (
    Agg,
    Better,
    FeedConfig,
    FieldSpec,
    FieldType,
    FloorConfig,
    MetricConfig,
    MetricFormat,
    NotesConfig,
    SshUser,
    Threshold,
    TimeSpec,
)

FIXTURES = Path(__file__).parent / "fixtures" / "config"
FULL = FIXTURES / "full.yaml"
BROKEN = FIXTURES / "broken.yaml"

WALL_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIAICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIC"  # a valid blob
MINIMAL = """\
feeds:
  - name: calls
    path: {path}
    agent: agent_id
    fields:
      value: {{column: value, type: {type}}}
metrics:
  m:
    field: value
    agg: {agg}
    better: {better}
    green: {green}
"""


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column where the n-th `needle` starts in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "floorwatch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def mutate(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    """The full fixture with one change, written where its feed globs match nothing."""
    text = FULL.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in the fixture"
    text = text.replace(old, new)
    return write(tmp_path, text), text


def errors(path: Path) -> list[Problem]:
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    return raised.value.problems


def minimal(tmp_path: Path, **values: str) -> Path:
    defaults = {"path": "calls.csv", "type": "number", "agg": "mean", "better": "lower"}
    return write(tmp_path, MINIMAL.format(**{"green": "1", **defaults, **values}))


# --- the valid example ---------------------------------------------------------------------


def test_rerank_seconds_defaults_to_ten_and_reads_a_duration(tmp_path: Path) -> None:
    source = FULL.read_text(encoding="utf-8")
    assert load_config(FULL).floor.rerank_seconds == 10.0
    calm = source.replace("  bell: true\n", "  bell: true\n  rerank_seconds: 1m\n", 1)
    assert calm != source
    path = tmp_path / "floorwatch.yaml"
    path.write_text(calm, encoding="utf-8")
    (tmp_path / "feeds").mkdir()
    assert load_config(path).floor.rerank_seconds == 60.0


def test_full_config_loads_into_the_expected_dataclasses() -> None:
    config, warnings = load_config_with_warnings(FULL)

    assert warnings == []
    assert config.source == FULL.absolute()
    assert config.floor == FloorConfig(
        name="Floor 3 - Billing",
        timezone="Asia/Shanghai",
        day_starts="06:00",
        clock="wall",
        bell=True,
        theme="colorblind",
    )
    calls, bank = config.feeds
    assert calls == FeedConfig(
        name="calls",
        path="feeds/*.csv",
        glob=str(FIXTURES.absolute() / "feeds" / "*.csv"),
        format="csv",
        kind="events",
        time=TimeSpec(("ended_at",)),
        agent="agent_id",
        fields=(
            FieldSpec("handle_time", "aht_s", FieldType.SECONDS),
            FieldSpec("resolved", "resolved", FieldType.BOOL),
            FieldSpec("csat", "csat", FieldType.NUMBER),
            FieldSpec("answer_wait", "asa", FieldType.DURATION),
            FieldSpec("complaint", "complaint", FieldType.BOOL),
        ),
        name_column="agent_name",
        team_column="team",
        delimiter=",",
        where=(("outcome", ("AGENT",)),),
        exclude_agents=("NO_SERVER",),
        stale_after=300.0,
        poll=True,
        poll_interval=2.0,
    )
    assert bank.format == "tsv"  # from the extension
    assert bank.time == TimeSpec(("date", "ser_exit"), "%y%m%d %H:%M:%S")
    assert bank.fields == (FieldSpec("service", "ser_time", FieldType.NUMBER),)
    assert (bank.stale_after, bank.poll, bank.poll_interval) == (120.0, False, 1.0)

    aht, csat, fcr, asa, complaints, volume = config.metrics
    assert aht == MetricConfig(
        key="aht",
        label="AHT",
        field="handle_time",
        agg=Agg.MEAN,
        window=3600.0,
        window_text="60m",
        better=Better.LOWER,
        threshold=Threshold(green=210.0, red=300.0),  # 3:30 and "5:00"
        format=MetricFormat.DURATION,
        min_count=5,
    )
    assert csat == MetricConfig(
        "csat", "CSAT", "csat", Agg.MEAN, 8 * 3600.0, "8h", Better.HIGHER,
        Threshold(90.0, 80.0), MetricFormat.NUMBER, 1,
    )  # fmt: skip
    assert fcr == MetricConfig(
        "fcr", "FCR", "resolved", Agg.RATE, None, "today", Better.HIGHER,
        Threshold(0.85, 0.75), MetricFormat.PERCENT, 1,
    )  # fmt: skip
    assert (asa.format, asa.threshold) == (MetricFormat.DURATION, Threshold(20.0, 30.0))
    assert complaints.threshold == Threshold(green=0.005, red=None)  # red omitted: no red level
    assert complaints.format is MetricFormat.PERCENT
    assert (volume.better, volume.format) == (Better.BAND, MetricFormat.NUMBER)
    assert volume.threshold == Threshold((20.0, 60.0), (10.0, 80.0))

    assert config.team_thresholds == {"onboarding": {"aht": Threshold(300.0, 420.0)}}
    assert config.agent_thresholds == {
        "A017": {"aht": Threshold(240.0, None)},  # a missing bound inherits
        "007": {"fcr": Threshold(None, 0.70)},
    }
    assert config.roster == FIXTURES.absolute() / "roster.csv"
    assert config.notes == NotesConfig(Path("~/floorwatch-notes.db").expanduser(), "li.wei")
    assert config.ssh.listen == "0.0.0.0:2222"
    assert config.ssh.host_key == FIXTURES.absolute() / "keys" / "host_ed25519"
    assert [u.name for u in config.ssh.users] == ["li.wei", "wall-3"]
    assert config.ssh.users[0] == SshUser(
        "li.wei", "supervisor", ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample li@laptop",)
    )


def test_defaults_fill_what_is_left_out(tmp_path: Path) -> None:
    config = load_config(minimal(tmp_path))

    assert config.floor == FloorConfig()
    assert config.notes == NotesConfig() and config.roster is None
    (feed,) = config.feeds
    assert (feed.format, feed.kind, feed.time, feed.name_column, feed.team_column) == (
        "csv", "events", None, None, None,
    )  # fmt: skip
    assert (feed.stale_after, feed.poll, feed.poll_interval) == (120.0, False, 1.0)
    (metric,) = config.metrics
    assert (metric.label, metric.window, metric.window_text, metric.min_count) == (
        "M", None, "today", 1,
    )  # fmt: skip
    assert metric.threshold == Threshold(1.0, None)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("feeds/*.csv", "csv"),
        ("a.tsv", "tsv"),
        ("dump.TAB", "tsv"),
        ("events-*.jsonl", "jsonl"),
        ("x.ndjson", "jsonl"),
    ],  # a queue_log path: tests/test_feeds_queue_log.py (its columns are not these)
)
def test_feed_format_follows_the_extension(tmp_path: Path, path: str, expected: str) -> None:
    assert load_config(minimal(tmp_path, path=path)).feeds[0].format == expected


@pytest.mark.parametrize(
    ("field_type", "agg", "expected"),
    [
        ("seconds", "mean", MetricFormat.DURATION),
        ("duration", "p90", MetricFormat.DURATION),
        ("percent", "mean", MetricFormat.PERCENT),
        ("bool", "last", MetricFormat.PERCENT),
        ("number", "max", MetricFormat.NUMBER),
        ("seconds", "sum", MetricFormat.NUMBER),
        ("bool", "count", MetricFormat.NUMBER),
        ("number", "rate", MetricFormat.PERCENT),
    ],
)
def test_metric_format_follows_field_type_and_agg(
    tmp_path: Path, field_type: str, agg: str, expected: MetricFormat
) -> None:
    config = load_config(minimal(tmp_path, type=field_type, agg=agg))
    assert config.metrics[0].format is expected


@pytest.mark.parametrize(
    ("field_type", "agg", "green", "expected"),
    [
        ("bool", "rate", "85%", 0.85),
        ("bool", "rate", "0.85", 0.85),
        ("bool", "rate", "85", 0.85),  # above 1 on a percent metric: a percent
        ("bool", "mean", '"12.5 %"', 0.125),
        ("percent", "mean", "1", 1.0),
        ("bool", "count", "85", 85.0),  # a count of rows is not a percent
        ("seconds", "mean", "3:30", 210.0),
        ("seconds", "mean", '"1:02:03"', 3723.0),
        ("seconds", "mean", "3m30s", 210.0),
        ("duration", "mean", "90", 90.0),
        ("number", "mean", '"4.5"', 4.5),
    ],
)
def test_threshold_values_come_out_in_base_units(
    tmp_path: Path, field_type: str, agg: str, green: str, expected: float
) -> None:
    config = load_config(minimal(tmp_path, type=field_type, agg=agg, green=green))
    assert config.metrics[0].threshold.green == pytest.approx(expected)


def test_yaml_1_1_surprises_are_read_as_written(tmp_path: Path) -> None:
    """Unquoted 6:00 is the integer 360 and `yes` is True to yaml.safe_load; a config means the
    text it shows."""
    path = write(
        tmp_path,
        MINIMAL.format(path="c.csv", type="number", agg="mean", better="lower", green="1")
        + "floor: {day_starts: 6:00}\n",
    )
    text = path.read_text().replace(
        "agent: agent_id", "agent: 007\n    where: {answered: [yes, Y]}"
    )
    config = load_config(write(tmp_path, text))
    assert config.floor.day_starts == "06:00"
    assert config.feeds[0].agent == "007"
    assert config.feeds[0].where == (("answered", ("yes", "Y")),)


def test_shift_end_defaults_to_17_00_and_reads_hh_mm_as_written(tmp_path: Path) -> None:
    assert load_config(minimal(tmp_path)).floor.shift_end == "17:00"
    assert load_config(minimal(tmp_path)).floor.shift_end_time == time(17, 0)
    text = MINIMAL.format(path="c.csv", type="number", agg="mean", better="lower", green="1")
    config = load_config(write(tmp_path, text + "floor: {shift_end: 6:30}\n"))  # YAML 1.1: 390
    assert config.floor.shift_end == "06:30"
    assert config.floor.shift_end_time == time(6, 30)


@pytest.mark.parametrize("bad", ["25:00", "5pm", "17"])
def test_a_bad_shift_end_is_reported_at_its_place(tmp_path: Path, bad: str) -> None:
    text = MINIMAL.format(path="c.csv", type="number", agg="mean", better="lower", green="1")
    text += f"floor:\n  shift_end: '{bad}'\n"
    path = write(tmp_path, text)

    (problem,) = errors(path)

    assert problem.message == f"floor.shift_end must be a time of day HH:MM (got {bad!r})"
    assert (problem.line, problem.col) == position(text, f"'{bad}'")


def test_name_column_spells_the_display_name_column_without_repeating_name(
    tmp_path: Path,
) -> None:
    path, _ = mutate(tmp_path, "    name: agent_name ", "    name_column: agent_name ")
    assert load_config(path).feeds[0].name_column == "agent_name"


def test_paths_resolve_against_the_config_folder_and_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    folder = tmp_path / "site"
    folder.mkdir()
    text = MINIMAL.format(path="~/feeds/*.csv", type="number", agg="mean", better="lower", green=1)
    text += "roster: people/roster.csv\nnotes: {path: ../notes.db}\nssh: {host_key: /etc/k}\n"
    config = load_config(write(folder, text))
    assert config.feeds[0].glob == str(home / "feeds" / "*.csv")
    assert config.roster == folder / "people" / "roster.csv"
    assert config.notes.path == folder / ".." / "notes.db"
    assert config.ssh.host_key == Path("/etc/k")


# --- one mistake at a time, each at its place ---------------------------------------------

ERROR_CASES = [
    # (id, old text, new text, token that is reported (and which occurrence), message part)
    ("unknown key", "    min_count: 5", "    min_cont: 5", ("min_cont", 1),
     "metrics.aht: unknown key 'min_cont'; did you mean 'min_count'?"),
    ("unknown section", "thresholds:\n", "threshold:\n", ("threshold:", 1),
     "unknown key 'threshold'; did you mean 'thresholds'?"),
    ("wrong type", "    red: 80", "    red: fast", ("fast", 1),
     "metrics.csat.red must be a number (got 'fast')"),
    ("wrong type in duration", "    green: 3:30", "    green: soon", ("soon", 1),
     "metrics.aht.green must be a number of seconds or m:ss (got 'soon')"),
    ("wrong type for percent", "    green: 85%", "    green: most", ("most", 1),
     "metrics.fcr.green must be a number or a percent like 85% (got 'most')"),
    ("bad unit", "window: 60m", "window: 60x", ("60x", 1),
     "metrics.aht.window must be a duration like 15m, 60m, 8h or today (got '60x': unknown unit"),
    ("bad direction", "better: lower\n    green: 3:30", "better: lowest\n    green: 3:30",
     ("lowest", 1), "metrics.aht.better must be one of lower, higher, band (got 'lowest')"),
    ("green past red", "    green: 3:30", "    green: 6:00", ('"5:00"', 1),
     "metrics.aht: green must be <= red when better is lower (got green 6:00, red 5:00)"),
    ("higher mirrored", "    green: 90\n", "    green: 70\n", ("80", 1),
     "metrics.csat: green must be >= red when better is higher (got green 70, red 80)"),
    ("bad band nesting", "red: [10, 80]", "red: [30, 80]", ("[30, 80]", 1),
     "metrics.volume: green must lie inside red when better is band"),
    ("band needs a pair", "green: [20, 60]", "green: 20", ("20\n    red: [10", 1),
     "metrics.volume.green must be a [low, high] pair for better: band (got '20')"),
    ("unknown field", "    field: handle_time", "    field: handel_time", ("handel_time", 1),
     "metrics.aht.field 'handel_time' is not a field of any feed (known fields: answer_wait, "
     "complaint, csat, handle_time, resolved, service); did you mean 'handle_time'?"),
    ("unknown metric in override", "{onboarding: {aht:", "{onboarding: {ahtt:", ("ahtt", 1),
     "thresholds.teams.onboarding: unknown metric 'ahtt'"),
    ("override against the metric", "{A017: {aht: {green: 240}}", "{A017: {aht: {green: 400}}",
     ("400", 1), "thresholds.agents.A017.aht (with metrics.aht): green must be <= red"),
    ("bad timezone", '"Asia/Shanghai"', '"Asia/Shangai"', ('"Asia/Shangai"', 1),
     "floor.timezone: unknown time zone 'Asia/Shangai' (use an IANA name like Europe/Paris); "
     "did you mean 'Asia/Shanghai'?"),
    ("bad day start", '"06:00"', '"6h"', ('"6h"', 1),
     "floor.day_starts must be a time of day HH:MM (got '6h')"),
    ("bad clock", "clock: wall", "clock: wallclock", ("wallclock", 1),
     "floor.clock must be one of wall, data (got 'wallclock')"),
    ("bad theme", "theme: colorblind", "theme: blue", ("blue", 1),
     "floor.theme must be one of dark, light, colorblind (got 'blue')"),
    ("bell not a flag", "bell: true", "bell: loud", ("loud", 1),
     "floor.bell must be true or false (got 'loud')"),
    ("zero rerank interval", "bell: true", "bell: true\n  rerank_seconds: 0s", ("0s", 1),
     "floor.rerank_seconds must be more than 0 (got '0s')"),
    ("duplicate feed names", "  - name: bank", "  - name: calls", ("calls", 2),
     "feeds[1].name 'calls' is already used by feeds[0] (line 10)"),
    ("duplicate key", "    min_count: 5", "    min_count: 5\n    agg: max", ("agg: max", 1),
     "metrics.aht: duplicate key 'agg' (first at line"),
    ("missing key", "    agent: server\n", "", ("name: bank", 1),
     "feeds[1]: missing required key 'agent'"),
    ("format not guessable", "path: feeds/bank.tsv", "path: feeds/bank", ("feeds/bank", 1),
     "feeds[1].format is needed: 'feeds/bank' does not tell"),
    ("bad field type", "type: seconds}", "type: secs}", ("secs", 1),
     "feeds[0].fields.handle_time.type must be one of seconds, duration, number, bool, percent"),
    ("time needs a column", "time: {column: ended_at}", "time: {col: ended_at}", ("col:", 1),
     "feeds[0].time: unknown key 'col'; did you mean 'column'?"),
    ("time is a mapping", "time: {column: ended_at}", "time: ended_at", ("ended_at", 1),
     "feeds[0].time must be a mapping like {column: ended_at}"),
    ("bad stale_after", "stale_after: 5m", "stale_after: -5m", ("-5m", 1),
     "feeds[0].stale_after must be a duration like 90s, 15m or 2h (got '-5m'"),
    ("zero poll interval", "poll_interval: 2s", "poll_interval: 0s", ("0s", 1),
     "feeds[0].poll_interval must be more than 0 (got '0s')"),
    ("long delimiter", 'delimiter: ","', 'delimiter: ";;"', ('";;"', 1),
     "feeds[0].delimiter must be one character"),
    ("min_count", "min_count: 5", "min_count: 2.5", ("2.5", 1),
     "metrics.aht.min_count must be a whole number, 1 or more (got '2.5')"),
    ("list for lower", "    green: 20\n", "    green: [10, 20]\n", ("[10, 20]", 1),
     "metrics.asa.green must be one value for better: lower (got a list)"),
    ("ssh role", "role: wall", "role: viewer", ("viewer", 1),
     "ssh.users[1].role must be one of supervisor, wall (got 'viewer')"),
    ("ssh listen", "listen: 0.0.0.0:2222", "listen: 0.0.0.0", ("0.0.0.0", 1),
     "ssh.listen must be host:port like 0.0.0.0:2222 (got '0.0.0.0')"),
    ("ssh key", f'["ssh-ed25519 {WALL_KEY} wall"]', '["AAAAC3NzaC1lZDI1NTE5"]',
     ('"AAAAC3', 1), "ssh.users[1].keys[0] is not an OpenSSH public key line"),
    ("ssh user twice", "- name: wall-3", "- name: li.wei", ("li.wei", 3),
     "ssh.users[1].name 'li.wei' is listed twice"),
    ("unsafe tag", "theme: colorblind", "theme: !!python/name:os.system x", ("!!python", 1),
     "unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'"),
    ("YAML syntax error", 'name: "Floor 3 - Billing"', "name: Floor 3: Billing", (": Billing", 1),
     "YAML syntax error: mapping values are not allowed here"),
    ("YAML unclosed flow", "time: {column: ended_at}", "time: {column: ended_at", (": agent_id", 1),
     "YAML syntax error: expected ',' or '}', but got ':' (while parsing a flow mapping at line"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "token", "message"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_each_mistake_is_reported_at_its_line_and_column(
    tmp_path: Path, old: str, new: str, token: tuple[str, int], message: str
) -> None:
    path, text = mutate(tmp_path, old, new)

    (problem,) = errors(path)

    assert message in problem.message
    assert (problem.line, problem.col) == position(text, *token)
    assert problem.path == path
    assert problem.severity == "error"


def test_a_broken_file_reports_every_mistake_at_once() -> None:
    """Each line of broken.yaml marked `# ERROR token | text` is one expected problem."""
    expected = []
    for number, line in enumerate(BROKEN.read_text(encoding="utf-8").splitlines(), start=1):
        marker = re.search(r"^\s*[^#\s].*# ERROR (.+?) \| (.+)$", line)
        if marker:
            token, text = marker.groups()
            expected.append((number, line.index(token) + 1, text))
    assert len(expected) >= 10

    with pytest.raises(ConfigError) as raised:
        load_config(BROKEN)

    problems = raised.value.problems
    assert [(p.line, p.col) for p in problems] == [(line, col) for line, col, _ in expected]
    for problem, (_, _, text) in zip(problems, expected, strict=True):
        assert text in problem.message
    assert str(raised.value).splitlines() == [str(p) for p in problems]


# --- whole-file problems -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such config file"),
        ("", "the config file is empty"),
        ("# only a comment\n", "the config file is empty"),
        ("- feeds\n- metrics\n", "the config must be a mapping of sections"),
        ("just text\n", "the config must be a mapping of sections"),
        ("floor: {name: x}\n", "missing required key 'feeds'"),
    ],
)
def test_a_file_that_is_not_a_config_gives_one_clear_problem(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "floorwatch.yaml"
    if content is not None:
        path.write_text(content)

    problems = errors(path)

    assert message in problems[0].message
    assert len(problems) == (2 if "missing" in message else 1)  # feeds and metrics both missing


def test_a_folder_is_not_a_config(tmp_path: Path) -> None:
    (problem,) = errors(tmp_path)
    assert str(problem) == f"{tmp_path}: is a folder, not a config file"


def test_bytes_that_are_not_utf8_are_placed(tmp_path: Path) -> None:
    path = tmp_path / "floorwatch.yaml"
    path.write_bytes(b"floor:\n  name: caf\xe9\n")
    (problem,) = errors(path)
    assert (problem.line, problem.col) == (2, 12)
    assert "not UTF-8" in problem.message


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    text = MINIMAL.format(path="c.csv", type="number", agg="mean", better="lower", green=1)
    path = tmp_path / "floorwatch.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_config(path).metrics[0].key == "m"


def test_problems_name_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config").mkdir()
    text = MINIMAL.format(path="c.csv", type="number", agg="mean", better="lower", green="fast")
    (tmp_path / "config" / "floorwatch.yaml").write_text(text)

    (problem,) = errors(Path("config/floorwatch.yaml"))

    line, col = position(text, "fast")
    assert (
        str(problem)
        == f"config/floorwatch.yaml:{line}:{col}: metrics.m.green must be a number (got 'fast')"
    )


# --- warnings ------------------------------------------------------------------------------


def test_a_glob_matching_nothing_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = minimal(tmp_path, path="feeds/*.csv")
    text = path.read_text()

    config, warnings = load_config_with_warnings(path)

    assert load_config(path) == config  # no error raised
    (warning,) = warnings
    assert warning.severity == "warning"
    assert (warning.line, warning.col) == position(text, "feeds/*.csv")
    assert "feeds[0].path 'feeds/*.csv' matches no file yet" in warning.message
    assert str(warning).startswith(f"{path}:{warning.line}:{warning.col}: warning: ")

    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "a.csv").write_text("agent_id,value\n")
    assert load_config_with_warnings(path)[1] == []


def test_a_missing_roster_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("")
    path = write(tmp_path, minimal(tmp_path).read_text() + "roster: roster.csv\n")
    (warning,) = load_config_with_warnings(path)[1]
    assert "roster" in warning.message and warning.line == 13


def test_warnings_do_not_hide_errors(tmp_path: Path) -> None:
    path = minimal(tmp_path, path="nowhere/*.csv", green="fast")
    (problem,) = errors(path)
    assert problem.severity == "error" and "fast" in problem.message


# --- finding the config --------------------------------------------------------------------


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A working folder and a user config folder, both empty, and no $FLOORWATCH_CONFIG."""
    import platformdirs

    work, user = tmp_path / "work", tmp_path / "user"
    work.mkdir()
    user.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("FLOORWATCH_CONFIG", raising=False)
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda name: str(user / name))
    return {"work": work, "user": user / "floorwatch"}


def test_find_config_looks_in_order(places: dict[str, Path], monkeypatch: pytest.MonkeyPatch):
    assert find_config(None) is None

    places["user"].mkdir()
    (places["user"] / "floorwatch.yaml").write_text("")
    assert find_config(None) == places["user"] / "floorwatch.yaml"

    (places["work"] / "floorwatch.yaml").write_text("")
    assert find_config(None) == Path("floorwatch.yaml")

    monkeypatch.setenv("FLOORWATCH_CONFIG", "from-env.yaml")
    assert find_config(None) == Path("from-env.yaml")  # named, so returned even if missing

    assert find_config("explicit.yaml") == Path("explicit.yaml")


def test_find_config_ignores_a_folder_named_like_the_config(places: dict[str, Path]) -> None:
    (places["work"] / "floorwatch.yaml").mkdir()
    assert find_config(None) is None


# --- durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("15m", 900), ("60m", 3600), ("8h", 28800), ("1d", 86400),
     ("1.5h", 5400), (" 2 m ", 120), ("1h30m", 5400), ("0.5", 0.5), ("15M", 900)],
)  # fmt: skip
def test_parse_duration_text(text: str, seconds: float) -> None:
    assert parse_duration_text(text) == seconds


@pytest.mark.parametrize(
    ("text", "reason"),
    [("60x", "unknown unit 'x'"), ("", "empty"), ("m", "not a duration"),
     ("-5m", "not a duration"), ("1h30", "must stand alone"), ("today", "not a duration")],
)  # fmt: skip
def test_parse_duration_text_says_why_not(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_duration_text(text)


def test_the_repository_example_configs_are_valid() -> None:
    """config/*.yaml and the demo config are what users copy first."""
    root = Path(__file__).resolve().parents[1]
    examples = sorted((root / "config").glob("*.yaml"))
    assert len(examples) >= 2  # floorwatch.yaml and asterisk.yaml at least
    examples.append(root / "floorwatch" / "demo" / "demo.yaml")
    for example in examples:
        assert load_config(example).metrics, example


def test_a_misspelt_required_key_is_one_problem_not_two(tmp_path: Path) -> None:
    path, text = mutate(tmp_path, "    agent: agent_id", "    agnet: agent_id")
    (problem,) = errors(path)
    assert problem.message == "feeds[0]: unknown key 'agnet'; did you mean 'agent'?"
    assert (problem.line, problem.col) == position(text, "agnet")


def test_the_display_name_column_is_given_once(tmp_path: Path) -> None:
    path, text = mutate(tmp_path, "    team: team\n", "    team: team\n    name_column: n\n")
    (problem,) = errors(path)
    assert "name_column repeats the display-name column" in problem.message
    assert (problem.line, problem.col) == position(text, "name_column")

    # three names are no longer the schema's two: each one after the first is a duplicate
    path, text = mutate(tmp_path, "    team: team\n", "    team: team\n    name: third\n")
    problems = errors(path)
    assert [p.message for p in problems] == [
        "feeds[0]: duplicate key 'name' (first at line 10)"
    ] * 2
    assert [(p.line, p.col) for p in problems] == [
        position(text, "name: agent_name"),
        position(text, "name: third"),
    ]


def test_decimals_per_metric_and_a_bad_one_at_its_place(tmp_path: Path) -> None:
    text = MINIMAL.format(path="calls.csv", type="number", agg="mean", better="higher", green="90")
    path = write(tmp_path, text + "    decimals: 1\n")
    (metric,) = load_config(path).metrics
    assert metric.decimals == 1
    text = path.read_text().replace("decimals: 1", "decimals: 1.5")
    path.write_text(text)
    (problem,) = errors(path)
    assert problem.message == "metrics.m.decimals must be a whole number from 0 to 4 (got '1.5')"
    assert (problem.line, problem.col) == position(text, "1.5")


def test_a_metric_on_an_unknown_field_is_one_problem_not_its_thresholds_too(
    tmp_path: Path,
) -> None:
    text = MINIMAL.format(path="calls.csv", type="percent", agg="mean", better="higher",
                          green="85%") + "    red: 80%\n"  # fmt: skip
    path = write(tmp_path, text.replace("    field: value", "    field: valeu"))
    (problem,) = errors(path)
    assert "'valeu' is not a field of any feed" in problem.message
    assert "did you mean 'value'" in problem.message


def test_a_feed_without_fields_is_an_error_at_its_place(tmp_path: Path) -> None:
    lines = (
        minimal(tmp_path)
        .read_text()
        .replace("    fields:\n      value: {column: value, type: number}\n", "")
    )
    path = write(tmp_path, lines)
    messages = [p.message for p in errors(path)]
    assert any("missing required key 'fields'" in m for m in messages), messages
    empty = (
        minimal(tmp_path)
        .read_text()
        .replace("    fields:\n      value: {column: value, type: number}\n", "    fields: {}\n")
    )
    path = write(tmp_path, empty)
    problems = errors(path)
    assert any("feeds[0].fields names no field" in p.message for p in problems)


@pytest.mark.parametrize(
    ("keys", "why"),
    [
        ('["ssh-ed25519 not-base64!"]', "its key is not base64"),
        ('["ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQAB li"]', "its key data is not a ssh-ed25519 key"),
        ("[]", "has no keys: wall-3 could never log in"),
    ],
)
def test_a_malformed_ssh_key_or_a_user_without_keys_is_an_error(
    tmp_path: Path, keys: str, why: str
) -> None:
    old = (
        '["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIC wall"]'
    )
    path, text = mutate(tmp_path, old, keys)
    (problem,) = errors(path)
    assert why in problem.message and problem.severity == "error"
    at = keys if keys == "[]" else keys[1:]  # the key itself, or the empty list
    assert (problem.line, problem.col) == position(text, at)
