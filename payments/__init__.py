"""Payment intents and their ledger, providers, emulators, webhooks, reconciliation."""
