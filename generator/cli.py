"""The `winback` command line: parses arguments, calls `generator.commands`.

Each command imports its module when it runs, so that starting `winback` costs
only what that command needs (a no-op rebuild is mostly start-up).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from generator import __version__, outputs, paths
from generator.importer import KINDS as IMPORT_KINDS
from generator.problems import did_you_mean, display_path, render_all
from generator.project import find_root, open_project
from generator.schema import FIRST_DATE, LAST_DATE, STATUSES, in_date_range, normal_word
from generator.text import plural
from generator.workers import default_jobs

log = logging.getLogger("winback")

EPILOG_BUILD = """\b
Examples:
  winback build                 build into output/
  winback build --out /tmp/site --strict
  winback build --no-pdf        HTML only, fast
  winback build -j 4            four PDF workers
  SOURCE_DATE_EPOCH=1790000000 winback build   reproducible dates
"""

EPILOG_PDF = """\b
Examples:
  winback pdf northwind-freight               one brief, e.g. before a meeting
  winback pdf acme globex --out /tmp/briefs
"""

EPILOG_LIST = """\b
Examples:
  winback list                                 every account
  winback list --status lost --not-ready       lost, and not ready to ask yet
  winback list --owner "Dana Whitfield" --format csv > dana.csv
  winback list --reason price --format json
"""

EPILOG_TODAY = """\b
Examples:
  winback today                       everything due this week
  winback today --owner "Dana Whitfield"
"""

EPILOG_INIT = """\b
Examples:
  winback init dossiers         a new repository in ./dossiers
  winback init                  here (refuses if any of its files exist)
"""

EPILOG_NEW = """\b
Examples:
  winback new "Northwind Freight" --owner "Dana Reyes"
  winback new "Café Léon & Fils" --status at-risk     -> content/accounts/cafe-leon-fils.md
  winback new "東京商事" --slug tokyo-shoji             -> content/accounts/tokyo-shoji.md
"""

EPILOG_SERVE = """\b
Examples:
  winback serve                 http://127.0.0.1:8000/
  winback serve -p 8080 --pdf   rebuild the PDF briefs too
"""

EPILOG_DEBRIEF = """\b
Examples:
  winback debrief calloway-foodservice        the meeting booked in the file, just held
  winback debrief copperline-brewing --when "2026-12-09 10:00" --with "Tyler Banks" \\
      --ours "Lucia Ferreira"                 a check-in call nobody booked
"""

EPILOG_CHECK = """\b
Examples:
  winback check                               every account and winback.yaml
  winback check content/accounts/acme.md      one file (e.g. from a pre-commit hook)
"""


class WhenType(click.ParamType):
    name = "YYYY-MM-DD [HH:MM]"

    def convert(self, value, param, ctx):
        from generator.validate import parse_when

        if isinstance(value, (dt.date, dt.datetime)):
            return value
        try:
            return parse_when(value)
        except ValueError as exc:
            self.fail(f"{exc}; write YYYY-MM-DD HH:MM", param, ctx)


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date; write YYYY-MM-DD", param, ctx)
        if not in_date_range(day):
            self.fail(f"'{value}' is outside {FIRST_DATE} to {LAST_DATE}", param, ctx)
        return day


FORMATS = ("text", "json", "csv")  # one name for each, in every command
VERBOSE_HELP = "Say each file written."
QUIET_HELP = "Say nothing when all is well: only problems, and the data asked for."
PROJECT_HELP = ("Project folder (holds winback.yaml or content/accounts/) [default: this "
                "folder or the nearest one above it that is a project].")
NO_PROJECT = ("no winback project in {where} or a folder above it (no winback.yaml or "
              "content/accounts/): run `winback init` to start one, cd into your project, "
              "or name it with -C")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="winback")
@click.option("-C", "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              help=PROJECT_HELP)
@click.option("-v", "--verbose", is_flag=True, expose_value=False, help=VERBOSE_HELP,
              callback=lambda ctx, param, value: _voice(ctx, param, value))
@click.option("-q", "--quiet", is_flag=True, expose_value=False, help=QUIET_HELP,
              callback=lambda ctx, param, value: _voice(ctx, param, value))
@click.pass_context
def main(ctx: click.Context, project_dir: Path | None) -> None:
    """Compile client account files into win-back dossiers.

    Each file in content/accounts/ is one client account: YAML facts
    between '---' lines, then its history in Markdown. `winback help format`
    explains every field.
    """
    ctx.obj = project_dir


def _voice(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """-v and -q, before or after the command's name: the last one given wins."""
    if value:
        ctx.find_root().meta["winback.voice"] = param.name
    voice = ctx.find_root().meta.get("winback.voice", "")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.setLevel({"verbose": logging.DEBUG, "quiet": logging.WARNING}.get(voice, logging.INFO))


def quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get("winback.voice") == "quiet")


def voiced(command):
    """A command that takes -v and -q after its name too."""
    for name, flag, text in (("verbose", "-v", VERBOSE_HELP), ("quiet", "-q", QUIET_HELP)):
        command = click.option(flag, f"--{name}", name, is_flag=True, expose_value=False,
                               callback=_voice, help=text)(command)
    return command


def say(message: str, *, err: bool = False, style: str = "") -> None:
    """A line for the person at the terminal: left out with -q, coloured on a terminal
    unless NO_COLOR is set."""
    if quiet():
        return
    shout(message, err=err, style=style)


def shout(message: str, *, err: bool = False, style: str = "") -> None:
    """A line said even with -q: a failure, or what was asked for."""
    stream = sys.stderr if err else sys.stdout
    colour = colour_on(stream)
    text = click.style(message, fg=style or None, bold=style == "red") if colour and style \
        else message
    click.echo(text, err=err, color=colour)


def colour_on(stream) -> bool:
    """Colour only for a person at a terminal: not when piped, not with NO_COLOR set (to
    anything), not on a dumb terminal."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


class Words(click.ParamType):
    """A word from a fixed list, read as account files read them: in any case, with
    spaces or underscores for hyphens ('Lost', 'At risk', 'at_risk'); and a few old
    names for the same thing."""

    def __init__(self, words, aliases: dict[str, str] | None = None) -> None:
        self.words = tuple(words)
        self.aliases = aliases or {}
        self.name = "|".join(self.words)

    def convert(self, value, param, ctx):
        word = normal_word(value) if isinstance(value, str) else value
        word = self.aliases.get(word, word)
        if word not in self.words:
            hint = did_you_mean(str(word), self.words) or f"one of {', '.join(self.words)}"
            self.fail(f"'{value}' is not one of {', '.join(self.words)} ({hint})", param, ctx)
        return word

    def get_metavar(self, param, ctx=None):
        return f"[{self.name}]"

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(w) for w in self.words if w.startswith(incomplete.lower())]


def in_project(command):
    """A command that works on a project: it takes -C, -v and -q after its name too, and
    is given the project's folder, found as git finds a repository. Outside any project it
    stops with exit 2 and creates nothing."""
    def remember(ctx: click.Context, _param, value: Path | None) -> None:
        if value is not None:
            ctx.meta["winback.project"] = value

    @functools.wraps(command)
    def run(*args, **kwargs):
        ctx = click.get_current_context()
        start = ctx.meta.get("winback.project") or ctx.find_root().params.get("project_dir")
        root = find_root(start or Path.cwd())
        if root is None:
            click.echo(f"Error: {NO_PROJECT.format(where=start or 'this folder')}", err=True)
            ctx.exit(2)
        return command(root, *args, **kwargs)

    return voiced(click.option("-C", "--project", type=click.Path(file_okay=False, path_type=Path),
                               expose_value=False, callback=remember, help=PROJECT_HELP)(run))


def build_options(command):
    """Options shared by `build` and `pdf`."""
    for decorator in reversed((
        click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
                     help="Output folder [default: output/, or output_dir in winback.yaml]."),
        click.option("--strict", is_flag=True, help="Treat warnings as errors."),
        click.option("--today", type=DateType(),
                     help="Date to count 'days since' and overdue from, printed as the date "
                          "the briefs were prepared [default: SOURCE_DATE_EPOCH, else today]."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), default=default_jobs,
                     show_default="one per core", help="Worker processes for PDF briefs."),
        click.option("--force", is_flag=True,
                     help="Build into an output folder that holds files no winback build of "
                          "this project made, replacing what has the same names."),
    )):
        command = decorator(command)
    return command


@main.command(epilog=EPILOG_BUILD)
@build_options
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also write a PDF brief next to each dossier.")
@click.option("--clean", is_flag=True, help="Ignore what earlier builds left: rebuild everything.")
@in_project
def build(project_dir: Path, pdf: bool, clean: bool, **options) -> None:
    """Build every account into an HTML dossier site and PDF briefs.

    Only what changed since the last build is rebuilt; --clean rebuilds all.
    """
    _run_build(project_dir, pdf=pdf, only=(), clean=clean, **options)


def _complete_slugs(ctx: click.Context, _param, incomplete: str) -> list[str]:
    """Shell completion for account slugs, from the project's files."""
    start = ctx.meta.get("winback.project") or ctx.find_root().params.get("project_dir")
    root = find_root(start or Path.cwd())
    if root is None:
        return []
    folder = root / paths.ACCOUNTS
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.md") if p.stem.startswith(incomplete))


@main.command(epilog=EPILOG_PDF)
@click.argument("slugs", nargs=-1, required=True, shell_complete=_complete_slugs)
@build_options
@in_project
def pdf(project_dir: Path, slugs: tuple[str, ...], **options) -> None:
    """Render the dossier and PDF brief of the named accounts only."""
    _run_build(project_dir, pdf=True, only=slugs, **options)


def _run_build(project_dir: Path, *, out: Path | None, strict: bool, today: dt.date | None,
               jobs: int, pdf: bool, only: tuple[str, ...], force: bool,
               clean: bool = False) -> None:
    from generator.commands.build import build as run_build
    from generator.engine.report import BuildOptions, remade_line, summary_line

    started = time.perf_counter()
    project = open_project(project_dir, out)
    options = BuildOptions(strict=strict, today=today, pdf=pdf, jobs=jobs, only=only, clean=clean,
                           force=force)
    with _progress_bar() as bar:
        options.progress = bar
        report = run_build(project, options)
    _print_problems(report.problems, Path.cwd())
    if report.stopped:
        shout(f"Build stopped: {report.stopped}.", err=True, style="red")
        sys.exit(1)
    elapsed = time.perf_counter() - started
    where = display_path(report.output_dir, Path.cwd().resolve())
    made = summary_line(report)
    remade = remade_line(report)
    warnings = plural(report.warnings, "warning")
    if report.pdf_engine:
        shout(report.pdf_engine, err=True, style="red")
    failing = not report.ok or (strict and report.warnings)
    if failing or report.pdf_engine:
        failed = len(set(report.failed))
        kept = (f" ({plural(len(report.kept), 'brief')} kept from the last good version)"
                if report.kept else "")
        without = " without PDFs" if report.pdf_engine else ""
        failures = f": {failed} failed{kept}," if failing else ","
        shout(f"Built {made} into {where}/{without}{failures} {warnings} "
              f"({elapsed:.2f} s).", err=True, style="red")
        sys.exit(1)
    if only:  # `winback pdf`: say where each brief is, to open or print it
        for slug in sorted(set(report.pdfs) | set(report.letter_pdfs) | set(report.plan_pdfs)):
            for printed, kind in ((report.pdfs, "brief"), (report.letter_pdfs, "letters-pdf"),
                                  (report.plan_pdfs, "plan-pdf")):
                if slug in printed:
                    path = report.output_dir / outputs.path_of(kind, slug)
                    shout(str(display_path(path, Path.cwd())))
    opener = "" if only else f" Open {where}/{outputs.path_of('index')}"
    say(f"Built {made} into {where}/{remade}, {warnings} ({elapsed:.2f} s).{opener}",
        style="yellow" if report.warnings else "green")


@contextmanager
def _progress_bar():
    """Bars on an interactive terminal; nothing in CI, pipes or tests."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    progress = _BarProgress()
    try:
        yield progress
    finally:
        progress.close()


class _BarProgress:
    """One bar per stage of the build that has work to do (dossiers, then briefs)."""

    def __init__(self) -> None:
        self.bar = None

    def start(self, total: int, label: str) -> None:
        self.close()
        if total:
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command(epilog=EPILOG_CHECK)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "output_format", type=Words(FORMATS[:2]), default="text",
              show_default=True, help="How to print problems.")
@click.option("--today", type=DateType(),
              help="Date to count from, for a booked meeting that is past and not recorded "
                   "[default: SOURCE_DATE_EPOCH, else today].")
@in_project
def check(project_dir: Path, paths: tuple[Path, ...], strict: bool, output_format: str,
          today: dt.date | None) -> None:
    """Validate account files; silent and exit 0 when all is well."""
    from generator.commands.check import check as run_check

    project = open_project(project_dir)
    report = run_check(project, paths, _build_day(today))
    if output_format == "json":  # always a JSON list, empty when all is well
        click.echo(json.dumps([p.as_dict(Path.cwd()) for p in report.problems], indent=2))
    else:
        _print_problems(report.problems, Path.cwd())
    if report.failed(strict):
        counted = [p for p in report.problems if p.is_error or strict]
        files = len({p.path for p in counted})
        where = f" in {files} of {plural(report.files, 'file')}" if files <= report.files else ""
        shout(f"{plural(len(counted), 'problem')}{where}.", err=True, style="red")
        sys.exit(1)


@main.command("list", epilog=EPILOG_LIST)
@click.option("--status", "statuses", multiple=True, type=Words(STATUSES),
              help="Only accounts with this status (repeat for several), written in any case.")
@click.option("--owner", default="", help="Only this owner's accounts.")
@click.option("--reason", default="", help="Only accounts lost for this reason id.")
@click.option("--not-ready", is_flag=True, help="Only accounts not ready to ask for the business.")
@click.option("--format", "output_format", type=Words(FORMATS, {"table": "text"}),
              default="text", show_default=True, help="Output format.")
@click.option("--today", type=DateType(), help="Date to count from (as for build).")
@in_project
def list_command(project_dir: Path, statuses, owner, reason, not_ready, output_format,
                 today) -> None:
    """List accounts in the terminal: lost first, most valuable first."""
    from generator.commands.list import Filters, as_table, list_accounts
    from generator.rows import as_csv, as_json

    project = open_project(project_dir)
    filters = Filters(tuple(statuses), owner, reason, not_ready)
    reason = normal_word(reason)
    if reason and reason not in project.config.reason_labels():
        raise click.BadParameter(
            f"'{reason}' is not a loss reason. "
            f"{did_you_mean(reason, sorted(project.config.reason_labels())) or ''}".strip(),
            param_hint="--reason")
    rows, report = list_accounts(project, filters, today)
    _print_problems([p for p in report.problems if p.is_error], Path.cwd())
    if output_format == "json":
        click.echo(as_json(rows))
    elif output_format == "csv":
        click.echo(as_csv(rows), nl=False)
    elif rows:
        click.echo(as_table(rows, project.config.currency))
    elif report.ok:
        say("No accounts match.", err=True)
    if not report.ok:
        sys.exit(1)


@main.command(epilog=EPILOG_TODAY)
@click.option("--owner", default="", help="Only what this owner keeps.")
@click.option("--today", type=DateType(), help="Date to count from (as for build).")
@in_project
def today(project_dir: Path, owner: str, today: dt.date | None) -> None:
    """What is due: this week's meetings, overdue and due promises, check-ins, meetings
    to record."""
    from generator.commands.list import collect
    from generator.commands.today import agenda, as_text

    project = open_project(project_dir)
    summary, report = collect(project, today)
    _print_problems([p for p in report.problems if p.is_error], Path.cwd())
    if summary is not None:
        click.echo(as_text(agenda(summary, owner)))
    if not report.ok:
        sys.exit(1)


@main.command(epilog=EPILOG_INIT)
@click.argument("directory", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--today", type=DateType(),
              help="Date the example account's dates count from [default: today].")
@voiced
def init(directory: Path, today: dt.date | None) -> None:
    """Start a dossier repository: settings, an example account, .gitignore, pre-commit."""
    from generator.commands.new import Refused
    from generator.commands.new import init as run_init

    try:
        created = run_init(directory, today or dt.date.today())
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
    for path in created.paths:
        say(f"created {path}")
    say(created.git[0].upper() + created.git[1:] + ".")
    say(f"{created.example} is an example: it is built so you can see a dossier, but "
               "left out of the portfolio and calendar. Delete it once you have added your "
               "own accounts.")
    go = "" if Path(directory).resolve() == Path.cwd().resolve() else f"cd {directory}, then "
    say(f"Next: {go}`winback new \"Client Name\"` to add an account "
        "and `winback serve` to see it; `winback help format` explains every field.")


@main.command(epilog=EPILOG_NEW)
@click.argument("name")
@click.option("--status", type=Words(STATUSES), default="lost", show_default=True,
              help="The account's status, written in any case.")
@click.option("--owner", default="", help="Who owns the account.")
@click.option("--slug", default="", help="The file name, without .md [default: made from NAME].")
@click.option("--today", type=DateType(), help="Date to prefill lost/won_back with [default: today].")
@in_project
def new(project_dir: Path, name: str, status: str, owner: str, slug: str,
        today: dt.date | None) -> None:
    """Add content/accounts/<slug>.md for a client, from the archetype."""
    from generator.commands.new import Refused, new_account

    try:
        path = new_account(project_dir, name, status, owner, today or dt.date.today(), slug)
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
    shout(str(path))
    say("Next: fill in the facts between the '---' lines (every optional field is there, "
               "commented out) and the sections below them, then `winback check` and "
               "`winback build`. `winback help format` explains every field.", err=True)


@main.command(epilog=EPILOG_DEBRIEF)
@click.argument("slug", shell_complete=_complete_slugs)
@click.option("--when", "held", type=WhenType(),
              help="When the meeting was held [default: the meeting booked in the file].")
@click.option("--with", "theirs", multiple=True,
              help="Who met us from their side (repeat for several), for a meeting the file "
                   "did not book.")
@click.option("--ours", multiple=True, help="Who was there from our side (repeat), likewise.")
@click.option("--today", type=DateType(), help="Date to count from (as for build).")
@in_project
def debrief(project_dir: Path, slug: str, held, theirs: tuple[str, ...],
            ours: tuple[str, ...], today: dt.date | None) -> None:
    """Start the record of a meeting held in the account file, to fill in the same day."""
    from generator.commands.debrief import Refused
    from generator.commands.debrief import debrief as run_debrief
    from generator.derive import BuildDateError, build_date

    project = open_project(project_dir)
    try:
        result = run_debrief(project, slug, build_date(today), held, theirs, ours)
    except BuildDateError as exc:
        raise click.ClickException(str(exc)) from None
    except Refused as exc:
        _print_problems([exc.problem], Path.cwd())
        sys.exit(1)
    where = f"{display_path(result.path, Path.cwd())}:{result.line}"
    if not result.added:
        say(f"The meeting of {_when_words(result.when)} is recorded already ({where}); "
            "nothing was added.")
        return
    say(f"Recorded the meeting of {_when_words(result.when)} at {where}.", style="green")
    say("Next: write under it what they said ('heard:'), what matters to them now "
               "('needs:'), the outcome and the next contact, then `winback check` and "
               "`winback build`: the written summary, the thank-you note and the plan are "
               "drafted from it.", err=True)


def _when_words(when: dt.date) -> str:
    if isinstance(when, dt.datetime):
        return f"{when:%a %-d %b %Y, %H:%M}"
    return f"{when:%a %-d %b %Y}"


EPILOG_IMPORT = """\b
Examples:
  winback import --rules salesforce accounts.csv contacts.csv cases.csv opportunities.csv
  winback import --rules hubspot --dry-run companies.csv deals.csv    show what would change
  winback import export/*.csv        with the project's import.yaml (written on first use)
  winback import --as tasks open-tasks.csv
"""


@main.command("import", epilog=EPILOG_IMPORT)
@click.argument("files", nargs=-1, required=True, metavar="FILE.csv...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rules", "rules_spec", metavar="NAME|FILE",
              help="salesforce, hubspot, or a rules file [default: import.yaml in the "
                   "project, written on first use].")
@click.option("--dry-run", is_flag=True, help="Show what would change (a diff); write nothing.")
@click.option("--as", "kind", type=click.Choice(IMPORT_KINDS),
              help="The kind of every file given [default: recognised from its header row].")
@in_project
def import_command(project_dir: Path, files: tuple[Path, ...], rules_spec: str | None,
                   dry_run: bool, kind: str | None) -> None:
    """Import a CRM's CSV exports: new accounts become files, and files get what is new."""
    from generator.commands.import_ import Refused, run_import

    project = open_project(project_dir)
    settings = [p for p in project.problems if p.is_error and p.path.name == paths.CONFIG]
    if settings:  # each file is validated with the settings (the question bank is not used)
        _print_problems(settings, Path.cwd())
        raise click.ClickException("fix winback.yaml first: each imported file is checked "
                                   "with it")
    try:
        report = run_import(project, list(files), rules_spec, kind, dry_run)
    except Refused as exc:
        raise click.ClickException(str(exc)) from None
    _print_import(report, project.root, dry_run)
    if not report.ok:
        sys.exit(1)


def _print_import(report, root: Path, dry_run: bool) -> None:
    _print_problems(report.problems, Path.cwd(), report.sources)
    for change in report.changes:
        if dry_run:
            shout(change.diff(root).rstrip("\n"))
        else:
            say(change.line(Path.cwd()))
    if report.sample is not None:
        verb = "would write" if dry_run else "wrote"
        say(f"{verb} {display_path(report.sample, Path.cwd())}: the rules of this project's "
            "imports, to edit (winback help import)", err=True)
    if report.ok:
        say(report.summary(dry_run), err=True, style="green")
    else:
        shout(report.summary(dry_run), err=True, style="red")


HELP_TOPICS = {"format": "the account file, winback.yaml and the question bank, every field",
               "cli": "every command and option, and the exit codes",
               "design": "how the build and the brief work, and why each dependency",
               "security": "what the build trusts and refuses, and its limits",
               "install": "installing on Debian, Ubuntu, Fedora, macOS and Windows",
               "import": "winback import: the rules file, and the Salesforce and HubSpot rules"}


@main.command("help")
@click.argument("topic", required=False, type=click.Choice(sorted(HELP_TOPICS)))
@voiced
def help_command(topic: str | None) -> None:
    """Read the reference: winback help format, cli, design, security, install, import."""
    from generator.project import builtin_docs

    if topic is None:
        for name, about in HELP_TOPICS.items():
            click.echo(f"  winback help {name:9} {about}")
        return
    click.echo_via_pager((builtin_docs() / f"{topic}.md").read_text(encoding="utf-8"))


@main.command(epilog=EPILOG_SERVE)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder to build into and serve.")
@click.option("--livereload/--no-livereload", default=True, show_default=True,
              help="Reload open pages after each rebuild.")
@click.option("--pdf/--no-pdf", default=False, show_default=True,
              help="Also rebuild the PDF briefs on each change (slower).")
@click.option("--today", type=DateType(), help="As for build.")
@click.option("--force", is_flag=True, help="As for build.")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the portfolio page in the web browser once it is served.")
@in_project
def serve(project_dir: Path, host: str, port: int, out: Path | None, livereload: bool,
          pdf: bool, today: dt.date | None, force: bool, open_browser: bool) -> None:
    """Build, serve the site locally, and rebuild when a file is saved."""
    from generator.commands.serve import DevServer, Refused, ServeOptions

    def report(problems) -> None:
        _print_problems(problems, Path.cwd())
        errors = sum(p.is_error for p in problems)
        say(f"Rebuilt at {time.strftime('%H:%M:%S')}: {plural(errors, 'error')}.", err=True,
            style="red" if errors else "green")

    options = ServeOptions(host, port, out, livereload, pdf, today, force)
    try:
        server = DevServer(project_dir, options, on_build=report)
    except Refused as exc:
        _print_problems([exc.problem], Path.cwd())
        raise click.ClickException("nothing is served") from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                                   "try another --port") from None
    server.rebuild()
    server.start()
    shout(f"Serving {server.output_dir} at {server.url} (press Ctrl+C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def _print_problems(problems, root: Path, sources=None) -> None:
    """Every problem, always (-q never hides one): errors in red and warnings in yellow on
    a terminal."""
    if not problems:
        return
    colour = colour_on(sys.stderr)

    def style(problem, headline: str) -> str:
        return click.style(headline, fg="red" if problem.is_error else "yellow") if colour \
            else headline

    click.echo(render_all(problems, root, style, sources), err=True, color=colour)


def _build_day(today: dt.date | None):
    """The date to count from (--today, SOURCE_DATE_EPOCH, else the clock), or a usage
    error that says why not."""
    from generator.derive import BuildDateError, build_date

    try:
        return build_date(today)
    except BuildDateError as exc:
        raise click.ClickException(str(exc)) from None
