"""YAML input through PyYAML's safe loader: Decimal numbers, no duplicate keys, positions kept."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import yaml

from budgetlint.findings import escape_pointer_token
from budgetlint.limits import MAX_DIGITS, InputError, number_out_of_range

MAX_DEPTH = 100
MAX_NODES = 100_000  # as loader.MAX_VALUES; aliases are counted once here, expanded below


class TooLarge(Exception):
    def __init__(self, message: str, mark):
        super().__init__(message)
        self.mark = message, mark


try:  # libyaml's scanner and parser, ~6× faster than PyYAML's pure-Python ones, where installed
    from yaml.cyaml import CParser as _Parser

    _FAST = True  # the one-loop reader below: libyaml's events are cheap, PyYAML's composer is not
except ImportError:  # pragma: no cover - a PyYAML built without libyaml
    _FAST = False

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
        """The pure-Python reader, scanner and parser, as yaml.SafeLoader stacks them."""

        def __init__(self, stream):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _Loader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe loader that counts the nodes and the depth while composing: a 50 MB list stops at the
    limit instead of being composed whole (PyYAML composes ~10 µs a node), and a deep nesting
    stops with a message at its place instead of a RecursionError.

    The events come from libyaml's C parser when PyYAML has it (yaml.CSafeLoader would also compose
    in C, past these checks); the composer, whose node hook counts, and the safe constructor stay
    PyYAML's Python ones, so marks, tags and errors are those of yaml.SafeLoader."""

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent, index):
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise TooLarge(f"the document holds more than {MAX_NODES:,} values", self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise TooLarge(
                    f"the document is nested more than {MAX_DEPTH} deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    text = node.value.replace("_", "")
    lowered = text.lower()
    if lowered in (".nan", ".inf", "-.inf", "+.inf"):
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value} is not a number a budget can hold", node.start_mark
        )
    try:
        number = Decimal(text)
    except InvalidOperation:  # 0x…, 0o…, 1:30: forms int() reads; a long one would take long
        if len(text) > MAX_DIGITS + 4:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a number with more than {MAX_DIGITS} digits is not a budget figure",
                node.start_mark,
            ) from None
        number = Decimal(loader.construct_yaml_int(node))
    problem = number_out_of_range(number)
    if problem:
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return number


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    result = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"keys must be text, got {key!r}", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Loader.add_constructor("tag:yaml.org,2002:int", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
# dates stay text: the model stores them as printed ("2022-12-31")
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


MAX_VALUES = 1_000_000


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded, counted without expanding:
    a node reached through several aliases is sized once and counted each time."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # entered, children not yet sized: met again means a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        children = (
            [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
        )
        if children_done:
            sizes[id(node)] = min(1 + sum(sizes[id(c)] for c in children), MAX_VALUES + 1)
            open_nodes.discard(id(node))
            continue
        if id(node) in open_nodes:  # an alias inside the node it names: the data would be infinite
            raise RecursiveAlias(node.start_mark)
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


class RecursiveAlias(Exception):
    def __init__(self, mark):
        super().__init__("recursive alias")
        self.mark = mark


class _Fallback(Exception):
    """Something the one-loop reader leaves to the composer and constructor: an anchor, an alias,
    an explicit tag, a key that is not plain text, a duplicate key, a number int() or nothing
    reads, a limit reached, a syntax error. They read the text again and give their message."""


_TAG = "tag:yaml.org,2002:"
_RESOLVERS = _Loader.yaml_implicit_resolvers  # first character → [(tag, pattern)], as Resolver.resolve
_NO_RESOLVERS: list = []
_BOOLS = yaml.constructor.SafeConstructor.bool_values
_NOT_NUMBERS = frozenset((".nan", ".inf", "-.inf", "+.inf"))


def _plain(value: str):
    """A plain scalar's value, resolved as the safe loader resolves and constructs it."""
    for tag, pattern in _RESOLVERS.get(value[0] if value else "", _NO_RESOLVERS):  # noqa: B007
        if pattern.match(value):
            break
    else:
        return value  # tag:yaml.org,2002:str
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return _BOOLS[value.lower()]
    if tag == _TAG + "int" or tag == _TAG + "float":
        text = value.replace("_", "")
        if text.lower() in _NOT_NUMBERS:
            raise _Fallback
        try:
            number = Decimal(text)
        except InvalidOperation:  # 0x…, 0o…, 1:30: the constructor reads them
            raise _Fallback from None
        if number_out_of_range(number):
            raise _Fallback
        return number
    if tag == _TAG + "timestamp":
        return value  # dates stay text, as the constructor keeps them
    raise _Fallback  # merge (<<), value (=), yaml (! & *): the constructor refuses them


def _one_loop(text: str) -> tuple[object, dict[str, tuple[int, int]]]:
    """The data and the positions straight from libyaml's events, in one loop: what the composer,
    the constructor and the walk over the nodes give for the plain data a document is (mappings
    with text keys, sequences, untagged scalars), with the same limits on values and depth.
    Anything else raises _Fallback."""
    from yaml.events import (
        DocumentEndEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    get = _Parser(text).get_event
    get()  # StreamStartEvent
    if type(get()) is not DocumentStartEvent:
        raise _Fallback  # an empty stream
    positions: dict[str, tuple[int, int]] = {}
    # open containers: [container, its pointer, the key read (None: a key comes next), its pointer]
    stack: list[list] = []
    root = None
    nodes = 0
    seen: dict = {}  # plain scalar text → its value
    event = get()
    while True:
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            if not stack:
                event = get()
                break
            event = get()
            continue
        if kind is not ScalarEvent and kind is not MappingStartEvent and kind is not SequenceStartEvent:
            raise _Fallback  # an alias (or an event out of place)
        nodes += 1
        if nodes > MAX_NODES or len(stack) >= MAX_DEPTH or event.anchor is not None:
            raise _Fallback
        if event.tag is not None:  # explicit, even the non-specific `!`: the composer resolves it
            raise _Fallback
        mark = event.start_mark
        if kind is ScalarEvent:
            value = event.value
            if event.implicit[0]:  # plain: resolved once per distinct text (keys repeat)
                text_ = value
                value = seen.get(text_, seen)
                if value is seen:
                    value = seen[text_] = _plain(text_)
        if stack:
            top = stack[-1]
            parent = top[0]
            if type(parent) is dict:
                key = top[2]
                if key is None:  # this scalar is a key
                    if kind is not ScalarEvent or type(value) is not str or value in parent:
                        raise _Fallback  # a key that is not text, or a duplicate
                    top[2] = value
                    token = value if "/" not in value and "~" not in value else escape_pointer_token(value)
                    top[3] = child = f"{top[1]}/{token}"
                    positions[child] = (mark.line + 1, mark.column + 1)  # an entry: its key's place
                    event = get()
                    continue
                pointer = top[3]
                top[2] = None
            else:
                pointer = f"{top[1]}/{len(parent)}"
                positions[pointer] = (mark.line + 1, mark.column + 1)
        else:
            parent = None
            pointer = ""
            positions[pointer] = (mark.line + 1, mark.column + 1)
        if kind is not ScalarEvent:
            value = {} if kind is MappingStartEvent else []
            stack.append([value, pointer, None, None])
        if parent is None:
            root = value
            if kind is ScalarEvent:  # a document that is one scalar
                event = get()
                break
        elif type(parent) is dict:
            parent[key] = value
        else:
            parent.append(value)
        event = get()
    if type(event) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise _Fallback  # a second document: the composer says so
    return root, positions


def load_yaml_text(text: str, name: str) -> tuple[object, dict[str, tuple[int, int]]]:
    """The data of a YAML document and the line:column of each JSON Pointer in it: from libyaml's
    events in one loop where the document is plain data; else, and for every error, through
    PyYAML's composer and safe constructor, which give the message and its place."""
    if _FAST:
        try:
            return _one_loop(text)
        except (_Fallback, yaml.YAMLError):
            pass
    return _load_composed(text, name)


def _load_composed(text: str, name: str) -> tuple[object, dict[str, tuple[int, int]]]:
    loader = None
    try:
        loader = _Loader(text)  # its reader refuses control characters at once
        node = loader.get_single_node()
        if node is None:
            raise InputError(name, "the YAML file is empty")
        if _expanded_size(node) > MAX_VALUES:
            raise InputError(name, f"YAML aliases expand to more than {MAX_VALUES:,} values (an alias bomb?)")
        data = loader.construct_document(node)
    except TooLarge as err:
        message, mark = err.mark
        raise InputError(name, message, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as err:
        # a control character (or a lone surrogate): its place from the offset in the text
        line = text.count("\n", 0, err.position) + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        what = f"U+{err.character:04X}" if isinstance(err.character, int) else repr(err.character)
        raise InputError(
            name, f"invalid YAML: the control character {what} is not allowed in YAML text", line, column
        ) from None
    except RecursiveAlias as err:
        raise InputError(
            name,
            "a YAML alias refers to the node that contains it: the data would be infinite",
            err.mark.line + 1,
            err.mark.column + 1,
        ) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = f"YAML tag not allowed ({problem.split('tag ')[-1]}): only plain data is read"
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(name, f"invalid YAML: {problem}", line, col) from None
    except yaml.YAMLError as err:
        raise InputError(name, f"invalid YAML: {err}") from None
    except RecursionError:
        raise InputError(name, "the document is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    positions: dict[str, tuple[int, int]] = {}
    stack = [(node, "")]
    while stack:
        n, ptr = stack.pop()
        positions.setdefault(ptr, (n.start_mark.line + 1, n.start_mark.column + 1))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                child = f"{ptr}/{escape_pointer_token(str(k.value))}"
                positions[child] = (k.start_mark.line + 1, k.start_mark.column + 1)
                stack.append((v, child))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((v, f"{ptr}/{i}") for i, v in enumerate(n.value))
    return data, positions
