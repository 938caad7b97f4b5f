"""Errors that say which setting they are about.

A :class:`FieldError` is a ``ValueError`` (so every caller that catches bad input still catches it)
that also names the setting at fault, as the constructors call it: ``"cost"``, ``"init"``,
``"activation"``. A form shows the message beside that field; nothing has to read the message to
find out where it belongs.
"""
from __future__ import annotations


class FieldError(ValueError):
    """A bad value for the setting ``field``; the message says what is wrong and what would do."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
