"""The gradients package of the app."""
