"""Voice: the assistant answering the phone (issue 21).

The gateway takes calls over SIP/RTP (``sip``) and over a WebSocket media stream (``mediastream``),
turns the caller's speech into text offline (``speech``), sends it through the same dialogue as
chat (``assistant.services.conversation_post``) and speaks the replies (``spoken`` makes them fit
for the ear). ``session`` is one call, whatever carries it; ``telephony`` keeps the call's record,
its queue and its routing plan.
"""
