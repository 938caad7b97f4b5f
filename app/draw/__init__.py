"""The draw package of the app."""
