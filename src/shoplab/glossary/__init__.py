"""Glossary data files (``*.toml``), read by :mod:`shoplab.labels`."""
