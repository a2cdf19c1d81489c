"""The dashboard's "Getting started" panel: the steps of onboarding a department, each with its
state and a button that opens what does it, until every step is done.

The states come from ``isms.services.read.onboarding`` (the dashboard reads them with its other
figures); the panel only shows them and says which step's button was pressed
(``stepRequested``); ``onboarding_steps.open_step`` is what the main window does then. The
panel does not know the window: the dashboard holds it and the window's helpers' ``Shell`` holds
the dashboard, so importing it here would be an import loop.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from isms.services.read.onboarding import STEP_KEYS, Onboarding

#: step key -> (its button's text, its tooltip)
BUTTONS: dict[str, tuple[str, str]] = {
    "departments": ("Departments…", "Settings → Departments…: add or edit the departments"),
    "people": ("People…", "Settings → People…: add or edit the people of the register"),
    "assets": ("Import assets…", "File → Import → Assets…: a department's spreadsheet, in "
               "whatever shape it arrived"),
    "risk": ("New risk…", "Risk → New risk…: identify a risk, then score it"),
    "soa": ("Open the SoA", "The Controls & SoA page: decide which controls apply"),
    "climate": ("Climate decision…", "Record whether climate change is a relevant issue "
                "(4.1), and why"),
    "review": ("Plan a review…", "Plan a Security Managers Group review meeting"),
}
#: A step begun and not finished goes on with what was begun: (button, tooltip, what it opens).
GOING_ON: dict[str, tuple[str, str, str]] = {
    "risk": ("Score a risk…", "The Risks page: open a risk not yet scored (double-click) and "
             "give it its likelihood and impact", "risks-page"),
    "review": ("Open the reviews", "The Reviews page: open the planned meeting in the review "
               "wizard (double-click) to hold it", "reviews-page"),
}
DONE_MARK, TO_DO_MARK = "✓ Done", "To do"


class OnboardingPanel(QGroupBox):
    """One line per step: number, state, what to do, its count, and a button."""

    #: What the pressed button asks for: a step's key (``onboarding.STEP_KEYS``: do the
    #: step), or "risks-page" / "reviews-page" (go on with what was begun there).
    stepRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Getting started", parent)
        self.setAccessibleName("Getting started")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        grid = QGridLayout(self)
        grid.addWidget(self.summary, 0, 0, 1, 6)
        grid.setColumnStretch(5, 1)  # the lines keep together at the left
        grid.setHorizontalSpacing(14)
        #: step key -> (state label, title label, count label, button)
        self.rows: dict[str, tuple[QLabel, QLabel, QLabel, QPushButton]] = {}
        #: step key -> what its button asks for now (the step's key, or GOING_ON's)
        self._requests: dict[str, str] = {}
        for line, key in enumerate(STEP_KEYS, start=1):
            state, title, count = QLabel(), QLabel(), QLabel()
            text, tip = BUTTONS[key]
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, k=key: self._pressed(k))
            grid.addWidget(QLabel(f"{line}."), line, 0)
            for column, widget in enumerate((state, title, count, button), start=1):
                grid.addWidget(widget, line, column)
            self.rows[key] = (state, title, count, button)

    def set_onboarding(self, steps: Onboarding) -> None:
        """Show each step's state; the next one to take is in bold, its button the default."""
        following = steps.next_step
        self.summary.setText(
            f"{steps.done_count} of {len(steps.steps)} steps done. "
            + (f"Next: {following.title.lower()}. {following.hint}" if following else
               "Every step is done."))
        done_colour = self.palette().color(QPalette.ColorRole.Link).name()
        for step in steps.steps:
            state, title, count, button = self.rows[step.key]
            state.setText(DONE_MARK if step.done else TO_DO_MARK)
            state.setStyleSheet(f"color: {done_colour}; font-weight: bold;" if step.done else "")
            is_next = following is not None and step.key == following.key
            title.setText(f"<b>{step.title}</b>" if is_next else step.title)
            title.setToolTip(step.hint)
            count.setText(step.counted)
            going_on = step.key in GOING_ON and step.begun > 0 and not step.done
            text, tip, request = (GOING_ON[step.key] if going_on
                                  else (*BUTTONS[step.key], step.key))
            button.setText(text)
            button.setToolTip(tip)
            button.setDefault(is_next)
            button.setAccessibleName(f"{step.title}: {text.rstrip('…')}")
            self._requests[step.key] = request

    def _pressed(self, key: str) -> None:
        self.stepRequested.emit(self._requests.get(key, key))

    def state_of(self, key: str) -> str:
        """The step's state as shown ("✓ Done" or "To do")."""
        return self.rows[key][0].text()

    def button(self, key: str) -> QPushButton:
        return self.rows[key][3]
