"""The typed model: what an account file and the project config may say.

Shapes and types live here as pydantic models (one schema mechanism for the
front matter, the project config and the question bank); rules that relate
several fields to each other live in `validate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

# Every date winback accepts, from account files, --today or SOURCE_DATE_EPOCH. Wide enough
# for any real client relationship; narrow enough that date arithmetic never overflows and
# a per-year chart never has more than a couple of hundred bars.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)


def in_date_range(day: dt.date) -> bool:
    return FIRST_DATE <= day <= LAST_DATE


def _check_date(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not in_date_range(day):
        raise PydanticCustomError("date_out_of_range", "date outside the accepted range")
    return value


def _check_datetime(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        # Times are local wall-clock times; one with a zone cannot be ordered against them.
        raise PydanticCustomError("datetime_with_zone", "date and time with a time zone")
    return _check_date(value)


# Each name in a meeting is compared with every person for a "did you mean": lists this long
# are far beyond any account, and keep that quick.
MAX_PEOPLE = 200
MAX_ATTENDEES = 50
MAX_FOLLOW_UPS = 200  # each can name an owner, and each owner is a page
MAX_REASONS = 20  # each is a part of the meeting script

Date = Annotated[dt.date, AfterValidator(_check_date)]
DateTime = Annotated[dt.datetime, AfterValidator(_check_datetime)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
ReasonId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
# Names become page and file names, headers and calendar titles: a bound keeps every one of
# them possible (a file name has at most 255 bytes). Sentences are bounded more loosely.
MAX_NAME = 120
MAX_SENTENCE = 1000
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME)]
Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=MAX_SENTENCE)]
OptionalSentence = Annotated[str, StringConstraints(strip_whitespace=True,
                                                    max_length=MAX_SENTENCE)]
# Annual value: a finite amount (.inf would print as '$inf'), up to a quadrillion.
Money = Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)]

Status = Literal["lost", "at-risk", "won-back", "active"]
STATUSES: tuple[str, ...] = ("lost", "at-risk", "won-back", "active")
Role = Literal["decision-maker", "champion", "influencer", "user", "blocker", "other"]
PdfVariant = Literal["pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-2u", "pdf/a-3b", "pdf/a-3u",
                     "pdf/a-2a", "pdf/a-3a", "pdf/a-4u"]
Channel = Literal["email", "phone", "video", "in-person", "letter", "other"]

# The built-in loss-reason taxonomy; a project's winback.yaml may add to it.
LOSS_REASONS: dict[str, str] = {
    "price": "Price",
    "service-failure": "Service failure",
    "delivery": "Delivery",
    "billing-error": "Billing error",
    "product-gap": "Product gap",
    "competitor": "Competitor",
    "champion-left": "Champion left",
    "new-decision-maker": "New decision maker",
    "relocated": "Relocated",
    "changed-needs": "Changed needs",
    "market-conditions": "Market conditions",
    "other": "Other",
}


class Schema(BaseModel):
    """Unknown keys are errors: a misspelt field must never vanish silently."""

    # defer_build: a model's validator is made on first use, not at import, which keeps
    # the start-up of a no-op rebuild short.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              defer_build=True)


class Person(Schema):
    name: Name
    title: OptionalName = ""
    role: Role = "other"
    cares_about: Annotated[list[Sentence], Field(max_length=20)] = []
    left: Date | None = None
    notes: OptionalSentence = ""


class Meeting(Schema):
    when: DateTime
    where: OptionalSentence = ""
    with_: Annotated[list[Name], Field(max_length=MAX_ATTENDEES)] = Field(default=[], alias="with")
    ours: Annotated[list[Name], Field(max_length=MAX_ATTENDEES)] = []


class FollowUp(Schema):
    due: DateTime
    channel: Channel
    what: Sentence
    owner: OptionalName = ""
    done: bool = False


class Facts(Schema):
    """The front matter of an account file."""

    name: Name
    status: Status
    owner: OptionalName = ""
    value: Money | None = None
    signed: Date | None = None
    lost: Date | None = None
    won_back: Date | None = None
    competitor: OptionalName = ""
    loss_reasons: Annotated[list[ReasonId], Field(max_length=MAX_REASONS)] = []
    industry: OptionalName = ""
    location: OptionalName = ""
    interviewer: OptionalName = ""
    people: Annotated[list[Person], Field(max_length=MAX_PEOPLE)] = []
    meeting: Meeting | None = None
    follow_ups: Annotated[list[FollowUp], Field(max_length=MAX_FOLLOW_UPS)] = []


class Config(Schema):
    """winback.yaml: every field optional, the defaults are the built-in behaviour."""

    title: Name = "Win-back dossiers"
    company: OptionalName = ""
    currency: OptionalName = "$"
    output_dir: Text = "output"
    loss_reasons: dict[ReasonId, Name] = {}
    paper: Literal["A4", "Letter"] = "A4"
    pdf_variant: PdfVariant = "pdf/ua-1"
    pdf_time_limit: Annotated[float, Field(gt=0)] = 60.0
    dossier_time_limit: Annotated[float, Field(gt=0)] = 5.0
    check_in_every_days: Annotated[int, Field(gt=0, le=366)] = 30
    stale_after_days: Annotated[int, Field(gt=0)] = 90

    def reason_labels(self) -> dict[str, str]:
        return {**LOSS_REASONS, **self.loss_reasons}


# --- the body: sections of Markdown under known headings ---------------------


@dataclass(frozen=True)
class SectionKind:
    key: str
    title: str
    aliases: tuple[str, ...]
    has_entries: bool
    prompt: str


SECTIONS: tuple[SectionKind, ...] = (
    SectionKind("why_signed", "Why they signed", ("why they chose us", "why they bought"), False,
                "Why did they sign with us in the first place, and what were their criteria?"),
    SectionKind("wins", "Wins", ("what we did well", "successes"), True,
                "Which wins did we deliver for them? Dated, with the impact."),
    SectionKind("complaints", "Complaints", ("issues", "problems"), True,
                "Which complaints did they raise, against us or other suppliers?"),
    SectionKind("why_lost", "Why we lost them", ("why they left", "why we lost"), False,
                "Why did we lose them? State the cause as a fact, without excuses."),
    SectionKind("changes", "What we changed", ("what we changed since", "changes"), True,
                "What have we changed since, and which fixes must be done before we approach?"),
    SectionKind("new_needs", "New needs", ("their new needs",), False,
                "What do they need now that they did not when they signed?"),
    SectionKind("commitment", "Our commitment", ("commitment", "what we commit to"), False,
                "What do we commit to, so that it does not happen again? With dates."),
    SectionKind("history", "History", ("timeline",), True,
                "What happened on the account, and when?"),
)
SECTION_BY_KEY = {kind.key: kind for kind in SECTIONS}


@dataclass(frozen=True)
class Entry:
    """One list item of a section: `- [x] 2025-02-11 (Supplier): text !essential`."""

    line: int
    text: str
    date: dt.date | None = None
    checked: bool | None = None
    party: str = ""
    essential: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    line: int
    markdown: str
    entries: tuple[Entry, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.markdown.strip() and not self.entries


@dataclass(frozen=True)
class Account:
    """A validated account: facts, known sections by key, and free notes."""

    path: Path
    slug: str
    facts: Facts
    sections: dict[str, Section] = field(default_factory=dict)
    notes: tuple[Section, ...] = ()
    intro: str = ""
    intro_line: int = 0  # where the intro starts, for problems found while rendering it
    # Where each owner name stands in the file ('owner', 'follow_ups[0].owner'): problems
    # found across accounts (one owner spelt two ways) point there.
    owner_places: dict[str, tuple[int, int]] = field(default_factory=dict)

    def entries(self, key: str) -> tuple[Entry, ...]:
        section = self.sections.get(key)
        return section.entries if section else ()


# --- the question bank --------------------------------------------------------

Minutes = Annotated[int, Field(ge=0, le=600)]


class Tailored(Schema):
    """Wordings for questions and prompts made from the account; `{name}` placeholders."""

    open_complaint: Text
    cares_about: Text
    person_left: Text
    win: Text


class Agenda(Schema):
    meeting_minutes: Annotated[int, Field(gt=0, le=600)]
    opening: Minutes
    summary: Minutes
    ask: Minutes


class QuestionBank(Schema):
    """Meeting questions and rules, shipped with the package as YAML."""

    opening: list[Text]
    hard_questions: list[Text]
    by_reason: dict[ReasonId, list[Text]]
    competitor: list[Text]
    tailored: Tailored
    listening_rules: list[Text]
    never: list[Text]
    closing: list[Text]
    the_ask: list[Text]
    agenda: Agenda


class BankAdditions(Schema):
    """Questions a project adds after the built-in ones (content/questions.yaml: add)."""

    opening: list[Text] = []
    hard_questions: list[Text] = []
    by_reason: dict[ReasonId, list[Text]] = {}
    competitor: list[Text] = []
    listening_rules: list[Text] = []
    never: list[Text] = []
    closing: list[Text] = []
    the_ask: list[Text] = []


class TailoredReplacements(Schema):
    open_complaint: Text | None = None
    cares_about: Text | None = None
    person_left: Text | None = None
    win: Text | None = None


class AgendaReplacements(Schema):
    meeting_minutes: Annotated[int, Field(gt=0, le=600)] | None = None
    opening: Minutes | None = None
    summary: Minutes | None = None
    ask: Minutes | None = None


class BankReplacements(Schema):
    """Sections a project replaces whole (content/questions.yaml: replace)."""

    opening: list[Text] | None = None
    hard_questions: list[Text] | None = None
    by_reason: dict[ReasonId, list[Text]] | None = None
    competitor: list[Text] | None = None
    tailored: TailoredReplacements = TailoredReplacements()
    listening_rules: list[Text] | None = None
    never: list[Text] | None = None
    closing: list[Text] | None = None
    the_ask: list[Text] | None = None
    agenda: AgendaReplacements = AgendaReplacements()


class BankChanges(Schema):
    """A project's content/questions.yaml."""

    add: BankAdditions = BankAdditions()
    replace: BankReplacements = BankReplacements()
