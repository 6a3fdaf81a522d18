"""Which font a PDF of ours writes Chinese in: an embedded TrueType CJK font when one is found.

reportlab's built-in ``STSong-Light`` needs no file, but it is not embedded:
a reader without a Chinese font of its own shows empty boxes. So a TrueType
font is embedded (only the glyphs used) when one is found, in this order:

1. the path given by the caller;
2. the path in the environment variable ``HUIWU_PDF_FONT`` (a ``.ttf`` or ``.ttc``);
3. the usual places of Debian's TrueType CJK fonts (``fonts-wqy-zenhei``,
   ``fonts-wqy-microhei``, ``fonts-arphic-uming``, ``fonts-droid-fallback``).

Debian's ``fonts-noto-cjk`` is not in the list: its ``.ttc`` files have
PostScript (CFF) outlines, which reportlab cannot embed. A file that cannot
be embedded is logged and skipped, and ``STSong-Light`` is the last resort.
"""
from __future__ import annotations

import logging
import os
import zlib
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

ENV_VAR = "HUIWU_PDF_FONT"
#: Tried in order after the caller's and the environment's path.
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
FALLBACK_FONT = "STSong-Light"


def cjk_font(path: str | os.PathLike | None = None) -> str:
    """The registered name of the first usable CJK font (see the module's docstring)."""
    for candidate in candidates(path):
        name = _embedded(str(candidate))
        if name:
            return name
    return _fallback()


def is_embedded(font_name: str) -> bool:
    """Whether ``font_name`` (as ``cjk_font`` returned it) travels inside the PDF."""
    return font_name != FALLBACK_FONT


def candidates(path: str | os.PathLike | None = None) -> list[Path]:
    """The font files to try, in order, that exist on this machine."""
    wanted = [path, os.environ.get(ENV_VAR), *SYSTEM_FONTS]
    return [Path(p) for p in wanted if p and Path(p).is_file()]


@cache
def _embedded(path: str) -> str | None:
    """Register the TrueType font at ``path`` once; its name, or None when reportlab refuses it."""
    # The path's checksum keeps two files of the same name apart.
    name = f"HuiwuCJK-{Path(path).stem}-{zlib.crc32(path.encode()):08x}"
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except (TTFError, OSError) as exc:
        log.warning("font %s cannot be embedded in PDFs (%s); trying the next one", path, exc)
        return None
    return name


@cache
def _fallback() -> str:
    log.warning("no embeddable CJK font found; PDFs use %s, which readers must supply", FALLBACK_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT
