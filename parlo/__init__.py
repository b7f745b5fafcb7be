"""Parlo's composition root: settings, the ASGI app, the Huey instance and the CLI."""

__version__ = "0.1.0"
