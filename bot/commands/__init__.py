"""The ``/papers`` commands, the same for Slack, Discord, the console and the CLI.

- Declared once in :mod:`bot.commands.table` (every verb: its argument, who may run it, its
  help and examples; help text and each platform's hints derive from it).
- Parsed in :mod:`bot.commands.grammar` (``parse_command``: text after ``/papers`` → a command
  value, or a friendly ``UserError`` with an example).
- Run by :mod:`bot.commands.service` (``CommandService.handle``, the
  :class:`bot.chat.CommandHandler` every adapter calls): searches, ``list``, digests now;
  changes to a channel in :mod:`bot.commands.changes`; who may run the managing verbs in
  :mod:`bot.commands.permissions` and, per workspace, :mod:`bot.commands.managers`.
- Replies rendered as plain text in :mod:`bot.commands.render` and :mod:`bot.commands.listing`;
  adapters turn them into Block Kit or embeds.
"""
