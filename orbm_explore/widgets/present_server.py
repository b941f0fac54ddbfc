"""The kernel manager ``make present`` gives Voilà: pooled kernels that are never culled before their page connects.

Why: Voilà's pre-heated pool (``--preheat_kernel``) protects kernels *in* the
pool from jupyter_server's idle culling, but a kernel handed to a page leaves
the pool before the browser opens its websocket. Its idle clock started when
it ran the notebook, possibly minutes earlier, and it has 0 connections, so
the next cull pass shuts it down while the page is still loading its scripts:
the page hangs on "Loading widget...". (Seen as "Using pre-heated kernel",
then "Culling 'idle' kernel ... with 0 connections", then 404s.)

:class:`ClassroomKernelManager` is the base class Voilà's pool manager is
built on (``--VoilaConfiguration.multi_kernel_manager_class``). It changes
two things:

* a kernel that has never had a connection is not culled until
  ``connect_grace`` seconds after the culler first found it outside the pool
  (a page that never connects is still cleaned up, only later); once a page
  has connected, the usual rules apply (idle timeout, ``cull_connected``);
* ``max_kernels`` bounds the kernels running in all (pages and pool). A
  kernel that would go beyond it is not started: a page that needed it gets
  a clear "server is full" message (HTTP 503) instead of hanging, and a pool
  refill that hits the limit leaves the pool smaller (pages then start their
  own kernel, within the same limit, once kernels of closed pages are culled).

It also logs each kernel's life by id (started, a page connected or
disconnected, kept from culling for lack of a connection, shutting down;
Voilà adds "Using pre-heated kernel: <id>" when it hands one to a page), so
the server log says which kernel is which when more run than expected.

Nothing here touches widgets or matplotlib.
"""

from __future__ import annotations

import importlib
import time

from tornado import web
from traitlets import Float, Integer

__all__ = ["ClassroomKernelManager", "FULL_MESSAGE"]

# jupyter_server comes with voila (the notebook extra): it is what Voilà runs on, not a dependency of ours.
AsyncMappingKernelManager = importlib.import_module(
    "jupyter_server.services.kernels.kernelmanager").AsyncMappingKernelManager

# Shown as the page's heading (Voilà's error page shows the HTTP reason), so it says what to do.
FULL_MESSAGE = ("The classroom server is full ({n} kernels running, the limit is {limit}). "
                "Close a tab you no longer use and reload this page in a minute, or ask the lecturer "
                "to restart the server with a larger PRESENT_MAX_KERNELS.")


class ClassroomKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, made safe for a pre-heated Voilà pool (see the module docstring)."""

    connect_grace = Float(300.0, config=True,
                          help="Seconds a kernel that has never had a connection (handed to a page that is "
                               "still loading) is kept from idle culling.")
    max_kernels = Integer(0, config=True,
                          help="At most this many kernels in all (pages and pool); beyond it a page is refused "
                               "with a 'server is full' message (0: no limit).")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ever_connected: set[str] = set()
        self._unconnected_since: dict[str, float] = {}

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        if kernel_id not in self._ever_connected:
            self.log.info("Kernel %s: a page connected", kernel_id)
        self._ever_connected.add(kernel_id)
        self._unconnected_since.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        self.log.info("Kernel %s: a page disconnected (%d connection(s) left)", kernel_id,
                      self._kernel_connections.get(kernel_id, 0))

    async def cull_kernel_if_idle(self, kernel_id: str):
        """Cull as jupyter_server does, except a kernel whose page has not connected yet (within the grace)."""
        if kernel_id not in self._ever_connected:
            now = time.monotonic()
            first_seen = self._unconnected_since.setdefault(kernel_id, now)
            if first_seen == now:
                self.log.info("Kernel %s has had no connection: kept from culling for %g s", kernel_id,
                              self.connect_grace)
            if now - first_seen < self.connect_grace:
                return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def start_kernel(self, *args, **kwargs):
        running = len(self.list_kernel_ids())
        if self.max_kernels > 0 and running >= self.max_kernels:
            message = FULL_MESSAGE.format(n=running, limit=self.max_kernels)
            self.log.warning(message)
            raise web.HTTPError(503, message, reason=message)
        kernel_id = await super().start_kernel(*args, **kwargs)
        self.log.info("Kernel %s started (%d running)", kernel_id, len(self.list_kernel_ids()))
        return kernel_id

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        self.log.info("Kernel %s shutting down (it %s a connection)", kernel_id,
                      "had" if kernel_id in self._ever_connected else "never had")
        self._ever_connected.discard(kernel_id)
        self._unconnected_since.pop(kernel_id, None)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)
