"""What stops an import: raised by the state machine (`services`) and by the kinds' writers alike."""


class ImportRefused(Exception):
    """The batch cannot go on (wrong state, unresolved rows, errors). The message says why."""


class Abandoned(Exception):
    """The batch stopped running while this process worked on it (the sweep of stuck imports failed
    it, `stale.sweep`): the work stops, and a commit rolls back, leaving the batch as the sweep left it."""
