"""Persistence: SQLModel tables, engine set-up, and repositories returning core values.

The only package that imports sqlmodel/sqlalchemy. SQLite by default, PostgreSQL through
``PAPERBOY_DATABASE_URL``; the schema is owned by the Alembic migrations in ``migrations/``.

Where things are: tables in the ``*_models.py`` modules (every one listed in
:mod:`storage.all_models`); engine, sessions and migrations in :mod:`storage.database`;
papers in :mod:`storage.paper_repository` and the full-text index in
:mod:`storage.search_index`; channels, topics and digest claims in
:mod:`storage.channel_repository`; Slack installations in :mod:`storage.slack_repository`;
workspace rules in :mod:`storage.workspace_repository`; votes in :mod:`storage.vote_store`.
"""
