"""The train package of the app."""
