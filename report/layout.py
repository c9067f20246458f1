"""Page layout for the report (fpdf2): headings, paragraphs, tables sized to their text, figures.

Plumbing only: what the report says is in build.py.
"""

import os
import re

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from kit.charts import printed_text

FONTS = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")  # DejaVu ships with matplotlib
CELL_PADDING = 2.2  # mm a table cell needs beside its text
KEEP_TOGETHER = re.compile(r"(?<=[\d%]) ([\u00b1-]) (?=\d)")  # the spaces around ± or - between two numbers
TABLE_LINE = 4.6  # mm a table's line of text takes
SHRINK_TO_FIT = 0.6  # a figure that misses the page by less than 40% is shrunk to fit, not moved on
MIN_TEXT = 7  # pt: no figure is shrunk so far that its smallest text prints smaller


class Report(FPDF):
    """An A4 report with numbered section headings in the outline, a footer and Unicode fonts."""

    def __init__(self, name):
        super().__init__(format="A4")
        self.name = name
        self.add_font("DejaVu", "", os.path.join(FONTS, "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", os.path.join(FONTS, "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu", "I", os.path.join(FONTS, "DejaVuSans-Oblique.ttf"))
        self.add_font("Mono", "", os.path.join(FONTS, "DejaVuSansMono.ttf"))
        self.set_auto_page_break(True, margin=15)
        self.set_margins(18, 15, 18)
        self.headings = []
        self.figure_text = []  # each figure's smallest text as printed (kit/charts.py): none may be below 7 pt

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(120)
        self.cell(0, 6, f"{self.name} - page {self.page_no()}", align="C")
        self.set_text_color(0)

    def heading(self, text, level=1, keep=40):
        """A left-aligned heading, also in the outline, with `keep` mm free below it (else a new page)."""
        if self.get_y() + keep > self.h - self.b_margin or (level == 1 and self.get_y() > self.h / 2):
            self.add_page()  # a heading never sits alone at the foot of a page; a section starts high on one
        elif level == 1:
            self.ln(6)  # a section starts on a page less than half full rather than leave it half empty
        else:
            self.ln(2)
        self.headings.append(text)
        self.start_section(text, level=level - 1)
        self.set_font("DejaVu", "B", {1: 16, 2: 12.5, 3: 11}[level])
        self.multi_cell(0, 8 if level == 1 else 6.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text, size=10, style=""):
        self.set_font("DejaVu", style, size)
        self.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def bullets(self, items):
        self.set_font("DejaVu", "", 10)
        for item in items:
            self.multi_cell(0, 5, f"\u2022  {item}", align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def code(self, text):
        self.set_font("Mono", "", 8.5)
        self.set_fill_color(244)
        self.multi_cell(0, 4.4, text, fill=True, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def grid(self, rows, caption, size=8.5):
        """A table whose first row is the heading, its columns sized to their text, with its caption below; kept
        on one page when it fits on one."""
        self.set_font("DejaVu", "", size)
        # A number never splits across lines: "0.0386 ± 0.0004" and "99.1 - 99.3" are one word each.
        rows = [[KEEP_TOGETHER.sub("\u00a0\\1\u00a0", str(value)) for value in row] for row in rows]
        widths = self.column_widths(rows)
        height = self.table_height(rows, widths) + self.caption_height(caption)
        if self.get_y() + height > self.h - self.b_margin and height < self.h - self.t_margin - self.b_margin:
            self.add_page()
        self.set_font("DejaVu", "", size)
        with self.table(col_widths=widths, line_height=TABLE_LINE, text_align="LEFT",
                        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 230, 240))) as table:
            for row in rows:
                cells = table.row()
                for value in row:
                    cells.cell(value)
        self.ln(1)
        self.set_font("DejaVu", "I", 8.5)
        self.multi_cell(0, 4.4, caption, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def table_height(self, rows, widths):
        """The height in mm the table will take: each row as many lines as its fullest cell wraps to."""
        size = self.font_size_pt
        total = 0.0
        for i, row in enumerate(rows):
            self.set_font("DejaVu", "B" if i == 0 else "", size)
            lines = max(len(self.multi_cell(w - CELL_PADDING, TABLE_LINE, text, dry_run=True, output="LINES"))
                        for w, text in zip(widths, row))
            total += lines * TABLE_LINE + 1.2  # the cell's padding
        self.set_font("DejaVu", "", size)
        return total

    def caption_height(self, caption):
        size = self.font_size_pt
        self.set_font("DejaVu", "I", 8.5)
        lines = len(self.multi_cell(0, 4.4, caption, dry_run=True, output="LINES"))
        self.set_font("DejaVu", "", size)
        return lines * 4.4 + 4

    def column_widths(self, rows):
        """Widths that never break a word: each column gets its longest word, the rest of the line
        is shared in proportion to how much text each column has beyond that."""
        columns = list(zip(*rows))
        # Bold headings are wider than body text: measure them bold.
        def width(text, bold):
            self.set_font("DejaVu", "B" if bold else "", self.font_size_pt)
            return self.get_string_width(text)
        least = [max(width(word, i == 0) for i, cell in enumerate(col) for word in cell.split(" "))
                 + CELL_PADDING for col in columns]
        wanted = [max(width(cell, i == 0) for i, cell in enumerate(col)) + CELL_PADDING for col in columns]
        self.set_font("DejaVu", "", self.font_size_pt)
        if sum(wanted) <= self.epw:
            return [w * self.epw / sum(wanted) for w in wanted]
        spare = max(self.epw - sum(least), 0)
        extra = [w - m for w, m in zip(wanted, least)]
        return [m + spare * e / (sum(extra) or 1) for m, e in zip(least, extra)]

    def figure(self, path, caption, width=None, heading=None, shrink=True):
        """An image (scaled to the text width, or `width` mm) kept on one page with its caption; shrink=False
        moves it to the next page rather than shrink it to fit this one."""
        width, height = self.figure_size(path, width, heading, shrink)
        if heading:
            self.heading(heading, 2, keep=height + 14)
        elif self.get_y() + height + 14 > self.h - self.b_margin:
            self.add_page()
        self.image(path, x=self.l_margin + (self.epw - width) / 2, w=width)
        self.figure_text.append({"file": os.path.basename(path), "page": self.page_no(),
                                 "smallest_pt": round(printed_text(path, width), 2)})
        self.set_font("DejaVu", "I", 8.5)
        self.multi_cell(0, 4.4, caption, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def fits_here(self, path, width=None):
        """Whether the image (shrunk a little if need be) and its caption fit on what is left of this page."""
        return self.get_y() + self.figure_size(path, width)[1] + 14 <= self.h - self.b_margin

    def figure_size(self, path, width=None, heading=None, shrink=True):
        """(width, height) in mm the image gets here: `width` or the text width, never taller than a page,
        and shrunk to fit the rest of this page when it misses by little."""
        width = min(width or self.epw, self.epw)
        with Image.open(path) as image:
            height = width * image.height / image.width
        room = self.h - self.b_margin - self.t_margin - 20
        if height > room:  # taller than a page: shrink it rather than leave it cut
            width, height = width * room / height, room
        # What is left on this page for the image, after its heading (if any) and its caption.
        left = self.h - self.b_margin - self.get_y() - 14 - (14 if heading else 0)
        if shrink and height > left >= SHRINK_TO_FIT * height and printed_text(path, width * left / height) >= MIN_TEXT:
            width, height = width * left / height, left  # nearly fits: a little smaller beats a half-empty page
        return width, height
