"""EventBridge event-pattern matching, as documented, for testing rule patterns offline.

moto's TestEventPattern is a stub and its matcher does not look inside arrays
of objects (docs/emulator-notes.md §12), so the template's rules are checked
with this matcher of the documented syntax ("Creating event patterns",
"Content filtering", "Comparison operators" in the EventBridge user guide):
exact strings/numbers/null/booleans, prefix, suffix, equals-ignore-case (also
inside prefix/suffix), wildcard, anything-but (value, list, prefix, suffix,
equals-ignore-case, wildcard), numeric, exists, cidr, $or at any level, and
arrays (a leaf matches if any element does; a nested pattern must match one
element of an array of objects as a whole). An operator it does not know is
an error, not a silent non-match.
"""

import ipaddress
import re


class PatternError(ValueError):
    """The pattern is not valid EventBridge syntax (or uses an unknown operator)."""


_NUMERIC_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_MISSING = object()


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _wildcard_regex(pattern):
    if "**" in pattern:
        raise PatternError(f"wildcard {pattern!r}: consecutive '*' are not allowed")
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.S)


def _string_test(op, arg):
    """A predicate on strings for prefix/suffix/equals-ignore-case/wildcard."""
    if op in ("prefix", "suffix"):
        ignore_case = False
        if isinstance(arg, dict):
            if list(arg) != ["equals-ignore-case"] or not isinstance(arg["equals-ignore-case"], str):
                raise PatternError(f"{op}: expected a string or {{equals-ignore-case: string}}")
            arg, ignore_case = arg["equals-ignore-case"], True
        if not isinstance(arg, str):
            raise PatternError(f"{op}: expected a string")
        want = arg.lower() if ignore_case else arg

        def test(v):
            s = v.lower() if ignore_case else v
            return s.startswith(want) if op == "prefix" else s.endswith(want)
        return test
    if op == "equals-ignore-case":
        if not isinstance(arg, str):
            raise PatternError("equals-ignore-case: expected a string")
        return lambda v: v.lower() == arg.lower()
    if op == "wildcard":
        if not isinstance(arg, str):
            raise PatternError("wildcard: expected a string")
        rx = _wildcard_regex(arg)
        return lambda v: rx.fullmatch(v) is not None
    raise PatternError(f"unknown string operator {op!r}")


def _anything_but(arg):
    """Predicate on a present scalar: True when it is NOT what arg describes."""
    if isinstance(arg, dict):
        if len(arg) != 1:
            raise PatternError("anything-but: one operator expected")
        (op, inner), = arg.items()
        if op not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise PatternError(f"anything-but: unsupported operator {op!r}")
        inners = inner if isinstance(inner, list) and op in ("equals-ignore-case", "wildcard") else [inner]
        tests = [_string_test(op, x) for x in inners]
        return lambda v: isinstance(v, str) and not any(t(v) for t in tests)
    values = arg if isinstance(arg, list) else [arg]
    if not values:
        raise PatternError("anything-but: empty list")
    for x in values:
        if not (isinstance(x, str) or _is_number(x)):
            raise PatternError("anything-but: values must be strings or numbers")
    return lambda v: not any(_scalar_equal(v, x) for x in values)


def _scalar_equal(v, x):
    if isinstance(x, str):
        return isinstance(v, str) and v == x
    if _is_number(x):
        return _is_number(v) and float(v) == float(x)
    if isinstance(x, bool):
        return isinstance(v, bool) and v == x
    if x is None:
        return v is None
    return False


def _numeric(arg):
    if not isinstance(arg, list) or len(arg) not in (2, 4):
        raise PatternError("numeric: expected [op, n] or [op, n, op, n]")
    checks = []
    for i in range(0, len(arg), 2):
        op, n = arg[i], arg[i + 1]
        if op not in _NUMERIC_OPS or not _is_number(n):
            raise PatternError(f"numeric: bad comparison {op!r} {n!r}")
        checks.append((op, n))
    return lambda v: _is_number(v) and all(_NUMERIC_OPS[op](v, n) for op, n in checks)


def _cidr(arg):
    try:
        net = ipaddress.ip_network(arg, strict=False)
    except (TypeError, ValueError) as e:
        raise PatternError(f"cidr: {e}") from None

    def test(v):
        try:
            return isinstance(v, str) and ipaddress.ip_address(v) in net
        except ValueError:
            return False
    return test


def _compile_matcher(m):
    """(kind, predicate): kind 'exists' -> predicate(present: bool); else predicate(value)."""
    if isinstance(m, (str, bool)) or m is None or _is_number(m):
        return "value", lambda v: _scalar_equal(v, m)
    if not isinstance(m, dict) or len(m) != 1:
        raise PatternError(f"matcher {m!r}: expected a value or a one-key object")
    (op, arg), = m.items()
    if op == "exists":
        if not isinstance(arg, bool):
            raise PatternError("exists: expected true or false")
        return "exists", lambda present: present == arg
    if op == "anything-but":
        test = _anything_but(arg)
        return "value", test
    if op == "numeric":
        return "value", _numeric(arg)
    if op == "cidr":
        return "value", _cidr(arg)
    if op in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        test = _string_test(op, arg)
        return "value", lambda v: isinstance(v, str) and test(v)
    raise PatternError(f"unknown operator {op!r}")


def validate(pattern):
    """Raise PatternError unless pattern is a valid event pattern (object of lists/objects)."""
    if not isinstance(pattern, dict) or not pattern:
        raise PatternError("a pattern is a non-empty JSON object")
    for key, sub in pattern.items():
        if key == "$or":
            if not isinstance(sub, list) or len(sub) < 2:
                raise PatternError("$or needs a list of at least two patterns")
            for alt in sub:
                validate(alt)
        elif isinstance(sub, dict):
            validate(sub)
        elif isinstance(sub, list):
            if not sub:
                raise PatternError(f"{key}: empty match list")
            for m in sub:
                _compile_matcher(m)
        else:
            raise PatternError(f"{key}: values must be lists (or nested objects), got {sub!r}")


def _leaf_values(value):
    """The scalars a leaf pattern is compared with (arrays flattened); None when no leaf."""
    if value is _MISSING or isinstance(value, dict):
        return None
    if isinstance(value, list):
        out = []
        for x in value:
            if isinstance(x, list):
                sub = _leaf_values(x)
                out.extend(sub or [])
            elif not isinstance(x, dict):
                out.append(x)
        return out or None
    return [value]


def _match_leaf(matchers, value):
    values = _leaf_values(value)
    for m in matchers:
        kind, test = _compile_matcher(m)
        if kind == "exists":
            if test(values is not None):
                return True
        elif values is not None and any(test(v) for v in values):
            return True
    return False


def _match_object(pattern, node):
    if not isinstance(node, dict):
        node = {}
    for key, sub in pattern.items():
        if key == "$or":
            if not any(_match_object(alt, node) for alt in sub):
                return False
            continue
        value = node.get(key, _MISSING)
        if isinstance(sub, dict):
            if isinstance(value, list):
                elems = [x for x in value if isinstance(x, dict)]
                if not elems:
                    elems = [{}]
                if not any(_match_object(sub, x) for x in elems):
                    return False
            elif not _match_object(sub, value if isinstance(value, dict) else {}):
                return False
        elif not _match_leaf(sub, value):
            return False
    return True


def matches(pattern, event):
    """Whether EventBridge would deliver event to a rule with this pattern."""
    validate(pattern)
    return _match_object(pattern, event)
