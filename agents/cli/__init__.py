"""gentown's command line: one module per command group, each thin over the API.

- :mod:`agents.cli.runs`: ``run``, ``resume``, ``fork``, ``interview``, ``whisper``;
- :mod:`agents.cli.viewing`: ``replay``;
- :mod:`agents.cli.authoring`: ``world check``, ``persona import``, ``persona sample``;
- :mod:`agents.cli.evaluation`: ``export``, ``eval``, ``study``;
- :mod:`agents.cli.main`: the parser and ``main`` (``run_town.py``, the ``gentown`` script);
- :mod:`agents.cli.errors`: user errors (one line, exit code 2).
"""
