"""What an operator asks of Paperboy: which channels exist, what each digest did, and why a
paper did or did not reach a channel.

Read-only views over the core's own values. The CLI (``paperboy channels|deliveries|why``)
and the operator web page render them; storage satisfies the small Protocols in
:mod:`bot.operator.ports`.
"""
