"""Persistence: SQLModel tables, engine set-up, and repositories returning core values.

The only package that imports sqlmodel/sqlalchemy. SQLite by default, PostgreSQL through
``PAPERBOY_DATABASE_URL``; the schema is owned by the Alembic migrations in ``migrations/``.
"""
