"""Synthetic account corpus for benchmarks: N realistic accounts from a fixed seed.

Every section is filled and sizes vary (about 3 to 7 KB a file, 4.9 KB on
average for the default mix), so the build does the same work as on real
accounts. The same seed and N always give the same files.

    .venv/bin/python bench/corpus.py 1000 /tmp/corpus
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

COMPANIES = ("Northwind", "Harbor", "Summit", "Riverside", "Granite", "Cedar", "Atlas", "Beacon",
             "Copper", "Evergreen", "Falcon", "Ironwood", "Juniper", "Keystone", "Lakeside",
             "Meridian", "Oakridge", "Pioneer", "Quarry", "Redwood", "Sterling", "Trident")
KINDS = ("Freight", "Foods", "Dental Group", "Packaging", "Staffing", "Property Management",
         "Industrial Supply", "Architects", "Brewing", "Logistics", "Clinics", "Hotels")
PEOPLE = ("Priya Natarajan", "Tom Ellis", "Ana Ruiz", "Dana Reyes", "Sam Okafor", "Lee Park",
          "Maria Costa", "Jon Berg", "Ines Duarte", "Kofi Mensah", "Yuki Sato", "Omar Haddad")
OWNERS = ("Dana Whitfield", "Marcus Bell", "Elena Sorensen", "Kim Tran", "Raj Patel",
          "Owen Gallagher", "Lucia Ferreira")
REASONS = ("price", "service-failure", "delivery", "billing-error", "product-gap", "competitor",
           "champion-left", "new-decision-maker", "relocated", "changed-needs",
           "market-conditions")
WORDS = ("late", "deliveries", "invoice", "credit", "route", "warehouse", "dashboard", "on-time",
         "rate", "quarterly", "review", "pallets", "temperature", "contract", "renewal", "tender",
         "capacity", "peak", "season", "support", "ticket", "escalation", "report", "audit")


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def account(rng: random.Random, index: int) -> str:
    name = f"{rng.choice(COMPANIES)} {rng.choice(KINDS)} {index}"
    status = rng.choices(("lost", "at-risk", "won-back", "active"), (6, 2, 1, 1))[0]
    signed = day(rng, dt.date(2010, 1, 1), dt.date(2024, 1, 1))
    lost = day(rng, signed + dt.timedelta(days=200), dt.date(2026, 10, 1))
    size = rng.choice((0.7, 1.0, 1.2, 1.6))
    lines = ["---", f"name: {name}", f"status: {status}", f"owner: {rng.choice(OWNERS)}",
             f"value: {rng.randrange(10, 5000) * 1000}", f"signed: {signed}"]
    if status in ("lost", "won-back"):
        lines.append(f"lost: {lost}")
        lines.append(f"loss_reasons: [{', '.join(rng.sample(REASONS, rng.randint(1, 3)))}]")
        lines.append(f"competitor: {rng.choice(COMPANIES)} Partners")
    if status == "won-back":
        lines.append(f"won_back: {day(rng, lost + dt.timedelta(days=30), dt.date(2026, 11, 1))}")
    people = rng.sample(PEOPLE, 3)
    lines.append("people:")
    for number, person in enumerate(people):
        role = ("decision-maker", "champion", "influencer")[number]
        lines += [f"  - name: {person}", f"    title: {rng.choice(('VP', 'Director', 'Head'))}"
                  f" of {rng.choice(('Operations', 'Finance', 'Supply Chain'))}",
                  f"    role: {role}", f"    cares_about: [{', '.join(rng.sample(WORDS, 2))}]"]
        if number == 1 and rng.random() < 0.4:
            lines.append(f"    left: {day(rng, signed, dt.date(2026, 10, 1))}")
    lines += ["meeting:", f"  when: 2026-12-{rng.randint(1, 28):02d} {rng.randint(8, 17):02d}:00",
              f"  with: [{people[0]}]", "follow_ups:"]
    for _ in range(rng.randint(1, 3)):
        lines += [f"  - due: 2026-{rng.randint(10, 12):02d}-{rng.randint(1, 28):02d} 16:00",
                  f"    channel: {rng.choice(('email', 'phone', 'letter'))}",
                  f"    what: {sentence(rng, 6)}"]
    lines.append("---")
    body = ["", "## Why they signed", sentence(rng, int(40 * size)), "", "## Wins"]
    body += [f"- {day(rng, signed, lost)}: {sentence(rng, 14)}" for _ in range(int(5 * size))]
    body += ["", "## Complaints"]
    body += [f"- [{rng.choice((' ', 'x'))}] {day(rng, signed, lost)}: {sentence(rng, 12)}"
             for _ in range(int(6 * size))]
    body += ["", "## Why we lost them", sentence(rng, int(50 * size)), "", "## What we changed"]
    for number in range(int(4 * size)):
        done = rng.random() < 0.5
        when = f"{day(rng, lost, dt.date(2026, 11, 1))}: " if done else ""
        essential = " !essential" if number == 0 else ""
        body.append(f"- [{'x' if done else ' '}] {when}{sentence(rng, 9)}{essential}")
    body += ["", "## New needs", sentence(rng, int(30 * size)), "", "## History"]
    body += [f"- {day(rng, signed, lost)}: {sentence(rng, 10)}" for _ in range(int(8 * size))]
    return "\n".join(lines + body) + "\n"


def write_corpus(count: int, target: Path, seed: int = 20261126) -> list[Path]:
    rng = random.Random(seed)
    folder = target / "content" / "accounts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"account-{index:05d}.md"
        path.write_text(account(rng, index), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("accounts", type=int, help="how many accounts to write")
    parser.add_argument("folder", type=Path,
                        help="the project folder; accounts go to its content/accounts/")
    parser.add_argument("--seed", type=int, default=20261126,
                        help="the same seed and count always give the same files")
    args = parser.parse_args()
    paths = write_corpus(args.accounts, args.folder, args.seed)
    sizes = [p.stat().st_size for p in paths]
    print(f"{len(paths)} accounts, {sum(sizes) / len(sizes) / 1000:.1f} KB on average")


if __name__ == "__main__":
    main()
