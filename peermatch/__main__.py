"""``python -m peermatch``, and the ``peermatch`` console script (:func:`run`)."""

import gc


def run() -> None:
    """Pause the cyclic garbage collector before the command line is even imported, then
    run it; :func:`peermatch.cli.app.end_startup` resumes the collector once the data is
    loaded (see :func:`peermatch.cli.app.main` for why)."""
    gc.disable()
    from peermatch.cli.app import main

    main(paused_since_start=True)


if __name__ == "__main__":
    run()
