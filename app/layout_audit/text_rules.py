"""Rule (a): every text a widget shows fits the room the widget gives it.

The text is measured as Qt lays it out: ``QFontMetrics`` with the label's alignment and word-wrap for
plain text, a ``QTextDocument`` with the label's font, width and wrap mode for rich text; buttons,
check boxes, group-box titles and tabs against the rectangle their style draws the text in.
"""
from __future__ import annotations

import math

from PySide6 import QtGui
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument, QTextOption
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGroupBox, QLabel, QPushButton, QRadioButton, QStyle, QStyleOptionButton, QStyleOptionComboBox,
                               QStyleOptionGroupBox, QStyleOptionToolButton, QTabBar, QToolButton, QWidget)

from app.layout_audit.violation import Violation, describe
from app.widgets.live_text import LiveText

#: a text may overrun its room by this many pixels (a glyph's side bearing, a line's unused leading)
TOLERANCE = 1
#: height used for "unbounded" when laying out plain text
_TALL = 1_000_000


def _plain_size(metrics: QFontMetrics, text: str, width: int | None, wrap: bool) -> tuple[int, int]:
    """The size plain ``text`` takes, laid out left/top aligned (in ``width`` when it wraps)."""
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if wrap:
        flags |= int(Qt.TextFlag.TextWordWrap)
    box = QRect(0, 0, width if wrap and width is not None else _TALL, _TALL)
    rect = metrics.boundingRect(box, flags, text)
    return rect.width(), rect.height()


def rich_size(html: str, font, width: int | None, wrap: bool, markdown: bool = False) -> tuple[int, int]:
    """The size rich text takes in a margin-less ``QTextDocument`` (as a QLabel or QStaticText lays it
    out): its widest line (wider than ``width`` when a word cannot be broken) and its height."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap if wrap else QTextOption.WrapMode.ManualWrap)
    document.setDefaultTextOption(option)
    if markdown:
        document.setMarkdown(html)
    else:
        document.setHtml(html)
    document.setTextWidth(width if wrap and width is not None else -1)
    return math.ceil(document.idealWidth()), math.ceil(document.size().height())


def _is_rich(label: QLabel) -> bool:
    fmt = label.textFormat()
    return fmt in (Qt.TextFormat.RichText, Qt.TextFormat.MarkdownText) or (
        fmt == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(label.text()))


def _indent(label: QLabel) -> int:
    """QLabel's effective indent (half an "x" when it has a frame and no indent of its own)."""
    if label.indent() >= 0:
        return label.indent()
    return label.fontMetrics().horizontalAdvance("x") // 2 if label.frameWidth() > 0 else 0


def label_room(label: QLabel) -> tuple[int, int]:
    """The width and height a label's text may use: its contents rect less margin and indent."""
    rect = label.contentsRect()
    width, height = rect.width() - 2 * label.margin(), rect.height() - 2 * label.margin()
    align, indent = label.alignment(), _indent(label)
    if align & (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignRight):
        width -= indent
    if align & (Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignBottom):
        height -= indent
    return width, height


def label_text_size(label: QLabel, width: int) -> tuple[int, int]:
    """The size the label's text takes when laid out in ``width`` (wrapping only if the label does)."""
    if _is_rich(label):
        markdown = label.textFormat() == Qt.TextFormat.MarkdownText
        return rich_size(label.text(), label.font(), width, label.wordWrap(), markdown)
    return _plain_size(label.fontMetrics(), label.text(), width, label.wordWrap())


def _overrun(where: str, kind: str, need: tuple[int, int], room: tuple[int, int]) -> Violation | None:
    if need[0] > room[0] + TOLERANCE or need[1] > room[1] + TOLERANCE:
        return Violation("text", where, f"{kind} needs {need[0]}×{need[1]} px, has {room[0]}×{room[1]} "
                                        "(clipped or elided)")
    return None


def check_label(label: QLabel) -> Violation | None:
    if not label.text().strip() or not label.pixmap().isNull() or label.movie() is not None:
        return None
    room = label_room(label)
    return _overrun(describe(label), "text", label_text_size(label, room[0]), room)


def _mnemonic_free(text: str) -> str:
    """A button's text as shown: "&&" is "&", a lone "&" marks a shortcut and is not drawn."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _button_content(button, icon_gap: int) -> tuple[int, int]:
    metrics = button.fontMetrics()
    text = _mnemonic_free(button.text())
    size = metrics.size(int(Qt.TextFlag.TextShowMnemonic), text)
    width, height = size.width(), size.height()
    if not button.icon().isNull():
        width += button.iconSize().width() + icon_gap
        height = max(height, button.iconSize().height())
    return width, height


def check_push_button(button: QPushButton) -> Violation | None:
    option = QStyleOptionButton()
    button.initStyleOption(option)
    rect = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    width, height = _button_content(button, 4)
    if button.menu() is not None:
        width += button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, option, button)
    return _overrun(describe(button), "text", (width, height), (rect.width(), rect.height()))


def check_check_box(box: QCheckBox | QRadioButton) -> Violation | None:
    option = QStyleOptionButton()
    box.initStyleOption(option)
    element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(box, QCheckBox)
               else QStyle.SubElement.SE_RadioButtonContents)
    rect = box.style().subElementRect(element, option, box)
    return _overrun(describe(box), "text", _button_content(box, 4), (rect.width(), rect.height()))


def check_tool_button(button: QToolButton) -> Violation | None:
    """A tool button's text against the size Qt asks for it, less the two spaces of air Qt adds."""
    option = QStyleOptionToolButton()
    button.initStyleOption(option)
    if option.toolButtonStyle == Qt.ToolButtonStyle.ToolButtonIconOnly and not option.icon.isNull():
        return None  # (icon only: the text is not drawn; without an icon it is)
    air = 2 * button.fontMetrics().horizontalAdvance(" ")
    hint = button.sizeHint()
    need = (hint.width() - air, hint.height())
    if need[0] > button.width() + TOLERANCE or need[1] > button.height() + TOLERANCE:
        return Violation("text", describe(button), f"text and padding need {need[0]}×{need[1]} px, "
                                                   f"has {button.width()}×{button.height()} (clipped)")
    return None


def check_combo_box(combo: QComboBox) -> Violation | None:
    """A (non-editable) combo box's current text against its edit field, where the style draws it."""
    if combo.isEditable() or not combo.currentText().strip():
        return None
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    width = combo.fontMetrics().horizontalAdvance(combo.currentText())
    if not option.currentIcon.isNull():
        width += combo.iconSize().width() + 4
    return _overrun(describe(combo), "current text", (width, combo.fontMetrics().height()),
                    (field.width(), field.height()))


def check_group_box(box: QGroupBox) -> Violation | None:
    if not box.title().strip():
        return None
    option = QStyleOptionGroupBox()
    box.initStyleOption(option)
    label = box.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, option,
                                       QStyle.SubControl.SC_GroupBoxLabel, box)
    if label.left() < -TOLERANCE or label.right() > box.width() - 1 + TOLERANCE:
        return Violation("text", describe(box), f"title spans x = {label.left()}…{label.right()} px, "
                                                f"the box is {box.width()} px wide (clipped)")
    return None


def check_tab_bar(bar: QTabBar) -> list[Violation]:
    """Every tab wholly inside the bar (none behind scroll buttons or cut off), none elided."""
    found = []
    visible = bar.rect()
    buttons = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
    for button in buttons:  # the scroll arrows hide the tabs under them
        if button.x() > visible.width() // 2:
            visible.setRight(min(visible.right(), button.x() - 1))
        else:
            visible.setLeft(max(visible.left(), button.geometry().right() + 1))
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        name = f"{describe(bar)}, tab {bar.tabText(i)!r}"
        rect = bar.tabRect(i)
        if not visible.contains(rect):
            found.append(Violation("text", name, f"tab at x = {rect.left()}…{rect.right()} px is not all on show "
                                                 f"(the bar shows x = {visible.left()}…{visible.right()})"))
        elif bar.elideMode() != Qt.TextElideMode.ElideNone and rect.width() < bar.tabSizeHint(i).width():
            found.append(Violation("text", name, f"tab is {rect.width()} px wide, its text needs "
                                                 f"{bar.tabSizeHint(i).width()} (elided)"))
    return found


def check_live_text(widget: LiveText) -> Violation | None:
    """The app's LiveText draws its rich text 2 px from the top, wrapped at its width."""
    if not widget.text().strip():
        return None
    room = (widget.width(), widget.height() - 2)
    return _overrun(describe(widget), "text", rich_size(widget.text(), widget.font(), room[0], True), room)


def text_violations(widgets: list[QWidget]) -> list[Violation]:
    """Rule (a) over ``widgets`` (the visible ones of a window)."""
    found: list[Violation | None] = []
    for widget in widgets:
        if isinstance(widget, QLabel):
            found.append(check_label(widget))
        elif isinstance(widget, (QCheckBox, QRadioButton)):
            found.append(check_check_box(widget))
        elif isinstance(widget, QPushButton):
            found.append(check_push_button(widget))
        elif isinstance(widget, QToolButton) and widget.text() and not isinstance(widget.parentWidget(), QTabBar):
            found.append(check_tool_button(widget))
        elif isinstance(widget, QGroupBox):
            found.append(check_group_box(widget))
        elif isinstance(widget, QComboBox):
            found.append(check_combo_box(widget))
        elif isinstance(widget, QTabBar):
            found.extend(check_tab_bar(widget))
        elif isinstance(widget, LiveText):
            found.append(check_live_text(widget))
    return [v for v in found if v is not None]
