"""The statuses: what each one means, in one table.

An account file says its status in one word (`status: lost`). Everything winback does
differently for it is read here: the label on its badge, in the filters and in `winback
list`; its place in the portfolio's order (the table's order); which kit of the question
bank it gets (the bank has one kit per status, named by its key); whether essential fixes
decide what we may ask for; whether it counts in the totals and in what is at stake;
which meeting request it is sent; and what page one says of it. Templates read it as the
`statuses` global and through `d.kind`; portfolio.js reads the order from the account
table's `data-status-order`.

Adding a status is a row here and a kit in the question bank (`generator/questions.yaml`);
its colour is one of the theme's tones, so the stylesheet need not change.
This module imports only `text`, so that every layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.text import joined


@dataclass(frozen=True)
class Status:
    """What a status means. Every field is given in the table: none has a default, so a
    new status cannot leave one out by accident."""

    key: str  # as an account file writes it
    label: str  # its badge, its filter, its totals, `winback list`
    tone: str  # the colour of its badge and totals: "lost", "risk" or "back" (`TONES`)
    adjective: str  # before "accounts": "at-risk accounts"
    was_lost: bool  # the client left us at some point (lost, or lost and won back)
    client: bool  # a client of ours today
    has_readiness: bool  # essential fixes decide whether we may ask for anything
    at_stake: bool  # its annual value is lost or could be: leaders see it first
    in_totals: bool  # counted in the portfolio's and each owner's totals
    value_words: str  # after its annual value in the totals: "a year recovered"
    meeting: str  # what the meeting with such a client is
    plan: str  # the title of the plan the client is given
    request: str  # the meeting request it is sent: a key of `letters.REQUESTS`
    on_accepted: str  # the status a meeting held that ends "accepted" leads to; "" none
    how_to_ask: str  # page one, nothing asked yet: how to ask, before "the request is
    # among the letters"; "" when the status has its own next step (a check-in, a review)
    ready_words: str  # page one, every essential fix done: what that allows; "" none
    why_empty: str  # "Why we could lose them" left empty: what is said; "" asks for it

    @property
    def came_back(self) -> bool:
        """Left us, and is a client again: has a won-back date and check-ins."""
        return self.was_lost and self.client

    @property
    def tenure_note(self) -> str:
        """Beside the tenure: how it is counted."""
        if self.came_back:
            return " (without the time away)"
        return " (at loss)" if self.was_lost else ""

    @property
    def reasons_label(self) -> str:
        return "Loss reasons" if self.was_lost else "Risks"

    @property
    def reasons_words(self) -> str:
        """Before the reasons, in the page's description: "lost over price"."""
        return "lost over" if self.was_lost else "at risk over"

    @property
    def why_heading(self) -> str:
        return "Why we lost them" if self.was_lost else "Why we could lose them"


STATUS_TABLE: tuple[Status, ...] = (
    Status(
        key="lost", label="Lost", tone="lost", adjective="lost",
        was_lost=True, client=False, has_readiness=True, at_stake=True,
        in_totals=True, value_words="a year",
        meeting="Win-back meeting", plan="Win-back plan", request="win-back",
        on_accepted="won-back",
        how_to_ask="Ask in writing, not by phone, for a meeting with the most senior "
                   "person involved in the decision:",
        ready_words="after listening, you may ask for a small way back in.",
        why_empty=""),
    Status(
        key="at-risk", label="At risk", tone="risk", adjective="at-risk",
        was_lost=False, client=True, has_readiness=True, at_stake=True,
        in_totals=True, value_words="a year",
        meeting="Retention review", plan="Our plan with you", request="retention",
        on_accepted="active",
        how_to_ask="Ask for a retention review while they are still a client: in writing, "
                   "to whoever decides on the contract;",
        ready_words="show them as delivered, then agree how they will judge them.",
        why_empty=""),
    Status(
        key="won-back", label="Won back", tone="back", adjective="won-back",
        was_lost=True, client=True, has_readiness=False, at_stake=False,
        in_totals=True, value_words="a year recovered",
        meeting="Stay-close review", plan="Our commitments to you", request="stay-close",
        on_accepted="", how_to_ask="", ready_words="", why_empty=""),
    Status(
        key="active", label="Active", tone="back", adjective="active",
        was_lost=False, client=True, has_readiness=False, at_stake=False,
        in_totals=False, value_words="a year",
        meeting="Account review", plan="Account plan", request="review",
        on_accepted="", how_to_ask="", ready_words="",
        why_empty="Not at risk: record it here if that changes."),
)

# The colours the theme has for statuses (`.tone-*` in style.css): a new status takes one.
TONES = ("lost", "risk", "back")
STATUS_BY_KEY: dict[str, Status] = {status.key: status for status in STATUS_TABLE}
STATUSES: tuple[str, ...] = tuple(STATUS_BY_KEY)
STATUS_ORDER: dict[str, int] = {key: order for order, key in enumerate(STATUSES)}
STATUS_LABELS: dict[str, str] = {status.key: status.label for status in STATUS_TABLE}


class Statuses:
    """The table as templates read it (the `statuses` global): `statuses["lost"]`,
    the statuses the totals count, and the lists of them in words."""

    def __init__(self, table: tuple[Status, ...]) -> None:
        self.table = table
        self.in_totals = tuple(s for s in table if s.in_totals)
        self.at_stake = tuple(s for s in table if s.at_stake)
        self.were_lost = tuple(s for s in table if s.was_lost)
        self.order = " ".join(s.key for s in table)  # for portfolio.js: lost first
        self.keys = ", ".join(s.key for s in table)  # as a new account file lists them

    def __getitem__(self, key: str) -> Status:
        return STATUS_BY_KEY[key]

    def words(self, statuses: tuple[Status, ...], conjunction: str = "and") -> str:
        """Their adjectives as a list: "lost, at-risk and won-back"."""
        return joined([s.adjective for s in statuses], conjunction)


REGISTRY = Statuses(STATUS_TABLE)
