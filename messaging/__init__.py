"""WhatsApp for Parlo: in through Twilio's webhook, out through the outbox, never lost or doubled.

The path of one message::

    Twilio ──POST /webhooks/twilio──► inbound.store_inbound      (signed, stored once, sequence number)
                                         │ queue.conversation_waiting
                                         ▼
           processing.process_conversation  (one worker per conversation, messages in order)
             routing.route_message           (recipient → channel; sender's phone → actor)
             engine.respond(turn)            (issue 6: rules / LLM; now an acknowledgement)
             replies → OutboundMessage rows  (same transaction that marks the message processed)
                                         │ queue.outbox_waiting
                                         ▼
           delivery.deliver_due             (atomic claim, render, send, record; retries, order per person)
             senders.TwilioSender / LogSender
    Twilio ──POST /webhooks/twilio/status──► status.record_provider_status (forward only)

Modules: ``inbound`` (Twilio's form, storing once), ``routing`` (the spec's routing table),
``engine`` (Turn, Reply, ConversationEngine, AcknowledgementEngine), ``processing``
(turns in order), ``templates`` (every notification's Spanish text and Twilio variables),
``senders`` (Twilio or the log), ``delivery`` (the outbox), ``status`` (callbacks),
``signatures`` (X-Twilio-Signature), ``numbers`` (provision / connect WhatsApp numbers),
``runtime`` (Messaging: db, clock, sender, engine, queue, config; InlineWorkQueue).
``spanish`` is the language core (pure functions) the engines and templates use.

Nothing here reads the environment or the wall clock: ``parlo/`` builds a
:class:`messaging.runtime.Messaging` from settings and a clock, and Huey runs the
functions as tasks (``parlo/tasks.py``).
"""
