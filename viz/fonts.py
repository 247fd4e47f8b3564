"""Fonts and cached text surfaces, with emoji that degrade cleanly when no font has them.

pygame's default font (and most system fonts) lack emoji. A glyph counts as missing when
``Font.metrics`` reports ``None`` for it or when it renders exactly like the font's "missing
glyph" box. Text is cleaned of missing glyphs; an emoji no font can draw becomes ``None`` and the
caller draws a small coloured marker instead.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import pygame

from viz.palette import Color

logger = logging.getLogger(__name__)

TEXT_FONTS = ("dejavusans", "liberationsans", "arial", "helvetica", "freesans")
"""System fonts tried for text, in order; pygame's bundled font is the fallback."""

EMOJI_FONTS = ("notocoloremoji", "notoemoji", "twemoji", "segoeuiemoji", "applecoloremoji",
               "symbola", "dejavusans", "freesans")  # fmt: skip
"""System fonts tried for emoji glyphs, in order."""

_MODIFIERS = {"\ufe0f", "\ufe0e"} | {chr(c) for c in range(0x1F3FB, 0x1F400)}
_MISSING_PROBE = "\ue000"  # a private-use code point: renders as the missing-glyph box


def base_emoji(text: str) -> str:
    """The first emoji of a string without variation selectors, skin tones or ZWJ parts."""
    chars = [c for c in text.strip() if c not in _MODIFIERS]
    if "\u200d" in chars:
        chars = chars[: chars.index("\u200d")]
    if not chars:
        return ""
    if 0x1F1E6 <= ord(chars[0]) <= 0x1F1FF:  # a flag is two regional indicators
        return "".join(chars[:2])
    return chars[0]


class Fonts:
    """Font objects by size and style, and an LRU cache of rendered text.

    Args:
        system: Look for system fonts (DejaVu Sans...) before pygame's bundled font.
        cache_size: Rendered text surfaces kept.
    """

    def __init__(self, *, system: bool = True, cache_size: int = 4000) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._regular = self._bold = None
        if system:
            for name in TEXT_FONTS:
                path = pygame.font.match_font(name)
                if path:
                    self._regular = path
                    self._bold = pygame.font.match_font(name, bold=True) or path
                    break
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._texts: OrderedDict[tuple[str, int, bool, Color], pygame.Surface] = OrderedDict()
        self._cache_size = cache_size
        self._glyph_ok: dict[tuple[str, int], bool] = {}
        self._emoji_paths = self._emoji_candidates() if system else []
        self._emoji: dict[tuple[str, int], pygame.Surface | None] = {}

    # --- fonts ---------------------------------------------------------------------------

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        """A font of a pixel size (cached)."""
        size = max(6, int(size))
        key = (size, bold)
        found = self._fonts.get(key)
        if found is None:
            path = self._bold if bold else self._regular
            found = pygame.font.Font(path, size)
            if bold and path is None:
                found.set_bold(False)  # the bundled font is bold already
            self._fonts[key] = found
        return found

    def has_glyph(self, char: str, font: pygame.font.Font) -> bool:
        """Whether ``font`` really draws ``char`` (not the missing-glyph box)."""
        key = (char, id(font))
        known = self._glyph_ok.get(key)
        if known is None:
            known = _has_glyph(font, char)
            self._glyph_ok[key] = known
        return known

    def clean(self, text: str, size: int = 14, bold: bool = False) -> str:
        """``text`` without characters the font cannot draw (emoji, rare symbols)."""
        if text.isascii():
            return text
        font = self.font(size, bold)
        kept = [c for c in text if c.isascii() or (c not in _MODIFIERS and self.has_glyph(c, font))]
        return " ".join("".join(kept).split())

    # --- text ----------------------------------------------------------------------------

    def text(self, text: str, size: int, color: Color, bold: bool = False) -> pygame.Surface:
        """Antialiased text on a transparent surface (cached)."""
        key = (text, int(size), bold, color)
        found = self._texts.get(key)
        if found is not None:
            self._texts.move_to_end(key)
            return found
        font = self.font(size, bold)
        found = font.render(self.clean(text, size, bold) or " ", True, color)
        self._texts[key] = found
        if len(self._texts) > self._cache_size:
            self._texts.popitem(last=False)
        return found

    def size(self, text: str, size: int, bold: bool = False) -> tuple[int, int]:
        """Pixel size the text will have."""
        return self.font(size, bold).size(self.clean(text, size, bold) or " ")

    def wrap(
        self, text: str, size: int, width: int, max_lines: int, bold: bool = False
    ) -> list[str]:
        """Splits text into lines no wider than ``width``; the last kept line ends with "...".

        Words longer than a line are cut.
        """
        font = self.font(size, bold)
        words = self.clean(text, size, bold).split()
        lines: list[str] = []
        current = ""
        for word in words:
            while font.size(word)[0] > width and len(word) > 1:
                cut = _fit(font, word, width)
                if current:
                    lines.append(current)
                    current = ""
                lines.append(word[:cut])
                word = word[cut:]
            trial = f"{current} {word}".strip()
            if font.size(trial)[0] <= width:
                current = trial
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and font.size(last + "...")[0] > width:
                last = last[:-1]
            lines[-1] = last.rstrip() + "..."
        return lines or [""]

    def ellipsize(self, text: str, size: int, width: int, bold: bool = False) -> str:
        """``text`` cut with "..." to fit ``width`` pixels."""
        text = self.clean(text, size, bold)
        font = self.font(size, bold)
        if font.size(text)[0] <= width:
            return text
        while text and font.size(text + "...")[0] > width:
            text = text[:-1]
        return text.rstrip() + "..."

    # --- emoji ---------------------------------------------------------------------------

    def emoji(self, text: str, size: int, color: Color = (30, 30, 30)) -> pygame.Surface | None:
        """The emoji drawn about ``size`` pixels high, or ``None`` if no font has it."""
        glyph = base_emoji(text)
        key = (glyph, size)
        if key in self._emoji:
            return self._emoji[key]
        surface = None
        if glyph:
            for path in self._emoji_paths:
                surface = _render_emoji(path, glyph, size, color)
                if surface is not None:
                    break
        self._emoji[key] = surface
        return surface

    def _emoji_candidates(self) -> list[str]:
        paths: list[str] = []
        for name in EMOJI_FONTS:
            path = pygame.font.match_font(name)
            if path and path not in paths:
                paths.append(path)
        return paths


def _fit(font: pygame.font.Font, word: str, width: int) -> int:
    n = len(word)
    while n > 1 and font.size(word[:n])[0] > width:
        n -= 1
    return n


def _has_glyph(font: pygame.font.Font, char: str) -> bool:
    try:
        metrics = font.metrics(char)
    except pygame.error:
        return False
    if (not metrics or any(m is None for m in metrics)) and ord(char[0]) <= 0xFFFF:
        return False  # pygame has no metrics beyond the BMP (most emoji): the render decides
    try:
        probe = font.render(char, True, (255, 255, 255))
        missing = font.render(_MISSING_PROBE, True, (255, 255, 255))
    except pygame.error:
        return False
    if probe.get_size() != missing.get_size():
        return True
    return pygame.image.tobytes(probe, "RGBA") != pygame.image.tobytes(missing, "RGBA")


def _render_emoji(path: str, glyph: str, size: int, color: Color) -> pygame.Surface | None:
    try:
        font = pygame.font.Font(path, size)
    except (pygame.error, OSError, ValueError):
        return None
    if not all(_has_glyph(font, c) for c in glyph):
        return None
    try:
        surface = font.render(glyph, True, color)
    except pygame.error:
        return None
    if surface.get_height() > size * 1.6:  # bitmap colour fonts render huge: scale down
        scale = size * 1.2 / surface.get_height()
        surface = pygame.transform.smoothscale(
            surface, (max(1, int(surface.get_width() * scale)), max(1, int(size * 1.2)))
        )
    return surface
