"""Charts saved so that the report can tell how large their text prints.

A chart's text is set in points for the figure's own size; the report prints the PNG at some width, which
scales every letter with it. A PNG saved by save_png() carries its smallest text size in its metadata, so
that printed_text() can say what that text measures on paper. The task scripts stand alone and save their
charts themselves, without it: their text is matplotlib's default sizes, the smallest of which is the
default font size (they set no size of their own).
"""

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

SMALLEST_KEY = "Smallest text (pt)"  # the PNG text chunk
MM_PER_INCH = 25.4


def smallest_text(figure: Figure) -> float:
    """The size in points of the smallest visible, non-empty text in the figure (tick labels, legends, titles)."""
    figure.canvas.draw()  # tick labels exist only once the figure is drawn
    sizes = [t.get_fontsize() for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return float(min(sizes)) if sizes else float(matplotlib.rcParams["font.size"])


def save_png(figure: Figure, path: str, dpi: int = 110) -> None:
    """Save a chart as PNG (tight bounding box) with its smallest text size in the metadata."""
    figure.savefig(path, dpi=dpi, bbox_inches="tight", metadata={SMALLEST_KEY: f"{smallest_text(figure):.2f}"})


def printed_text(path: str, width_mm: float) -> float:
    """The smallest text of the PNG at `path`, in points, when it is printed `width_mm` wide: its own smallest size
    (from the metadata; matplotlib's default font size where there is none) times the print scale (printed width
    over the width the PNG's pixels and dpi give)."""
    with Image.open(path) as image:
        dpi = image.info.get("dpi", (100, 100))[0]
        native_mm = image.width / dpi * MM_PER_INCH
        smallest = float(image.info.get(SMALLEST_KEY, matplotlib.rcParams["font.size"]))
    return smallest * width_mm / native_mm
