"""The set-up form: a book preset (with the book's figure beside it), the network active in the other
tabs (to train it further), or a custom network, and the hyper-parameters. Every edit is checked
(``app.train.plan.check_fields``, i.e. core's own constructors); an invalid field is outlined in red
and ``plan`` is None until all fields are valid.

The reasons go in ``messages``, a strip the tab puts under the form (outside its scroll area), with
the note on the live changes of η and λ made while a run trained (:meth:`SetupForm.show_note`): a
message that appears moves no field.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QRadioButton, QStyledItemDelegate, QVBoxLayout, QWidget)

from app import theme
from app.train.cnn_builder import CnnBuilder
from app.train.plan import (ACTIVE, COSTS, HIDDEN_ACTIVATIONS, INIT_NAMES, INITS, OUTPUT_ACTIVATIONS, LayerRow,
                            RunPlan, check_fields, fields_from_network, fields_from_preset)
from core import augment, presets

DEFAULT_PRESET = "ch1"
TIPS = {
    "layers": "Neurons per layer from input to output, e.g. 784-30-10 (the book's first network)",
    "eta": "Learning rate η: the size of each gradient-descent step (can be changed while training)",
    "lmbda": "Regularisation parameter λ (chapter 3): weight decay, L2 or L1 (can be changed while training)",
    "dropout": "Probability of dropping each hidden neuron while training (chapter 3)",
    "momentum": "Momentum coefficient μ in [0, 1): 0 is plain gradient descent (chapter 3)",
    "mini_batch_size": "Training examples per gradient-descent step",
    "epochs": "Passes over the training set (+1 epoch adds more while training)",
    "train_size": "Train on the first n of the 50,000 training images ('all', or e.g. 1000 for chapter 3's overfitting runs)",
    "seed": "Seed for the initial weights, the shuffling and dropout: the same seed gives the same run",
    "expand": "Train on the 250,000 images of chapter 6: each digit and its four 1-pixel shifts",
    "augment": "Distort each mini-batch randomly (rotation, scale, shift; 'draw' also varies stroke width)",
}


#: the item data role of a picker entry's caption in its list (its text is the short form the closed picker shows)
CAPTION_ROLE = Qt.ItemDataRole.UserRole + 1
ACTIVE_TEXT = "Train it further"


def preset_text(p: presets.Preset) -> str:
    """"ch1 (book 95.42%)": what the closed picker shows (the card below it says the rest)."""
    return f"{p.name} (book {p.book.accuracy:.2%})"


def preset_caption(p: presets.Preset) -> str:
    """"ch1 (book 95.42%): 784-30-10, quadratic cost": the entry in the picker's list."""
    title = p.title.split(": ", 1)[-1]
    return f"{preset_text(p)}: {title}"


class CaptionDelegate(QStyledItemDelegate):
    """Draws a picker's entries with their captions (``CAPTION_ROLE``), longer than the text the
    closed picker shows in its narrow field."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        caption = index.data(CAPTION_ROLE)
        if caption:
            option.text = caption


class SetupForm(QWidget):
    plan_changed = Signal(object)  # the RunPlan, or None while a field is invalid

    def __init__(self, parent=None):
        super().__init__(parent)
        self.n_train: int | None = None
        self.active: tuple[object, str] | None = None  # (the Network active in the other tabs, its name)
        self.plan: RunPlan | None = None
        self.errors: dict[str, str] = {}
        self._loading = False
        form = QFormLayout(self)
        form.setContentsMargins(6, 6, 6, 6)
        form.setVerticalSpacing(5)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)  # a narrow panel puts a wide field under its label
        self.form = form
        self.fields: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.messages = QWidget()  # the reasons and the note, under the form (see the module's docstring)
        self._messages = QVBoxLayout(self.messages)
        self._messages.setContentsMargins(6, 2, 6, 4)
        self._messages.setSpacing(2)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.note.hide()

        self.preset = QComboBox()
        self.preset.setItemDelegate(CaptionDelegate(self.preset))
        self.preset.addItem("Custom network", "")
        for p in presets.all_presets():
            self.preset.addItem(preset_text(p), p.name)
            self.preset.setItemData(self.preset.count() - 1, preset_caption(p), CAPTION_ROLE)
            self.preset.setItemData(self.preset.count() - 1, f"{p.title}\nBook: {p.book}", Qt.ToolTipRole)
        self.preset.setMinimumContentsLength(14)
        self.preset.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self._add("preset", "Preset", self.preset)
        self.card = QLabel()
        self.card.setObjectName("card")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.RichText)
        form.addRow(self.card)

        kind_row = QWidget()
        kind_layout = QHBoxLayout(kind_row)
        kind_layout.setContentsMargins(0, 0, 0, 0)
        self.kind_mlp = QRadioButton("Fully connected")
        self.kind_cnn = QRadioButton("Convolutional")
        self.kind_group = QButtonGroup(self)
        kind_layout.addWidget(QLabel("Network"))
        for button in (self.kind_mlp, self.kind_cnn):
            self.kind_group.addButton(button)
            kind_layout.addWidget(button)
        kind_layout.addStretch(1)
        self.kind_mlp.setChecked(True)
        self._add("kind", "", kind_row)  # (a row of its own: the two choices need the form's width)

        self.layers = QLineEdit()
        self.cnn = CnnBuilder()
        self._add("layers", "Layers", self.layers)
        form.addRow(self.cnn)  # the builder spans the form's width
        self.error_labels["rows"] = self.error_labels["layers"]

        self.activation = self._combo(HIDDEN_ACTIVATIONS)
        self._add("activation", "Hidden", self.activation)
        self.output_activation = self._combo(OUTPUT_ACTIVATIONS)
        self._add("output_activation", "Output", self.output_activation)
        self.cost = self._combo(COSTS)
        self._add("cost", "Cost", self.cost)
        self.init = QComboBox()
        for name in INITS:
            self.init.addItem(INIT_NAMES[name], name)
        self._add("init", "Initial weights", self.init)

        self.eta = QLineEdit()
        self._add("eta", "η (learning rate)", self.eta)
        reg_row = QWidget()
        reg_layout = QHBoxLayout(reg_row)
        reg_layout.setContentsMargins(0, 0, 0, 0)
        self.lmbda = QLineEdit()
        self.regularization = QComboBox()
        self.regularization.addItem("L2", "l2")
        self.regularization.addItem("L1", "l1")
        reg_layout.addWidget(self.lmbda, 1)
        reg_layout.addWidget(self.regularization)
        self.fields["lmbda"] = self.lmbda
        self._add("lmbda", "λ (regularisation)", reg_row, widget_key=False)
        self.fields["regularization"] = self.regularization
        self.dropout = QLineEdit()
        self._add("dropout", "Dropout", self.dropout)
        self.momentum = QLineEdit()
        self._add("momentum", "Momentum μ", self.momentum)
        self.mini_batch_size = QLineEdit()
        self._add("mini_batch_size", "Mini-batch", self.mini_batch_size)
        self.epochs = QLineEdit()
        self._add("epochs", "Epochs", self.epochs)
        self.train_size = QLineEdit()
        self._add("train_size", "Training images", self.train_size)
        data_row = QWidget()
        data_layout = QHBoxLayout(data_row)
        data_layout.setContentsMargins(0, 0, 0, 0)
        self.augment = self._combo(augment.AUGMENTATIONS)
        self.expand = QCheckBox("×5 shifted")
        data_layout.addWidget(self.augment, 1)
        data_layout.addWidget(self.expand)
        self.fields["augment"] = self.augment
        self._add("augment", "Augmentation", data_row, widget_key=False)
        self.fields["expand"] = self.expand
        self.seed = QLineEdit()
        self._add("seed", "Seed", self.seed)

        for key, tip in TIPS.items():
            self.fields[key].setToolTip(tip)
        self._messages.addWidget(self.note)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.validate_now)
        for w in self.fields.values():
            if isinstance(w, QLineEdit):
                w.textEdited.connect(self._edited)
            elif isinstance(w, QComboBox) and w is not self.preset:
                w.currentIndexChanged.connect(self._edited)
            elif isinstance(w, QCheckBox):
                w.toggled.connect(self._edited)
        self.cnn.changed.connect(self._edited)
        self.kind_group.buttonToggled.connect(self._kind_toggled)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.select_preset(DEFAULT_PRESET)

    def _combo(self, items) -> QComboBox:
        combo = QComboBox()
        combo.setMinimumContentsLength(6)
        combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        for item in items:
            combo.addItem(item, item)
        return combo

    def _add(self, key: str, label: str, widget: QWidget, widget_key: bool = True) -> None:
        if widget_key:
            self.fields[key] = widget
        if label:
            self.form.addRow(label, widget)
        else:
            self.form.addRow(widget)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setProperty("field", label.split(" (")[0])
        error.hide()
        self._messages.addWidget(error)
        self.error_labels[key] = error

    def show_note(self, text: str) -> None:
        """A note under the form (the changes of η and λ a run made while it trained); "" hides it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    # --- values --------------------------------------------------------------------------------------
    def values(self) -> dict[str, object]:
        out: dict[str, object] = {"preset": self.preset.currentData() or "",
                                  "kind": "cnn" if self.kind_cnn.isChecked() else "mlp",
                                  "layers": self.layers.text(), "rows": self.cnn.rows(),
                                  "expand": self.expand.isChecked()}
        for key in ("activation", "output_activation", "cost", "init", "regularization", "augment"):
            out[key] = self.fields[key].currentData()
        for key in ("eta", "lmbda", "dropout", "momentum", "mini_batch_size", "epochs", "train_size", "seed"):
            out[key] = self.fields[key].text()
        return out

    def set_values(self, values: dict[str, object]) -> None:
        """Fill the fields (missing keys are left as they are) and check them at once."""
        self._loading = True
        try:
            if "kind" in values:
                (self.kind_cnn if values["kind"] == "cnn" else self.kind_mlp).setChecked(True)
            if "layers" in values:
                self.layers.setText(str(values["layers"]))
            if "rows" in values:
                self.cnn.set_rows([r if isinstance(r, LayerRow) else LayerRow(**r) for r in values["rows"]])
            for key in ("activation", "output_activation", "cost", "init", "regularization", "augment"):
                if key in values:
                    combo: QComboBox = self.fields[key]
                    combo.setCurrentIndex(max(0, combo.findData(values[key])))
            for key in ("eta", "lmbda", "dropout", "momentum", "mini_batch_size", "epochs", "train_size", "seed"):
                if key in values:
                    self.fields[key].setText(str(values[key]))
            if "expand" in values:
                self.expand.setChecked(bool(values["expand"]))
        finally:
            self._loading = False
        self._show_kind()
        self.validate_now()

    def set_field(self, key: str, text: str) -> None:
        """Type ``text`` into a line-edit field as a user would (and check at once)."""
        field: QLineEdit = self.fields[key]
        field.setText(text)
        self.validate_now()

    def select_preset(self, name: str) -> None:
        index = self.preset.findData(name)
        if index >= 0:
            self.preset.setCurrentIndex(index)
            self._preset_chosen()

    def set_active_network(self, net, label: str) -> None:
        """Offer ``net`` (the network the other tabs show; None: none) as "train it further"."""
        index = self.preset.findData(ACTIVE)
        chosen = index >= 0 and self.preset.currentIndex() == index
        if net is None:
            self.active = None
            if index >= 0:
                self.preset.removeItem(index)  # (if it was chosen, the picker moves to Custom and refills)
            return
        self.active = (net, label)
        if index < 0:
            self.preset.insertItem(1, ACTIVE_TEXT, ACTIVE)
            index = 1
        self.preset.setItemData(index, f"Train further: {label}", CAPTION_ROLE)
        self.preset.setItemData(index, f"Start from {label}'s current weights\n({net.describe()})", Qt.ToolTipRole)
        if chosen:
            self._preset_chosen()

    def set_training_images(self, n: int | None) -> None:
        """How many training images there are (once MNIST is loaded)."""
        self.n_train = n
        self.validate_now()

    # --- checking ------------------------------------------------------------------------------------
    def _edited(self, *_) -> None:
        if not self._loading:
            self._timer.start()

    def validate_now(self) -> RunPlan | None:
        self._timer.stop()
        net, label = self.active or (None, "")
        self.plan, self.errors = check_fields(self.values(), self.n_train, net, label)
        for key, label in self.error_labels.items():
            if key == "rows":
                continue
            message = self.errors.get(key) or (self.errors.get("rows") if key == "layers" else None)
            field = label.property("field")
            label.setText(f"{field}: {message}" if message and field else message or "")
            label.setVisible(bool(message))
            widget = self.fields.get(key)
            if widget is not None:
                widget.setProperty("invalid", bool(message))
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self._update_card()
        self.plan_changed.emit(self.plan)
        return self.plan

    def _preset_chosen(self, *_) -> None:
        name = self.preset.currentData()
        if name == ACTIVE:
            if self.active is not None:
                self.set_values(fields_from_network(self.active[0]))
        elif name:
            self.set_values(fields_from_preset(presets.get(name)))
        else:
            self.validate_now()

    def _kind_toggled(self, *_) -> None:
        if self._loading:
            return
        if self.kind_cnn.isChecked() and not self.cnn.editors:
            self._loading = True
            self.cnn.set_rows([LayerRow("conv-pool", 20, 5, 2, activation="sigmoid"),
                               LayerRow("fc", neurons=100, activation="sigmoid")])
            self.output_activation.setCurrentIndex(self.output_activation.findData("softmax"))
            self.cost.setCurrentIndex(self.cost.findData("log-likelihood"))
            self._loading = False
        self._show_kind()
        self._edited()

    def _show_kind(self) -> None:
        cnn = self.kind_cnn.isChecked()
        self.form.setRowVisible(self.layers, not cnn)
        self.form.setRowVisible(self.cnn, cnn)
        self.form.setRowVisible(self.activation, not cnn)
        self.form.setRowVisible(self.dropout, not cnn)
        for key in ("activation", "dropout"):  # fields a CNN does not use
            if cnn and self.errors.get(key):
                self.error_labels[key].setVisible(False)

    def _update_card(self) -> None:
        name = self.preset.currentData()
        if name == ACTIVE and self.active is not None:
            if self.plan is not None and self.plan.start_from is None:
                self.card.setText(theme.coloured(f"The fields no longer describe {self.active[1]}: Start trains a "
                                                 "fresh network of this shape.", theme.WARNING))
            else:
                self.card.setText(f"<b>Train {self.active[1]} further</b>, from its current weights " + theme.coloured(
                    "(a copy: the other tabs keep the network as it is until you send the result to Draw). Its saved "
                    "training settings are filled in.", theme.MUTED))
            return
        if not name:
            self.card.setText(theme.coloured("Your own network: no book figure to compare with.", theme.MUTED))
            return
        p = presets.get(name)
        text = (f"<b>Book: {p.book.accuracy:.2%}</b> {p.book.split} accuracy "
                + theme.coloured(f"({p.book.where})", theme.MUTED))
        if p.notes:
            text += "<br>" + theme.coloured(p.notes, theme.TEXT_SOFT)
        if self.plan is not None and self.plan.changes:
            changed = ", ".join({"eta": "η", "lmbda": "λ", "mini_batch_size": "mini-batch", "train_size": "training images",
                                 "regularization": "regularisation"}.get(c, c) for c in self.plan.changes)
            text += "<br>" + theme.coloured(f"Changed: {changed}. The book's figure is for the preset as it is.",
                                            theme.WARNING)
        self.card.setText(text)
