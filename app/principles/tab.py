"""The Principles tab: chapters 1-3's mathematics on small examples, every number visible.

Six pages, chosen from a list on the left (each built the first time it is shown): gradient descent,
backpropagation step by step, the learning slowdown, softmax, weight initialisation and overfitting.
The maths is in core: ``core.descent``, ``core.backprop_trace``, ``core.single_neuron``,
``core.softmax``, ``core.init_stats`` and ``core.overfitting``.
"""
from __future__ import annotations

from app.principles.backprop_page import BackpropPage
from app.principles.descent_page import DescentPage
from app.principles.initialisation_page import InitialisationPage
from app.principles.overfitting_page import OverfittingPage
from app.principles.slowdown_page import SlowdownPage
from app.principles.softmax_page import SoftmaxPage
from app.widgets.section_list import SectionedTab

SECTIONS = [
    ("Gradient descent", "a ball rolling down C(v₁, v₂): Δv = −η∇C", DescentPage),
    ("Backpropagation", "BP1-BP4 on a tiny network, every number shown", BackpropPage),
    ("Learning slowdown", "quadratic vs cross-entropy on the book's neuron", SlowdownPage),
    ("Softmax", "outputs that sum to 1; δ = a − y", SoftmaxPage),
    ("Initialisation", "N(0, 1) vs N(0, 1/n_in): saturated from the start?", InitialisationPage),
    ("Overfitting", "ten points, a line and a 9th-order polynomial", OverfittingPage),
]


class PrinciplesTab(SectionedTab):
    """``page(i)`` (or ``descent``, ``backprop``, ``slowdown``, ``softmax``, ``initialisation``,
    ``overfitting``) builds a page on demand."""

    book_url = "http://neuralnetworksanddeeplearning.com/chap2.html"

    def __init__(self, state=None, parent=None):
        self.state = state
        super().__init__([(title, hint, page) for title, hint, page in SECTIONS], "principlesSections", parent)

    descent = property(lambda self: self.page(0))
    backprop = property(lambda self: self.page(1))
    slowdown = property(lambda self: self.page(2))
    softmax = property(lambda self: self.page(3))
    initialisation = property(lambda self: self.page(4))
    overfitting = property(lambda self: self.page(5))
