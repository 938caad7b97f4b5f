"""The universality package of the app."""
