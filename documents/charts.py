"""Charts drawn on the server as SVG: the same drawing on a page, on a 390 px phone and in a
WeasyPrint PDF, with no script and nothing to load (documents/fragment_bar_chart.html draws
what bar_chart measures here).

A chart is horizontal bars, one row per figure, each label written above its bar: on a phone
the chart is scaled down to the screen's width, and labels beside the bars would leave the
bars no room. Its figures are also in a table next to it, for screen readers and for copying.
"""

from dataclasses import dataclass

# The drawing's own units (its viewBox): about a phone's width, so that on a 390 px screen
# the text keeps nearly its size.
WIDTH = 360
LABEL_HEIGHT = 19
BAR_HEIGHT = 14
ROW_GAP = 8
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
# Room at the end of the longest bar for its figure.
FIGURE_ROOM = 48
LABEL_CHARACTERS = 44
COLOURS = ("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d")


@dataclass(frozen=True)
class Bar:
    name: str
    label: str
    value: object
    text_y: int
    bar_y: int
    figure_y: int
    width: int
    figure_x: int
    colour: str


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    bars: tuple
    width: int
    height: int
    bar_height: int = BAR_HEIGHT


def _short(label):
    label = str(label)
    return label if len(label) <= LABEL_CHARACTERS else f"{label[: LABEL_CHARACTERS - 1]}…"


def bar_chart(*, key, title, description, rows, colour_each=False):
    """The drawing of `rows` ((label, number) pairs, in the order shown) as horizontal bars,
    the longest filling the width. `key` names the chart's title and description ids;
    `colour_each`: a colour per bar (predicates), otherwise one colour."""
    rows = list(rows)
    top = max((value for _label, value in rows), default=0) or 1
    room = WIDTH - FIGURE_ROOM
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * ROW_HEIGHT
        # Whole units: the numbers go into SVG attributes, never through a locale's comma.
        width = round(room * float(value) / float(top)) if value else 0
        bars.append(
            Bar(
                name=str(label),
                label=_short(label),
                value=value,
                text_y=y + LABEL_HEIGHT - 4,
                bar_y=y + LABEL_HEIGHT,
                figure_y=y + LABEL_HEIGHT + BAR_HEIGHT - 2,
                width=max(width, 1) if value else 0,
                figure_x=width + 4,
                colour=COLOURS[index % len(COLOURS)] if colour_each else COLOURS[0],
            )
        )
    return Chart(
        key=key,
        title=title,
        description=description,
        bars=tuple(bars),
        width=WIDTH,
        height=max(len(bars), 1) * ROW_HEIGHT,
    )
