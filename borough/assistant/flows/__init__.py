"""The assistant's flows, one module each: a service request (``service_form``), a request's
status (``status``), bin days (``bin_days``), consent to note a need (``consent``), handing over
to a person (``handover``), and everything else said when the assistant waits for anything
(``general``). ``assistant.dialogue`` chooses the flow for each message."""
