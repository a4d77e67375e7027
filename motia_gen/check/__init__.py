"""Whole-app checks over the app model: one family of rules per module, run by `runner.check_app`."""
