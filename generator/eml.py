"""Render, email drafts: a letter as an `.eml` file that opens in any mail client,
addressed to the client where the file has their email address, ready to send.

Made with the standard library's `email` package (RFC 5322, MIME). `X-Unsent: 1`
asks Outlook and Apple Mail to open it as a draft; there is no Date or Message-ID,
so that the same letter always makes the same file (a mail client adds both when it
sends).
"""

from __future__ import annotations

import textwrap
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

from generator.letters import Letter
from generator.schema import Config

WIDTH = 72  # plain-text lines, as mail clients wrap them


def email_draft(letter: Letter, config: Config) -> bytes:
    message = EmailMessage(policy=SMTP)
    to = [_address(r.name, r.email) for r in letter.to if r.email]
    if to:
        message["To"] = to
    sender = _sender(letter, config)
    if sender is not None:
        message["From"] = sender
    message["Subject"] = letter.subject
    message["X-Unsent"] = "1"
    message.set_content(letter_text(letter, config), cte="quoted-printable")
    return message.as_bytes()


def letter_text(letter: Letter, config: Config) -> str:
    """The letter as plain text: what the printed letter says, without the letterhead
    (the mail client's signature carries that)."""
    lines = [_dateline(letter, config), "", letter.salutation, ""]
    for block in letter.body:
        if block.text:
            lines += [*textwrap.wrap(block.text, WIDTH), ""] if not block.points else [
                *textwrap.wrap(block.text, WIDTH)]
        for point in block.points:
            lines += textwrap.wrap(point, WIDTH, initial_indent="- ", subsequent_indent="  ")
        if block.points:
            lines.append("")
    lines += [letter.closing, "", *_signature(letter, config)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _dateline(letter: Letter, config: Config) -> str:
    day = f"{letter.dated:%-d %B %Y}" if letter.dated else ""
    city = config.letterhead.city
    return f"{city}, {day}" if city and day else day


def _signature(letter: Letter, config: Config) -> list[str]:
    signer = letter.signer
    if signer is None:
        return ["[name]"]
    return [part for part in (signer.name, signer.title, config.company) if part]


def _sender(letter: Letter, config: Config) -> Address | None:
    signer = letter.signer
    email = (signer.email if signer else "") or config.letterhead.email
    if not email:
        return None
    return _address(signer.name if signer and signer.email else config.company, email)


def _address(name: str, email: str) -> Address:
    user, _, domain = email.partition("@")
    return Address(display_name=name, username=user, domain=domain)
