"""Text from a data file, made safe to print on a terminal."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text):
    """``text`` on one line, with control characters and escape sequences made visible.

    A cell holding ``"\\x1b]0;title\\x07"`` would otherwise set the window title, and a
    ``"\\r"`` or ANSI cursor move could fake what is on the screen; they are shown as the
    escapes ``\\x1b``, ``\\r``, ... instead. Newlines become ``\\n``, so a multi-line cell
    stays on one line.

    >>> visible("ok\\x1b[2J\\nnext")
    'ok\\\\x1b[2J\\\\nnext'
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _NAMED.get(ch) or _escape(ord(ch))
                   for ch in text)


def _escape(code):
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
