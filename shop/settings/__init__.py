"""Settings modules: ``base`` holds every setting; ``local``, ``test`` and ``production`` adjust it."""
