"""A small, safe expression engine for formula KPIs: numbers, KPI codes, + − × ÷, unary minus and parentheses.

No `eval`: the text is tokenised and parsed by recursive descent into a tuple tree, evaluated with `Decimal`.
A code without a value makes the whole result None (no data yet), never a zero; a division by zero is an error.

    parse("(SM_REACH / SM_POSTS)")  →  ("/", ("var", "SM_REACH"), ("var", "SM_POSTS"))
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

MAX_LENGTH = 500
MAX_DEPTH = 40
_TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/()]))")

Node = tuple[Any, ...]


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated; the message names the position or the cause, `position`
    (1-based, 0 when not about a place) lets a caller word it in the reader's language."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"The formula is longer than {MAX_LENGTH} characters.")
    tokens: list[_Token] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise FormulaError(
                f"Unexpected character at position {position + 1}: {stripped[position]!r}.", position + 1
            )
        kind = match.lastgroup or "op"
        tokens.append(_Token(kind, match.group(kind), match.start(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FormulaError("The formula ends too early.")
        self.index += 1
        return token

    def expression(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise FormulaError("The formula is nested too deeply.")
        node = self.term(depth)
        while (token := self.peek()) is not None and token.text in "+-" and token.kind == "op":
            self.take()
            node = (token.text, node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.factor(depth)
        while (token := self.peek()) is not None and token.text in "*/" and token.kind == "op":
            self.take()
            node = (token.text, node, self.factor(depth))
        return node

    def factor(self, depth: int) -> Node:
        token = self.take()
        if token.kind == "number":
            return ("num", Decimal(token.text))
        if token.kind == "name":
            return ("var", token.text)
        if token.text == "-":
            return ("neg", self.factor(depth + 1))
        if token.text == "(":
            node = self.expression(depth + 1)
            closing = self.take()
            if closing.text != ")":
                raise FormulaError(f"Expected ')' at position {closing.position + 1}.", closing.position + 1)
            return node
        raise FormulaError(f"Unexpected {token.text!r} at position {token.position + 1}.", token.position + 1)


def parse(text: str) -> Node:
    """The tree of `text`, or FormulaError naming the position."""
    tokens = _tokens(text)
    if not tokens:
        raise FormulaError("The formula is empty.")
    parser = _Parser(tokens)
    node = parser.expression(0)
    rest = parser.peek()
    if rest is not None:
        raise FormulaError(f"Unexpected {rest.text!r} at position {rest.position + 1}.", rest.position + 1)
    return node


def variables(node: Node) -> set[str]:
    """The KPI codes a formula reads."""
    if node[0] == "var":
        return {node[1]}
    if node[0] == "num":
        return set()
    return set().union(*(variables(child) for child in node[1:]))


def _evaluate(
    node: Node, values: Mapping[str, Decimal | None], trace: list[tuple[str, dict[str, str]]]
) -> Decimal | None:
    kind = node[0]
    if kind == "num":
        return Decimal(node[1])
    if kind == "var":
        value = values.get(node[1])
        trace.append(("formula_var", {"code": node[1], "value": "" if value is None else str(value)}))
        return value
    if kind == "neg":
        inner = _evaluate(node[1], values, trace)
        return None if inner is None else -inner
    left = _evaluate(node[1], values, trace)
    right = _evaluate(node[2], values, trace)
    if left is None or right is None:
        return None
    try:
        if kind == "+":
            return left + right
        if kind == "-":
            return left - right
        if kind == "*":
            return left * right
        if right == 0:
            raise FormulaError("Division by zero.")
        return left / right
    except (InvalidOperation, DivisionByZero) as exc:  # pragma: no cover - Decimal context traps
        raise FormulaError(str(exc)) from exc


def evaluate(
    text: str, values: Mapping[str, Decimal | None]
) -> tuple[Decimal | None, tuple[tuple[str, dict[str, str]], ...]]:
    """The value of formula `text` over `values` (KPI code → value, None = no data yet) and its trace. A code not
    in `values` is no data too; the result is None then."""
    trace: list[tuple[str, dict[str, str]]] = [("formula", {"formula": text})]
    result = _evaluate(parse(text), values, trace)
    trace.append(("formula_result", {"value": "" if result is None else str(result)}))
    return result, tuple(trace)
