"""Digests: what a channel gets, when, and the promise that it gets it exactly once.

- Built in :mod:`bot.digests.build` (``build_digest``: the best new papers for a set of
  topics, each with why) and, for one stored channel, :mod:`bot.digests.channel`
  (``build_channel_digest``: its topics merged, papers it has seen left out, an empty digest
  explained).
- When: :mod:`bot.digests.schedule` (schedules in the channel's timezone, DST-correct) and
  :mod:`bot.digests.scheduler` (the loop ``paperboy serve`` runs).
- Posted by :mod:`bot.digests.runner` (``DigestRunner``: exactly once per channel and period
  across restarts and replicas; the design and the alternative it rejected are written there),
  through a :class:`bot.chat.ChatAdapter`; every state a digest can be in is in
  :mod:`bot.digests.status`.
"""
