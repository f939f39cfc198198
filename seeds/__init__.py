"""Seed data shipped with Matchmaker: industrial chains, the domain glossary and the demo.

Data only; read it through :mod:`matchmaker.package_data`.
"""
