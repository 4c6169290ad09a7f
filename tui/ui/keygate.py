"""Keys typed fast go where they would have gone typed slowly.

Over a slow link the terminal hands keys over in bursts. Textual routes each key to the
widget that has the focus *when the app takes the key*, and a key's binding runs only
once the key has gone through that widget's queue and bubbled back to the app. So in
``t2020⏎`` typed at once, the ``2020`` went to the list that still had the focus while
``t`` was on its way, not to the date form ``t`` opens; and after ⏎ in a prompt, the
next keys went to the prompt being closed, and were lost.

``KeyGate`` keeps Textual's routing and only orders it: a key waits until the one before
it has been handled, and is then routed to the focus as it is by then. Unless nothing can
have moved: text typed into a field (``check_consume_key``) moves nothing, and a run of a
list's or the detail's own moves (``j``, ``k``, PgDn: ``keys.IN_PLACE``) follows itself
through that widget's queue, so a held j is routed as Textual routes it. (A key typed at
a person's pace finds the one before handled: its wait is a few messages' round trip.)

"Handled" is found out with barriers: a message sent behind the key to the widget it went
to, which bubbles up as the key did and so reaches the app after the key and its binding.
A second one follows, behind what that binding sent on (a prompt's ``Submitted``, a list's
``Chosen``) and what their handlers did (a form dismissed, the focus moved); a few more
while the screen still has messages in flight (Enter in the palette takes one hop more:
its list's ``OptionSelected`` closes it). When the screen waited on closes meanwhile,
the wait moves to the screen now shown (what the closing sent it, the dashboard's "go to"
after Enter in a list, comes first), and the keys go on once that screen has been drawn.
A screen whose key sets going work that closes it later (a form saving in a thread)
holds the keys typed ahead of it (``hold``) until it closes or says to go on
(``go_on``). A barrier lost any other way ends the wait after ``SAFETY`` seconds, so
that keys are never held for good. The mouse takes its turn among the keys: a click
after a key acts once that key has (its binding would otherwise move the focus away
from where the click put it); a key after a click does not wait.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from functools import cache, partial
from typing import Any

from textual import events
from textual.app import App, ScreenStackError
from textual.binding import Binding
from textual.dom import DOMNode, NoScreen
from textual.message import Message
from textual.widget import Widget

from . import keys

# Keys, pastes and the mouse: what the terminal hands over, in the order it did.
Typed = events.Key | events.Paste | events.MouseEvent


@cache
def in_place(widget: type[Widget], key: str) -> bool:
    """Whether ``widget``'s own binding for ``key`` (its class's, else the nearest base's
    that binds it, as Textual merges them) moves only within it (``keys.IN_PLACE``)."""
    for klass in widget.__mro__:
        for binding in klass.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and key in (k.strip() for k in binding.key.split(",")):
                return binding.action.partition("(")[0] in keys.IN_PLACE
    return False


class KeyBarrier(Message):
    """Sent to a widget behind the keys it was given; the app gets it once they were
    handled (it bubbles up as they do)."""

    def __init__(self, token: int) -> None:
        super().__init__()
        self.token = token


class KeyGate:
    """Routes the keys the app takes (``route``) in order, each once the one before it
    was handled (unless nothing can have moved, see above). ``deliver`` is Textual's own routing
    (``App.on_event``); the app hands each ``KeyBarrier`` to ``arrived`` and each change of
    screen to ``screen_changed``."""

    # Seconds after which keys held for a barrier that never came back go on anyway.
    SAFETY = 2.0
    # Barriers sent at most after those two while the screen waited on is still stirring.
    MORE = 4

    def __init__(self, app: App[Any], deliver: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self.deliver = deliver
        self.held: deque[Typed] = deque()
        # The widget given the last key that may not have been handled yet (any key but
        # text typed into a field), and whether it moves only within that widget.
        self.pending: Widget | None = None
        self.in_place = False
        # The wait: its token, the widget its barriers go to and how many are still to
        # come back (0: no wait); whether the screen waited on closed meanwhile, and then
        # whether the keys wait for their release (``_done``).
        self.token = 0
        self.target: DOMNode | None = None
        self.waiting = 0
        self.more = 0
        self.screen_closed = False
        self.releasing = False
        self.timer: asyncio.TimerHandle | None = None

    async def route(self, event: Typed) -> None:
        """A key, paste or mouse event the terminal handed over: routed now, or after
        those held."""
        if self.held or self.waiting or self.releasing:
            self.held.append(event)
            return
        await self._route(event)

    async def _route(self, event: Typed) -> None:
        if isinstance(event, events.MouseMove):  # a hover moves nothing a key acts on
            await self.deliver(event)
            return
        target = self._focus()
        pending = self.pending
        if pending is not None:
            # Keys that move within one widget follow each other there at once (in its
            # queue, in order); any other key waits for them, as for any other key.
            along = (
                self.in_place
                and pending is target
                and isinstance(event, events.Key)
                and in_place(type(pending), event.key)
            )
            if not along and self._alive(pending):
                self.held.appendleft(event)
                self._wait(pending)
                return
            self.pending = None
        await self.deliver(event)
        # Forwarded: it went to ``target``, rather than being taken by a priority binding
        # (which has acted already). Text typed into a field moves nothing.
        if (
            isinstance(event, events.Key)
            and event.is_forwarded
            and isinstance(target, Widget)
            and not target.check_consume_key(event.key, event.character)
        ):
            self.pending = target
            self.in_place = in_place(type(target), event.key)

    def _focus(self) -> DOMNode | None:
        """Where Textual sends a key now: the focused widget, else the screen."""
        try:
            return self.app.focused or self.app.screen
        except ScreenStackError:  # no screen yet, or any more
            return None

    def _alive(self, node: DOMNode) -> bool:
        """Whether ``node`` still handles messages, on a screen still open."""
        if not (node.is_attached and node.is_running):
            return False
        try:
            return node.screen in self.app.screen_stack
        except NoScreen:  # removed meanwhile
            return False

    def _wait(self, target: DOMNode) -> None:
        """Hold the keys until what ``target`` was given has been handled."""
        self.token += 1
        self.target = target
        self.waiting = 2
        self.more = self.MORE
        self._safety(partial(self._done, self.token))
        self._send()

    def _send(self) -> None:
        target = self.target
        if target is None or not target.post_message(KeyBarrier(self.token)):
            self.app.call_next(self._done, self.token)

    async def arrived(self, barrier: KeyBarrier) -> None:
        """A barrier is back at the app: what was before it was handled."""
        if barrier.token != self.token or not self.waiting:
            return  # from a wait already over
        target = self.target
        if target is not None and self._alive(target):
            if self.waiting > 1:
                self.waiting -= 1
                self._send()
                return
            if self.more and self._stirring(target):
                self.more -= 1
                self._send()
                return
        await self._done(self.token)

    @staticmethod
    def _stirring(target: DOMNode) -> bool:
        """Whether a widget of ``target``'s screen still has messages to handle: what the
        key set going goes on there (Enter in the palette: its input's ``Submitted``, then
        its list's ``OptionSelected``, which closes it; one hop more than two barriers).
        The queue is Textual's private ``_message_queue``: should a later Textual not have
        it, this says no, and the two barriers alone order the keys, as before."""
        for node in target.screen.walk_children(with_self=True):
            queue = getattr(node, "_message_queue", None)
            if queue is not None and not queue.empty():
                return True
        return False

    def hold(self, node: DOMNode) -> None:
        """``node`` set something going off the app's queue that closes it or not (a form
        saving in a thread): the keys typed ahead of it wait until ``go_on``, or until
        ``node``'s screen closes (then as after any closing), or ``SAFETY``. Keys typed
        once it is under way (none held now) are not held: a person sees it saving."""
        if not self.held:
            return
        self.token += 1
        self.target = node
        self.waiting = 1  # no barrier: ended by ``go_on`` or by the screen closing
        self.releasing = False
        self._safety(partial(self._done, self.token))

    def go_on(self, node: DOMNode) -> None:
        """What ``node`` set going (``hold``) ended and it stays: the keys held go to it."""
        if self.waiting and self.target is node:
            self.app.call_next(self._done, self.token)

    def screen_changed(self) -> None:
        """A screen opened or closed: called as it happens, in the task that did it (the
        screen closing itself, say), so only noted here; the app follows it up."""
        target = self.target
        if self.waiting and target is not None and not self._alive(target):
            self.screen_closed = True
            self.app.call_next(self._follow, self.token)

    async def _follow(self, token: int) -> None:
        """The screen waited on closed: what its closing set going on the screen now shown
        comes before the keys held."""
        if token != self.token or not self.waiting:
            return
        target = self._focus()
        if target is None:
            await self._done(token)
        else:
            self._wait(target)

    async def _done(self, token: int) -> None:
        """What the keys waited for was handled: they go on, after what it set going
        (``call_later``: a focus a screen asked for as it opened), or once the screen now
        shown has been drawn when the one waited on closed, as a person would have seen."""
        if token != self.token or not self.waiting:
            return
        self.waiting = 0
        self.pending = self.target = None
        self.releasing = True
        self._safety(partial(self._release, token))
        if self.screen_closed:
            self.screen_closed = False
            self.app.call_after_refresh(self.app.call_next, self._release, token)
        else:
            self.app.call_later(self._release, token)

    async def _release(self, token: int) -> None:
        if token != self.token or not self.releasing:
            return
        self.releasing = False
        self._safety(None)
        await self._next()

    def _safety(self, then: Callable[[], Awaitable[None]] | None) -> None:
        """``then`` (in the app) after ``SAFETY`` seconds, unless replaced (None: nothing).
        A plain event loop timer: one a key, where a Textual timer is a task."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if then is not None:
            loop = asyncio.get_running_loop()
            self.timer = loop.call_later(self.SAFETY, self.app.call_next, then)

    async def _next(self) -> None:
        """Route the first key held; the next one after what it set going (a screen's
        mount, ``call_next``), as when each key is a message of its own."""
        if self.held and not (self.waiting or self.releasing):
            await self._route(self.held.popleft())
            if self.held and not (self.waiting or self.releasing):
                self.app.call_next(self._next)


def gate(app: App[Any]) -> KeyGate | None:
    """The app's key gate (``FaultlineApp.keygate``), if it has one."""
    found = getattr(app, "keygate", None)
    return found if isinstance(found, KeyGate) else None
