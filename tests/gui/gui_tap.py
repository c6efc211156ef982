# SPDX-License-Identifier: GPL-3.0-or-later
"""TAP output for the GUI end-to-end tests: one line per step, the traceback of a
failed step as comments. `results` holds every step's outcome in order."""
import traceback

results = []


def tap(name, ok, detail=""):
    results.append(ok)
    print("%s %d - %s" % ("ok" if ok else "not ok", len(results), name), flush=True)
    for line in detail.splitlines():
        print("# " + line, flush=True)


def step(name):
    """Reports the decorated step as one TAP line; a failure is re-raised after it."""
    def wrap(fn):
        def run(*args):
            try:
                fn(*args)
                tap(name, True)
            except Exception:
                tap(name, False, traceback.format_exc())
                raise
        run.__name__ = fn.__name__
        return run
    return wrap


def outside_steps(detail):
    """An exception no step reported (setup, the final clean-exit check): a failed TAP line of its own."""
    if not results or all(results):
        tap("outside the steps", False, detail)


def assert_clean_exit(what, code):
    """Helper processes are stopped with SIGTERM: anything but exit 0 (a crash or leak at exit) is a bug."""
    assert code == 0, "%s exited with %s on SIGTERM (a clean quit is 0)" % (what, code)
