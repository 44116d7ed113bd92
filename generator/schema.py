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

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
ReasonId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]

Status = Literal["lost", "at-risk", "won-back", "active"]


@dataclass(frozen=True)
class StatusKind:
    """What a status means for the brief: its label, order and which kit it gets."""

    key: str
    label: str
    order: int
    was_lost: bool  # the client left us at some point (lost, or lost and won back)
    has_readiness: bool  # essential fixes decide whether we may ask for anything
    meeting: str  # what the meeting with such a client is


STATUS_KINDS: tuple[StatusKind, ...] = (
    StatusKind("lost", "Lost", 0, True, True, "Win-back meeting"),
    StatusKind("at-risk", "At risk", 1, False, True, "Retention review"),
    StatusKind("won-back", "Won back", 2, True, False, "Stay-close review"),
    StatusKind("active", "Active", 3, False, False, "Account review"),
)
STATUS_BY_KEY = {kind.key: kind for kind in STATUS_KINDS}
STATUSES: tuple[str, ...] = tuple(STATUS_BY_KEY)
Role = Literal["decision-maker", "champion", "influencer", "user", "blocker", "other"]
PdfVariant = Literal["pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-2u", "pdf/a-3b", "pdf/a-3u",
                     "pdf/a-2a", "pdf/a-3a", "pdf/a-4u"]
Channel = Literal["email", "phone", "video", "in-person", "letter", "other"]
LetterId = Literal["meeting-request", "thank-you", "summary"]
Outcome = Literal["waiting", "declined", "agreed"]

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
    name: Text
    title: OptionalText = ""
    role: Role = "other"
    cares_about: list[Text] = []
    left: dt.date | None = None
    notes: OptionalText = ""


class Meeting(Schema):
    when: dt.datetime
    where: OptionalText = ""
    with_: list[Text] = Field(default=[], alias="with")
    ours: list[Text] = []


class FollowUp(Schema):
    due: dt.datetime
    channel: Channel
    what: Text
    owner: OptionalText = ""
    done: bool = False
    aim: dt.datetime | None = None  # when we mean to deliver, ahead of the promise
    letters: list[LetterId] = []  # the letters this follow-up sends


class Sponsor(Schema):
    """A senior person on our side: signs the letters, is brought in if they say no."""

    name: Text
    title: OptionalText = ""


class Approach(Schema):
    """One attempt to get the meeting."""

    date: dt.date
    channel: Channel
    to: OptionalText = ""
    outcome: Outcome = "waiting"
    note: OptionalText = ""
    next_try: dt.date | None = None  # overrides the computed date of the next try


class IfNo(Schema):
    """What we do if they say no."""

    offer: list[Text] = []  # small pieces of business to ask for instead
    keep_in_touch: list[Text] = []  # news that matters to them, to send without pressure
    approach_again: dt.date | None = None


class Facts(Schema):
    """The front matter of an account file."""

    example: bool = False  # shows what a dossier looks like; left out of the portfolio
    name: Text
    status: Status
    owner: OptionalText = ""
    value: Annotated[float, Field(ge=0)] | None = None
    signed: dt.date | None = None
    lost: dt.date | None = None
    won_back: dt.date | None = None
    competitor: OptionalText = ""
    loss_reasons: list[ReasonId] = []
    industry: OptionalText = ""
    location: OptionalText = ""
    interviewer: OptionalText = ""
    sponsor: Sponsor | None = None
    people: list[Person] = []
    meeting: Meeting | None = None
    approaches: list[Approach] = []
    follow_ups: list[FollowUp] = []
    if_no: IfNo = IfNo()
    check_in_every_days: Annotated[int, Field(gt=0, le=366)] | None = None


class Config(Schema):
    """winback.yaml: every field optional, the defaults are the built-in behaviour."""

    title: Text = "Win-back dossiers"
    company: OptionalText = ""
    currency: OptionalText = "$"
    output_dir: Text = "output"
    loss_reasons: dict[ReasonId, Text] = {}
    paper: Literal["A4", "Letter"] = "A4"
    pdf_variant: PdfVariant = "pdf/ua-1"
    pdf_time_limit: Annotated[float, Field(gt=0)] = 60.0
    sponsor: Sponsor | None = None
    new_clients: dict[Annotated[int, Field(ge=1900, le=2999)], Annotated[int, Field(ge=0)]] = {}
    check_in_every_days: Annotated[int, Field(gt=0, le=366)] = 30
    check_in_first_months: Annotated[int, Field(ge=0, le=24)] = 3
    check_in_first_every_days: Annotated[int, Field(gt=0, le=366)] = 14
    chase_after_days: Annotated[int, Field(gt=0, le=366)] = 14
    approach_again_after_days: Annotated[int, Field(gt=0, le=3660)] = 120
    stale_after_days: Annotated[int, Field(gt=0)] = 90
    file_history: bool = True  # show each account file's git history on its dossier

    def reason_labels(self) -> dict[str, str]:
        return {**LOSS_REASONS, **self.loss_reasons}


# --- the body: sections of Markdown under known headings ---------------------


@dataclass(frozen=True)
class SectionKind:
    """A heading the compiler knows, and how the list items under it are read.

    `checkbox` names the two states of an item's box (an item without one is an
    error); `markers` are the `!word` flags an item may end with; `details` the
    `- key: value` lines it may carry, indented under it.
    """

    key: str
    title: str
    aliases: tuple[str, ...]
    prompt: str
    entries: bool = False
    checkbox: tuple[str, str] | None = None  # (unchecked, checked)
    dated: bool = False
    party: bool = False
    markers: tuple[str, ...] = ()
    details: tuple[str, ...] = ()


SECTIONS: tuple[SectionKind, ...] = (
    SectionKind("why_signed", "Why they signed", ("why they chose us", "why they bought"),
                "Why did they sign with us in the first place, and what were their criteria?"),
    SectionKind("wins", "Wins", ("what we did well", "successes"),
                "Which wins did we deliver for them? Dated, with the impact.",
                entries=True, dated=True, markers=("recall",)),
    SectionKind("complaints", "Complaints", ("issues", "problems"),
                "Which complaints did they raise, against us or other suppliers?",
                entries=True, checkbox=("open", "resolved"), dated=True, party=True,
                details=("by", "ask")),
    SectionKind("why_lost", "Why we lost them",
                ("why they left", "why we lost", "why we could lose them", "why they may leave"),
                "Why did we lose them? State the cause as a fact, without excuses."),
    SectionKind("changes", "What we changed", ("what we changed since", "changes"),
                "What have we changed since, and which fixes must be done before we approach?",
                entries=True, checkbox=("not done", "done"), markers=("essential",),
                details=("answers", "evidence", "say", "confirm")),
    SectionKind("new_needs", "New needs", ("their new needs",),
                "What do they need now that they did not when they signed?"),
    SectionKind("commitment", "Our commitment", ("commitment", "what we commit to"),
                "What do we commit to, so that it does not happen again? With dates."),
    SectionKind("meeting_notes", "Notes for the meeting", ("meeting notes", "for the meeting"),
                "Anything the people in the room must know or avoid?", entries=True),
    SectionKind("history", "History", ("timeline",),
                "What happened on the account, and when?", entries=True, dated=True),
)
SECTION_BY_KEY = {kind.key: kind for kind in SECTIONS}


@dataclass(frozen=True)
class Entry:
    """One list item of a section: `- [x] 2025-02-11 (Supplier): text !essential`,
    with optional `- key: value` details indented under it."""

    line: int
    text: str
    date: dt.date | None = None
    checked: bool | None = None
    party: str = ""
    markers: frozenset[str] = frozenset()
    details: tuple[tuple[str, str], ...] = ()

    @property
    def essential(self) -> bool:
        return "essential" in self.markers

    @property
    def recall(self) -> bool:
        return "recall" in self.markers

    def detail(self, key: str) -> str:
        return next((value for name, value in self.details if name == key), "")

    def detail_list(self, key: str) -> list[str]:
        """A detail written as a comma-separated list."""
        return [part.strip() for part in self.detail(key).split(",") if part.strip()]


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

    def entries(self, key: str) -> tuple[Entry, ...]:
        section = self.sections.get(key)
        return section.entries if section else ()


# --- the question bank --------------------------------------------------------

Minutes = Annotated[int, Field(ge=0, le=600)]


class Kit(Schema):
    """The meeting kit of one status: what is said and asked, in script order.

    Wordings may use the placeholders that `generator.bank.PLACEHOLDERS` allows for
    their part; they are filled from the account, never with its notes.
    """

    purpose: Text  # one line: what this meeting is for
    opening: list[Text]  # said to open the meeting
    open_complaint: list[Text]  # one per open complaint, in turn; {month}
    complaint_caution: Text  # how to handle each complaint question
    hard_questions: list[Text]
    commitments_kept: list[Text]  # about the changes we made; {won_back}
    by_reason: dict[ReasonId, list[Text]]
    competitor: list[Text]  # asked neutrally; {competitor}
    cares_about: list[Text]  # to each decision maker, with what they care about beside it
    decision_owner: list[Text]  # when the person who decided has left; {person}
    after_listening: list[Text]  # leads into what we changed
    the_ask: list[Text]  # when every essential fix is done
    listen_only_ask: list[Text]  # while essential fixes are open; {after}
    if_no: list[Text]  # the gracious exit


class Kits(Schema):
    lost: Kit
    at_risk: Kit = Field(alias="at-risk")
    won_back: Kit = Field(alias="won-back")
    active: Kit

    def of(self, status: str) -> Kit:
        return getattr(self, status.replace("-", "_"))


class Agenda(Schema):
    meeting_minutes: Annotated[int, Field(gt=0, le=600)]
    opening: Minutes
    summary: Minutes
    ask: Minutes


class QuestionBank(Schema):
    """Meeting questions and rules, shipped with the package as YAML."""

    listening_rules: list[Text]
    never: list[Text]
    closing: list[Text]
    statuses: Kits
    agenda: Agenda
