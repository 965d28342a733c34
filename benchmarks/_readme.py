"""Write a benchmark's marked block into benchmarks/README.md (shared by the scripts)."""

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_block(name, section, heading="## Speed and scale"):
    """Replace the ``<!-- name: start/end -->`` block, or add it under ``heading``."""
    mark = (f"<!-- {name}: start -->", f"<!-- {name}: end -->")
    block = f"{mark[0]}\n{section}\n{mark[1]}"
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if mark[0] in text and mark[1] in text:
        text = text[:text.index(mark[0])] + block + text[text.index(mark[1]) + len(mark[1]):]
    elif heading in text:
        at = text.index(heading)
        nxt = text.find("\n## ", at + 1)
        nxt = len(text) if nxt < 0 else nxt
        text = text[:nxt].rstrip("\n") + "\n\n" + block + "\n" + text[nxt:]
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n" + block + "\n"
    README.write_text(text)
