"""Shared views: image mosaics, probability bars, curve plots."""
