"""Rebuild the seed corpus fuzz/corpus/ from fixtures/ (run from anywhere).

The valid reference page and the small invalid fixtures are copied as they
are.  The large invalid fixtures are the reference page with one defect; a
copy of each would take the corpus past 300 kB, so each is copied *trimmed*:
the same lines of the page are dropped from it as from the valid one (most of
Where to Watch and Famous Conversations, one of three reviews), which keeps
the defect and one example of every section in about 7 kB.  Then a few small
hand-made pages for lenient mode (unknown section, sections out of order,
Windows-1252, mojibake, CRLF, ...).

    .venv/bin/python fuzz/make_corpus.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = Path(__file__).resolve().parent / "corpus"

SMALL = 4096  # fixtures up to this size are copied whole
# Lines of the reference page kept in a trimmed copy (1-based, inclusive).
KEPT = ((1, 68), (101, 108), (255, 272), (276, 292), (795, 820))

SHORT_PAGE = """\
Heat

A Los Angeles crime saga

Release Date 1995-12-15
Runtime 170 minutes
Genres Crime, Drama
Status Released
Watch

Overview

Obsessive master thief Neil McCauley leads a top-notch crew.

Budget $60,000,000
Vote Average 7.9/10
Original Language en

Backdrop

Available Languages

Français FR
Title: Heat
""

Where to Watch

🇺🇸 United States [US]

Stream

Cast

Al Pacino

Crew

Michael Mann

Reviews

John Chard
9.0/10
A masterpiece.

Famous Conversations

NEIL: Don't let yourself get attached to anything.

Oscar Awards

Nominations

DIRECTING - 1995 Michael Mann

Media

Trailer
Official Trailer
"""


def trimmed(text: str) -> str:
    lines = text.split("\n")
    kept = [line for number, line in enumerate(lines, 1) if _kept(number)]
    return "\n".join(kept)


def _kept(number: int) -> bool:
    return any(first <= number <= last for first, last in KEPT)


def hand_made() -> dict[str, bytes]:
    """Small lenient-mode pages, by name."""
    page = SHORT_PAGE
    keywords = page.replace("Media\n", "Keywords\n\nheist\nlos angeles\n\nMedia\n")
    out_of_order = page.replace("Cast\n\nAl Pacino\n\n", "").replace(
        "Available Languages\n", "Cast\n\nAl Pacino\n\nAvailable Languages\n"
    )
    out_of_order = out_of_order.replace("Media\n\nTrailer\nOfficial Trailer\n", "")
    out_of_order = out_of_order.replace(
        "Reviews\n", "Media\n\nTrailer\nOfficial Trailer\n\nReviews\n"
    )
    repeated = page + "\nCast\n\nVal Kilmer\n\nVote Average 8.1/10\nBudget lots\n"
    return {
        "hand-unknown-heading-keywords.txt": keywords.encode(),
        "hand-sections-out-of-order.txt": out_of_order.encode(),
        "hand-windows-1252.txt": page.replace(
            "Where to Watch\n\n🇺🇸 United States [US]\n\nStream\n\n", ""
        )
        .replace("John Chard", "José Chard")
        .replace("A masterpiece.", "It’s “great”.")
        .encode("cp1252"),
        "hand-latin-1.txt": page.encode("utf-8") + b"\nMedia\n\nClip\nCaf\xe9 \x81\n",
        "hand-mojibake.txt": page.replace("Français FR", "FranÃ§ais FR").encode(),
        "hand-crlf-bom-nbsp.txt": (
            "\ufeff" + page.replace("\n", "\r\n").replace("Budget ", "Budget\u00a0 ")
        ).encode(),
        "hand-mixed-script-zero-width.txt": page.replace(
            "Français FR", "Pусский R\u200bU"
        ).encode(),
        "hand-repeated-sections-and-facts.txt": repeated.encode(),
        "hand-orphan-offer-and-unknown-offer.txt": page.replace(
            "Where to Watch\n\n", "Where to Watch\n\nrent\n\n"
        )
        .replace("Stream\n", "Stream\n\nsubscribe\n")
        .encode(),
        "hand-award-before-outcome.txt": page.replace(
            "Nominations\n\nDIRECTING", "DIRECTING - 1995 Al Pacino\nNominations\n\nDIRECTING"
        ).encode(),
        "hand-no-title.txt": page[page.index("Overview") :].encode(),
        "hand-html-lenient.txt": b"<html>\n<body>Heat</body>\n</html>\n",
        "hand-control-characters.txt": page.replace("Heat\n", "He\x01at\x7f\n", 1)
        .replace("Al Pacino", "Al\x00Pacino\x1b")
        .encode(),
        "hand-backdrop-with-lines.txt": page.replace(
            "Backdrop\n", "Backdrop\nsomething\n"
        ).encode(),
        "hand-bad-values.txt": page.replace("1995-12-15", "1995-13-40")
        .replace("170 minutes", "long")
        .replace("9.0/10", "11/10")
        .replace("[US]", "[XX]")
        .encode(),
    }


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    CORPUS.mkdir()
    for kind in ("valid", "invalid"):
        for path in sorted((FIXTURES / kind).glob("*.txt")):
            data = path.read_bytes()
            name = f"{kind}-{path.name}"
            if kind == "invalid" and len(data) > SMALL:
                data = trimmed(data.decode("utf-8")).encode("utf-8")
                name = f"{kind}-trimmed-{path.name}"
            (CORPUS / name).write_bytes(data)
    reference = (FIXTURES / "valid" / "leaving-las-vegas.txt").read_text(encoding="utf-8")
    (CORPUS / "valid-trimmed-leaving-las-vegas.txt").write_text(trimmed(reference), "utf-8")
    (CORPUS / "valid-short-page.txt").write_text(SHORT_PAGE, "utf-8")
    for name, data in hand_made().items():
        (CORPUS / name).write_bytes(data)
    total = sum(path.stat().st_size for path in CORPUS.iterdir())
    print(f"{len(list(CORPUS.iterdir()))} files, {total} bytes in {CORPUS}")


if __name__ == "__main__":
    main()
