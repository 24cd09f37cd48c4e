"""The fonts of an official document (公文) and what stands in for each where it is missing.

A .docx names one font per script in each run (w:rFonts: ascii / hAnsi for western text, eastAsia
for Chinese). The names are the ones GB/T 9704 documents use (仿宋_GB2312, 楷体_GB2312, 黑体,
方正小标宋简体), and each comes with the fonts that stand in for it, in order: the later Windows
names (仿宋 / FangSong, 楷体 / KaiTi: Windows 7 and later lack the _GB2312 fonts), the 方正 and
华文 fonts WPS and Office install, then the free fonts of Linux desktops (Noto / Source Han, AR PL,
WenQuanYi). They reach each program by the way it looks fonts up:

- Word and WPS read the document's font table: each face is listed there with its fallbacks as
  `w:altName` (ISO/IEC 29500 17.8.3.1), the GB2312 character set and its PANOSE class, so a
  missing face is replaced by a Chinese one of the same kind, not by a western font.
- LibreOffice and WPS on Linux ask fontconfig, which ignores the font table: `fontconfig_xml()`
  writes the same fallbacks as fontconfig aliases (the file `fonts.conf` beside this module; put
  it in /etc/fonts/conf.d/ or ~/.config/fontconfig/conf.d/ on a Linux desk). The rendering tests
  render through it.
- Every program picks the Chinese forms of shared characters only when the text says it is
  Chinese: the documents set `w:lang w:eastAsia="zh-CN"` (without it LibreOffice draws
  Japanese glyph forms from the Noto CJK fonts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

FONTS_CONF = Path(__file__).with_name("fonts.conf")


@dataclass(frozen=True)
class Face:
    name: str  # the name the document asks for
    fallbacks: tuple[str, ...]  # what stands in for it, in order
    panose: str  # PANOSE-1 of the face, as Word records it
    # w:family and w:pitch: LibreOffice picks a stand-in of this kind when fontconfig has none
    # (with Word's own "modern" / "fixed" for these faces it took a sans-serif for every one).
    family: str  # roman (serif) / swiss (sans-serif)
    pitch: str
    generic: str  # fontconfig's last resort: serif / sans-serif


LINUX_SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "思源宋体")
LINUX_SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "思源黑体", "WenQuanYi Zen Hei", "文泉驿正黑")

TITLE = Face(
    "方正小标宋简体",
    ("方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "宋体", "SimSun", *LINUX_SERIF),
    "02000000000000000000",
    "roman",
    "variable",
    "serif",
)
BODY = Face(
    "仿宋_GB2312",
    ("仿宋", "FangSong", "方正仿宋_GBK", "华文仿宋", "STFangsong", *LINUX_SERIF),
    "02010609030101010101",
    "roman",
    "variable",
    "serif",
)
KAI = Face(
    "楷体_GB2312",
    ("楷体", "KaiTi", "方正楷体_GBK", "华文楷体", "STKaiti", "AR PL UKai CN", *LINUX_SERIF),
    "02010609030101010101",
    "roman",
    "variable",
    "serif",
)
HEI = Face(
    "黑体",
    ("SimHei", "方正黑体_GBK", "华文黑体", "STHeiti", *LINUX_SANS),
    "02010609060101010101",
    "swiss",
    "variable",
    "sans-serif",
)
SONG = Face(
    "宋体",
    ("SimSun", "华文宋体", "STSong", *LINUX_SERIF),
    "02010600030101010101",
    "roman",
    "variable",
    "serif",
)
FACES = (TITLE, BODY, KAI, HEI, SONG)
WESTERN = "Times New Roman"  # Liberation Serif stands in on Linux (fontconfig knows that one)


def font_table_entries() -> str:
    """`<w:font>` entries for the font table (word/fontTable.xml) of a document."""
    entries = []
    for face in FACES:
        entries.append(
            f'<w:font w:name="{escape(face.name)}">'
            f'<w:altName w:val="{escape(",".join(face.fallbacks))}"/>'
            f'<w:panose1 w:val="{face.panose}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{face.family}"/><w:pitch w:val="{face.pitch}"/>'
            # Unicode ranges (CJK) and code page 936 (GB2312): what Word matches a stand-in on.
            '<w:sig w:usb0="00000001" w:usb1="080E0000" w:usb2="00000010" w:usb3="00000000"'
            ' w:csb0="00040000" w:csb1="00000000"/>'
            "</w:font>"
        )
    return "".join(entries)


def fontconfig_xml() -> str:
    """The fallbacks as a fontconfig file (what `fonts.conf` beside this module holds)."""
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<!-- Duban: what stands in for the fonts of official documents (公文) on a Linux desk, for",
        "     LibreOffice and WPS. Generated from workflows/documents/fonts.py; copy it into",
        "     /etc/fonts/conf.d/ (as 65-duban-gongwen.conf) or ~/.config/fontconfig/conf.d/. -->",
        "<fontconfig>",
    ]
    for face in FACES:
        # Strong: the families stand in for the name asked for, before the ones fontconfig prefers
        # for the language (zh-CN would otherwise pick a sans-serif for every face).
        lines.append('  <alias binding="strong">')
        lines.append(f"    <family>{escape(face.name)}</family>")
        lines.append("    <prefer>")
        lines += [f"      <family>{escape(name)}</family>" for name in face.fallbacks]
        lines.append("    </prefer>")
        lines.append(f"    <default><family>{face.generic}</family></default>")
        lines.append("  </alias>")
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"
