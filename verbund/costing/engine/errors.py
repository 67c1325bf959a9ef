"""The one error type of the costing engine."""


class CostingError(ValueError):
    """Input the engine refuses; `path` names the offending object, e.g. ``cost_centres[RZ]``.

    Paths name objects by id (``keys[FV-200].members[05515000]``), so that a message points at the same thing
    whether the model came from JSON, a form or the database. `load_model` uses JSON paths (``$.products[3]``)
    for format errors it finds before the objects exist.
    """

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")
