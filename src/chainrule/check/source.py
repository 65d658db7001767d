"""The learner's file as source: the lines of its class's methods, for pointing at where a mistake is."""
from __future__ import annotations

import ast
import textwrap


class Source:
    """``path``'s text, or ``text`` (a class's own source, from a notebook) whose first line is line
    ``offset + 1`` of wherever it was written; every line number is the learner's."""

    def __init__(self, path=None, class_name=None, text=None, offset=0):
        self.path = path
        self.class_name = class_name
        self.offset = offset
        if text is None and path:
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                text = None
        self.lines = text.splitlines() if text else []
        try:
            self.tree = ast.parse(textwrap.dedent(text)) if text else None
        except SyntaxError:
            self.tree = None
        if self.tree is not None and offset:
            ast.increment_lineno(self.tree, offset)

    def line(self, number):
        if number and 1 <= number - self.offset <= len(self.lines):
            return self.lines[number - self.offset - 1].strip()
        return ""

    def _class(self):
        if self.tree is None:
            return None
        return next((node for node in self.tree.body if isinstance(node, ast.ClassDef)
                     and node.name == self.class_name), None)

    def function(self, name):
        """The class's method ``name``, or a function of the file with that name (the guide's train_epoch)."""
        cls = self._class()
        for scope in ([cls] if cls is not None else []) + ([self.tree] if self.tree is not None else []):
            for node in scope.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                    return node
        return None

    def enclosing_def(self, number):
        """The name of the innermost function or method whose body holds line ``number`` (None if none)."""
        if self.tree is None or not number:
            return None
        best = None
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    node.lineno <= number <= (node.end_lineno or node.lineno):
                if best is None or node.lineno >= best.lineno:
                    best = node
        return best.name if best is not None else None

    def def_line(self, name):
        node = self.function(name)
        return node.lineno if node is not None else None

    def call_line(self, function, called):
        """The first line in ``function`` that calls something named ``called`` (``np.random.seed``: 'seed')."""
        node = self.function(function)
        if node is None:
            return None
        lines = [sub.lineno for sub in ast.walk(node) if isinstance(sub, ast.Call)
                 and (getattr(sub.func, "attr", None) == called or getattr(sub.func, "id", None) == called)]
        return min(lines) if lines else None

    def reassigned_line(self, function, argument):
        """The first line in ``function`` that rebinds its ``argument``-th data parameter (after self for a
        method, after the network for the guide's train_epoch(net, X, y, ...)): X = X[indices]."""
        node = self.function(function)
        if node is None:
            return None
        params = [a.arg for a in node.args.args]
        params = params[1:]          # self, or the network
        if argument >= len(params):
            return None
        name = params[argument]
        lines = [sub.lineno for sub in ast.walk(node) if isinstance(sub, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == name for t in sub.targets)]
        return min(lines) if lines else None

    def augmented_line(self, functions, operator):
        """The first ``x[i] += rate * g`` (``operator`` "Add": an indexed target, a product added) in the first of
        ``functions`` that has one: an update written as a sum (an accumulation cum[j] += g has no product)."""
        for function in functions:
            node = self.function(function)
            if node is None:
                continue
            lines = [sub.lineno for sub in ast.walk(node) if isinstance(sub, ast.AugAssign)
                     and type(sub.op).__name__ == operator and isinstance(sub.target, ast.Subscript)
                     and any(isinstance(op, ast.Mult) for op in ast.walk(sub.value))]
            if lines:
                return min(lines)
        return None

    def return_line(self, function):
        node = self.function(function)
        if node is None:
            return None
        lines = [sub.lineno for sub in ast.walk(node) if isinstance(sub, ast.Return) and sub.value is not None]
        return max(lines) if lines else None

    def class_attribute_line(self, *names):
        """A line in the class body that binds one of ``names`` (``weights = []``: shared by every instance)."""
        cls = self._class()
        if cls is None:
            return None
        for node in cls.body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if any(isinstance(t, ast.Name) and t.id in names for t in targets if t is not None):
                return node.lineno
        init = self.function("__init__")
        if init is not None:   # a mutable default argument: def __init__(self, sizes, seed=42, weights=[])
            for default in init.args.defaults + init.args.kw_defaults:
                if isinstance(default, (ast.List, ast.Dict)):
                    return init.lineno
        return None
