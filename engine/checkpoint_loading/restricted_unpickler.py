"""A pickle interpreter that builds data, calls only an allow-list, and does bounded work.

Python's and torch's unpicklers run the file's instructions with the process's full power:
``REDUCE`` calls whatever callable the file names, ``BUILD`` runs an object's
``__setstate__``, and plain opcodes can ask for gigabytes (a length field), for exponential
work later (containers that share each other, so that a ``repr`` or an ``==`` walks 2**100
nodes), or for hash floods. This interpreter reads the opcodes with :mod:`pickletools` (which
checks every length against the bytes that are really there) and executes them itself:

- a global resolves only through the allow-list, to an :class:`Allowed` entry whose ``call``
  and ``new`` validate their arguments; nothing else can be called;
- ``BUILD`` completes a :class:`Placeholder` (an object in the making, e.g. a numpy array
  whose bytes arrive with its state) or goes to a handler for its exact type; no
  ``__setstate__`` of the file's choosing runs;
- dictionary keys and set items are atoms whose hashes the file cannot make collide
  (strings, bytes, small integers, and the allow-list's key types), so inserting them is
  linear; integers are limited in size;
- when the pickle ends, the object graph is walked once: no cycles, a bounded nesting depth,
  and a bounded size *as a tree* (what a naive ``repr``, ``==`` or ``deepcopy`` of it would
  visit), proportional to the number of instructions in the file.

Work and memory are therefore linear in the size of the pickle, plus what the allow-list's
entries allocate, which they bound by the file's data.
"""
import pickletools
from collections import Counter, OrderedDict
from typing import IO, Any, Callable, Dict, Iterable, List, Mapping, Tuple, Type

from .errors import Damaged, Refusal, describe

# Python 2's names, which pickle protocol 2 (torch.save's) still writes for builtins.
_PY2_MODULES = {'__builtin__': 'builtins', 'copy_reg': 'copyreg'}


class Allowed:
    """An allow-listed global: what the file may call (``REDUCE``, ``INST``, ``OBJ``) or
    instantiate (``NEWOBJ``) by naming it. Entries override what they permit."""

    def __init__(self, name: str) -> None:
        self.name = name

    def call(self, args: tuple) -> Any:
        raise Refusal(f'{self.name} may not be called')

    def new(self, args: tuple, kwargs: dict) -> Any:
        raise Refusal(f'{self.name} may not be instantiated')

    def __repr__(self) -> str:
        return self.name


class Placeholder:
    """An object whose content arrives with ``BUILD``: :meth:`complete` validates that state
    and returns the finished object, which replaces the placeholder on the stack and in the
    memo. A placeholder left anywhere when the pickle ends makes the load fail."""

    def complete(self, state: Any) -> Any:
        raise NotImplementedError


class AllowList:
    """What an unpickler may produce.

    Args:
        globals_: ``'module.name'`` -> the object a global resolves to (an :class:`Allowed`,
            or a plain value such as a dtype).
        builders: exact type -> ``handler(instance, state)`` for ``BUILD`` on objects that
            are not placeholders (e.g. the ``_metadata`` of an ``OrderedDict``).
        key_types: types, beyond str, bytes, int, bool and None, allowed as dictionary keys
            and set items (their hashes must not be the file's to choose).
        leaf_types: types of the finished objects besides the built-in containers and atoms.
    """

    def __init__(self, globals_: Mapping[str, Any],
                 builders: Mapping[type, Callable[[Any, Any], None]] = {},
                 key_types: Tuple[Type, ...] = (),
                 leaf_types: Tuple[Type, ...] = ()) -> None:
        self.globals = dict(globals_)
        self.builders = dict(builders)
        self.key_types = (str, bytes, int, type(None), *key_types)
        self.leaf_types = (str, bytes, bytearray, int, float, complex, type(None), *leaf_types)

    def resolve(self, module: str, name: str) -> Any:
        full = f'{_PY2_MODULES.get(module, module)}.{name}'
        if full not in self.globals:
            raise Refusal(f'it names the global {full[:120]}, which is not on the allow-list')
        return self.globals[full]


# Containers whose items the graph check walks, by exact type (the unpickler builds no others).
_CONTAINERS = frozenset({dict, list, tuple, set, frozenset, OrderedDict, Counter})
_INT_BITS = 1024  # far beyond any counter, seed or timestamp a checkpoint holds
_MAX_DEPTH = 64   # state dicts nest 3 to 6 levels; consumers recurse per level


class RestrictedUnpickler:
    """Executes one pickle (up to its STOP) from a binary stream.

    Args:
        allow: the allow-list.
        persistent_load: called with the pid of ``BINPERSID`` (torch's storages).
    """

    def __init__(self, allow: AllowList,
                 persistent_load: Callable[[Any], Any] = None) -> None:
        self.allow = allow
        self.persistent_load = persistent_load
        self._handlers: Dict[str, Callable[[Any], None]] = {
            name[3:]: getattr(self, name) for name in dir(self) if name.startswith('op_')}

    def load(self, stream: IO[bytes]) -> Any:
        """The object the pickle at the stream's position describes.

        Raises:
            Refusal: the pickle asks for something outside the allow-list or its limits.
            Damaged: the pickle is malformed or truncated.
        """
        self.stack: List[Any] = []
        self.metastack: List[List[Any]] = []
        self.memo: Dict[int, Any] = {}
        self._pending: Dict[int, List[int]] = {}  # id(placeholder) -> its memo keys
        self.result, operations = _NOTHING, 0
        try:
            for opcode, arg, position in pickletools.genops(stream):
                operations += 1
                handler = self._handlers.get(opcode.name)
                if handler is None:
                    raise Refusal(f'it uses the pickle instruction {opcode.name}, which '
                                  'checkpoints do not need')
                try:
                    handler(arg)
                except (Refusal, Damaged):
                    raise
                except (IndexError, KeyError) as error:
                    raise Damaged(f'malformed pickle: {opcode.name} at byte {position} '
                                  f'({type(error).__name__})') from None
                except Exception as error:  # a safety net: report, never run on
                    raise Damaged(f'malformed pickle: {opcode.name} at byte {position}: '
                                  f'{type(error).__name__}: {str(error)[:200]}') from None
        except ValueError as error:  # pickletools: unknown opcode, short data, no STOP
            raise Damaged(f'malformed or truncated pickle: {str(error)[:200]}') from None
        if self.result is _NOTHING:
            raise Damaged('the pickle has no STOP')
        check_graph(self.result, self.allow, max_size=4 * operations + 1000)
        return self.result

    # Stack and memo.

    def _push(self, value: Any) -> None:
        self.stack.append(value)

    def _pop_mark(self) -> List[Any]:
        if not self.metastack:
            raise Damaged('malformed pickle: an instruction needs a MARK that is missing')
        items, self.stack = self.stack, self.metastack.pop()
        return items

    def op_MARK(self, _: None) -> None:
        self.metastack.append(self.stack)
        self.stack = []

    def op_POP(self, _: None) -> None:
        if self.stack:
            self.stack.pop()
        else:
            self._pop_mark()

    def op_POP_MARK(self, _: None) -> None:
        self._pop_mark()

    def op_DUP(self, _: None) -> None:
        self._push(self.stack[-1])

    def op_PUT(self, key: int) -> None:
        value = self.stack[-1]
        self.memo[key] = value
        if isinstance(value, Placeholder):
            self._pending.setdefault(id(value), []).append(key)

    op_BINPUT = op_LONG_BINPUT = op_PUT

    def op_MEMOIZE(self, _: None) -> None:
        self.op_PUT(len(self.memo))

    def op_GET(self, key: int) -> None:
        self._push(self.memo[key])

    op_BINGET = op_LONG_BINGET = op_GET

    def op_PROTO(self, version: int) -> None:
        if not 0 <= version <= 5:
            raise Damaged(f'unknown pickle protocol {version}')

    def op_FRAME(self, _: int) -> None:
        pass

    def op_STOP(self, _: None) -> None:
        self.result = self.stack.pop()

    # Atoms.

    def op_NONE(self, _: None) -> None:
        self._push(None)

    def op_NEWTRUE(self, _: None) -> None:
        self._push(True)

    def op_NEWFALSE(self, _: None) -> None:
        self._push(False)

    def op_INT(self, value: int) -> None:
        if not isinstance(value, bool) and value.bit_length() > _INT_BITS:
            raise Refusal(f'it holds an integer of {value.bit_length()} bits')
        self._push(value)

    op_BININT = op_BININT1 = op_BININT2 = op_LONG = op_LONG1 = op_LONG4 = op_INT

    def op_FLOAT(self, value: float) -> None:
        self._push(value)

    op_BINFLOAT = op_FLOAT

    def op_UNICODE(self, value: str) -> None:
        self._push(value)

    op_SHORT_BINUNICODE = op_BINUNICODE = op_BINUNICODE8 = op_UNICODE

    def op_STRING(self, value: str) -> None:
        # Python 2's str, read as torch.load does (encoding='utf-8'); pickletools gives it
        # decoded as latin-1, which maps back to the bytes one to one.
        try:
            self._push(value.encode('latin-1').decode('utf-8'))
        except UnicodeError:
            raise Damaged('a Python 2 string that is not UTF-8') from None

    op_BINSTRING = op_SHORT_BINSTRING = op_STRING

    def op_BINBYTES(self, value: bytes) -> None:
        self._push(value)

    op_SHORT_BINBYTES = op_BINBYTES8 = op_BINBYTES

    def op_BYTEARRAY8(self, value: bytes) -> None:
        self._push(bytearray(value))

    # Containers.

    def op_EMPTY_LIST(self, _: None) -> None:
        self._push([])

    def op_EMPTY_DICT(self, _: None) -> None:
        self._push({})

    def op_EMPTY_TUPLE(self, _: None) -> None:
        self._push(())

    def op_EMPTY_SET(self, _: None) -> None:
        self._push(set())

    def op_LIST(self, _: None) -> None:
        self._push(self._pop_mark())

    def op_TUPLE(self, _: None) -> None:
        self._push(tuple(self._pop_mark()))

    def op_TUPLE1(self, _: None) -> None:
        self.stack[-1] = (self.stack[-1],)

    def op_TUPLE2(self, _: None) -> None:
        self.stack[-2:] = [tuple(self.stack[-2:])]

    def op_TUPLE3(self, _: None) -> None:
        self.stack[-3:] = [tuple(self.stack[-3:])]

    def op_DICT(self, _: None) -> None:
        items = self._pop_mark()
        self._push({})
        self._set_items(items)

    def op_FROZENSET(self, _: None) -> None:
        self._push(frozenset(self._checked_keys(self._pop_mark())))

    def op_APPEND(self, _: None) -> None:
        item = self.stack.pop()
        self._list_target('APPEND').append(item)

    def op_APPENDS(self, _: None) -> None:
        items = self._pop_mark()
        self._list_target('APPENDS').extend(items)

    def op_SETITEM(self, _: None) -> None:
        value = self.stack.pop()
        key = self.stack.pop()
        self._set_items([key, value])

    def op_SETITEMS(self, _: None) -> None:
        self._set_items(self._pop_mark())

    def op_ADDITEMS(self, _: None) -> None:
        items = self._pop_mark()
        target = self.stack[-1]
        if type(target) is not set:
            raise Refusal(f'ADDITEMS into {describe(target)}')
        target.update(self._checked_keys(items))

    def _list_target(self, opcode: str) -> list:
        target = self.stack[-1]
        if type(target) is not list:
            raise Refusal(f'{opcode} into {describe(target)}')
        return target

    def _set_items(self, items: List[Any]) -> None:
        target = self.stack[-1]
        if type(target) not in (dict, OrderedDict) or len(items) % 2:
            raise Refusal(f'dictionary items set on {describe(target)}')
        keys = self._checked_keys(items[0::2])
        for key, value in zip(keys, items[1::2]):
            target[key] = value

    def _checked_keys(self, keys: Iterable[Any]) -> List[Any]:
        return check_keys(keys, self.allow)

    # Globals and the instructions that call them.

    def op_GLOBAL(self, arg: str) -> None:
        module, _, name = arg.partition(' ')
        self._push(self.allow.resolve(module, name))

    def op_STACK_GLOBAL(self, _: None) -> None:
        name = self.stack.pop()
        module = self.stack.pop()
        if type(module) is not str or type(name) is not str:
            raise Damaged('STACK_GLOBAL without a module and name')
        self._push(self.allow.resolve(module, name))

    def op_REDUCE(self, _: None) -> None:
        args = self.stack.pop()
        self.stack[-1] = self._callable(self.stack[-1]).call(self._tuple(args))

    def op_NEWOBJ(self, _: None) -> None:
        args = self.stack.pop()
        cls = self.stack.pop()
        self._push(self._callable(cls).new(self._tuple(args), {}))

    def op_NEWOBJ_EX(self, _: None) -> None:
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        if type(kwargs) is not dict:
            raise Damaged('NEWOBJ_EX without keyword arguments')
        self._push(self._callable(cls).new(self._tuple(args), kwargs))

    def op_INST(self, arg: str) -> None:
        module, _, name = arg.partition(' ')
        args = tuple(self._pop_mark())
        self._push(self._callable(self.allow.resolve(module, name)).call(args))

    def op_OBJ(self, _: None) -> None:
        items = self._pop_mark()
        if not items:
            raise Damaged('OBJ without a class')
        self._push(self._callable(items[0]).call(tuple(items[1:])))

    def op_BUILD(self, _: None) -> None:
        state = self.stack.pop()
        instance = self.stack[-1]
        if isinstance(instance, Placeholder):
            result = instance.complete(state)
            self.stack[-1] = result
            for key in self._pending.pop(id(instance), ()):
                self.memo[key] = result
        elif type(instance) in self.allow.builders:
            self.allow.builders[type(instance)](instance, state)
        else:
            raise Refusal(f'it sets the state of {describe(instance)}, which is not allowed')

    def op_BINPERSID(self, _: None) -> None:
        if self.persistent_load is None:
            raise Refusal('a persistent id where none is expected')
        self.stack[-1] = self.persistent_load(self.stack[-1])

    @staticmethod
    def _callable(obj: Any) -> Allowed:
        if not isinstance(obj, Allowed):
            raise Refusal(f'it calls {describe(obj)}, which is not an allow-listed global')
        return obj

    @staticmethod
    def _tuple(args: Any) -> tuple:
        if type(args) is not tuple:
            raise Damaged(f'call arguments that are {describe(args)}, not a tuple')
        return args


_NOTHING = object()


def check_keys(keys: Iterable[Any], allow: AllowList) -> List[Any]:
    """``keys`` as a list, if each may be a dictionary key or set item: an atom whose hash the
    file cannot make collide with others (so that inserting n of them is O(n)).

    Raises:
        Refusal: naming the first key that may not.
    """
    keys = list(keys)
    for key in keys:
        # int hashes wrap modulo 2**61 - 1: larger integers could be made to collide
        if type(key) not in allow.key_types and type(key) is not bool \
                or type(key) is int and key.bit_length() >= 61:
            raise Refusal(f'{describe(key)} as a dictionary key or set item (allowed: '
                          'strings, bytes, integers below 2**61, None)')
    return keys


def check_graph(root: Any, allow: AllowList, max_size: int) -> None:
    """Check the finished object graph: only allowed types, no cycles, at most ``_MAX_DEPTH``
    levels, and at most ``max_size`` nodes when shared containers are counted once per
    reference (the work of any naive walk over it).

    Raises:
        Refusal: naming the first limit exceeded.
    """
    sizes: Dict[int, int] = {}
    heights: Dict[int, int] = {}
    on_path = set()
    work: List[Tuple[Any, int, bool]] = [(root, 1, False)]
    while work:
        node, depth, finished = work.pop()
        if type(node) not in _CONTAINERS:
            _check_leaf(node, allow)
            continue
        key = id(node)
        children = _children(node)
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(child), 1) for child in children)
            heights[key] = 1 + max((heights.get(id(child), 0) for child in children),
                                   default=0)
            if sizes[key] > max_size:
                raise Refusal(f'its containers share each other so that walking them visits '
                              f'more than {max_size} objects')
            if heights[key] > _MAX_DEPTH:
                raise Refusal(f'containers nested more than {_MAX_DEPTH} levels deep')
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise Refusal('a container that contains itself')
        if depth > _MAX_DEPTH:
            raise Refusal(f'containers nested more than {_MAX_DEPTH} levels deep')
        on_path.add(key)
        work.append((node, depth, True))
        work.extend((child, depth + 1, False) for child in children)


def _children(node: Any) -> List[Any]:
    if type(node) is dict:
        return list(node.values())
    if isinstance(node, dict):  # OrderedDict, Counter: their attributes too (``_metadata``)
        return [*node.values(), *vars(node).values()]
    return list(node)


def _check_leaf(node: Any, allow: AllowList) -> None:
    if isinstance(node, Placeholder):
        raise Refusal(f'an object left incomplete ({type(node).__name__.strip("_")} without '
                      'its state)')
    if not isinstance(node, allow.leaf_types):
        raise Refusal(f'it builds {describe(node)}')
