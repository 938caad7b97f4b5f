"""The Universality tab: chapter 4's visual proof that a network can compute any function.

Five sections, chosen from a list on the left: one neuron becoming a step, bumps from pairs of steps,
the book's challenge (with Auto-fit, Learn and other targets), towers from two inputs, and a grid of
towers approximating a function of (x, y). The maths is in :mod:`core.universality`.
"""
from __future__ import annotations

from app.universality.bumps_page import BumpsPage
from app.universality.challenge_page import ChallengePage
from app.universality.grid_page import GridPage
from app.universality.neuron_page import NeuronPage
from app.universality.towers_page import TowersPage
from app.widgets.section_list import SectionedTab

SECTIONS = [
    ("One neuron", "σ(wx + b) becomes a step at s = −b/w"),
    ("Bumps", "two steps with weights ±h make a bump"),
    ("The challenge", "build the book's f from N bumps"),
    ("Towers", "two inputs: an x-bump and a y-bump"),
    ("Many towers", "a grid of towers approximates f(x, y)"),
]


class UniversalityTab(SectionedTab):
    """The sections are built the first time they are shown (each holds several plots), so the app
    starts quickly; ``page(i)`` (or ``neuron``, ``bumps``, ``challenge``, ``towers``, ``grid``) builds
    one on demand."""

    book_url = "http://neuralnetworksanddeeplearning.com/chap4.html"
    PAGE_CLASSES = [NeuronPage, BumpsPage, ChallengePage, TowersPage, GridPage]

    def __init__(self, state, parent=None):
        self.state = state
        super().__init__([(title, hint, page) for (title, hint), page in zip(SECTIONS, self.PAGE_CLASSES)],
                         "universalitySections", parent)

    neuron = property(lambda self: self.page(0))
    bumps = property(lambda self: self.page(1))
    challenge = property(lambda self: self.page(2))
    towers = property(lambda self: self.page(3))
    grid = property(lambda self: self.page(4))
