"""Payment providers: one module per provider, all speaking ``payments.providers.base``.

``registry`` maps a provider code (``kakaopay``, ``naverpay``, ``paypal``) to its client;
the services never import a provider module directly, so a plugin can add one.
"""
