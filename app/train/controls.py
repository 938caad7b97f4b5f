"""The run controls: Start, Pause/Resume, Step, +1 epoch, Stop; η and λ while training; the run's
progress; a banner for how a run ended (a divergence is explained in plain words); and Send to Draw
and Save for the run's network.

Each control is also an action (``actions``) with a keyboard shortcut, shown in its button's tooltip
and in the window's Training menu (``menu``): Start Ctrl+Return, Pause/Resume Space, Step →,
+1 epoch Ctrl++, Stop Ctrl+. — window-wide, but only while the Train tab is on show
(``set_shown``); a text field keeps its own keys (a space typed in η is a space).
"""
from __future__ import annotations

import math
import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QTextDocument, QValidator
from PySide6.QtWidgets import (QAbstractSpinBox, QDoubleSpinBox, QHBoxLayout, QLabel, QMenu, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from app import theme

BANNER_PADDING = 6  # pixels above and below the banner's text
BANNER_SIDE_PADDING = 8  # pixels left and right of it
BUTTON_PADDING = 18  # pixels either side of a button's text, together
SPIN_CHROME = 30  # a spin box's frame and arrows, in pixels


#: the controls' shortcuts (the key names as Qt reads them)
SHORTCUTS = {"start": "Ctrl+Return", "pause": "Space", "step": "Right", "more": "Ctrl++", "stop": "Ctrl+."}


def shortcut_text(name: str) -> str:
    """A control's shortcut as the platform writes it (Ctrl+Return, →)."""
    return QKeySequence(SHORTCUTS[name]).toString(QKeySequence.SequenceFormat.NativeText)


def _button(text: str, tip: str, shortcut: str | None = None, *other_texts: str) -> QPushButton:
    """A push button that may shrink to its text (the style's minimum is 80 px) when the window is
    narrow; ``other_texts``: texts it also shows (Pause/Resume). Its shortcut is its action's (see
    ``RunControls.actions``); the tooltip names it."""
    button = QPushButton(text)
    button.setToolTip(tip + (f" ({shortcut_text(shortcut)})" if shortcut else ""))
    metrics = QFontMetrics(button.font())
    button.setMinimumWidth(max(52, max(metrics.horizontalAdvance(t) for t in (text, *other_texts)) + BUTTON_PADDING))
    return button


class LiveValueSpin(QDoubleSpinBox):
    """η or λ while a run goes on, written as a user would write them (3, 0.5, 1e-05) rather than
    with a fixed number of decimals, which would show 1e-05 as 0.0000 and 1000 as 1000.0000."""

    def __init__(self, tip: str, low: float, high: float, parent=None):
        super().__init__(parent)
        self.setDecimals(12)  # the precision values are kept to; the text shows 6 significant digits
        self.setRange(low, high)
        self.setStepType(QAbstractSpinBox.AdaptiveDecimalStepType)
        self.setKeyboardTracking(False)  # apply when the user is done typing (Enter or focus out)
        self.setToolTip(tip)
        self.setMinimumWidth(QFontMetrics(self.font()).horizontalAdvance("10000") + SPIN_CHROME)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:  # a number being typed ("1e", "0.") may still become valid
            partial = re.fullmatch(r"[0-9.eE+\-]*", stripped) is not None
            return (QValidator.Intermediate if partial else QValidator.Invalid), text, pos
        ok = math.isfinite(value) and self.minimum() <= value <= self.maximum()
        return (QValidator.Acceptable if ok else QValidator.Intermediate), text, pos


class OneLineLabel(QLabel):
    """A line of status made of parts ("a · b · c") that yields its width when the window is narrow:
    it shows the parts that fit, in order (the whole line in its tooltip), never a part cut short,
    unless the first alone does not fit (then it ends with "…"). ``full`` is the whole line."""

    SEPARATOR = " · "

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.full = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self.full = text
        self._fit()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width, metrics, shown = self.contentsRect().width(), self.fontMetrics(), self.full
        if width > 0 and metrics.horizontalAdvance(shown) > width:
            parts = self.full.split(self.SEPARATOR)
            for n in range(len(parts) - 1, 0, -1):
                shown = self.SEPARATOR.join(parts[:n])
                if metrics.horizontalAdvance(shown) <= width:
                    break
            else:
                shown = metrics.elidedText(parts[0], Qt.ElideRight, width)
        super().setText(shown)
        self.setToolTip(self.full if shown != self.full else "")


def cut_points(html: str) -> list[int]:
    """Where a message may be cut short: before each "; ", ", " or " (" outside brackets and tags, so a
    shortened message ends with a whole clause, never mid-word nor inside "(…)"."""
    points, depth, in_tag = [], 0, False
    for i, ch in enumerate(html):
        if ch in "<>":
            in_tag = ch == "<"
        elif in_tag:
            continue
        elif ch == "(":
            if depth == 0 and html[i - 1:i] == " ":
                points.append(i - 1)
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and html.startswith(("; ", ", "), i):
            points.append(i)
    return points


class Banner(QLabel):
    """How a run ended, in at most ``LINES`` lines, so that it fits the row it shares with the
    status (the views below never move): what does not fit at this width is left for its tooltip,
    the message cut at the end of a clause (:func:`cut_points`) with "…", never mid-word."""

    LINES = 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message = ""  # the whole message (rich text)

    def set_message(self, text: str) -> None:
        self.message = text
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width() - 2 * BANNER_SIDE_PADDING
        shown = self.message
        points = cut_points(self.message)
        if width > 0 and points:
            document = QTextDocument()
            document.setDefaultFont(self.font())
            document.setDocumentMargin(0)
            document.setTextWidth(width)
            room = self.LINES * QFontMetrics(self.font()).lineSpacing() + 2
            for end in [len(self.message), *reversed(points)]:
                shown = self.message[:end] + ("…" if end < len(self.message) else "")
                document.setHtml(shown)
                if document.size().height() <= room:
                    break
        self.setText(shown)
        if shown != self.message:
            document = QTextDocument()
            document.setHtml(self.message)
            self.setToolTip(document.toPlainText())
        else:
            self.setToolTip("")


class RunControls(QWidget):
    eta_changed = Signal(float)
    lmbda_changed = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.start = _button("▶  Start", "Train the network set up on the left", "start")
        self.start.setObjectName("primary")
        self.pause = _button("❚❚  Pause", "Pause the run after the current mini-batch (again to resume)", "pause",
                             "▶  Resume")
        self.step = _button("Step", "While paused: train one mini-batch, then pause again", "step")
        self.more = _button("+1 epoch", "Train one more epoch than planned", "more")
        self.stop = _button("■  Stop", "Stop the run, keeping the network as it is now", "stop")
        self.menu = QMenu("&Training", self)
        self.actions: dict[str, QAction] = {}
        for name, button, text in (("start", self.start, "&Start"), ("pause", self.pause, "&Pause"),
                                   ("step", self.step, "S&tep one mini-batch"), ("more", self.more, "&+1 epoch"),
                                   ("stop", self.stop, "St&op")):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(SHORTCUTS[name]))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(button.toolTip())
            # the button works whenever it is enabled; the action (its shortcut) only while the tab is on show
            button.clicked.connect(lambda _=False, a=action: a.triggered.emit())
            self.menu.addAction(action)
            self.addAction(action)  # (the shortcut works with or without the menu in a menu bar)
            self.actions[name] = action
        self.menu.insertSeparator(self.actions["stop"])
        self._shown = False  # the tab is on show: the shortcuts work, the menu is in the menu bar (set_shown)
        self.menu.menuAction().setVisible(False)
        for b in (self.start, self.pause, self.step, self.more, self.stop):
            row.addWidget(b)
        row.addSpacing(12)
        row.addWidget(QLabel("η"))
        self.eta = LiveValueSpin("Learning rate η: a change applies from the next mini-batch", 1e-6, 1e4)
        row.addWidget(self.eta)
        row.addWidget(QLabel("λ"))
        self.lmbda = LiveValueSpin("Regularisation λ: a change applies from the next mini-batch", 0.0, 1e4)
        row.addWidget(self.lmbda)
        row.addStretch(1)
        outer.addLayout(row)

        # The run's status (with what the run is, below it) and the banner saying how a run ended
        # share one row of a fixed height, two lines of text: showing or hiding the banner must not
        # resize the live views below, which would lay out and repaint every plot at once. What to
        # do with the run's network (send it to the Draw tab, save it) ends the row, after the banner.
        status_box = QWidget()
        status_row = QHBoxLayout(status_box)
        status_row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress.setMaximumWidth(160)
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # (shown when a run starts: the status beside it stays put)
        self.progress.setSizePolicy(policy)
        self.progress.hide()
        status_row.addWidget(self.progress)
        self.status = OneLineLabel("Set up a network on the left and press Start.")
        self.status.setObjectName("status")
        self.detail = OneLineLabel()  # the run's network and hyper-parameters
        self.detail.setObjectName("hint")
        self.status_lines = QWidget()
        lines = QVBoxLayout(self.status_lines)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        lines.addWidget(self.status)
        lines.addWidget(self.detail)
        status_row.addWidget(self.status_lines, 1)
        self.banner = Banner()
        self.banner.hide()
        status_row.addWidget(self.banner, 1)
        self.send = _button("Send to Draw", "Use the network of this run in the Draw tab")
        self.save = _button("Save…", "Save the network of this run to a file")
        status_row.addWidget(self.send)
        status_row.addWidget(self.save)
        status_box.setMinimumHeight(2 * QFontMetrics(self.banner.font()).lineSpacing() + 2 * BANNER_PADDING + 2)
        outer.addWidget(status_box)

        self.eta.valueChanged.connect(self.eta_changed)
        self.lmbda.valueChanged.connect(self.lmbda_changed)
        self.set_state("idle")

    def set_state(self, state: str, can_start: bool = True) -> None:
        """``idle`` (no run), ``running``, ``paused``, ``preparing``; ``can_start``: the set-up is valid."""
        active = state in ("running", "paused")
        enabled = {"start": state == "idle" and can_start, "pause": active, "step": state == "paused",
                   "more": active, "stop": active or state == "preparing"}
        for name, on in enabled.items():
            getattr(self, name).setEnabled(on)
            self.actions[name].setEnabled(on and self._shown)
        self.pause.setText("▶  Resume" if state == "paused" else "❚❚  Pause")
        self.actions["pause"].setText("&Resume" if state == "paused" else "&Pause")
        self.eta.setEnabled(active)
        self.lmbda.setEnabled(active)
        self._state = (state, can_start)

    def set_shown(self, shown: bool) -> None:
        """The tab is on show (or not): its shortcuts work only then, and its menu is in the menu bar."""
        self._shown = shown
        self.menu.menuAction().setVisible(shown)
        self.set_state(*self._state)

    def set_live_values(self, eta: float, lmbda: float) -> None:
        """Show η and λ without reporting them back as user changes."""
        for spin, value in ((self.eta, eta), (self.lmbda, lmbda)):
            if not spin.hasFocus():
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)

    def show_banner(self, text: str, kind: str = "info") -> None:
        """``kind``: info (a run finished), warning (stopped), error (diverged)."""
        colours = {"info": (theme.SUCCESS_BACKGROUND, theme.SUCCESS), "warning": (theme.WARNING_BACKGROUND, theme.WARNING),
                   "error": (theme.ERROR_BACKGROUND, theme.ERROR)}
        bg, fg = colours.get(kind, colours["info"])
        self.banner.setStyleSheet(f"background:{bg}; color:{fg}; border-radius:4px; "
                                  f"padding:{BANNER_PADDING}px {BANNER_SIDE_PADDING}px;")
        if self.status_lines.isVisible():  # the banner takes its place: fit the text to that width now
            self.banner.resize(self.status_lines.width(), self.banner.height())
        self.banner.set_message(text)
        self.banner.setProperty("kind", kind)
        self.progress.hide()
        self.status_lines.hide()
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()
        self.banner.set_message("")
        self.status_lines.show()
