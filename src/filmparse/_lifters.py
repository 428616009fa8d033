"""generic_visit, resolved once per expression: what a node without a visit
method of its own stands for (the visitor's dispatch table holds these)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from parsimonious.expressions import Expression, Lookahead, OneOf, Quantifier, Regex
from parsimonious.expressions import Sequence as AllOf
from parsimonious.nodes import Node, RegexNode

if TYPE_CHECKING:
    from ._entries import Pair
    from .visitor import BaseVisitor

Handler = Callable[[Any, Any, list[Any]], Any]  # (visitor, node, visited children) -> value


def _lifter(expr: Expression) -> Handler:
    """What a node of `expr` without a visit method of its own stands for."""
    if isinstance(expr, Quantifier):  # x*, x?: the (maybe empty) list of values
        return _children
    if isinstance(expr, Regex):
        return _match
    if isinstance(expr, Lookahead):
        return _nothing
    if isinstance(expr, OneOf):
        return _only
    if isinstance(expr, AllOf):  # `!a !b x`: the value of x
        kept = [i for i, member in enumerate(expr.members) if not isinstance(member, Lookahead)]
        if len(kept) == 1:
            index = kept[0]
            return lambda visitor, node, children: children[index]
    return _children


def _children(visitor: BaseVisitor, node: Node, children: list[Any]) -> list[Any]:
    return children


def _match(visitor: BaseVisitor, node: RegexNode, children: list[Any]) -> re.Match[str]:
    return node.match


def _nothing(visitor: BaseVisitor, node: Node, children: list[Any]) -> None:
    return None


def _only(visitor: BaseVisitor, node: Node, children: list[Any]) -> Any:
    return children[0]


def _field_handler(lift: Handler, section: str) -> Handler:
    def visit_field(visitor: BaseVisitor, node: Node, children: list[Any]) -> Pair:
        return visitor.film_field(lift(visitor, node, children), section)

    return visit_field


def _label_handler(lift: Handler, what: str) -> Handler:
    def visit_label(visitor: BaseVisitor, node: Node, children: list[Any]) -> re.Match[str]:
        match: re.Match[str] = lift(visitor, node, children)
        visitor.label(what, match)
        return match

    return visit_label
