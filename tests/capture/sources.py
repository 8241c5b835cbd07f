"""Sources the capture tests make themselves: a handbook PDF (reportlab, with a CJK font
when the machine has one), a scanned notebook page (Pillow), and the fonts they need."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

# CJK fonts found on Debian/Ubuntu machines (fonts-wqy-microhei, fonts-noto-cjk, …).
_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def cjk_font() -> Path:
    """A CJK TrueType font on this machine, or the test is skipped."""
    for name in _CJK_FONTS:
        if Path(name).exists():
            return Path(name)
    pytest.skip("no CJK font on this machine (apt-get install fonts-wqy-microhei)")


HEADER = "取向硅钢热处理操作手册（内部资料）"
BODY_1 = ("脱碳退火是取向硅钢的关键工序，露点控制在55～65℃，一般放在60℃。露点低了碳脱不下来，"
          "高了氧化膜太厚，底层出条状缺口，所以接班头一眼永远看露点。")
BODY_2 = "露点超过65℃、氢气低于20%时，先降加湿水温，再查蒸汽阀。"
BODY_3 = "渗氮段氨气比例一般在10%～20%，氨气流量计要定期校验。"
TABLE = [["参数", "下限", "目标", "上限", "单位"],
         ["露点", "55", "60", "65", "℃"],
         ["氢气比例", "50", "60", "70", "%"],
         ["出口密封氮气流量", "30", "40", "50", "m³/h"]]


def handbook_pdf() -> bytes:
    """Three pages: a header and a page-number footer on each, headings by font size and
    numbering (第一章, 1.1, 一、), Chinese paragraphs that wrap, and a parameter table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Table, TableStyle

    font = cjk_font()
    pdfmetrics.registerFont(TTFont("CJK", str(font), subfontIndex=0))
    out = io.BytesIO()
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(out, pagesize=A4)
    width, height = A4

    def frame(page: int) -> None:
        c.setFont("CJK", 9)
        c.drawString(72, height - 40, HEADER)
        c.drawCentredString(width / 2, 30, f"第 {page} 页")

    def paragraph(text: str, y: float, size: float = 10.5, per_line: int = 36) -> float:
        c.setFont("CJK", size)
        for start in range(0, len(text), per_line):
            c.drawString(72, y, text[start:start + per_line])
            y -= size * 1.6
        return y - 6

    # page 1
    frame(1)
    c.setFont("CJK", 18)
    c.drawString(72, height - 100, "第三章 脱碳退火")
    c.setFont("CJK", 14)
    c.drawString(72, height - 135, "3.1 露点控制")
    y = paragraph(BODY_1, height - 165)
    y = paragraph(BODY_2, y)
    c.showPage()
    # page 2: a heading by numbering only (body size), then the table
    frame(2)
    c.setFont("CJK", 14)
    c.drawString(72, height - 100, "3.2 气氛参数表")
    table = Table(TABLE, colWidths=[120, 50, 50, 50, 50])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "CJK", 10.5),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    _w, h = table.wrapOn(c, width, height)
    table.drawOn(c, 72, height - 130 - h)
    c.showPage()
    # page 3
    frame(3)
    c.setFont("CJK", 18)
    c.drawString(72, height - 100, "第四章 渗氮")
    c.setFont("CJK", 10.5)
    c.drawString(72, height - 130, "一、温度与氨气")
    paragraph(BODY_3, height - 155)
    c.showPage()
    c.save()
    return out.getvalue()


SCAN_LINES = ["露点控制在55～65℃，一般放在60℃。", "氢气比例不低于50%。",
              "露点超过65℃时，先降加湿水温，再查蒸汽阀。"]


def scanned_page(lines: list[str] = SCAN_LINES, size: int = 30, noise: bool = False) -> bytes:
    """A notebook page photographed or scanned: black handwriting-sized print on white."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(str(cjk_font()), size)
    image = Image.new("RGB", (1000, 120 + len(lines) * int(size * 2.2)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 50 + i * int(size * 2.2)), line, fill="black", font=font)
    if noise:
        image = image.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
