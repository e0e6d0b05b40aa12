"""Paperboy's core: paper sources, ranking, digests, the /papers grammar and the scheduler.

The core is pure Python plus httpx. It never imports a chat SDK, SQLModel, or anything in
``adapters``; storage and adapters depend on it through the Protocols in ``bot.ports``.
"""
