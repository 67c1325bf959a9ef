"""The one error of the scenario engine: input it cannot project, with the path of the offending field."""


class ScenarioError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
