"""The typed model: what an account file and the project config may say.

Shapes and types live here as pydantic models (one schema mechanism for the
front matter, the project config and the question bank); rules that relate
several fields to each other live in `validate`.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    create_model,
)
from pydantic_core import PydanticCustomError

from generator import paths
from generator.statuses import STATUS_TABLE, STATUSES


def normal_word(value):
    """A word from a fixed vocabulary, read in any case and with spaces or underscores for
    hyphens: 'Lost', 'At risk' and 'at_risk' are 'lost' and 'at-risk'."""
    if isinstance(value, str):
        return "-".join(value.strip().lower().replace("_", " ").split())
    return value




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

def _needs_time(value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise PydanticCustomError("datetime_without_time", "a date without a time")
    return value


def _day_or_time(value):
    """A date and time, or a date alone (the time not set yet)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (dt.date.fromisoformat(text) if len(text) <= len("YYYY-MM-DD")
                     else dt.datetime.fromisoformat(text))
        except ValueError:
            raise PydanticCustomError("datetime_parsing", "not a date and time") from None
    if isinstance(value, dt.datetime):
        return _check_datetime(value)
    if isinstance(value, dt.date):
        return _check_date(value)
    raise PydanticCustomError("datetime_type", "not a date and time")


Date = Annotated[dt.date, AfterValidator(_check_date)]
DateTime = Annotated[dt.datetime, BeforeValidator(_needs_time), AfterValidator(_check_datetime)]
DayOrTime = Annotated[dt.datetime | dt.date, PlainValidator(_day_or_time),
                      PlainSerializer(lambda value: value.isoformat(), return_type=str)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
ReasonId = Annotated[str, BeforeValidator(normal_word),
                     StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
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



def vocabulary(*words: str):
    """A fixed set of words, as a type: validated in any case."""
    return Annotated[Literal[words], BeforeValidator(normal_word)]


def words_of(kind) -> tuple[str, ...]:
    """The words of a `vocabulary` type."""
    return typing.get_args(typing.get_args(kind)[0])


Status = vocabulary(*STATUSES)
Role = vocabulary("decision-maker", "champion", "influencer", "user", "blocker", "other")
PdfVariant = Literal["pdf/ua-1", "pdf/ua-2", "pdf/a-2b", "pdf/a-2u", "pdf/a-3b", "pdf/a-3u",
                     "pdf/a-2a", "pdf/a-3a", "pdf/a-4u"]
Channel = vocabulary("email", "phone", "video", "in-person", "letter", "other")
LetterId = vocabulary("meeting-request", "thank-you", "summary")
Outcome = vocabulary("waiting", "declined", "agreed")
# What a meeting held came to: they come back, will look again later, say no, or nothing yet.
MEETING_OUTCOMES = ("accepted", "review", "refused", "undecided")
MeetingOutcome = vocabulary(*MEETING_OUTCOMES)

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
# The reasons that record a failure of ours: only they (or an open complaint about us) let
# the script and the letters speak of letting the client down. Price, a rival's offer, a
# move, a new decision maker or a downturn are causes, not faults.
OUR_FAILURES = frozenset({"service-failure", "delivery", "billing-error"})


class Schema(BaseModel):
    """Unknown keys are errors: a misspelt field must never vanish silently."""

    # defer_build: a model's validator is made on first use, not at import, which keeps
    # the start-up of a no-op rebuild short.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              defer_build=True)


def _check_email(value: str) -> str:
    local, at, domain = value.partition("@")
    if value and (not at or not local or "." not in domain or any(c.isspace() for c in value)
                  or "@" in domain or "," in value):
        raise PydanticCustomError("email", "not an email address")
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254),
                  AfterValidator(_check_email)]


class Person(Schema):
    name: Name
    title: OptionalName = ""
    role: Role = "other"
    email: Email = ""  # where the letters' email drafts are addressed
    cares_about: Annotated[list[Sentence], Field(max_length=20)] = []
    ask: OptionalSentence = ""  # a question for this person, written to be said aloud
    left: Date | None = None
    notes: OptionalSentence = ""
    crm: OptionalName = ""  # the record's id in the CRM it was imported from


class Meeting(Schema):
    when: DayOrTime  # a date alone is a meeting whose time is not set yet
    where: OptionalSentence = ""
    with_: Annotated[list[Name], Field(max_length=MAX_ATTENDEES)] = Field(default=[], alias="with")
    ours: Annotated[list[Name], Field(max_length=MAX_ATTENDEES)] = []

    @property
    def time_set(self) -> bool:
        return isinstance(self.when, dt.datetime)

    @property
    def day(self) -> dt.date:
        return self.when.date() if isinstance(self.when, dt.datetime) else self.when

    @property
    def at(self) -> dt.datetime:
        """When it starts, for ordering; a meeting with no time set counts from midnight."""
        return self.when if isinstance(self.when, dt.datetime) else dt.datetime.combine(
            self.when, dt.time())


def _done_text(value: bool | dt.datetime) -> bool | str:
    return value if isinstance(value, bool) else value.isoformat()


def _done(value):
    """`done: true`, or when it was delivered: `done: 2026-12-08 15:00`."""
    if isinstance(value, (bool, dt.datetime)):
        return value
    if isinstance(value, dt.date):
        raise PydanticCustomError("datetime_without_time", "a date without a time")
    if isinstance(value, str) and any(ch.isdigit() for ch in value):
        return _day_or_time(value) if " " in value.strip() else _needs_time(
            _day_or_time(value))
    raise PydanticCustomError("done_type", "not true, false or a date and time")


class FollowUp(Schema):
    due: DateTime
    channel: Channel
    what: Sentence
    say: OptionalSentence = ""  # how the promise reads to the client, in letters and the plan
    owner: OptionalName = ""
    done: Annotated[bool | dt.datetime, PlainValidator(_done),  # or when delivered
                    PlainSerializer(_done_text)] = False
    aim: DateTime | None = None  # when we mean to deliver, ahead of the promise
    letters: Annotated[list[LetterId], Field(max_length=3)] = []  # the letters it sends
    crm: OptionalName = ""  # the task's id in the CRM it was imported from

    @property
    def is_done(self) -> bool:
        return self.done is not False

    @property
    def delivered(self) -> dt.datetime | None:
        """When it was delivered, when the file says."""
        return self.done if isinstance(self.done, dt.datetime) else None


class Sponsor(Schema):
    """A senior person on our side: signs the letters, is brought in if they say no."""

    name: Name
    title: OptionalName = ""


class Approach(Schema):
    """One attempt to get the meeting."""

    date: Date
    channel: Channel
    to: OptionalName = ""
    outcome: Outcome = "waiting"
    note: OptionalSentence = ""
    next_try: Date | None = None  # overrides the computed date of the next try


class IfNo(Schema):
    """What we do if they say no."""

    offer: Annotated[list[Sentence], Field(max_length=20)] = []  # small business to ask for
    keep_in_touch: Annotated[list[Sentence], Field(max_length=20)] = []  # news to send
    approach_again: Date | None = None


class Facts(Schema):
    """The front matter of an account file."""

    example: bool = False  # shows what a dossier looks like; left out of the portfolio
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
    sponsor: Sponsor | None = None
    people: Annotated[list[Person], Field(max_length=MAX_PEOPLE)] = []
    meeting: Meeting | None = None
    approaches: Annotated[list[Approach], Field(max_length=MAX_FOLLOW_UPS)] = []
    follow_ups: Annotated[list[FollowUp], Field(max_length=MAX_FOLLOW_UPS)] = []
    if_no: IfNo = Field(default_factory=IfNo)  # not IfNo(): built at import
    check_in_every_days: Annotated[int, Field(gt=0, le=366)] | None = None
    contract_end: Date | None = None  # when their contract (with us or a rival) ends or renews
    # Something small they would value beyond the contract: the extra mile.
    extra_mile: Annotated[list[Sentence], Field(max_length=20)] = []
    crm: OptionalName = ""  # the account's id in the CRM it was imported from


class TeamMember(Schema):
    """One of our people: who signs what, and whom to bring in."""

    name: Name
    title: OptionalName = ""
    email: Email = ""


class Letterhead(Schema):
    """What heads every letter, under the company's name."""

    address: Annotated[list[Name], Field(max_length=6)] = []  # one line each
    city: OptionalName = ""  # the place in the date line: "Tempe, 4 December 2026"
    phone: OptionalName = ""
    email: Email = ""
    website: OptionalName = ""


class ReasonDefinition(Schema):
    """A project's own loss reason, when it needs more than a label."""

    label: Name
    our_failure: bool = False  # it records a failure of ours (see OUR_FAILURES)


class Config(Schema):
    """winback.yaml: every field optional, the defaults are the built-in behaviour."""

    title: Name = "Win-back dossiers"
    company: OptionalName = ""
    currency: OptionalName = "$"
    output_dir: Text = paths.OUTPUT
    loss_reasons: dict[ReasonId, Name | ReasonDefinition] = {}
    letterhead: Letterhead = Field(default_factory=Letterhead)
    # Our people, most senior first: the most senior attendee signs the written summary,
    # and someone senior who was not in the meeting is the one to bring in if they say no.
    team: Annotated[list[TeamMember], Field(max_length=MAX_PEOPLE)] = []
    paper: Literal["A4", "Letter"] = "A4"
    pdf_variant: PdfVariant = "pdf/ua-1"
    pdf_time_limit: Annotated[float, Field(gt=0)] = 60.0
    dossier_time_limit: Annotated[float, Field(gt=0)] = 5.0
    sponsor: Sponsor | None = None
    new_clients: dict[Annotated[int, Field(ge=FIRST_DATE.year, le=LAST_DATE.year)],
                      Annotated[int, Field(ge=0, le=10_000_000)]] = {}
    check_in_every_days: Annotated[int, Field(gt=0, le=366)] = 30
    check_in_first_months: Annotated[int, Field(ge=0, le=24)] = 3
    check_in_first_every_days: Annotated[int, Field(gt=0, le=366)] = 14
    chase_after_days: Annotated[int, Field(gt=0, le=366)] = 14
    approach_again_after_days: Annotated[int, Field(gt=0, le=3660)] = 120
    stale_after_days: Annotated[int, Field(gt=0)] = 90
    file_history: bool = True  # show each account file's git history on its dossier

    def reason_labels(self) -> dict[str, str]:
        own = {key: value if isinstance(value, str) else value.label
               for key, value in self.loss_reasons.items()}
        return {**LOSS_REASONS, **own}

    def our_failures(self) -> frozenset[str]:
        """The reason ids that record a failure of ours."""
        own = {key for key, value in self.loss_reasons.items()
               if not isinstance(value, str) and value.our_failure}
        return OUR_FAILURES | own

    def member(self, name: str) -> TeamMember | None:
        return next((m for m in self.team if m.name.casefold() == name.casefold()), None)


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
    timed: bool = False  # an item's date may carry a time: `- 2026-12-08 10:00: ...`
    repeated: tuple[str, ...] = ()  # details that may be given more than once
    blank: tuple[str, ...] = ()  # details that may be left empty (a form to fill in)
    labels: tuple[str, ...] = ()  # each item starts with one of these: `- cause: ...`


SECTIONS: tuple[SectionKind, ...] = (
    SectionKind("why_signed", "Why they signed", ("why they chose us", "why they bought"),
                "Why did they sign with us in the first place, and what were their criteria?"),
    SectionKind("wins", "Wins", ("what we did well", "successes"),
                "Which wins did we deliver for them? Dated, with the impact.",
                entries=True, dated=True, markers=("recall",)),
    SectionKind("complaints", "Complaints", ("issues", "problems"),
                "Which complaints did they raise, against us or other suppliers?",
                entries=True, checkbox=("open", "resolved"), dated=True, party=True,
                details=("by", "ask", "crm")),
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
                "What happened on the account, and when?", entries=True, dated=True,
                markers=("deadline",), details=("crm",)),
    SectionKind("meetings", "Meetings", ("meetings held", "meeting records", "debriefs"),
                "What did they say in each meeting held, what matters to them now, and what "
                "did it come to?", entries=True, dated=True, timed=True,
                details=("heard", "needs", "outcome", "next", "with", "ours", "channel",
                         "thanks"),
                repeated=("heard", "needs"),
                blank=("heard", "needs", "outcome", "next", "with", "ours", "thanks")),
    SectionKind("plan", "Win-back plan",
                ("plan", "the plan", "our plan", "account plan", "retention plan",
                 "for the client"),
                "How would you tell the client what went wrong? Write it for them, as "
                "'- cause: ...'.", entries=True,
                labels=("relationship", "cause", "commitment")),
)
SECTION_BY_KEY = {kind.key: kind for kind in SECTIONS}


def normal_title(title: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", title.lower()).strip()


_BY_TITLE = {normal_title(kind.title): kind for kind in SECTIONS}
_BY_ALIAS = {alias: kind for kind in SECTIONS for alias in kind.aliases}


def section_kind(title: str, *, aliases: bool = True) -> SectionKind | None:
    """The known section a heading names, in any case and punctuation; by its title
    alone when `aliases` is false."""
    wanted = normal_title(title)
    return _BY_TITLE.get(wanted) or (_BY_ALIAS.get(wanted) if aliases else None)


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
    time: dt.time | None = None  # in a section whose items are timed
    label: str = ""  # in a section whose items are labelled

    @property
    def when(self) -> dt.datetime | dt.date | None:
        """The item's date, with its time when it has one."""
        if self.date is None or self.time is None:
            return self.date
        return dt.datetime.combine(self.date, self.time)

    @property
    def when_key(self) -> dt.datetime:
        """For ordering: an undated item first, a date alone at its midnight."""
        if self.date is None:
            return dt.datetime.min
        return dt.datetime.combine(self.date, self.time or dt.time())

    @property
    def essential(self) -> bool:
        return "essential" in self.markers

    @property
    def recall(self) -> bool:
        return "recall" in self.markers

    def detail(self, key: str) -> str:
        return next((value for name, value in self.details if name == key), "")

    def details_of(self, key: str) -> tuple[str, ...]:
        """Every value of a detail that may be given more than once, in order."""
        return tuple(value for name, value in self.details if name == key)

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
    intro_line: int = 0  # where the intro starts, for problems found while rendering it
    # Where each owner name stands in the file ('owner', 'follow_ups[0].owner'): problems
    # found across accounts (one owner spelt two ways) point there.
    owner_places: dict[str, tuple[int, int]] = field(default_factory=dict)
    meeting_at: tuple[int, int] = (0, 0)  # where `meeting:` stands, for what it leaves to do

    def entries(self, key: str) -> tuple[Entry, ...]:
        section = self.sections.get(key)
        return section.entries if section else ()


# --- the question bank --------------------------------------------------------

Minutes = Annotated[int, Field(ge=0, le=600)]


# What a question may need the file to record before it is asked: it is never asked
# otherwise (see docs/design.md, "The meeting script").
CONDITIONS = (
    "our-failure",  # the file records a failure of ours: a reason such as service-failure,
                    # or an open complaint about us
    "open-fixes",  # changes not done yet are recorded
    "done-fixes",  # changes done are recorded
    "competitor",  # a competitor is named
    "one-attendee",  # one person from their side in the room: no questions about colleagues
)
Condition = vocabulary(*CONDITIONS)


def _question(value):
    """A wording alone is a question with no purpose or conditions."""
    return {"say": value} if isinstance(value, str) else value


class Question(Schema):
    """One line of a kit, said aloud, and what decides whether it is said."""

    say: Text
    # What it is asked for: a script asks one question per purpose (what-happened,
    # basis-of-decision, competitor, wants-now, our-people, cost-to-them, ...).
    purpose: OptionalName = ""
    only_if: Annotated[list[Condition], Field(max_length=len(CONDITIONS))] = []  # all must hold
    unless: Annotated[list[Condition], Field(max_length=len(CONDITIONS))] = []  # none may
    reasons: Annotated[list[ReasonId], Field(max_length=MAX_REASONS)] = []  # the causes it fits

    def fits(self, holds: frozenset[str], reasons: frozenset[str]) -> bool:
        return (set(self.only_if) <= holds and not set(self.unless) & holds
                and (not self.reasons or bool(reasons & set(self.reasons))))


Questions = list[Annotated[Question, BeforeValidator(_question)]]


class Kit(Schema):
    """The meeting kit of one status: what is said and asked, in script order.

    Wordings may use the placeholders that `generator.bank.PLACEHOLDERS` allows for
    their part; they are filled from the account, never with its notes.
    """

    purpose: Text  # one line: what this meeting is for
    opening: Questions  # said to open the meeting; {tenure}
    open_complaint: list[Text]  # one per open complaint, in turn; {month}
    complaint_caution: Text  # how to handle each complaint question
    hard_questions: Questions
    commitments_kept: Questions  # about the changes we made; {won_back}
    by_reason: dict[ReasonId, Questions]
    competitor: Questions  # asked neutrally; {competitor}
    cares_about: Questions  # what matters to them, with what each attendee cares about beside it
    decision_owner: Questions  # when the person who decided has left; {person}
    after_listening: Questions  # leads into what we changed
    the_ask: Questions  # when every essential fix is done
    listen_only_ask: Questions  # while essential fixes are open; {after}
    unknown_ask: Questions  # while no change is recorded: we do not know if we are ready
    if_no: Questions  # the gracious exit


class _Kits(Schema):
    def of(self, status: str) -> Kit:
        return getattr(self, _kit_field(status))


def _kit_field(status: str) -> str:
    return status.replace("-", "_")


# One kit per status of the table, each required: a bank that lacks one is refused.
Kits = create_model("Kits", __base__=_Kits, **{
    _kit_field(s.key): (Kit, Field(alias=s.key)) for s in STATUS_TABLE})


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
