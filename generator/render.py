"""Render: dossiers and the portfolio -> HTML text, through Jinja2 templates.

Templates are looked up first in the project's `templates/`, then in the
built-in theme, so a project overrides any file by giving one of the same
name. Markdown from account files is converted, then sanitised with nh3
before it reaches a page: account files come from many hands.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from html import unescape
from pathlib import Path

import jinja2
import nh3
from markupsafe import Markup, escape

from generator import outputs, paths
from generator.derive import Dossier
from generator.letters import TITLES
from generator.outputs import template_paths
from generator.pdfnotes import marker
from generator.portfolio import Chart, Owner, Portfolio
from generator.problems import Problem, Severity
from generator.project import Project, builtin_theme
from generator.statuses import REGISTRY, STATUS_LABELS
from generator.rawhtml import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    LINK_SCHEMES,
    MAX_PAGE_BYTES,
    image_removal,
    link_refusal,
    neutralise,
)
from generator.schema import SECTION_BY_KEY
from generator.text import channel_words, first_name, months_in_words, plural
from generator.urls import IMAGE_SUFFIXES, published_image

# Characters that can start Markdown or HTML syntax inside one line of text.
MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&!#|~]|https?://|^\s*(?:[-+]|\d+[.)])\s|  $")

# The theme's files that are published to output/assets/: style sheets, scripts, fonts,
# images and licence texts. Anything else in templates/ (the templates themselves, notes,
# an editor's backups, a .env) is not, nor is any name starting with '.'.
PUBLISHED_THEME_FILES = (".css", ".js", ".woff2", ".woff", ".ttf", ".otf", ".png", ".jpg",
                         ".jpeg", ".gif", ".webp", ".svg", ".ico", ".txt")
# Markdown as account files use it ('extra' without attribute lists and Markdown inside
# HTML, which would set attributes or make elements that raw HTML may not).
MARKDOWN_EXTENSIONS = ["abbr", "def_list", "fenced_code", "footnotes", "tables", "sane_lists"]


class RenderError(Exception):
    """A template failed; carries the problem located in the template file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class MarkdownError(Exception):
    """Markdown from an account could not be converted: the account's fault, not the
    template's that asked for it. `text` is the Markdown, which says where it stands."""

    def __init__(self, text: str, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.text = text
        self.message = f"this Markdown cannot be converted ({self})"
        self.hint = "nest lists and quotes less deeply, or simplify the section"


class PageTooLarge(MarkdownError):
    """An account's page would pass MAX_PAGE_BYTES; `text` is the Markdown that makes
    most of it."""

    def __init__(self, text: str, size: int, page: str) -> None:
        Exception.__init__(self, f"{page} of {size:,} bytes")
        self.text = text
        self.message = (f"the {page} would be more than {size:,} bytes of HTML; the limit is "
                        f"{MAX_PAGE_BYTES:,} ({MAX_PAGE_BYTES // 1_000_000} MB), and most of it "
                        "comes from here")
        self.hint = ("what Markdown writes out at each use (a link or image by reference, "
                     "an abbreviation's title) makes it large: use it fewer times, or shorten "
                     "the section")


class RecordingEnvironment(jinja2.Environment):
    """Notes the name of every template a render loads (extends, include, import, from
    all go through `get_template`), so that a page's fingerprint covers exactly the
    templates it was made from."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.used: set[str] = set()

    def get_template(self, name, parent=None, globals=None):  # noqa: A002 - Jinja's name
        if isinstance(name, str):
            self.used.add(name)
        return super().get_template(name, parent, globals)


class Renderer:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.search_path = [project.templates_dir, builtin_theme()]
        self.env = RecordingEnvironment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.search_path]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # A renderer serves one build, whose keys hold each template as first read:
            # no need to stat every template again at each page.
            auto_reload=False,
        )
        self._markdown = None  # made on first use: a no-op rebuild renders nothing
        self._converted: dict[tuple[str, str], Markup] = {}
        self.root = ""  # the page being rendered, from the output's top: "" or "../"
        self.removed: list[str] = []  # what cleaning account HTML removed, as validation says
        self.asset_problems: list[Problem] = []
        self.budget: dict | None = None  # what an account's page has used of its bound
        # Told each account text before it is converted, so that a caller who stops a
        # slow conversion can say where it was.
        self.on_markdown: Callable[[str], None] | None = None
        self.env.filters.update(
            markdown=self.block_markdown,
            inline=self.inline_markdown,
            money=self.money,
            longdate=longdate,
            monthyear=monthyear,
            meeting_time=meeting_time,
            entry_date=entry_date,
            plural=plural,
            oneline=oneline,
            trimstop=trimstop,
            lowerfirst=lowerfirst,
            letter_title=TITLES.get,
            in_words=in_words,
            first_name=first_name,
            weekday=weekday,
            channel=channel_words,
            channel_name=channel_name,
            shortwhen=shortwhen,
            capitalize_first=capitalize_first,
            fulldate=fulldate,
            contents=contents,
        )
        self.env.globals.update(
            config=project.config,
            status_labels=STATUS_LABELS,
            statuses=REGISTRY,
            reason_labels=project.config.reason_labels(),
            section_kinds=SECTION_BY_KEY,
            paths=template_paths,
            chart=self.chart,
            outcome_words=OUTCOME_WORDS,
            approach_words=APPROACH_WORDS,
            plan_labels=PLAN_LABELS,
            pdf_note=marker,
        )

    def used(self) -> list[str]:
        """The templates loaded since the last call: what the pages rendered in between
        were made from."""
        names, self.env.used = sorted(self.env.used), set()
        return names

    def dossier(self, dossier: Dossier) -> str:
        return self._bounded("dossier", "dossier.html", d=dossier, as_of=dossier.as_of,
                             root="../")

    def letters(self, dossier: Dossier) -> str:
        return self._bounded("letters page", "letters.html", d=dossier, as_of=dossier.as_of,
                             root="../")

    def _bounded(self, page: str, name: str, **context: object) -> str:
        """An account's page, within MAX_PAGE_BYTES: PageTooLarge, at the Markdown that
        makes most of it, as soon as what was converted for it passes the limit."""
        self.budget = {"page": page, "used": 0, "by_text": Counter()}
        try:
            html = self._render(name, **context)
        finally:
            budget, self.budget = self.budget, None
        if len(html) > MAX_PAGE_BYTES and budget["by_text"]:
            raise PageTooLarge(budget["by_text"].most_common(1)[0][0], len(html), page)
        return html

    def _spend(self, text: str, html: Markup) -> None:
        if self.budget is None:
            return
        self.budget["used"] += len(html)
        self.budget["by_text"][text] += len(html)
        if self.budget["used"] > MAX_PAGE_BYTES:
            raise PageTooLarge(self.budget["by_text"].most_common(1)[0][0],
                               self.budget["used"], self.budget["page"])

    def plan(self, dossier: Dossier) -> str:
        """The plan the client can be given."""
        return self._render("plan.html", d=dossier, as_of=dossier.as_of, root="../")

    def index(self, portfolio: Portfolio) -> str:
        return self._render("index.html", p=portfolio, as_of=portfolio.as_of, root="")

    def owner(self, owner: Owner, portfolio: Portfolio) -> str:
        return self._render("owner.html", o=owner, p=portfolio, as_of=portfolio.as_of,
                            root="../")

    def portfolio_print(self, portfolio: Portfolio) -> str:
        """The leader's printed portfolio: bounded whatever the number of accounts."""
        return self._render("portfolio-print.html", p=portfolio, as_of=portfolio.as_of,
                            root="")

    def owner_print(self, owner: Owner, portfolio: Portfolio) -> str:
        return self._render("owner-print.html", o=owner, p=portfolio, as_of=portfolio.as_of,
                            root="../")

    def chart(self, chart: Chart) -> Markup:
        from generator import charts

        return charts.svg(chart, self.money if chart.money else _count)

    def _render(self, name: str, **context: object) -> str:
        self.root = str(context.get("root", ""))  # where published images are from this page
        try:
            return self.env.get_template(name).render(**context)
        except MarkdownError:
            raise
        except Exception as exc:  # noqa: BLE001 - a project template can fail in any way
            raise RenderError(self._template_problem(name, exc)) from None

    def _template_problem(self, name: str, exc: Exception) -> Problem:
        """Point at the template line that failed, as Jinja reports it."""
        path, line = Path(name), getattr(exc, "lineno", None) or 0
        if getattr(exc, "filename", None):
            path = Path(exc.filename)
        frame = exc.__traceback__
        while frame is not None:  # the innermost template frame is the culprit
            code = frame.tb_frame.f_code
            if code.co_filename.endswith(".html"):
                path, line = Path(code.co_filename), frame.tb_lineno
            frame = frame.tb_next
        message = str(exc) if isinstance(exc, jinja2.TemplateError) else (
            f"{type(exc).__name__}: {exc}")
        return Problem(path, line, 1 if line else 0, "template", message,
                       "fix the template, or delete the project's copy to use the built-in one")

    def assets(self) -> dict[str, Path]:
        """The theme's files to publish by relative name, the project's copy first; and
        the project's images, unless the theme has a file of the same name."""
        found: dict[str, Path] = {}
        for folder in reversed(self.search_path):
            found.update(published_files(folder, PUBLISHED_THEME_FILES))
        images = published_files(self.project.root / paths.IMAGES, IMAGE_SUFFIXES)
        self.asset_problems = [
            Problem(path, 0, 0, "", f"this image is not published: the theme has a file "
                    f"'{name}' too", "rename the image", Severity.WARNING)
            for name, path in images.items() if name in found]
        return dict(sorted({**images, **found}.items()))

    def block_markdown(self, text: str) -> Markup:
        key = (self.root, text)  # images are addressed from the page
        if key not in self._converted:  # the plan repeats sections shown above it
            if len(self._converted) > 256:
                self._converted.clear()
            if self._markdown is None:
                self._markdown = account_markdown(self)
            if self.on_markdown is not None:
                self.on_markdown(text)
            try:
                html = self._markdown.reset().convert(text)
            except Exception as exc:  # noqa: BLE001 - deep nesting, say: the text's fault
                raise MarkdownError(text, exc) from None
            self._converted[key] = Markup(sanitise(html, self.root))
        self._spend(text, self._converted[key])
        return self._converted[key]

    def inline_markdown(self, text: str) -> Markup:
        if not MARKDOWN_SYNTAX.search(text):
            # Plain text, the usual case for list items: Markdown would only escape it.
            return Markup(escape(text))
        html = str(self.block_markdown(text)).strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)

    def money(self, value: float | None) -> str:
        if value is None:
            return "not recorded"
        return f"{self.project.config.currency}{value:,.0f}"


def account_markdown(renderer: Renderer):
    """Python-Markdown for account texts: raw HTML is cleaned as it is put back
    (`rawhtml.neutralise`: what is not allowed is text), and the links and images Markdown
    makes are judged by the same rules, the images pointed at their published copies."""
    import markdown
    from markdown.postprocessors import RawHtmlPostprocessor
    from markdown.treeprocessors import Treeprocessor
    from markdown.util import AMP_SUBSTITUTE

    class CleanRawHtml(RawHtmlPostprocessor):
        def stash_to_string(self, text) -> str:
            cleaned, removed = neutralise(str(text), renderer.root)
            renderer.removed.extend(r.message for r in removed)
            return cleaned

    class CleanLinks(Treeprocessor):
        def run(self, root) -> None:
            for element in root.iter():
                name = {"a": "href", "img": "src"}.get(element.tag)
                if name is None or element.get(name) is None:
                    continue
                value = unescape(element.get(name).replace(AMP_SUBSTITUTE, "&"))
                why = link_refusal(value) if name == "href" else image_removal(value)
                if why:
                    del element.attrib[name]
                    renderer.removed.append(why)
                elif name == "src":
                    element.set(name, published_image(value, renderer.root))

    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html",
                           extension_configs={"tables": {"use_align_attribute": True}})
    md.postprocessors.register(CleanRawHtml(md), "raw_html", 30)
    md.treeprocessors.register(CleanLinks(md), "clean_links", -1)
    return md


def sanitise(html: str, root: str = "") -> str:
    """The last defence, after `account_markdown` has kept only what is allowed."""
    def keep(tag: str, attribute: str, value: str) -> str | None:
        # Only published images, by the path this page reaches them by: a remote image
        # would make every reader call out to someone else's server.
        published = f"{root}{outputs.ASSETS}/"
        if (tag, attribute) == ("img", "src") and not (
                value.startswith(published) and ":" not in value
                and ".." not in value[len(published):].split("/")):
            return None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(LINK_SCHEMES),
        attribute_filter=keep,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def published_files(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    """The files under `folder` with these suffixes, by relative name: none whose name
    (or a folder's on the way) starts with '.', and none that a link leads out of it."""
    if not folder.is_dir():
        return {}
    inside = folder.resolve()
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder)
        if (path.suffix.lower() in suffixes and not any(p.startswith(".") for p in name.parts)
                and path.is_file() and path.resolve().is_relative_to(inside)):
            found[name.as_posix()] = path
    return found


def _count(value: float) -> str:
    return f"{value:,.0f}"


def entry_date(entry) -> Markup:
    """An item's date as a <time>, or 'undated'. A filter rather than a template macro:
    it runs for every item of every dossier, and a macro call costs ten times more."""
    if entry.date is None:
        return Markup('<span class="undated">undated</span>')
    return Markup(f'<time datetime="{entry.date.isoformat()}">{longdate(entry.date)}</time>')


# A section of a page and its heading, as the theme writes them: the entries of a table
# of contents. Read from the rendered page, so the contents list exactly the sections a
# dossier has (a won-back client's check-ins, the notes under headings of the file's own),
# in a project's own templates too.
SECTION_HEADING = re.compile(r'<section id="([^"]+)"[^>]*>\s*<h2[^>]*>([^<]*(?:<(?!/h2>)[^<]*)*)</h2>')


def contents(html: str) -> list[tuple[str, Markup]]:
    """(id, heading) of each section of a rendered page with an id and an <h2>."""
    return [(anchor, Markup(heading)) for anchor, heading in SECTION_HEADING.findall(html)]


OUTCOME_WORDS = {"accepted": "they said yes", "review": "open to looking again at a review",
                 "refused": "they said no", "undecided": "nothing decided yet"}
APPROACH_WORDS = {"waiting": "no answer yet", "declined": "declined",  # how an ask went
                  "agreed": "agreed to meet"}
PLAN_LABELS = {"relationship": "Our relationship", "cause": "What went wrong, as a fact",
               "commitment": "Our commitment"}
ONE_LINE = 90  # characters of a complaint on page one


def oneline(text: str) -> str:
    """The first clause of a note, to fit one line: up to its first ';' or sentence end,
    else cut between words."""
    for mark in ("; ", ". "):
        head = text.split(mark, 1)[0]
        if len(head) < len(text) and len(head) <= ONE_LINE:
            return head.rstrip(".") + "…" if mark == "; " else head + "."
    if len(text) <= ONE_LINE:
        return text
    return text[:ONE_LINE].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def trimstop(text: str) -> str:
    """Text without its final full stop, to sit inside a sentence."""
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def lowerfirst(text: str) -> str:
    """'Replaced the units' -> 'replaced the units'; names and acronyms stay as written."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def in_words(span, the: bool = False) -> str:
    """A span as a letter says it: 'thirteen years', 'fourteen months'; with `the`,
    'the thirteen years'."""
    if span is None:  # not recorded
        return "the time" if the else "some time"
    return months_in_words(span.years * 12 + span.months, the)


def weekday(value: dt.date | dt.datetime) -> str:
    return f"{value:%A}"


def meeting_time(meeting) -> str:
    """When a meeting is, in words: its day and time, or its day and 'time not set'."""
    if meeting.time_set:
        return longdate(meeting.when)
    return f"{meeting.when:%a %-d %b %Y}, time not set"


def channel_name(channel: str) -> str:
    """'Email', 'In person': a channel as a table shows it."""
    return channel.replace("-", " ").capitalize()


def shortwhen(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%a %-d %b, %H:%M}"
    return f"{value:%a %-d %b}"


def fulldate(value: dt.date) -> str:
    """'4 December 2026': the date line of a letter."""
    return f"{value:%-d %B %Y}"


def capitalize_first(text: str) -> str:
    """Only the first letter raised: Jinja's `capitalize` lowers all the others."""
    return text[:1].upper() + text[1:]


def monthyear(value: dt.date | None) -> str:
    return f"{value:%b %Y}" if value else "not recorded"


def longdate(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, dt.datetime):
        return f"{value:%a %-d %b %Y, %H:%M}"
    return f"{value:%-d %b %Y}"


def theme_files(renderer: Renderer) -> dict[str, bytes]:
    return {outputs.path_of("asset", name): path.read_bytes() for name, path in renderer.assets().items()}

