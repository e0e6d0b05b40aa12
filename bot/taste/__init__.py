"""A channel's taste: the votes its people give (buttons, reactions, shares), the small model
learned from them that nudges the channel's digests and searches, follow-ups in a paper's
thread and the weekly roll-up of what the channel liked.

The core owns the rules (which emoji is a vote, how far taste may move a paper); storage
keeps the votes (:class:`bot.taste.ports.VoteStore`); adapters only translate platform
events into :meth:`bot.taste.service.TasteService.react`.
"""
