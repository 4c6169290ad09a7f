"""The ``faultline`` command: open the dashboard, validate, export, diff, fetch, add,
schema, new.

argparse (standard library) is enough for a few stable sub-commands and keeps the
install small; every failure a person can cause ends in a one-line message naming
the file, URL or key, and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .core.config import (
    DEFAULT_MAX_SIZE,
    DEFAULT_TIMEOUT,
    Config,
    ConfigError,
    describe_config,
    load_config,
    locate_config,
)
from .core.dates import DateError, EDate
from .core.formats import DIFF_FORMATS, FORMATS, POSITION_FORMS
from .core.gcpause import end_start_pause, pause_start
from .core.loading import load, read_layer
from .core.merge import Dataset, Layer, merge
from .core.problems import FaultlineError, Problem
from .core.text import counted, sanitise

if TYPE_CHECKING:
    from _typeshed import SupportsWrite  # typeshed's own name for a writable file

    from .core.alerts import Alert
    from .core.feeds import FetchOutcome

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_ALERTS = 3  # fetch --watched: there are alerts
ACLED_WARNING = (
    "ACLED-derived events (source 'acled'): ACLED's terms require attribution and forbid "
    "redistributing its rows"
)


class Parser(argparse.ArgumentParser):
    """argparse quotes the command line in its messages ("unrecognized arguments: …"):
    they are cleaned like every other message, so an argument cannot drive the terminal."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # Help and usage are many lines; each is cleaned, the lines are kept.
        super()._print_message(sanitise(message)[0] if message else message, file)

    def error(self, message: str) -> NoReturn:
        # One error, one line: a newline quoted from an argument must not forge another.
        one_line = message.replace("\n", "\\n")
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line}\n")


def _common(parser: argparse.ArgumentParser, *, data: bool = True, feeds: bool = True) -> None:
    # SUPPRESS keeps a sub-command's unset option from hiding the same option given before it.
    parser.add_argument(
        "--config", metavar="PATH", default=argparse.SUPPRESS, help="configuration file"
    )
    if data:
        parser.add_argument(
            "--data", metavar="PATH", action="append", default=argparse.SUPPRESS,
            help="a faultline/1 document or directory, or @default for the shipped dossier "
            "(repeatable; replaces the configured paths)",
        )  # fmt: skip
    if feeds:
        parser.add_argument(
            "--feed", metavar="URL", action="append", default=argparse.SUPPRESS,
            help="a feed URL, layered after the configured feeds (repeatable)",
        )  # fmt: skip
        parser.add_argument(
            "--offline", action="store_true", default=argparse.SUPPRESS,
            help="never touch the network; use cached feed copies",
        )  # fmt: skip


def build_parser(
    config_in_use: str | None = None, argv: Sequence[str] | None = None
) -> argparse.ArgumentParser:
    """The command line's parser; given the ``argv`` it is for, the commands' own parsers
    only when ``argv`` may need them (``_may_name_a_command``)."""
    epilog = "With no command, opens the dashboard."
    if config_in_use:
        epilog += f"\nConfiguration: {config_in_use}."
    parser = Parser(
        prog="faultline",
        description="Who disagrees with whom, about what, and since when: a terminal dashboard.",
        epilog=epilog,
        # As written: a path is never broken at a hyphen across lines.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"faultline {__version__}")
    _common(parser)
    parser.add_argument(
        "--no-watch", action="store_true",
        help="do not read data files again when they are saved (as [data] watch = false)",
    )  # fmt: skip
    parser.add_argument(
        "--view", metavar="NAME", help="open the view saved under NAME (v in the dashboard)"
    )
    parser.add_argument(
        "--fresh", action="store_true",
        help="start afresh instead of where the last session left off (focus, filter, pane)",
    )  # fmt: skip
    parser.add_argument(
        "--low-bandwidth", action="store_true",
        help="for the slowest links: no animation, the detail follows the cursor once it "
        "rests, no list scrollbars (as [ui] bandwidth = \"low\")",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if argv is None or _may_name_a_command(argv):
        _add_commands(commands)
    return parser


def _may_name_a_command(argv: Sequence[str]) -> bool:
    """Whether ``argv`` could name a command or ask for help: unless every argument is a
    long option other than ``--help`` (or an abbreviation of it), as when the dashboard
    starts (``faultline``, ``faultline --fresh``). Otherwise the commands' parsers are not
    needed, and building them (and importing what ``add`` offers) takes 2-3 ms of the
    dashboard's start."""
    return not all(
        arg.startswith("--") and not "--help".startswith(arg.split("=", 1)[0]) for arg in argv
    )


def _add_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    validate = commands.add_parser(
        "validate", help="check documents against the faultline/1 format"
    )
    validate.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or directories (default: the configured data paths)",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate.add_argument(
        "--watch", action="store_true",
        help="check again at every save, printing a timestamped result each time (Ctrl-C stops)",
    )  # fmt: skip
    _common(validate, data=False, feeds=False)

    exporter = commands.add_parser(
        "export", help="write the merged dataset as json, toml, md or csv"
    )
    exporter.add_argument("--format", "-f", required=True, choices=FORMATS)
    exporter.add_argument(
        "-o", "--output", metavar="FILE", help="write here instead of standard output"
    )
    exporter.add_argument(
        "--positions", choices=POSITION_FORMS, default="nested",
        help="json and toml: write positions under their disagreement (nested, the default) "
        "or as top-level [[positions]]; both read back the same",
    )  # fmt: skip
    exporter.add_argument(
        "--alignment", action="store_true",
        help="md: add who sides with whom (each actor's closest ally and furthest opponent "
        "by the agreement index)",
    )  # fmt: skip
    exporter.add_argument(
        "--allow-partial", action="store_true",
        help="export even when a file or feed cannot be read; meta.x_missing_layers names it",
    )  # fmt: skip
    exporter.add_argument(
        "--notes", action="store_true",
        help="md: end the brief with your private notes (N in the dashboard)",
    )  # fmt: skip
    exporter.add_argument(
        "--as-of", metavar="DATE", type=_date_argument,
        help="the dossier as it stood then (any date form, 2013, 2013-05~): each stance its "
        "latest position by then; reported events after it left out",
    )  # fmt: skip
    exporter.add_argument(
        "--since", metavar="DATE", type=_date_argument,
        help="md: add a 'Moved since' section, every stance that moved since DATE",
    )  # fmt: skip
    _common(exporter)
    notes = commands.add_parser("notes", help="your private notes (N in the dashboard)")
    notes_commands = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)
    notes_export = notes_commands.add_parser(
        "export", help="write every note as JSON, for a backup"
    )
    notes_export.add_argument(
        "-o", "--output", metavar="FILE", help="write here instead of standard output"
    )

    differ = commands.add_parser(
        "diff", help="the stances that moved since a date: both positions, with citations",
        description="Every actor's stance that differs between the day before --since and "
        "now (or the end of --until): a position counts from its earliest possible day.",
    )  # fmt: skip
    differ.add_argument("--since", metavar="DATE", type=_date_argument, required=True)
    differ.add_argument("--until", metavar="DATE", type=_date_argument)
    differ.add_argument("--format", "-f", choices=DIFF_FORMATS, default="text")
    differ.add_argument("-o", "--output", metavar="FILE", help="write here instead")
    _common(differ)

    fetch = commands.add_parser(
        "fetch", help="refresh every feed once, update the cache, report changes"
    )
    _common(fetch, data=False)
    fetch.add_argument(
        "--watched",
        action="store_true",
        help="print only the alerts for watched entities (pinned, or [watch] in the config); "
        "exit 3 when there are any, 0 when none, 1 when a feed failed",
    )
    _add_parser(commands)
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of faultline/1, for editors (taplo, Even Better TOML)",
    )
    schema.add_argument("-o", "--output", metavar="FILE", help="write here instead")
    _common(schema, data=False, feeds=False)
    new = commands.add_parser(
        "new",
        help="start a dossier: a commented starter document that validates as written",
        description="Write a new faultline/1 document at PATH (never over an existing "
        "file): one of each kind, optional keys commented out, and a #:schema directive; "
        "the schema it names is written beside it if missing.",
    )
    new.add_argument("path", metavar="PATH", help="the new .toml file")
    new.add_argument("--title", default="New dossier", help="the dossier's title")
    _common(new, data=False, feeds=False)
    _import_parser(commands)


# ``add``'s options are the format's keys (``as_of`` as ``--as-of``); an array's key also
# takes its singular (``--source ID``, repeatable), and each value may list several,
# separated by commas.
_SINGULAR = {
    "sources": "source", "actors": "actor", "targets": "target",
    "disagreements": "disagreement", "aliases": "alias", "tags": "tag", "topics": "topic",
}  # fmt: skip


def _add_parser(commands: argparse._SubParsersAction[Parser]) -> None:
    from .core.authoring import DATE_KEYS, FIELDS, ID_LIST_KEYS, LIST_KEYS
    from .core.schema import SHAPES

    add = commands.add_parser(
        "add",
        help="append a checked actor, source, event or position to a document",
        description="Append one entity to FILE (created if missing) as a top-level table, "
        "keeping the file's comments and layout. The result is checked as validate checks "
        "it; if it would not validate, nothing is written. A change of stance is a new "
        "position: add position --disagreement D --actor A --stance S.",
    )
    # "entity", not "kind": actors and sources have a key named kind
    kinds = add.add_subparsers(dest="entity", metavar="KIND", required=True)
    for kind, spec in FIELDS.items():
        sub = kinds.add_parser(kind, help=f"append {'an' if kind[0] in 'aeiou' else 'a'} {kind}")
        sub.add_argument("file", metavar="FILE", help="a .toml or .json document")
        for key in spec:
            names = ["--" + key.replace("_", "-")]
            singular = _SINGULAR.get(key)
            if singular and singular not in spec:
                names.append("--" + singular)
            if key in LIST_KEYS:
                ids = key in ID_LIST_KEYS
                several = "repeatable" + ("; or several ids separated by commas" if ids else "")
                sub.add_argument(*names, dest=key, action="append",
                    metavar="ID" if ids else "TEXT", help=several)  # fmt: skip
            elif key in DATE_KEYS:
                default = "today" if (kind, key) == ("position", "as_of") else None
                sub.add_argument(*names, dest=key, metavar="DATE",
                    help="2013-01-18, 2012-09, 2025, ../2025 …"
                    + (" (default: today)" if default else ""))  # fmt: skip
            else:
                enum = SHAPES.get(spec[key], {}).get("enum")
                sub.add_argument(*names, dest=key, metavar=key.upper(),
                    help=f"one of: {', '.join(enum)}" if enum else None)  # fmt: skip
        _common(sub, data=False, feeds=False)


def cmd_add(args: argparse.Namespace, config: Config) -> int:
    import datetime

    from .core.authoring import FIELDS, AppendRefused, append_entity

    path = Path(args.file)
    kind = args.entity
    values = {key: getattr(args, key, None) for key in FIELDS[kind]}
    if kind == "position" and values.get("as_of") is None:
        values["as_of"] = datetime.date.today().isoformat()
    try:
        append_entity(path, kind, values)
    except AppendRefused as refused:
        for problem in refused.problems:
            say(str(problem), err=True)
        say(f"{path}: not changed: the {kind} was not added", err=True)
        return EXIT_INVALID
    say(f"{path}: added {_describe(kind, values)}")
    layer = read_layer(path)
    for problem in _warnings([layer], merge([layer])):
        say(str(problem))
    return EXIT_OK


def _describe(kind: str, values: dict[str, Any]) -> str:
    if kind == "position":
        return (
            f"position of {values.get('actor')} on {values.get('disagreement')}: "
            f"{values.get('stance')} as of {values.get('as_of')}"
        )
    return f"{kind} {values.get('id')}"


def _import_parser(commands: argparse._SubParsersAction[Parser]) -> None:
    importer = commands.add_parser(
        "import",
        help="turn GDELT 2.0, ACLED or PLOVER files into a faultline/1 document",
        description="Read event data files (plain, .zip, .gz or an http(s) URL) and write "
        "one faultline/1 document that layers with your own dossier: "
        "faultline --data DOSSIER --data OUT.",
    )
    importer.add_argument("source", choices=("gdelt", "acled", "plover"), help="the dataset")
    importer.add_argument("inputs", nargs="+", metavar="PATH_OR_URL", help="files or URLs")
    importer.add_argument(
        "-o", "--output", metavar="OUT", required=True,
        help="the document to write: .json or .toml (written whole, or not at all)",
    )  # fmt: skip
    importer.add_argument(
        "--map", metavar="FILE",
        help="TOML: [actors] source actor -> your actor id, [outlets] outlet -> grade A-F",
    )  # fmt: skip
    importer.add_argument(
        "--country", metavar="CODE", action="append", default=[],
        help="keep rows where either actor's country is CODE (repeatable)",
    )  # fmt: skip
    importer.add_argument("--since", metavar="DATE", help="keep events on or after YYYY-MM-DD")
    importer.add_argument("--until", metavar="DATE", help="keep events on or before YYYY-MM-DD")
    importer.add_argument(
        "--strict", action="store_true", help="stop at the first bad row (nothing is written)"
    )
    importer.add_argument(
        "--root-only", action="store_true", help="GDELT: only rows with IsRootEvent 1"
    )
    importer.add_argument(
        "--min-mentions", metavar="N", type=int, default=0,
        help="GDELT: only rows with NumMentions of at least N",
    )  # fmt: skip
    _common(importer, data=False, feeds=False)


def _date_argument(text: str) -> EDate:
    """A date option's value in any form the format takes, or a usage error naming it."""
    try:
        return EDate.parse(text)
    except DateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def config_in_use(argv: Sequence[str]) -> str:
    """Which config file these arguments would use, and how it is found, for ``--help``
    (which argparse prints before any configuration is read)."""
    scan = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    scan.add_argument("--config")
    try:
        explicit = scan.parse_known_args(list(argv))[0].config
    except argparse.ArgumentError:
        explicit = None
    return describe_config(*locate_config(explicit))


def say(text: str, *, err: bool = False) -> None:
    """Print a message that may quote untrusted text: no control sequence reaches the terminal."""
    clean, _ = sanitise(text)
    # One message, one line: a newline in a file name or key must not forge another line.
    clean = clean.replace("\n", "\\n")
    print(clean, file=sys.stderr if err else sys.stdout)


def data_paths(args: argparse.Namespace, config: Config) -> list[Path]:
    return config.local_paths(getattr(args, "data", None), getattr(args, "feed", None) or [])


def feed_layers(
    args: argparse.Namespace,
    config: Config,
    *,
    announce: bool,
    outcomes: list[FetchOutcome] | None = None,
) -> tuple[list[Layer], bool, list[str]]:
    """Layers for the configured and given feeds: fetched now, or the cached copies when
    offline or unreachable. Returns the layers, whether every feed was fetched (and
    saved), and the names of feeds left out because no copy at all could be had; each
    feed's outcome is added to ``outcomes`` when given."""
    if not config.feeds and not getattr(args, "feed", None):
        return [], True, []
    from .core.feeds import FeedCache, FeedStatus, feeds_from, fetch_all

    feeds = feeds_from(config, getattr(args, "feed", None) or [])
    if not feeds:
        return [], True, []
    cache = FeedCache(config.cache_dir)
    done = fetch_all(feeds, cache, offline=getattr(args, "offline", False))
    if outcomes is not None:
        outcomes += done
    if cache.warning:  # once, not once per feed
        say(f"warning: {cache.warning}", err=True)
    layers: list[Layer] = []
    missing: list[str] = []
    ok = True
    for outcome in done:
        if outcome.failed:
            ok = False
        if announce:
            for line in outcome.lines(details=True):
                say(line, err=outcome.failed)
        elif outcome.failed or outcome.status is FeedStatus.CACHED:
            for n, line in enumerate(outcome.lines()):
                say(("warning: " if n == 0 else "") + line, err=True)
        if outcome.layer is not None:
            layers.append(outcome.layer)
        else:
            missing.append(outcome.feed.name)
    return layers, ok, missing


def cmd_validate(args: argparse.Namespace, config: Config) -> int:
    say(f"config: {config.describe()}")
    if config.path is not None:  # the whole config is checked, as the dashboard would
        from .ui.app import check_theme

        check_theme(config)
    paths = config.local_paths(args.paths)
    if args.watch:
        return _validate_watching(paths, config, args.strict)
    failed = _validate(paths, config, args.strict)
    return EXIT_INVALID if failed else EXIT_OK


def _validate(paths: list[Path], config: Config, strict: bool, stamp: str = "") -> bool:
    """Check ``paths`` once, print every problem and a summary; whether it failed."""
    layers = [read_layer(p, max_size=config.data_max_size) for p in paths]
    dataset = merge(layers)
    errors = list(dataset.problems)
    warnings = _warnings(layers, dataset)
    for problem in errors:
        say(str(problem))
    for problem in warnings:
        say(str(problem))
    documents = sum(len(layer.documents) for layer in layers)
    failed = bool(errors) or (strict and bool(warnings))
    summary = (
        f"{documents} document(s) valid, {len(errors)} error(s), {len(warnings)} warning(s)"
        if not errors
        else f"{len(errors)} error(s), {len(warnings)} warning(s); {documents} document(s) valid"
    )
    say(f"[{stamp}] {summary}" if stamp else summary, err=failed and not stamp)
    return failed


def _validate_watching(paths: list[Path], config: Config, strict: bool) -> int:
    """``validate --watch``: check now and after every save, until Ctrl-C (exit 0)."""
    import datetime
    import queue

    from .core.watch import DataWatcher

    if hasattr(sys.stdout, "reconfigure"):  # one line at a time, also into a pipe
        sys.stdout.reconfigure(line_buffering=True)
    saved: queue.SimpleQueue[list[Path]] = queue.SimpleQueue()
    watcher = DataWatcher(paths, saved.put, mode="poll" if config.data_watch == "poll" else "auto")

    def now() -> str:
        return datetime.datetime.now().strftime("%H:%M:%S")

    try:
        _validate(paths, config, strict, now())
        how = watcher.start()
        watcher.ready.wait(10)  # the watches are set: no save from now on is missed
        say(f"watching {len(paths)} path(s) ({how}); Ctrl-C to stop")
        while True:
            changed = saved.get()
            say(f"[{now()}] saved: {', '.join(str(p) for p in changed)}")
            _validate(paths, config, strict, now())
    except KeyboardInterrupt:
        say("stopped watching")
        return EXIT_OK
    finally:
        watcher.stop()


def _warnings(layers: list[Layer], dataset: Dataset) -> list[Problem]:
    """What ``validate`` warns of: unresolved references, control characters removed."""

    warnings = list(dataset.warnings)
    for layer in layers:
        if layer.sanitised:
            message = f"{layer.sanitised} control or bidi character(s) removed"
            warnings.append(Problem(layer.name, message, warning=True))
    return warnings


def load_dataset(args: argparse.Namespace, config: Config) -> tuple[Dataset, list[str]]:
    """The merged local data and feeds; also the feeds left out for want of any copy."""
    feeds, _, missing = feed_layers(args, config, announce=False)
    dataset = load(data_paths(args, config), feeds, max_size=config.data_max_size)
    return dataset, missing


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    from .core.export import Moved, as_of_export, export, mark_missing, to_markdown

    if args.output == "":  # -o "$UNSET": not standard output by accident
        say("faultline: export: -o needs a file name (leave it out for standard output)", err=True)
        return EXIT_USAGE
    if args.alignment and args.format != "md":
        say(f"faultline: export: --alignment adds a table to the md brief; --format "
            f"{args.format} has no place for it", err=True)  # fmt: skip
        return EXIT_USAGE
    if args.notes and args.format != "md":
        say("faultline: export: --notes is for the md brief; `faultline notes export` backs "
            "up your notes as JSON", err=True)  # fmt: skip
        return EXIT_USAGE
    dataset, missing_feeds = load_dataset(args, config)
    for problem in dataset.problems:
        say(str(problem), err=True)
    # An export without a file or feed that was asked for would look complete and not be.
    rejected = list(dict.fromkeys(p.document for p in dataset.problems))
    if (rejected or missing_feeds) and not args.allow_partial:
        if rejected:
            count = counted(len(rejected), "document")
            say(f"faultline: not exported: {count} could not be read ({', '.join(rejected)}); "
                "--allow-partial exports the rest", err=True)  # fmt: skip
        if missing_feeds:
            names = ", ".join(missing_feeds)
            say(f"faultline: not exported: no copy of feed {names} could be fetched or found "
                "in the cache; --allow-partial exports the rest", err=True)  # fmt: skip
        return EXIT_INVALID
    if rejected or missing_feeds:
        dataset = mark_missing(dataset, [*rejected, *missing_feeds])
        say(f"faultline: warning: exported without {', '.join([*rejected, *missing_feeds])}",
            err=True)  # fmt: skip
    from .core.importers.acled import acled_derived

    if acled_derived(dataset.sources.values()):
        say(f"faultline: warning: this dossier holds {ACLED_WARNING}; keep this export "
            "local, do not publish it as a feed", err=True)  # fmt: skip
    moved = None
    if args.since is not None:
        if args.format != "md":
            say("faultline: export: --since adds a section to the brief: use --format md",
                err=True)  # fmt: skip
            return EXIT_USAGE
        moved = Moved.find(dataset, args.since, args.as_of)
    if args.as_of is not None:
        dataset = as_of_export(dataset, args.as_of)
    if args.format == "md":
        text = to_markdown(dataset, moved, alignment=args.alignment)
    else:
        text = export(dataset, args.format, args.positions)
    if args.notes:
        text += _notes_section(dataset)
    return _write(args.output, text)


def _notes_section(dataset: Dataset) -> str:
    from .core.export import notes_markdown
    from .core.notes import read_notes
    from .core.userstate import StateStore

    store = StateStore()
    state = store.read()
    if store.warning:
        say(f"faultline: warning: {store.warning}", err=True)
    return notes_markdown(dataset, read_notes(state))


def cmd_notes(args: argparse.Namespace, config: Config) -> int:
    from .core.notes import export_notes
    from .core.userstate import StateStore

    store = StateStore()
    state = store.read()
    if store.warning:
        say(f"faultline: warning: {store.warning}", err=True)
    return _write(args.output, export_notes(state))


def cmd_diff(args: argparse.Namespace, config: Config) -> int:
    from .core.export import Moved, moved_report

    dataset, missing_feeds = load_dataset(args, config)
    for problem in dataset.problems:
        say(str(problem), err=True)
    for name in missing_feeds:
        say(f"faultline: warning: feed {name} left out: no copy could be fetched or found "
            "in the cache", err=True)  # fmt: skip
    if args.until is not None and args.until.earliest < args.since.earliest:
        say(f"faultline: diff: --until {args.until.text} is before --since {args.since.text}",
            err=True)  # fmt: skip
        return EXIT_USAGE
    moved = Moved.find(dataset, args.since, args.until)
    return _write(args.output, moved_report(dataset, moved, args.format))


def cmd_new(args: argparse.Namespace, config: Config) -> int:
    from .core.starter import write_starter

    path = Path(args.path)
    if path.suffix != ".toml":
        say(f"faultline: new: {path}: a dossier to write by hand is a .toml file", err=True)
        return EXIT_USAGE
    try:
        written = write_starter(path, args.title)
    except FileExistsError:
        say(f"faultline: new: {path} exists; nothing was overwritten", err=True)
        return EXIT_USAGE
    except OSError as error:
        say(f"faultline: new: {path}: cannot write: {error.strerror or error}", err=True)
        return EXIT_USAGE
    say(f"wrote {' and '.join(map(str, written))}")
    from .core.formatschema import FILE_NAME, schema_text

    schema = path.parent / FILE_NAME
    if schema not in written and _reads_other_than(schema, schema_text()):
        # Kept (it may be the analyst's), but editors would check against an old schema.
        say(f"note: {schema} was kept and differs from this version's schema; update it "
            f"with: faultline schema -o {shlex.quote(str(schema))}")  # fmt: skip
    # Commands to paste: quoted for a shell, and a name starting with "-" made a path.
    shown = shlex.quote(os.path.join(os.curdir, str(path)) if str(path)[:1] == "-" else str(path))
    say(f"next: edit {shown}, check it with: faultline validate {shown}; "
        f"open it with: faultline --data {shown}")  # fmt: skip
    return EXIT_OK


def _reads_other_than(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != text
    except (OSError, UnicodeDecodeError):
        return True


def cmd_schema(args: argparse.Namespace, config: Config) -> int:
    from .core.formatschema import schema_text

    return _write(args.output, schema_text())


def _write(output: str | None, text: str) -> int:
    """``text`` to the file ``output`` (atomically, as ``export -o``), or standard output."""
    if output == "":  # -o "$UNSET": not standard output by accident
        say("faultline: -o needs a file name (leave it out for standard output)", err=True)
        return EXIT_USAGE
    if output:
        from .core.atomic import write_output

        try:
            write_output(Path(output), text.encode("utf-8"))
        except OSError as error:
            say(f"{output}: cannot write: {error.strerror or error}", err=True)
            return EXIT_USAGE
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_fetch(args: argparse.Namespace, config: Config) -> int:
    from .core.feeds import feeds_from

    if not feeds_from(config, getattr(args, "feed", None) or []):
        say("no feeds: add [[feeds]] to the configuration or give --feed URL", err=True)
        return EXIT_USAGE
    outcomes: list[FetchOutcome] = []
    layers, ok, _ = feed_layers(args, config, announce=not args.watched, outcomes=outcomes)
    alerts = _remember_changes(config, outcomes)
    if args.watched:
        for alert in alerts:
            say(alert.text)
        return EXIT_INVALID if not ok else EXIT_ALERTS if alerts else EXIT_OK
    from .core.importers.acled import acled_derived

    for layer in layers:
        if any(acled_derived(document.sources) for document in layer.documents):
            say(f"warning: feed {layer.name} serves {ACLED_WARNING}; "
                "ask its publisher to take them off the feed", err=True)  # fmt: skip
    return EXIT_OK if ok else EXIT_INVALID


def _remember_changes(config: Config, outcomes: list[FetchOutcome]) -> list[Alert]:
    """Keep what the feeds changed in the state the dashboard shares (its + and * marks,
    its alerts log), and return the alerts raised for the watched entities."""
    from .core.alerts import Watchlist, add_alerts, alerts_for, configured, mark_changes
    from .core.userstate import StateStore

    found = [outcome.changes for outcome in outcomes if outcome.changes]
    if not found:
        return []
    raised: list[Alert] = []

    def change(state: dict[str, Any]) -> None:
        watch = Watchlist.from_state(state, configured(config))
        for changes in found:
            mark_changes(state, changes)
            raised.extend(alerts_for(changes, watch))
        add_alerts(state, raised)

    store = StateStore()
    store.update(change)
    if store.warning:
        say(f"warning: {store.warning}", err=True)
    return raised


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    from .core.importers import ImportFailure, Options, Tally, import_files
    from .core.importers.common import (
        check_output,
        output_format,
        parse_day,
        read_map,
        shown_inputs,
    )

    if args.source != "gdelt" and (args.root_only or args.min_mentions):
        say(f"faultline: import {args.source}: --root-only and --min-mentions are for gdelt",
            err=True)  # fmt: skip
        return EXIT_USAGE
    try:
        output_format(args.output)  # refused before anything is read
        check_output(args.output)
        options = Options(
            countries=frozenset(c.strip().upper() for c in args.country if c.strip()),
            since=parse_day(args.since, "--since") if args.since else None,
            until=parse_day(args.until, "--until") if args.until else None,
            strict=args.strict,
            root_only=args.root_only,
            min_mentions=max(args.min_mentions, 0),
            **({"actor_map": read_map(Path(args.map))} if args.map else {}),
        )
    except ImportFailure as error:
        say(f"faultline: {error}", err=True)
        return EXIT_USAGE
    tally = Tally(strict=args.strict, report=lambda line: say(line, err=True))
    try:  # a URL is fetched under a feed's default deadline and size cap
        imported = import_files(
            args.source, args.inputs, options, tally,
            max_size=DEFAULT_MAX_SIZE, timeout=DEFAULT_TIMEOUT,
        )  # fmt: skip
    except ImportFailure as error:
        say(f"faultline: import {args.source}: {error}", err=True)
        say(f"faultline: nothing written; {tally.summary()}", err=True)
        return EXIT_INVALID
    try:
        imported.write(args.output)
    except OSError as error:
        say(f"{args.output}: cannot write: {error.strerror or error}", err=True)
        return EXIT_USAGE
    say(f"{shown_inputs(args.inputs)}: {tally.summary()}")
    say(f"wrote {args.output}: {imported.counts()}")
    return EXIT_OK


def cmd_dashboard(args: argparse.Namespace, config: Config) -> int:
    from .ui.app import run_dashboard  # only the dashboard needs Textual

    if getattr(args, "low_bandwidth", False):
        config = replace(config, ui=replace(config.ui, bandwidth="low"))
    return run_dashboard(
        config,
        data_paths=data_paths(args, config),
        feed_urls=getattr(args, "feed", None) or [],
        offline=getattr(args, "offline", False),
        watch=not getattr(args, "no_watch", False),
        view=getattr(args, "view", None),
        fresh=getattr(args, "fresh", False),
    )


def main(argv: Sequence[str] | None = None) -> int:
    # No cyclic collections while the dashboard starts (gcpause.pause_start): it ends
    # once the dashboard has drawn the dossier, or as soon as another command is chosen.
    pause_start()
    try:
        return _main(argv)
    finally:
        end_start_pause()


def _main(argv: Sequence[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(config_in_use(arguments), arguments)
    args = parser.parse_args(arguments)
    try:
        config = load_config(getattr(args, "config", None))
        for warning in config.warnings:  # keys of ./config.toml that were not honoured
            say(f"faultline: warning: {warning}", err=True)
        commands = {
            "validate": cmd_validate,
            "export": cmd_export,
            "diff": cmd_diff,
            "fetch": cmd_fetch,
            "add": cmd_add,
            "schema": cmd_schema,
            "new": cmd_new,
            "import": cmd_import,
            "notes": cmd_notes,
        }
        command = commands.get(args.command, cmd_dashboard)
        if command is not cmd_dashboard:
            end_start_pause()
        return command(args, config)
    except (ConfigError, FaultlineError) as error:
        say(f"faultline: {error}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `faultline export ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
